"""The schema object and its export to schema/schema.graphql."""

from __future__ import annotations

import functools
from pathlib import Path

import strawberry
from graphql import lexicographic_sort_schema, print_schema
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig

from schema.errors import is_visible_error
from schema.queries import Query
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType, PerformanceRecordType
from schema.types.meetings import JointMeetingType
from schema.types.tasks import TaskEventType, TaskType
from schema.types.units import AccountType, UnitType

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")

schema = strawberry.Schema(
    query=Query,
    types=[
        AccountType,
        BankruptcyCaseType,
        EnforcementCaseType,
        JointMeetingType,
        PerformanceRecordType,
        TaskEventType,
        TaskType,
        UnitType,
    ],
    extensions=[functools.partial(MaskErrors, should_mask_error=lambda e: not is_visible_error(e))],
    config=StrawberryConfig(auto_camel_case=True),
)


def export_sdl() -> str:
    """The schema in SDL, types and fields sorted, as committed in schema/schema.graphql."""
    return print_schema(lexicographic_sort_schema(schema._schema)) + "\n"


def main() -> None:
    """``python -m schema.schema``: rewrite schema/schema.graphql (``make schema``)."""
    SCHEMA_FILE.write_text(export_sdl(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    main()
