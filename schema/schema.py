"""The schema object and its export to schema/schema.graphql."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLSchema,
    lexicographic_sort_schema,
    print_schema,
)
from strawberry.extensions import DisableIntrospection, MaskErrors, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext

from schema.errors import is_expected_error, is_visible_error
from schema.limits import QueryLimits
from schema.mutations import Mutation
from schema.queries import Query
from schema.subscriptions import Subscription
from schema.types.briefings import BriefingType
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType, PerformanceRecordType
from schema.types.meetings import JointMeetingType
from schema.types.tasks import TaskEventType, TaskType
from schema.types.units import AccountType, UnitType
from store.enums import LabelledEnum

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")


class Schema(strawberry.Schema):
    """strawberry's schema, logging only the errors nobody meant to raise.

    strawberry logs every error with its traceback; a coded error (a bad ID, a
    list over its cap) is the client's mistake, answered in its message, and a
    traceback of it would hide the real failures in the log.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [error for error in errors if not is_expected_error(error)]
        super().process_errors(unexpected, execution_context)


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[
        AccountType,
        BankruptcyCaseType,
        BriefingType,
        EnforcementCaseType,
        JointMeetingType,
        PerformanceRecordType,
        TaskEventType,
        TaskType,
        UnitType,
    ],
    extensions=[
        QueryLimits,
        # The dashboard sends the same few documents over and over: validate each
        # once. (No ParserCache: it parses without QueryLimits' max_tokens.)
        functools.partial(ValidationCache, maxsize=256),
        functools.partial(MaskErrors, should_mask_error=lambda e: not is_visible_error(e)),
    ],
    config=StrawberryConfig(auto_camel_case=True),
)


def _describe_labelled_enum_values(graphql_schema: GraphQLSchema) -> None:
    """Describe each value of a store enum by its Chinese label, e.g. "已交办 (assigned)".

    The labels live in store/enums.py (``LabelledEnum``); repeating them as
    ``strawberry.enum_value(description=...)`` would let the two drift apart.
    A value that already has a description keeps it.
    """
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLEnumType):
            continue
        definition = graphql_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        enum_class = getattr(definition, "wrapped_cls", None)
        if not (isinstance(enum_class, type) and issubclass(enum_class, LabelledEnum)):
            continue
        for value in graphql_type.values.values():
            member = enum_class(value.value)
            if value.description is None and member.label != member.value:
                value.description = f"{member.label} ({member.name.lower().replace('_', ' ')})"


_describe_labelled_enum_values(schema._schema)


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema to serve: in production, a variant that refuses introspection.

    strawberry cannot convert the same types into a second schema (its relay
    fields are rewritten in place on conversion), so the production variant is
    a shallow copy of ``schema`` sharing its GraphQL types, with one more
    extension; a view executes with the extensions of the schema it was given.
    """
    if not production:
        return schema
    variant = copy.copy(schema)
    variant.extensions = (*schema.extensions, DisableIntrospection)
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
