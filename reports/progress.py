"""Closure progress (闭环进度): the figures of DESIGN.md §4 for a scope, as of a moment.

Every figure is read from the event log (``task_event``), never from the
task rows, so a figure as of a past moment does not change when later events
arrive, and a task created after the moment does not exist at it.

How it is computed — one SQL statement, aggregated in the database, the same
text on SQLite and PostgreSQL but for the parameter placeholders:

1. ``scoped``: the tasks the viewer may see (``store.visibility.task_scope``,
   the scope the lists use) that fit the scope's units, region and kind.
2. ``ev``: their events up to the moment, each numbered from the latest
   (``ROW_NUMBER() OVER (PARTITION BY task_id ORDER BY seq DESC)``).
3. ``st``: one row per task that existed at the moment: the state and the due
   date after its latest event (every event records the due date after it,
   ``task_event.due_on``, and its Asia/Shanghai date, ``occurred_on``; see
   ``store.operations.tasks.append_event``), the day it was created (its first
   event), assigned (the ``assign`` event) and closed (the event into CLOSED).
4. ``f``: the per-task flags — warning colour on the moment's date, closed on
   time, handling time, age — using ``calendar_day`` (the official calendar,
   one row per day with a running count of working days, see
   ``store.calendar_days``) so that working days are a subtraction.
5. The answer is a ``UNION ALL`` of small groupings of ``f``: by responsible
   unit and state, by week created and by week closed, and one row for the
   enforcement cases. Python only adds up those group rows (a few per unit),
   never a row per task.

Definitions (docs/glossary.md explains each in Chinese and English):

* the population is the scoped tasks whose first event falls in
  ``[from, to]`` (either bound optional) and at or before the moment;
* open = neither CLOSED nor CANCELLED (drafts are open);
* closure rate = closed ÷ (total − cancelled);
* on-time rate = closed on or before the due date in force when closing ÷
  closed (a task without a due date cannot be late);
* warnings as ``workflow.warnings.warning_for`` judges them on the moment's
  date: RED overdue, then YELLOW (not started, over ⅔ of the allotted working
  days gone), then BLUE (due within 3 working days); overdue = RED. A date
  outside the official calendar's years gives no BLUE or YELLOW (the engine
  refuses to guess such a year);
* performance rate = enforcement cases closed by full performance or a
  performed settlement ÷ the enforcement cases in scope, less those
  withdrawn or whose task was cancelled; termination (终结本次执行) never
  counts as performed;
* amount rate = amount performed ÷ amount due over the same cases; a payment
  counts once recorded (``created_at``) by the moment and paid by its date,
  and no case counts for more than its amount due;
* average handling time = working days from assignment (or creation, for a
  task never assigned) to closure, over the closed tasks;
* ageing = calendar days since assignment (or creation) of the open tasks;
* the weekly trend covers the weeks (Monday first) of ``[from, to]``, cut at
  the moment (the last 12 weeks when ``from`` is not given), counting the
  scoped tasks created and closed in each week, whenever they were created.

A rate without a denominator is ``None`` (shown as "—").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from store.enums import ClosureMethod, TaskKind, TaskState
from store.models import Task, Unit
from store.visibility import EVERYTHING, NOTHING
from workflow.warnings import BLUE_WITHIN_WORKING_DAYS, NOT_STARTED_STATES, YELLOW_SHARE

__all__ = [
    "AGE_BUCKETS",
    "TREND_WEEKS",
    "AgeBucket",
    "GroupProgress",
    "ProgressReport",
    "Scope",
    "WeekProgress",
    "compute_progress",
    "rate",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Ageing buckets of open tasks, in calendar days since assignment: (label, min, max).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181+", 181, None),
)

#: Weeks in the trend when the scope gives no start.
TREND_WEEKS = 12

WARNING_COLOURS = ("RED", "YELLOW", "BLUE")

_PERFORMED = (ClosureMethod.FULL_PERFORMANCE.value, ClosureMethod.SETTLEMENT.value)


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator ÷ denominator``, or None when there is nothing to divide by."""
    return numerator / denominator if denominator > 0 else None


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


