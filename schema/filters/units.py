"""Filters of the units (单位) and accounts (联络员) lists."""

from __future__ import annotations

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from schema.arguments import search, text_filter
from schema.filters.ordering import unit_id
from store import models
from store.enums import Role, UnitKind
from store.inputs import column_length

__all__ = ["AccountFilter", "UnitFilter", "filter_accounts", "filter_units"]


@strawberry.input(description="Which units to list.")
class UnitFilter:
    kind: UnitKind | None = strawberry.field(default=None, description="Only units of this kind.")
    region: str | None = strawberry.field(default=None, description="Only units of this 县区.")
    search: str | None = strawberry.field(
        default=None, description="Text within the name or code (at most 100 characters)."
    )
    active: bool | None = strawberry.field(
        default=None,
        description="true: only active units (what a picker for new work offers); false: only "
        "deactivated ones; not given: both, each marked by `active`.",
    )


@strawberry.input(description="Which accounts to list.")
class AccountFilter:
    role: Role | None = strawberry.field(default=None, description="Only accounts of this role.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only accounts of this unit."
    )
    active: bool | None = strawberry.field(default=None, description="Active or deactivated.")


def filter_units(query: QuerySet[models.Unit], spec: UnitFilter) -> QuerySet[models.Unit]:
    """Apply a UnitFilter, its texts checked first."""
    region = text_filter(
        spec.region, argument="filter.region", max_length=column_length(models.Unit, "region")
    )
    text = search(spec.search, argument="filter.search")
    if spec.kind is not None:
        query = query.filter(kind=spec.kind)
    if region is not None:
        query = query.filter(region=region)
    if text is not None:
        query = query.filter(Q(name__icontains=text) | Q(code__icontains=text))
    if spec.active is not None:
        query = query.filter(is_active=spec.active)
    return query


def filter_accounts(
    query: QuerySet[models.Account], spec: AccountFilter
) -> QuerySet[models.Account]:
    """Apply an AccountFilter."""
    if spec.role is not None:
        query = query.filter(role=spec.role)
    if (unit := unit_id(spec.unit_id, "filter.unitId")) is not None:
        query = query.filter(unit_id=unit)
    if spec.active is not None:
        query = query.filter(is_active=spec.active)
    return query
