"""Sort direction, and sorting a queryset by a column with the id as tie-break."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.ids import decode_id

__all__ = ["OrderDirection", "ordered", "unit_id"]

M = TypeVar("M", bound=Model)


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest or earliest first.")
    DESC = strawberry.enum_value("DESC", description="Largest or latest first.")


def ordered(query: QuerySet[M], field: str, direction: OrderDirection | None) -> QuerySet[M]:
    """``query`` sorted by the column ``field``, then by id, both the same way."""
    prefix = "-" if direction is OrderDirection.DESC else ""
    return query.order_by(f"{prefix}{field}", f"{prefix}id")


def unit_id(value: strawberry.ID | None, argument: str) -> int | None:
    """The row id of a filter's unit ID, if one is given."""
    return decode_id(value, expected="Unit", argument=argument) if value is not None else None
