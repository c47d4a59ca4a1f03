"""What every mutation shares: input IDs, and expected failures turned into UserErrors."""

from __future__ import annotations

import strawberry

from schema.errors import ErrorCode, UserError
from schema.ids import parse_global_id, row_id
from store.errors import StoreError, ValidationError


def input_id(value: strawberry.ID | None, *, expected: str, field: str) -> int | None:
    """The row id inside an input's global ID; a ValidationError naming ``field`` if it is not
    an ID of a ``expected``."""
    if value is None:
        return None
    global_id = parse_global_id(value)
    if global_id.type_name and global_id.type_name != expected:
        raise ValidationError(
            field, "id.type", f"is the ID of a {global_id.type_name}, not of a {expected}"
        )
    found = row_id(global_id)
    if found is None:
        raise ValidationError(field, "id.format", "is not an ID this API gave out")
    return found


def required_id(value: strawberry.ID, *, expected: str, field: str) -> int:
    row_id = input_id(value, expected=expected, field=field)
    assert row_id is not None
    return row_id


def user_errors(error: StoreError) -> list[UserError]:
    """The payload's ``errors`` for an expected failure of the store or the engine."""
    code = ErrorCode.__members__.get(error.code, ErrorCode.VALIDATION)
    field = ["input", *error.field.split(".")] if error.field else None
    return [UserError(field=field, code=code, message=error.message)]
