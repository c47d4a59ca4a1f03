"""What every mutation shares: input IDs, and expected failures turned into UserErrors."""

from __future__ import annotations

from strawberry import relay

from schema.errors import ErrorCode, UserError
from store.errors import StoreError, ValidationError


def input_id(value: relay.GlobalID | None, *, expected: str, field: str) -> int | None:
    """The row id inside an input's global ID; a ValidationError naming ``field`` if it is not
    an ID of a ``expected``."""
    if value is None:
        return None
    if value.type_name != expected or not value.node_id.isdigit():
        raise ValidationError(
            field, "id.type", f"is the ID of a {value.type_name}, not of a {expected}"
        )
    return int(value.node_id)


def required_id(value: relay.GlobalID, *, expected: str, field: str) -> int:
    row_id = input_id(value, expected=expected, field=field)
    assert row_id is not None
    return row_id


def user_errors(error: StoreError) -> list[UserError]:
    """The payload's ``errors`` for an expected failure of the store or the engine."""
    code = ErrorCode.__members__.get(error.code, ErrorCode.VALIDATION)
    field = ["input", *error.field.split(".")] if error.field else None
    return [UserError(field=field, code=code, message=error.message)]
