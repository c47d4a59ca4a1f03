"""What every mutation shares: the viewer, input IDs, idempotency keys, and expected
failures turned into UserErrors.

A resolver says what its mutation does once the viewer is known, and hands it to
:func:`mutate` (as saleor's ``BaseMutation.mutate`` wraps ``perform_mutation``)::

    async def resolve_create_thing(info: Info, input: CreateThingInput) -> CreateThingPayload:
        async def create(viewer: Account) -> CreateThingPayload:
            thing = await create_thing(...)
            return CreateThingPayload(thing=ThingType.from_model(thing), errors=[])

        return await mutate(info, CreateThingPayload, create)

A :class:`~store.errors.StoreError` raised on the way becomes the payload's
``errors``, every other field of the payload null.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.ids import parse_global_id, row_id
from schema.permissions import require_viewer
from store.errors import StoreError, ValidationError
from store.idempotency import Idempotency
from store.inputs import bounded_list
from store.models import Account
from workflow.i18n import _

IDEMPOTENCY_KEY_DESCRIPTION = (
    "Any unique string (a UUID, say), at most 128 visible characters; sending the same "
    "request again with it returns the first result instead of creating a second record. "
    "The same key with a different request is refused with DUPLICATE. Keys are your "
    "account's own."
)

T = TypeVar("T")

logger = logging.getLogger("fuyuan.graphql")

MutationInput = Annotated[T, strawberry.argument(description="What to do; see the fields.")]
"""The type of a resolver's one ``input`` argument: ``input: MutationInput[CreateTaskInput]``."""


def idempotency_key_field() -> Any:
    """The optional ``idempotencyKey`` of a creating mutation's input."""
    return strawberry.field(default=None, description=IDEMPOTENCY_KEY_DESCRIPTION)


def errors_field(description: str = "Why it was refused; empty on success.") -> Any:
    """A payload's ``errors``: the UserErrors of a refusal."""
    return strawberry.field(description=description)


def input_id(value: strawberry.ID | None, *, expected: str, field: str) -> int | None:
    """The row id inside an input's global ID; a ValidationError naming ``field`` if it is not
    an ID of a ``expected``."""
    if value is None:
        return None
    global_id = parse_global_id(value)
    if global_id.type_name and global_id.type_name != expected:
        raise ValidationError(
            field,
            "id.type",
            _(
                "is the ID of a {type_name}, not of a {expected}",
                type_name=global_id.type_name,
                expected=expected,
            ),
        )
    found = row_id(global_id)
    if found is None:
        raise ValidationError(field, "id.format", _("is not an ID this API gave out"))
    return found


def required_id(value: strawberry.ID, *, expected: str, field: str) -> int:
    row_id = input_id(value, expected=expected, field=field)
    assert row_id is not None
    return row_id


def required_ids(values: Sequence[strawberry.ID], *, expected: str, field: str) -> list[int]:
    """The row ids of a list of IDs, the list capped first (``store.inputs.bounded_list``)."""
    return [
        required_id(value, expected=expected, field=f"{field}.{index}")
        for index, value in enumerate(bounded_list(values, field=field) or [])
    ]


def idempotency(viewer: Account, input: object, operation: str) -> Idempotency | None:
    """The idempotency key of a creating mutation's ``input`` (a strawberry input with an
    ``idempotency_key`` field), fingerprinting the rest of the input."""
    request = dataclasses.asdict(input)  # type: ignore[call-overload]
    key = request.pop("idempotency_key", None)
    return Idempotency.of(key, account=viewer, operation=operation, request=request)


def user_errors(error: StoreError) -> list[UserError]:
    """The payload's ``errors`` for an expected failure of the store or the engine: one
    UserError per failure it reports (``StoreError.failures``)."""
    return [
        UserError(
            field=["input", *failure.field.split(".")] if failure.field else None,
            code=failure.code,
            message=failure.message,
        )
        for failure in error.failures()
    ]


P = TypeVar("P")


def refusal(payload: type[P], errors: list[UserError]) -> P:
    """A ``payload`` that carries ``errors`` and nothing else (its other fields null)."""
    fields: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(payload)  # type: ignore[arg-type]
    nothing = {field.name: None for field in fields if field.name != "errors"}
    make: Callable[..., P] = payload
    return make(**nothing, errors=errors)


async def answer(
    payload: type[P],
    operation: Awaitable[P],
    *,
    refused: Callable[[list[UserError]], Awaitable[P]] | None = None,
) -> P:
    """The payload ``operation`` returns, or, when it raises a StoreError, its refusal.

    ``refused`` builds the refusal when it is more than the errors (transitionTask
    shows the task as it is now); by default :func:`refusal`.
    """
    try:
        return await operation
    except StoreError as err:
        errors = user_errors(err)
    return await refused(errors) if refused is not None else refusal(payload, errors)


async def mutate(
    info: Info,
    payload: type[P],
    operation: Callable[[Account], Awaitable[P]],
    *,
    refused: Callable[[list[UserError]], Awaitable[P]] | None = None,
) -> P:
    """Run a signed-in mutation: the viewer (required), then ``operation``, then its
    payload or its refusal (see :func:`answer`)."""
    viewer = require_viewer(info)
    return await answer(payload, operation(viewer), refused=refused)
