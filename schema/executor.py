"""The executor: graphql-core's, taking a value the planner completed as it is."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLOutputType, GraphQLResolveInfo
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class Planned:
    """A field's value already completed (schema/planner.py): the JSON its selection
    asks for, every nested field included."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, returning a :class:`Planned` value as the completed value
    of its field instead of completing it field by field."""

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is Planned:
            return result.value
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )
