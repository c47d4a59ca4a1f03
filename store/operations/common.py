"""Helpers shared by the write operations: references, dates, numbering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from enum import Enum
from typing import TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from store.enums import UnitKind
from store.errors import NotFound, StoreError, ValidationError
from store.inputs import bounded_list
from store.models import Counter, Unit
from workflow.i18n import _

EARLIEST_DATE = dt.date(1990, 1, 1)
"""No record of the mechanism predates this: an earlier date is a typing error."""

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

UnitRef = Unit | int | str
"""A unit given as the row, its id, or its code."""


async def resolve_unit(
    ref: UnitRef,
    *,
    field: str,
    kinds: Collection[UnitKind] | None = None,
    active_only: bool = False,
    using_db: BaseDBAsyncClient | None = None,
) -> Unit:
    """Fetch the unit ``ref`` names, checking its kind; NotFound names ``field``.

    With ``active_only`` a deactivated unit is refused (``unit.inactive``): it
    takes no new task, case or account (:func:`check_active`).
    """
    if isinstance(ref, Unit):
        unit: Unit | None = ref
    elif isinstance(ref, int):
        unit = await Unit.get_or_none(id=ref, using_db=using_db)
    else:
        unit = await Unit.get_or_none(code=ref, using_db=using_db)
    if unit is None:
        raise NotFound(field, "unit", ref)
    check_unit_kind(unit, field=field, kinds=kinds)
    if active_only:
        check_active(unit, field=field)
    return unit


def check_unit_kind(unit: Unit, *, field: str, kinds: Collection[UnitKind] | None) -> None:
    """A ValidationError (``unit.kind``) naming ``field`` if ``unit`` is not of ``kinds``."""
    if kinds is not None and unit.kind not in kinds:
        allowed = "、".join(kind.label for kind in kinds)
        raise ValidationError(
            field,
            "unit.kind",
            _(
                "{name} is a {label}; expected a unit of kind {allowed}",
                name=unit.name,
                label=unit.kind.label,
                allowed=allowed,
            ),
        )


def check_active(unit: Unit, *, field: str) -> None:
    """Refuse a deactivated unit as the subject of new work (``unit.inactive``)."""
    if not unit.is_active:
        raise ValidationError(
            field,
            "unit.inactive",
            _(
                "{name} ({code}) is deactivated: it keeps its history but takes no new "
                "task, case or account",
                name=unit.name,
                code=unit.code,
            ),
        )


async def resolve_units(
    refs: Sequence[UnitRef],
    *,
    field: str,
    active_only: bool = False,
    using_db: BaseDBAsyncClient | None = None,
) -> list[Unit]:
    """The units ``refs`` name, in their order, read with one query.

    The list is capped first (``store.inputs.bounded_list``); a ref that names
    no unit is a NotFound naming ``field.<index>``.
    """
    wanted = bounded_list(refs, field=field) or []
    rows = [ref for ref in wanted if isinstance(ref, Unit)]
    ids = {ref for ref in wanted if isinstance(ref, int) and not isinstance(ref, bool)}
    codes = {ref for ref in wanted if isinstance(ref, str)}
    found_ids = {u.id: u for u in rows}
    found_codes = {u.code: u for u in rows}
    if ids:
        found_ids.update({u.id: u for u in await Unit.filter(id__in=ids).using_db(using_db)})
    if codes:
        found_codes.update(
            {u.code: u for u in await Unit.filter(code__in=codes).using_db(using_db)}
        )
    units = []
    for index, ref in enumerate(wanted):
        if isinstance(ref, Unit):
            unit: Unit | None = ref
        elif isinstance(ref, str):
            unit = found_codes.get(ref)
        else:
            unit = found_ids.get(ref)
        if unit is None:
            raise NotFound(f"{field}.{index}", "unit", ref)
        if active_only:
            check_active(unit, field=f"{field}.{index}")
        units.append(unit)
    return units


def check_date(
    value: dt.date | str,
    *,
    field: str,
    not_after: dt.date | None = None,
    not_before: dt.date = EARLIEST_DATE,
) -> dt.date:
    """Parse an ISO date and check it lies in [not_before, not_after]."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError as err:
            raise ValidationError(
                field,
                "date.format",
                _("{value!r} is not a date in the form 2023-05-31", value=value),
            ) from err
    if value < not_before:
        raise ValidationError(
            field,
            "date.range",
            _(
                "{isoformat} is before {isoformat2}",
                isoformat=value,
                isoformat2=not_before,
            ),
        )
    if not_after is not None and value > not_after:
        raise ValidationError(
            field,
            "date.range",
            _(
                "{isoformat} is after {isoformat2}",
                isoformat=value,
                isoformat2=not_after,
            ),
        )
    return value


async def next_number(key: str, *, using_db: BaseDBAsyncClient) -> int:
    """Take the next value of a gapless counter inside the caller's transaction.

    The increment is a single ``UPDATE … SET value = value + 1``, so two
    writers never get the same number; a rolled-back transaction returns it.
    """
    await Counter.get_or_create(key=key, defaults={"value": 0}, using_db=using_db)
    await Counter.filter(key=key).using_db(using_db).update(value=F("value") + 1)
    counter = await Counter.get(key=key, using_db=using_db)
    return int(counter.value)


async def take_numbers(key: str, count: int, *, using_db: BaseDBAsyncClient) -> int:
    """Take ``count`` consecutive values of a gapless counter at once (a ledger import's
    task codes); the first of them. As :func:`next_number`, inside the caller's
    transaction."""
    await Counter.get_or_create(key=key, defaults={"value": 0}, using_db=using_db)
    await Counter.filter(key=key).using_db(using_db).update(value=F("value") + count)
    counter = await Counter.get(key=key, using_db=using_db)
    return int(counter.value) - count + 1


class Checks:
    """Runs an operation's checks: raising the first failure (one record through the
    API), or, with ``collect``, keeping every failure to report them all (a ledger
    import's row)."""

    def __init__(self, *, collect: bool = False) -> None:
        self.collect = collect
        self.failures: list[StoreError] = []

    def __call__(self, check: Callable[[], T]) -> T | None:
        """``check()``, or None when it failed (and failures are being collected)."""
        try:
            return check()
        except StoreError as err:
            if not self.collect:
                raise
            self.failures.extend(err.failures())
            return None


def parse_enum(enum_type: type[E], value: object, *, field: str) -> E:
    """``enum_type(value)``, or a ValidationError listing the allowed values."""
    try:
        return enum_type(value)
    except ValueError as err:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise ValidationError(
            field, "enum", _("{value!r} is not one of {allowed}", value=value, allowed=allowed)
        ) from err