@dataclass
class GroupProgress:
    """The figures of one responsible unit or one region."""

    key: str
    unit_id: int | None = None
    name: str = ""
    total: int = 0
    closed: int = 0
    cancelled: int = 0
    overdue: int = 0
    closed_on_time: int = 0

    @property
    def open(self) -> int:
        return self.total - self.closed - self.cancelled

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed, self.total - self.cancelled)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.closed_on_time, self.closed)


@dataclass(frozen=True)
class WeekProgress:
    """Tasks created and closed in the week starting on ``week_start`` (a Monday)."""

    week_start: dt.date
    created: int
    closed: int


@dataclass(frozen=True)
class AgeBucket:
    """Open tasks whose age in calendar days is within ``[min_days, max_days]``."""

    label: str
    min_days: int
    max_days: int | None
    count: int


@dataclass
class ProgressReport:
    """Every figure of DESIGN.md §4 for one scope as of one moment."""

    as_of: dt.datetime
    today: dt.date
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    closed_on_time: int = 0
    warnings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WARNING_COLOURS, 0))
    handling_days_total: int = 0
    handling_days_count: int = 0
    enforcement_cases: int = 0
    performed_cases: int = 0
    amount_due_fen: int = 0
    amount_performed_fen: int = 0
    ageing: list[AgeBucket] = field(default_factory=list)
    by_unit: list[GroupProgress] = field(default_factory=list)
    by_region: list[GroupProgress] = field(default_factory=list)
    trend: list[WeekProgress] = field(default_factory=list)

    @property
    def closed(self) -> int:
        return self.by_state.get(TaskState.CLOSED.value, 0)

    @property
    def cancelled(self) -> int:
        return self.by_state.get(TaskState.CANCELLED.value, 0)

    @property
    def open(self) -> int:
        return self.total - self.closed - self.cancelled

    @property
    def overdue(self) -> int:
        return self.warnings["RED"]

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed, self.total - self.cancelled)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.closed_on_time, self.closed)

    @property
    def performance_rate(self) -> float | None:
        return rate(self.performed_cases, self.enforcement_cases)

    @property
    def amount_rate(self) -> float | None:
        return rate(self.amount_performed_fen, self.amount_due_fen)

    @property
    def average_handling_days(self) -> float | None:
        """Mean working days from assignment to closure, over the closed tasks."""
        if self.handling_days_count == 0:
            return None
        return self.handling_days_total / self.handling_days_count


# --------------------------------------------------------------------------- SQL


class _Params:
    """Numbered parameters, spelled ``?n`` (SQLite) or ``$n`` (PostgreSQL).

    Numbered, so the SQL may use them in any order and more than once.
    """

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        if self.sqlite and isinstance(value, dt.datetime):
            # SQLite compares the stored text: spell it as tortoise stores it.
            value = value.astimezone(dt.UTC).isoformat(sep=" ")
        elif self.sqlite and isinstance(value, dt.date):
            value = value.isoformat()
        self.values.append(value)
        return f"?{len(self.values)}" if self.sqlite else f"${len(self.values)}"


def _quoted(values: Sequence[str]) -> str:
    """A SQL list of constants from this module (never user input)."""
    return ", ".join(f"'{value}'" for value in values)


