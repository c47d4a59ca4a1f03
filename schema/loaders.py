"""DataLoaders, made fresh for every request in ``get_context``.

Each loads a batch of keys with one query and answers in key order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader
from tortoise.functions import Sum

from store.models import EnforcementCase, PerformanceRecord, Unit


async def _units_by_id(keys: Sequence[int]) -> list[Unit | None]:
    rows = {unit.id: unit for unit in await Unit.filter(id__in=set(keys))}
    return [rows.get(key) for key in keys]


async def _enforcement_cases_by_id(keys: Sequence[int]) -> list[EnforcementCase | None]:
    rows = {case.id: case for case in await EnforcementCase.filter(id__in=set(keys))}
    return [rows.get(key) for key in keys]


async def _amount_performed_by_case(keys: Sequence[int]) -> list[int]:
    rows = (
        await PerformanceRecord.filter(case_id__in=set(keys))
        .annotate(total=Sum("amount_fen"))
        .group_by("case_id")
        .values_list("case_id", "total")
    )
    totals = {case_id: int(total or 0) for case_id, total in rows}
    return [totals.get(key, 0) for key in keys]


@dataclass
class Loaders:
    """The loaders of one request."""

    unit_by_id: DataLoader[int, Unit | None] = field(
        default_factory=lambda: DataLoader(load_fn=_units_by_id)
    )
    enforcement_case_by_id: DataLoader[int, EnforcementCase | None] = field(
        default_factory=lambda: DataLoader(load_fn=_enforcement_cases_by_id)
    )
    amount_performed_by_case_id: DataLoader[int, int] = field(
        default_factory=lambda: DataLoader(load_fn=_amount_performed_by_case)
    )
