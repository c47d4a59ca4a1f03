"""The task history as intervals (``task_state_interval``): which rows describe a moment.

Migration 0006 keeps the table: a trigger on every event recorded closes the
task's current interval and opens the next (``store.models.TaskStateInterval``).
Every figure "as of T" is read from it, by ``reports.progress`` (the figures
of DESIGN.md §4) and ``reports.snapshot`` (a briefing's overdue list). What
those reports add up is theirs; what a row of the table means is spelled once,
here, beside the store that keeps it:

* an interval is in force at T when it began at or before T and its end (the
  next change, or the far future while it is current) is after T — exactly
  one row per task that existed at T (:func:`in_force`);
* a :class:`Scope` narrows those rows to a kind, some responsible units or a
  县区 (:func:`intervals_in_force`);
* the SQL is the same text on SQLite and PostgreSQL but for the parameter
  placeholders, which :class:`SqlParams` numbers and spells per dialect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from store.enums import TaskKind
from workflow.clock import SHANGHAI

__all__ = ["Moment", "Scope", "SqlParams", "in_force", "intervals_in_force"]


class SqlParams:
    """Numbered parameters, spelled ``?n`` (SQLite) or ``$n`` (PostgreSQL).

    Numbered, so the SQL may use them in any order and more than once.

    ``inline=True`` spells each value as a SQL constant instead, for SQL that
    goes inside a statement tortoise numbers itself (``tortoise.expressions.RawSQL``).
    Only for values the code makes (dates, integers, state names), never for
    user input.

    Example:
        >>> p = SqlParams(sqlite=False)
        >>> f"a = {p(1)} AND b = {p(dt.date(2026, 10, 31))}"
        'a = $1 AND b = $2'
        >>> p.values
        [1, datetime.date(2026, 10, 31)]
        >>> SqlParams(sqlite=True, inline=True)(dt.date(2026, 10, 31))
        "'2026-10-31'"
    """

    def __init__(self, sqlite: bool, *, inline: bool = False) -> None:
        self.sqlite = sqlite
        self.inline = inline
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        if self.inline:
            return _constant(value)
        if self.sqlite and isinstance(value, dt.datetime):
            # SQLite compares the stored text: spell it as tortoise stores it.
            value = value.astimezone(dt.UTC).isoformat(sep=" ")
        elif self.sqlite and isinstance(value, dt.date):
            value = value.isoformat()
        self.values.append(value)
        return f"?{len(self.values)}" if self.sqlite else f"${len(self.values)}"


def _constant(value: Any) -> str:
    """``value`` as a SQL constant: an integer, or a date or text in quotes."""
    if isinstance(value, bool) or not isinstance(value, int | str | dt.date):
        raise TypeError(f"no SQL constant for {value!r}")
    if isinstance(value, dt.datetime):
        raise TypeError("a moment is compared as tortoise stores it: pass it as a parameter")
    if isinstance(value, int):
        return str(value)
    text = value.isoformat() if isinstance(value, dt.date) else value
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Scope:
    """What to count: a creation period, units, a region, a kind, and the moment.

    Attributes:
        start: count tasks created on or after this day (Asia/Shanghai).
        end: … and on or before this day.
        unit_ids: only tasks these units are responsible for.
        region: only tasks of units in this 县区.
        kind: only tasks of this kind.
        as_of: the moment the figures describe (default: now).
    """

    start: dt.date | None = None
    end: dt.date | None = None
    unit_ids: tuple[int, ...] | None = None
    region: str | None = None
    kind: TaskKind | None = None
    as_of: dt.datetime | None = None


@dataclass(frozen=True)
class Moment:
    """The moment a statement describes (UTC) and its date in Asia/Shanghai.

    The date is what due dates are compared with: a task is overdue on the
    day after its 办结时限, in Kaifeng's time.
    """

    as_of: dt.datetime
    today: dt.date

    @classmethod
    def at(cls, as_of: dt.datetime) -> Moment:
        """The moment ``as_of`` (which must carry a time zone).

        Example:
            >>> Moment.at(dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC)).today
            datetime.date(2026, 11, 1)
        """
        return cls(as_of.astimezone(dt.UTC), as_of.astimezone(SHANGHAI).date())


def in_force(p: SqlParams, moment: dt.datetime, alias: str = "i") -> list[str]:
    """The conditions on ``task_state_interval`` ``alias`` for the intervals in force
    at ``moment``: one per task that existed then (``valid_from <= T < valid_to``).

    Example:
        >>> in_force(SqlParams(sqlite=False), dt.datetime(2026, 10, 31, tzinfo=dt.UTC))
        ['i.valid_to > $1', 'i.valid_from <= $1']
    """
    at = p(moment)
    return [f"{alias}.valid_to > {at}", f"{alias}.valid_from <= {at}"]


def intervals_in_force(
    p: SqlParams,
    scope: Scope,
    moment: dt.datetime,
    *,
    visible_sql: str | None = None,
    with_task: bool = False,
    with_unit: bool = False,
) -> str:
    """``FROM … WHERE …`` of the scoped tasks' intervals (``i``) in force at ``moment``.

    The statement that follows may add ``AND …`` conditions of its own. The
    scope's kind, units and region apply; its period and ``as_of`` do not
    (the caller says which moment, and what "created in the period" means to it).

    Args:
        p: the statement's parameters.
        scope: the kind, units and region to keep.
        moment: the moment the rows describe.
        visible_sql: a ``SELECT id FROM task …`` of the tasks the viewer may see.
        with_task: join the task as ``t`` (for its code and title).
        with_unit: join the responsible unit as ``u`` even without a region
            (for its name).
    """
    conditions = in_force(p, moment)
    if visible_sql is not None:
        conditions.append(f"i.task_id IN ({visible_sql})")
    if scope.kind is not None:
        conditions.append(f"i.kind = {p(scope.kind.value)}")
    if scope.unit_ids is not None:
        ids = ", ".join(p(unit_id) for unit_id in scope.unit_ids) or "NULL"
        conditions.append(f"i.unit_id IN ({ids})")
    if scope.region is not None:
        conditions.append(f'"u"."region" = {p(scope.region)}')
    joins = []
    if with_task:
        joins.append('JOIN "task" "t" ON "t"."id" = i.task_id')
    if with_unit or scope.region is not None:
        joins.append('JOIN "unit" "u" ON "u"."id" = i.unit_id')
    return f'FROM "task_state_interval" i {" ".join(joins)} WHERE {" AND ".join(conditions)}'