def _statement(
    p: _Params,
    scope: Scope,
    visible_sql: str | None,
    as_of: dt.datetime,
    today: dt.date,
    trend_from: dt.date,
    trend_to: dt.date,
) -> str:
    conditions = ["1 = 1"]
    if visible_sql is not None:
        conditions.append(f'"t"."id" IN ({visible_sql})')
    if scope.kind is not None:
        conditions.append(f'"t"."kind" = {p(scope.kind.value)}')
    if scope.unit_ids is not None:
        ids = ", ".join(p(unit_id) for unit_id in scope.unit_ids) or "NULL"
        conditions.append(f'"t"."responsible_unit_id" IN ({ids})')
    if scope.region is not None:
        conditions.append(f'"u"."region" = {p(scope.region)}')
    in_period = ["1 = 1"]
    if scope.start is not None:
        in_period.append(f"created_on >= {p(scope.start)}")
    if scope.end is not None:
        in_period.append(f"created_on <= {p(scope.end)}")
    moment = p(as_of)
    today_seq = f"(SELECT working_seq FROM calendar_day WHERE day = {p(today)})"
    today_p = p(today)
    numerator, denominator = YELLOW_SHARE
    not_started = _quoted(sorted(NOT_STARTED_STATES))
    finished = _quoted([TaskState.CLOSED.value, TaskState.CANCELLED.value])
    ages = []
    for index, (_, low, high) in enumerate(AGE_BUCKETS):
        # Compare dates, not differences: date arithmetic is spelled per dialect.
        latest = p(today - dt.timedelta(days=low))
        window = f"start_on <= {latest}"
        if high is not None:
            window += f" AND start_on >= {p(today - dt.timedelta(days=high))}"
        ages.append(f"SUM(CASE WHEN is_open = 1 AND {window} THEN 1 ELSE 0 END) AS age{index}")
    trend_from_p, trend_to_p = p(trend_from), p(trend_to)
    performed = _quoted(_PERFORMED)
    withdrawn = _quoted([ClosureMethod.WITHDRAWN.value])
    fill = ", ".join(f"0 AS age{index}" for index in range(len(AGE_BUCKETS)))
    return f"""
WITH scoped AS (
    SELECT "t"."id", "t"."kind", "t"."responsible_unit_id" AS unit_id,
           "t"."enforcement_case_id" AS case_id
    FROM "task" "t" JOIN "unit" "u" ON "u"."id" = "t"."responsible_unit_id"
    WHERE {" AND ".join(conditions)}
),
ev AS (
    SELECT e.task_id, e.action, e.from_state, e.to_state, e.occurred_on, e.due_on,
           ROW_NUMBER() OVER (PARTITION BY e.task_id ORDER BY e.seq DESC) AS rn
    FROM "task_event" e JOIN scoped s ON s.id = e.task_id
    WHERE e.occurred_at <= {moment} AND e.to_state IS NOT NULL
),
st AS MATERIALIZED (
    SELECT ev.task_id,
           MAX(CASE WHEN rn = 1 THEN to_state END) AS state,
           MAX(CASE WHEN rn = 1 THEN due_on END) AS due_on,
           MIN(occurred_on) AS created_on,
           MAX(CASE WHEN action = 'assign' THEN occurred_on END) AS assigned_on,
           MAX(CASE WHEN to_state = 'CLOSED'
                     AND (from_state IS NULL OR from_state <> 'CLOSED')
                    THEN occurred_on END) AS closed_on
    FROM ev GROUP BY ev.task_id
),
f AS MATERIALIZED (
    SELECT st.task_id, st.state, st.created_on, st.closed_on, s.unit_id, s.kind, s.case_id,
           COALESCE(st.assigned_on, st.created_on) AS start_on,
           CASE WHEN {" AND ".join(in_period)} THEN 1 ELSE 0 END AS in_period,
           CASE WHEN st.state IN ({finished}) THEN 0 ELSE 1 END AS is_open,
           CASE
             WHEN st.state IN ({finished}) OR st.due_on IS NULL THEN 'NONE'
             WHEN st.due_on < {today_p} THEN 'RED'
             WHEN st.state IN ({not_started}) AND st.assigned_on IS NOT NULL
                  AND st.assigned_on < st.due_on
                  AND cd.working_seq - ca.working_seq > 0
                  AND ({today_seq} - ca.working_seq) * {denominator}
                      > (cd.working_seq - ca.working_seq) * {numerator} THEN 'YELLOW'
             WHEN cd.working_seq - {today_seq} <= {BLUE_WITHIN_WORKING_DAYS} THEN 'BLUE'
             ELSE 'NONE'
           END AS warning,
           CASE WHEN st.state = 'CLOSED' AND (st.due_on IS NULL OR st.closed_on <= st.due_on)
                THEN 1 ELSE 0 END AS on_time,
           CASE WHEN st.state = 'CLOSED' THEN cc.working_seq - cs.working_seq END AS handling
    FROM st
    JOIN scoped s ON s.id = st.task_id
    LEFT JOIN calendar_day ca ON ca.day = st.assigned_on
    LEFT JOIN calendar_day cd ON cd.day = st.due_on
    LEFT JOIN calendar_day cc ON cc.day = st.closed_on
    LEFT JOIN calendar_day cs ON cs.day = COALESCE(st.assigned_on, st.created_on)
),
enforcement AS (
    SELECT c.id, c.amount_due_fen,
           MAX(CASE WHEN f.state = 'CLOSED' AND c.closure_method IN ({performed})
                    THEN 1 ELSE 0 END) AS performed,
           MIN(CASE WHEN f.state = 'CANCELLED'
                      OR (f.state = 'CLOSED' AND c.closure_method IN ({withdrawn}))
                    THEN 1 ELSE 0 END) AS excluded
    FROM f JOIN "enforcement_case" c ON c.id = f.case_id
    WHERE f.in_period = 1 AND f.kind = 'ENFORCEMENT'
    GROUP BY c.id, c.amount_due_fen
),
paid AS (
    SELECT r.case_id, SUM(r.amount_fen) AS amount
    FROM "performance_record" r JOIN enforcement x ON x.id = r.case_id
    WHERE r.created_at <= {moment} AND r.paid_on <= {today_p}
    GROUP BY r.case_id
)
SELECT 'unit' AS part, unit_id, state, warning, NULL AS week,
       COUNT(*) AS n, SUM(on_time) AS on_time,
       COALESCE(SUM(handling), 0) AS handling, COUNT(handling) AS handled,
       {", ".join(ages)}
FROM f WHERE in_period = 1
GROUP BY unit_id, state, warning
UNION ALL
SELECT 'created', NULL, NULL, NULL, c.week_start, COUNT(*), 0, 0, 0, {fill}
FROM f JOIN calendar_day c ON c.day = f.created_on
WHERE f.created_on >= {trend_from_p} AND f.created_on <= {trend_to_p}
GROUP BY c.week_start
UNION ALL
SELECT 'closed', NULL, NULL, NULL, c.week_start, COUNT(*), 0, 0, 0, {fill}
FROM f JOIN calendar_day c ON c.day = f.closed_on
WHERE f.state = 'CLOSED' AND f.closed_on >= {trend_from_p} AND f.closed_on <= {trend_to_p}
GROUP BY c.week_start
UNION ALL
SELECT 'enforcement', NULL, NULL, NULL, NULL,
       COUNT(*), SUM(x.performed), COALESCE(SUM(x.amount_due_fen), 0),
       COALESCE(SUM(CASE WHEN paid.amount > x.amount_due_fen THEN x.amount_due_fen
                         ELSE paid.amount END), 0),
       {fill}
FROM enforcement x LEFT JOIN paid ON paid.case_id = x.id
WHERE x.excluded = 0
"""


