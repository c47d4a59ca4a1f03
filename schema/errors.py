"""Errors the API shows: typed user errors in payloads, coded top-level errors.

Expected failures are part of the schema (``UserError`` with a code); a bad
request (malformed cursor or ID) is a top-level GraphQL error carrying
``extensions.code``. Anything else is unexpected: masked for the client,
logged in full.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError

from store.errors import ValidationError
from workflow.errors import ErrorCode


@strawberry.type(description="Why a mutation refused its input, and where.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "caseNumber"].'
    )
    code: ErrorCode = strawberry.field(description="The kind of failure.")
    message: str = strawberry.field(description="What is wrong, in words a liaison can act on.")


class CodedError(GraphQLError):
    """A top-level error the client may read: it carries ``extensions.code``.

    The codes of a request's transport (``BAD_REQUEST``, the limits', the
    subscriptions') are the API's own; where a top-level error is one of the
    store's or the engine's kinds, its code is that :class:`ErrorCode`.
    """

    code: str = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadRequest(CodedError):
    code = "BAD_REQUEST"


class InvalidArgument(CodedError):
    """An argument of a query broke an input rule (``store.inputs``): too many IDs, a
    search too long, a control character.

    ``extensions.field`` is the argument's path (``["scope", "unitIds"]``),
    ``extensions.rule`` the rule. ``extensions.classification`` is
    ``BAD_REQUEST``, as Spring for GraphQL classifies a request whose arguments
    fail validation, so that generic clients and tools that do not know our
    codes (schemathesis, say) tell it from a server failure.
    """

    code = ErrorCode.VALIDATION

    def __init__(self, error: ValidationError) -> None:
        field = error.field.split(".") if error.field else []
        super().__init__(error.message, field=field, rule=error.rule, classification="BAD_REQUEST")
        self.error = error


class Unauthenticated(CodedError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(CodedError):
    code = ErrorCode.FORBIDDEN


def is_visible_error(error: GraphQLError) -> bool:
    """Whether the client may see the message (else MaskErrors replaces it).

    Errors raised on purpose are GraphQLErrors (ours carry a code; strawberry's
    permission errors carry the permission's code). Anything else is a bug:
    masked for the client, logged in full by strawberry.
    """
    original = error.original_error
    if original is None:
        return True  # a validation or parse error of the query itself
    return isinstance(original, GraphQLError)
