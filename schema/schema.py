"""The schema object and its export to schema/schema.graphql."""

from __future__ import annotations

import copy
import functools
import logging
from pathlib import Path

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLSchema,
    lexicographic_sort_schema,
    print_schema,
)
from strawberry.extensions import DisableIntrospection, MaskErrors
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from schema.core_messages import TranslateErrors
from schema.errors import is_visible_error
from schema.executor import PlannedExecutor
from schema.limits import QueryLimits
from schema.mutations import Mutation
from schema.queries import Query
from schema.subscriptions import Subscription
from schema.types.briefings import BriefingType
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType, PerformanceRecordType
from schema.types.meetings import JointMeetingType
from schema.types.notifications import DeliveryType, NotificationType
from schema.types.tasks import TaskEventType, TaskType
from schema.types.units import AccountType, UnitType
from schema.validation import CachedParsing, CachedValidation, QuietExecutor
from workflow.errors import ErrorCode
from workflow.i18n import english
from workflow.labels import LabelledEnum

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")

logger = logging.getLogger("fuyuan.graphql")


class Schema(strawberry.Schema):
    """strawberry's schema, logging the client's mistakes in one line and bugs in full.

    strawberry logs every error at ERROR with its original error's traceback —
    a misspelt field or a wrong enum value in the variables too. An error the
    client may see (``schema.errors.is_visible_error``: a parse or validation
    error, a coded refusal) is the request's fault and gets one INFO line; an
    unexpected one (masked for the client) keeps strawberry's full report.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_visible_error(error):
                code = (error.extensions or {}).get("code", "INVALID")
                where = ".".join(map(str, error.path)) if error.path else "request"
                original = error.original_error
                message = original.message if isinstance(original, GraphQLError) else error.message
                logger.info("%s %s: %s", code, where, english(message))
            else:
                StrawberryLogger.error(error, execution_context)


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[
        AccountType,
        BankruptcyCaseType,
        BriefingType,
        DeliveryType,
        EnforcementCaseType,
        JointMeetingType,
        NotificationType,
        PerformanceRecordType,
        TaskEventType,
        TaskType,
        UnitType,
    ],
    extensions=[
        # Limits first: a document over one is refused before graphql-core's
        # rules see it (and it sets the parser's max_tokens). Then parsing and
        # validation, once per document (not strawberry's ParserCache: it keeps
        # every text, passwords of login mutations included, and parses without
        # QueryLimits' max_tokens).
        QueryLimits,
        CachedParsing,
        CachedValidation,
        functools.partial(MaskErrors, should_mask_error=lambda e: not is_visible_error(e)),
        # graphql-core's own messages in the request's language (our own are made so).
        TranslateErrors,
    ],
    config=StrawberryConfig(auto_camel_case=True),
    execution_context_class=PlannedExecutor,
)


def _describe_labelled_enum_values(graphql_schema: GraphQLSchema) -> None:
    """Describe each value of a store enum by its Chinese label, e.g. "已交办 (assigned)".

    The labels live in store/enums.py (``LabelledEnum``); repeating them as
    ``strawberry.enum_value(description=...)`` would let the two drift apart.
    A value that already has a description keeps it. The engine's ``ErrorCode``
    carries its own sentences (``ErrorCode.description``) for the same reason.
    """
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLEnumType):
            continue
        definition = graphql_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        enum_class = getattr(definition, "wrapped_cls", None)
        if enum_class is ErrorCode:
            for name, value in graphql_type.values.items():
                value.description = value.description or ErrorCode[name].description
            continue
        if not (isinstance(enum_class, type) and issubclass(enum_class, LabelledEnum)):
            continue
        for value in graphql_type.values.values():
            member = enum_class(value.value)
            if value.description is None and member.label != member.value:
                value.description = f"{member.label} ({member.name.lower().replace('_', ' ')})"


_describe_labelled_enum_values(schema._schema)


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema to serve: in production, a variant that refuses introspection and hints.

    strawberry cannot convert the same types into a second schema (its relay
    fields are rewritten in place on conversion), so the production variant is
    a shallow copy of ``schema`` sharing its GraphQL types, with its own
    extensions and executor; a view executes with those of the schema it was
    given. Without introspection an error's "Did you mean 'tasks'?" would spell
    the schema out to whoever guesses, so production validates and coerces
    variables with graphql-core's ``hide_suggestions``.
    """
    if not production:
        return schema
    variant = copy.copy(schema)
    variant.extensions = (
        *(
            functools.partial(CachedValidation, hide_suggestions=True)
            if extension is CachedValidation
            else extension
            for extension in schema.extensions
        ),
        DisableIntrospection,
    )
    variant.execution_context_class = QuietExecutor
    return variant


def export_sdl() -> str:
    """The schema in SDL, types and fields sorted, as committed in schema/schema.graphql."""
    return print_schema(lexicographic_sort_schema(schema._schema)) + "\n"


def main() -> None:
    """``python -m schema.schema``: rewrite schema/schema.graphql (``make schema``)."""
    SCHEMA_FILE.write_text(export_sdl(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    main()