# --------------------------------------------------------------------------- API


def _day(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


async def compute_progress(
    scope: Scope,
    *,
    visible: Q = EVERYTHING,
    using_db: BaseDBAsyncClient | None = None,
) -> ProgressReport:
    """The figures of ``scope`` as of ``scope.as_of``, over the tasks ``visible`` admits.

    Args:
        scope: what to count and when.
        visible: the viewer's task scope (``store.visibility.task_scope``);
            the command line counts everything.
        using_db: the connection (default: the app's).

    Raises:
        ValueError: ``as_of`` has no time zone, or ``start`` is after ``end``.
    """
    as_of = scope.as_of if scope.as_of is not None else dt.datetime.now(dt.UTC)
    if as_of.tzinfo is None:
        raise ValueError("asOf needs a time zone")
    if scope.start is not None and scope.end is not None and scope.start > scope.end:
        raise ValueError("the period's start is after its end")
    as_of = as_of.astimezone(dt.UTC)
    today = as_of.astimezone(SHANGHAI).date()
    report = ProgressReport(as_of=as_of, today=today)
    trend_to = min(scope.end, today) if scope.end is not None else today
    trend_from = (
        _week(scope.start)
        if scope.start is not None
        else _week(trend_to) - dt.timedelta(weeks=TREND_WEEKS - 1)
    )
    if visible is NOTHING or trend_from > trend_to:
        report.ageing = [AgeBucket(label, low, high, 0) for label, low, high in AGE_BUCKETS]
        return report
    conn = using_db or connections.get("default")
    visible_sql = None
    if visible is not EVERYTHING:
        # The scope holds only unit ids and constants, never user input, so
        # inlining its parameters is safe; the user's filters are parameters.
        visible_sql = Task.filter(visible).using_db(conn).values("id").sql(params_inline=True)
    params = _Params(conn.capabilities.dialect == "sqlite")
    sql = _statement(params, scope, visible_sql, as_of, today, trend_from, trend_to)
    _, rows = await conn.execute_query(sql, params.values)
    units: dict[int, GroupProgress] = {}
    ages = [0] * len(AGE_BUCKETS)
    created: dict[dt.date, int] = {}
    closed: dict[dt.date, int] = {}
    for row in rows:
        part = row["part"]
        if part == "unit":
            _add_unit_row(report, units, row, ages)
        elif part == "created":
            created[_day(row["week"])] = int(row["n"])
        elif part == "closed":
            closed[_day(row["week"])] = int(row["n"])
        else:
            report.enforcement_cases = int(row["n"])
            report.performed_cases = int(row["on_time"] or 0)
            report.amount_due_fen = int(row["handling"])
            report.amount_performed_fen = int(row["handled"])
    report.ageing = [
        AgeBucket(label, low, high, ages[index])
        for index, (label, low, high) in enumerate(AGE_BUCKETS)
    ]
    week = trend_from
    while week <= trend_to:
        report.trend.append(WeekProgress(week, created.get(week, 0), closed.get(week, 0)))
        week += dt.timedelta(weeks=1)
    await _name_groups(report, units, conn)
    return report


def _add_unit_row(
    report: ProgressReport, units: dict[int, GroupProgress], row: Any, ages: list[int]
) -> None:
    n = int(row["n"])
    state = str(row["state"])
    unit_id = int(row["unit_id"])
    group = units.setdefault(unit_id, GroupProgress(key="", unit_id=unit_id))
    on_time = int(row["on_time"] or 0)
    report.total += n
    report.by_state[state] = report.by_state.get(state, 0) + n
    report.closed_on_time += on_time
    warning = str(row["warning"])
    if warning in report.warnings:
        report.warnings[warning] += n
    report.handling_days_total += int(row["handling"] or 0)
    report.handling_days_count += int(row["handled"] or 0)
    for index in range(len(AGE_BUCKETS)):
        ages[index] += int(row[f"age{index}"] or 0)
    group.total += n
    group.closed_on_time += on_time
    if state == TaskState.CLOSED.value:
        group.closed += n
    elif state == TaskState.CANCELLED.value:
        group.cancelled += n
    if warning == "RED":
        group.overdue += n


async def _name_groups(
    report: ProgressReport, units: dict[int, GroupProgress], conn: BaseDBAsyncClient
) -> None:
    """Name the units, add them up by region, and rank both lists."""
    rows = (
        await Unit.filter(id__in=list(units)).using_db(conn).values("id", "code", "name", "region")
    )
    regions: dict[str, GroupProgress] = {}
    for row in rows:
        group = units[row["id"]]
        group.key, group.name = row["code"], row["name"]
        region_name = row["region"] or ""
        region = regions.setdefault(region_name, GroupProgress(key=region_name, name=region_name))
        region.total += group.total
        region.closed += group.closed
        region.cancelled += group.cancelled
        region.overdue += group.overdue
        region.closed_on_time += group.closed_on_time
    report.by_unit = sorted(units.values(), key=_ranking)
    report.by_region = sorted(regions.values(), key=_ranking)


def _ranking(group: GroupProgress) -> tuple[bool, float, int, str]:
    """Highest closure rate first; no rate last; then the larger, then by key."""
    closure = group.closure_rate
    return (closure is None, -(closure or 0.0), -group.total, group.key)
