"""Closure progress (闭环进度): the figures of DESIGN.md §4 for a scope, as of a moment.

Every figure is read from the history of the tasks, never from the task
rows, so a figure as of a past moment does not change when later events
arrive, and a task created after the moment does not exist at it.

How it is computed — four aggregate statements, the same text on SQLite and
PostgreSQL but for the parameter placeholders:

* the history is read from ``task_state_interval`` (migration 0006): one row
  per span of a task's history — state, due date, creation, assignment and
  closing dates, responsible unit — from the event that opened it to the
  next change, kept by a database trigger on every event recorded. "Every
  task as of T" is one row per task, ``valid_from <= T < valid_to``, a range
  of one covering index, instead of a replay of the event log
  (``store.intervals`` selects those rows, within the scope, for every
  statement here);
* ``_units_statement`` counts those rows per responsible unit, state,
  warning colour and closed-on-time / ageing bucket (one integer key); the
  warning colours are the engine's rule in SQL (``store.warning_sql``): they
  compare dates with the day's cut-offs, and use ``calendar_day`` (the official
  calendar, a running count of working days per day, ``store.calendar_days``)
  only for the few not-started tasks that could be YELLOW;
* ``_trend_statement`` counts the tasks created and closed per day of the
  trend's window (Python makes weeks of the days);
* ``_handling_statement`` adds up the working days from assignment to
  closure of the closed tasks (two calendar lookups each);
* ``_enforcement_statement`` counts the enforcement cases, the performed
  ones, and the amounts due and paid;
* ``_returned_statement`` counts, per unit, the tasks it returned (退回) that
  the office has since reassigned (改派) to another unit: the ranking counts
  such a task for the new unit from then on, and as ``returned`` for the unit
  that returned it;
* ``_clocks_statement`` counts the clocks of ``workflow.clocks``: the
  ASSIGNED tasks past the 签收时限 (未按时签收) and the reviews still open
  past the office's limit; ``_reviews_statement`` the office's decisions
  (销号 or 驳回) and the working days each review took (审核用时), from the
  event log (``store.clock_sql``).

The statements do not depend on each other; ``store.reads.read_all`` runs
them side by side where the database allows (separate connections: they
describe a fixed moment, which later commits do not change). Python only
adds up their group rows (a few per unit), never a row per task.

Definitions (docs/glossary.md explains each in Chinese and English):

* the population is the scoped tasks whose first event falls in
  ``[from, to]`` (either bound optional) and at or before the moment;
* open = neither CLOSED nor CANCELLED (drafts are open);
* closure rate = closed ÷ (total − cancelled);
* on-time rate = closed tasks whose closure was requested (the request
  finally approved: the unit's clock stops there) on or before the due date
  in force when closing ÷ closed (a task without a due date cannot be late);
* review time (审核用时) = working days from a closure request to the
  office's decision on it (approved or rejected), over the decisions made by
  the moment; a review is late past ``ClockLimits.review_warn_working_days``,
  counted for the decisions and for the requests still under review;
* accepted late (未按时签收) = ASSIGNED tasks assigned more than
  ``ClockLimits.accept_within_working_days`` working days before the date;
* warnings as ``workflow.warnings.warning_for`` judges them on the moment's
  date: RED overdue, then YELLOW (not started, over ⅔ of the allotted working
  days gone), then BLUE (due within 3 working days); overdue = RED; a paused
  task (SUSPENDED, CLOSURE_REQUESTED) has no colour. A task
  whose colour depends on a year without an official calendar is counted
  apart (``unknown``, with the years), and every other task keeps its colour;
* performance rate = enforcement cases closed by full performance or a
  performed settlement ÷ the enforcement cases in scope, less those closed
  by withdrawal or whose task was cancelled; 终结执行, 不予执行 and
  终结本次执行 (never allowed for an organ) count as not performed, as do
  open cases;
* amount rate = amount performed ÷ amount due over the same cases; a payment
  counts once recorded (``created_at``) by the moment and paid by its date,
  a reversal (冲正, a negative record) likewise, and no case counts for more
  than its amount due;
* average handling time = working days from assignment (or creation, for a
  task never assigned) to closure, over the closed tasks whose dates the
  official calendar covers (the others are counted apart, never as 0);
* ageing = calendar days since assignment (or creation) of the open tasks;
* the weekly trend covers the weeks (Monday first) of ``[from, to]``, cut at
  the moment (the last 12 weeks when ``from`` is not given), counting the
  scoped tasks created and closed in each week, whenever they were created.

A rate without a denominator is ``None`` (shown as "—").
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from store.clock_sql import REJECT_ACTION, working_days
from store.enums import FINISHED_STATES, ClosureMethod, TaskState
from store.intervals import Moment, Scope, SqlParams, intervals_in_force
from store.models import Task, Unit
from store.reads import read_all
from store.visibility import EVERYTHING, NOTHING
from store.warning_sql import CODES, INTERVAL_COLUMNS, UNKNOWN, WarningSql
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.clocks import ClockLimits
from workflow.warnings import WarningWindows, missing_reason, warning_windows

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

#: Ageing buckets of open tasks, in calendar days since assignment: (label, min, max).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181+", 181, None),
)

# The units statement tests each open task's start day against each bucket's
# earliest day, newest first: that needs consecutive buckets from day 0 to the end.
assert AGE_BUCKETS[0][1] == 0
assert AGE_BUCKETS[-1][2] is None
assert all(b[1] == (a[2] or 0) + 1 for a, b in itertools.pairwise(AGE_BUCKETS))

#: Weeks in the trend when the scope gives no start.
TREND_WEEKS = 12

WARNING_COLOURS = ("RED", "YELLOW", "BLUE")

_PERFORMED = (ClosureMethod.FULL_PERFORMANCE.value, ClosureMethod.SETTLEMENT.value)


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator ÷ denominator``, or None when there is nothing to divide by."""
    return numerator / denominator if denominator > 0 else None


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
    #: 退回: tasks of the population this unit returned and the office has since
    #: reassigned (改派) to another unit; they count in the new unit's total.
    returned: int = 0

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
    #: Open tasks whose colour depends on a year without an official calendar
    #: (counted in none of ``warnings`` but RED, which needs no calendar).
    unknown: int = 0
    #: The years those may need (what :attr:`unknown_reason` names).
    missing_years: tuple[int, ...] = ()
    handling_days_total: int = 0
    handling_days_count: int = 0
    #: Closed tasks whose handling time takes in a missing year: left out of
    #: the average, never counted as 0.
    handling_days_unknown: int = 0
    enforcement_cases: int = 0
    performed_cases: int = 0
    amount_due_fen: int = 0
    amount_performed_fen: int = 0
    accepted_late: int = 0
    review_days_total: int = 0
    review_days_count: int = 0
    reviews_late: int = 0
    reviews_open_late: int = 0
    limits: ClockLimits = field(default_factory=ClockLimits)
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
    def unknown_reason(self) -> str | None:
        """Why :attr:`unknown` tasks have no colour ("2027年节假日安排尚未录入"), or None."""
        return missing_reason(self.missing_years) if self.unknown else None

    @property
    def handling_days_unknown_reason(self) -> str | None:
        """Why :attr:`handling_days_unknown` tasks are left out of the average, or None."""
        if not self.handling_days_unknown:
            return None
        return missing_reason(self.missing_years or (self.today.year,))

    @property
    def average_handling_days(self) -> float | None:
        """Mean working days from assignment to closure, over the closed tasks."""
        if self.handling_days_count == 0:
            return None
        return self.handling_days_total / self.handling_days_count

    @property
    def average_review_days(self) -> float | None:
        """审核用时: mean working days from a closure request to the office's decision."""
        if self.review_days_count == 0:
            return None
        return self.review_days_total / self.review_days_count


# --------------------------------------------------------------------------- SQL


def _quoted(values: Sequence[str]) -> str:
    """A SQL list of constants from this module (never user input)."""
    return ", ".join(f"'{value}'" for value in values)


@dataclass(frozen=True)
class _Moment(Moment):
    """The moment, the warning colours' cut-offs, and the trend's window of days."""

    warnings: WarningWindows
    trend_from: dt.date
    trend_to: dt.date
    limits: ClockLimits = field(default_factory=ClockLimits)


def _intervals(p: SqlParams, scope: Scope, visible_sql: str | None, moment: _Moment) -> str:
    """``FROM … WHERE …`` of the scoped tasks' intervals in force at the moment."""
    return intervals_in_force(p, scope, moment.as_of, visible_sql=visible_sql)


def _in_period(p: SqlParams, scope: Scope) -> str:
    """The population: tasks created within the scope's period."""
    conditions = []
    if scope.start is not None:
        conditions.append(f"i.created_on >= {p(scope.start)}")
    if scope.end is not None:
        conditions.append(f"i.created_on <= {p(scope.end)}")
    return " AND ".join(conditions) or "1 = 1"


_FINISHED = _quoted(sorted(FINISHED_STATES))


#: States in the order of their code in the units statement's group key.
_STATES = tuple(state.value for state in TaskState)
#: Warning colours in the order of their code (``store.warning_sql.CODES``).
_WARNINGS = tuple(colour.value for colour in sorted(CODES, key=CODES.__getitem__))


def _units_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """Counts per responsible unit, state, warning colour and ``x``, as one integer key.

    ``x`` is whether a closed task closed on time (1/0), or the ageing bucket
    of an open task (its index in ``AGE_BUCKETS``), or -1. The four are packed
    into one integer, ``((unit * 16 + state) * 8 + warning) * 8 + x + 1``
    (:func:`_unpack` takes it apart): grouping 50,000 rows by one integer
    costs SQLite a quarter less than by four columns, one of them text.
    """
    source = _intervals(p, scope, visible_sql, m)
    today = p(m.today)
    warning = WarningSql(p, m.warnings, INTERVAL_COLUMNS).colour()
    start_on = "COALESCE(i.assigned_on, i.created_on)"
    # The buckets are consecutive (0-30, 31-90 …): test the start day against
    # each bucket's earliest day, newest first. Dates, not differences: date
    # arithmetic is spelled per dialect.
    ages = [f"WHEN {start_on} > {today} THEN -1"]
    for index, (_, _, high) in enumerate(AGE_BUCKETS):
        if high is None:
            ages.append(f"ELSE {index}")
        else:
            ages.append(f"WHEN {start_on} >= {p(m.today - dt.timedelta(days=high))} THEN {index}")
    # Most tasks of a working system are closed or in progress: test those first.
    frequent = ("CLOSED", "IN_PROGRESS", "ACCEPTED", "ASSIGNED", "CLOSURE_REQUESTED")
    order = [*frequent, *(state for state in _STATES if state not in frequent)]
    state_code = " ".join(f"WHEN '{state}' THEN {_STATES.index(state)}" for state in order)
    return f"""
SELECT ((CAST(i.unit_id AS BIGINT) * 16 + CASE i.state {state_code} END) * 8
        + {warning}) * 8
       + CASE WHEN i.state = 'CLOSED'
                   THEN CASE WHEN i.due_on IS NULL OR i.closed_on <= i.due_on
                               OR i.requested_on <= i.due_on THEN 1 ELSE 0 END
              WHEN i.state = 'CANCELLED' THEN -1
              {" ".join(ages)}
         END + 1 AS k,
       COUNT(*) AS n
{source} AND {_in_period(p, scope)}
GROUP BY 1
"""


def _unpack(key: int) -> tuple[int, int, int, int]:
    """``(unit id, state, warning, x)`` of a key of :func:`_units_statement`.

    The state and the warning are codes: indexes into ``_STATES`` and ``_WARNINGS``.
    """
    key, x = divmod(key, 8)
    key, warning = divmod(key, 8)
    unit_id, state = divmod(key, 16)
    return unit_id, state, warning, x - 1


def _trend_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """Tasks created and closed per day of the trend's window (Python makes weeks)."""
    low, high = p(m.trend_from), p(m.trend_to)
    created = _intervals(p, scope, visible_sql, m)
    closed = _intervals(p, scope, visible_sql, m)
    return f"""
SELECT 'created' AS part, i.created_on AS day, COUNT(*) AS n
{created} AND i.created_on >= {low} AND i.created_on <= {high}
GROUP BY i.created_on
UNION ALL
SELECT 'closed', i.closed_on, COUNT(*)
{closed} AND i.state = 'CLOSED' AND i.closed_on >= {low} AND i.closed_on <= {high}
GROUP BY i.closed_on
"""


def _handling_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """Closed tasks and their working days from assignment (or creation) to closure.

    A task whose dates fall outside the official calendar's years has no
    calendar row to join: it is counted apart (``unknown``), never as 0 days
    (the engine never guesses a year).
    """
    source = _intervals(p, scope, visible_sql, m)
    return f"""
SELECT COALESCE(SUM(CASE WHEN cc.day IS NOT NULL AND cs.day IS NOT NULL THEN 1 ELSE 0 END), 0)
           AS n,
       COALESCE(SUM(cc.working_seq - cs.working_seq), 0) AS days,
       COUNT(*) AS n_all
FROM (
    SELECT i.closed_on, COALESCE(i.assigned_on, i.created_on) AS start_on
    {source} AND {_in_period(p, scope)} AND i.state = 'CLOSED'
) i
LEFT JOIN calendar_day cc ON cc.day = i.closed_on
LEFT JOIN calendar_day cs ON cs.day = i.start_on
"""


def _enforcement_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """The enforcement cases of the population: counted, performed, due and paid.

    A case is left out when all its tasks are cancelled, or closed by withdrawal;
    it is performed when a task of it is closed by full performance or a
    performed settlement. A payment counts once recorded by the moment and paid
    by its date, and no case counts for more than its amount due.
    """
    source = _intervals(p, scope, visible_sql, m)
    performed = _quoted(_PERFORMED)
    withdrawn = _quoted([ClosureMethod.WITHDRAWN.value])
    at, today = p(m.as_of), p(m.today)
    # Per case first (an int key from the covering index), then the case row.
    # The conditions on the aggregates are spelled "> 0" rather than "= 0":
    # PostgreSQL guesses 1/3 of the groups pass an inequality, 1/200 an
    # equality, and with 1/200 it would look up 20,000 cases one at a time.
    return f"""
SELECT COUNT(*) AS n,
       COALESCE(SUM(CASE WHEN x.closed > 0 AND c.closure_method IN ({performed})
                         THEN 1 ELSE 0 END), 0) AS performed,
       COALESCE(SUM(c.amount_due_fen), 0) AS due,
       COALESCE(SUM(CASE WHEN paid.amount > c.amount_due_fen THEN c.amount_due_fen
                         ELSE paid.amount END), 0) AS paid
FROM (
    SELECT i.case_id,
           MAX(CASE WHEN i.state = 'CLOSED' THEN 1 ELSE 0 END) AS closed,
           MAX(CASE WHEN i.state <> 'CANCELLED' THEN 1 ELSE 0 END) AS live,
           MAX(CASE WHEN i.state NOT IN ({_FINISHED}) THEN 1 ELSE 0 END) AS unfinished
    {source} AND {_in_period(p, scope)} AND i.kind = 'ENFORCEMENT'
    GROUP BY i.case_id
) x
JOIN "enforcement_case" c ON c.id = x.case_id
LEFT JOIN (
    SELECT r.case_id, SUM(r.amount_fen) AS amount
    FROM "performance_record" r
    WHERE r.created_at <= {at} AND r.paid_on <= {today}
    GROUP BY r.case_id
) paid ON paid.case_id = x.case_id
WHERE x.live > 0
  AND (x.unfinished > 0 OR c.closure_method IS NULL OR c.closure_method NOT IN ({withdrawn}))
"""


def _clocks_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """The clocks of ``workflow.clocks`` at the moment: 未按时签收, and the reviews open too long.

    Only the ASSIGNED and CLOSURE_REQUESTED intervals are read; the request's
    day is looked up for the second only.
    """
    source = _intervals(p, scope, visible_sql, m)
    today = p(m.today)
    accept = int(m.limits.accept_within_working_days)
    review = int(m.limits.review_warn_working_days)
    waited = working_days("x.assigned_on", today)
    reviewing = working_days("x.requested_on", today)
    return f"""
SELECT COALESCE(SUM(CASE WHEN x.state = 'ASSIGNED' AND {waited} > {accept}
                         THEN 1 ELSE 0 END), 0) AS accepted_late,
       COALESCE(SUM(CASE WHEN x.state = 'CLOSURE_REQUESTED' AND {reviewing} > {review}
                         THEN 1 ELSE 0 END), 0) AS reviews_open_late
FROM (
    SELECT i.state, i.assigned_on, i.requested_on
    {source} AND {_in_period(p, scope)} AND i.state IN ('ASSIGNED', 'CLOSURE_REQUESTED')
) x
"""


def _reviews_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """The office's decisions on closure requests by the moment, and the working days each took.

    A decision is an approval (the interval in force of a closed task: its
    request and closing days) or a rejection (a reject_closure event recorded
    by the moment, of a task of the population, and the interval it opened,
    which holds the day of the request it rejected). A decision whose days
    fall in a year without an official calendar is not counted.
    """
    approved = _intervals(p, scope, visible_sql, m)
    at = p(m.as_of)
    of_population = ""
    if visible_sql is not None or scope != Scope(as_of=scope.as_of):
        # Unscoped, every task with an event by the moment is of the population.
        population = _intervals(p, scope, visible_sql, m)
        of_population = (
            f'AND EXISTS (SELECT 1 {population} AND i.task_id = e."task_id"'
            f" AND {_in_period(p, scope)})"
        )
    review = int(m.limits.review_warn_working_days)
    days = "(cd.working_seq - cr.working_seq)"
    return f"""
SELECT COUNT(*) AS reviewed, COALESCE(SUM({days}), 0) AS review_days,
       COALESCE(SUM(CASE WHEN {days} > {review} THEN 1 ELSE 0 END), 0) AS reviews_late
FROM (
        SELECT i.requested_on, i.closed_on AS decided_on
        {approved} AND {_in_period(p, scope)} AND i.state = 'CLOSED'
        UNION ALL
        SELECT o.requested_on, e."occurred_on"
        FROM "task_event" e
        JOIN "task_state_interval" o ON o.task_id = e."task_id" AND o.seq = e."seq"
        WHERE e."action" = '{REJECT_ACTION}' AND e."occurred_at" <= {at} {of_population}
) x
JOIN calendar_day cd ON cd.day = x.decided_on
JOIN calendar_day cr ON cr.day = x.requested_on
"""


def _returned_statement(p: SqlParams, scope: Scope, visible_sql: str | None, m: _Moment) -> str:
    """Per unit, the tasks of the population it returned (退回) and that are, at the
    moment, another unit's: reassigned (改派) away.

    A RETURNED interval of unit U that ended by the moment, of a task whose
    interval in force belongs to another unit. The scope's units and region
    name the unit that returned the task, not the one it went to.
    """
    population = _intervals(p, replace(scope, unit_ids=None, region=None), visible_sql, m)
    at = p(m.as_of)
    conditions = ["r.state = 'RETURNED'", f"r.valid_to <= {at}"]
    joins = ""
    if scope.unit_ids is not None:
        ids = ", ".join(p(unit_id) for unit_id in scope.unit_ids) or "NULL"
        conditions.append(f"r.unit_id IN ({ids})")
    if scope.region is not None:
        joins = 'JOIN "unit" ru ON ru."id" = r.unit_id'
        conditions.append(f'ru."region" = {p(scope.region)}')
    return f"""
SELECT r.unit_id AS unit_id, COUNT(DISTINCT r.task_id) AS n
FROM "task_state_interval" r {joins}
WHERE {" AND ".join(conditions)}
  AND EXISTS (SELECT 1 {population} AND i.task_id = r.task_id AND i.unit_id <> r.unit_id
              AND {_in_period(p, scope)})
GROUP BY r.unit_id
"""


_STATEMENTS = (
    _units_statement,
    _trend_statement,
    _handling_statement,
    _enforcement_statement,
    _clocks_statement,
    _reviews_statement,
    _returned_statement,
)


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
    limits: ClockLimits | None = None,
) -> ProgressReport:
    """The figures of ``scope`` as of ``scope.as_of``, over the tasks ``visible`` admits.

    Args:
        scope: what to count and when.
        visible: the viewer's task scope (``store.visibility.task_scope``);
            the command line counts everything.
        limits: the 签收时限 and the office's review limit (default:
            ``workflow.clocks``' defaults; the app passes its settings').
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
    limits = limits or ClockLimits()
    report = ProgressReport(as_of=as_of, today=today, limits=limits)
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
    windows = warning_windows(today, default_calendar())
    report.missing_years = windows.missing_years
    moment = _Moment(as_of, today, windows, trend_from, trend_to, limits)
    sqlite = conn.capabilities.dialect == "sqlite"
    queries = []
    for statement in _STATEMENTS:
        params = SqlParams(sqlite)
        queries.append((statement(params, scope, visible_sql, moment), params.values))
    rows = await read_all(conn, queries)
    units_rows, trend_rows, handling_rows, enforcement_rows, clocks_rows, review_rows = rows[:6]
    units, ages = _add_units(report, units_rows)
    for row in rows[6]:
        unit_id = int(row["unit_id"])
        group = units.get(unit_id)
        if group is None:
            group = units[unit_id] = GroupProgress(key="", unit_id=unit_id)
        group.returned += int(row["n"])
    report.ageing = [
        AgeBucket(label, low, high, ages[index])
        for index, (label, low, high) in enumerate(AGE_BUCKETS)
    ]
    weeks: dict[str, dict[dt.date, int]] = {"created": {}, "closed": {}}
    for row in trend_rows:
        counts = weeks[str(row["part"])]
        week = _week(_day(row["day"]))
        counts[week] = counts.get(week, 0) + int(row["n"])
    week = trend_from
    while week <= trend_to:
        report.trend.append(
            WeekProgress(week, weeks["created"].get(week, 0), weeks["closed"].get(week, 0))
        )
        week += dt.timedelta(weeks=1)
    for row in handling_rows:
        report.handling_days_count = int(row["n"])
        report.handling_days_total = int(row["days"])
        report.handling_days_unknown = int(row["n_all"]) - int(row["n"])
    for row in enforcement_rows:
        report.enforcement_cases = int(row["n"])
        report.performed_cases = int(row["performed"])
        report.amount_due_fen = int(row["due"])
        report.amount_performed_fen = int(row["paid"])
    for row in clocks_rows:
        report.accepted_late = int(row["accepted_late"])
        report.reviews_open_late = int(row["reviews_open_late"])
    for row in review_rows:
        report.review_days_count = int(row["reviewed"])
        report.review_days_total = int(row["review_days"])
        report.reviews_late = int(row["reviews_late"])
    await _name_groups(report, units, conn)
    return report


def _add_units(
    report: ProgressReport, rows: list[Any]
) -> tuple[dict[int, GroupProgress], list[int]]:
    """Add the units statement's groups (a few dozen per unit) into ``report``.

    Returns the figures per unit and the open tasks per ageing bucket.
    """
    units: dict[int, GroupProgress] = {}
    ages = [0] * len(AGE_BUCKETS)
    states = [0] * len(_STATES)
    colours = [0] * (UNKNOWN + 1)
    closed, cancelled = _STATES.index("CLOSED"), _STATES.index("CANCELLED")
    red = _WARNINGS.index("RED")
    for row in rows:
        n = int(row["n"])
        unit_id, state, warning, x = _unpack(int(row["k"]))
        group = units.get(unit_id)
        if group is None:
            group = units[unit_id] = GroupProgress(key="", unit_id=unit_id)
        group.total += n
        states[state] += n
        colours[warning] += n
        if warning == red:
            group.overdue += n
        if state == closed:
            group.closed += n
            if x == 1:
                group.closed_on_time += n
        elif state == cancelled:
            group.cancelled += n
        elif x >= 0:
            ages[x] += n
    report.total += sum(states)
    for code, count in enumerate(states):
        if count:
            report.by_state[_STATES[code]] = report.by_state.get(_STATES[code], 0) + count
    for code, colour in enumerate(_WARNINGS):
        if colour in report.warnings:
            report.warnings[colour] += colours[code]
    report.unknown += colours[UNKNOWN]
    report.closed_on_time += sum(group.closed_on_time for group in units.values())
    return units, ages


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
        region.returned += group.returned
    report.by_unit = sorted(units.values(), key=_ranking)
    report.by_region = sorted(regions.values(), key=_ranking)


def _ranking(group: GroupProgress) -> tuple[bool, float, int, str]:
    """Highest closure rate first; no rate last; then the larger, then by key."""
    closure = group.closure_rate
    return (closure is None, -(closure or 0.0), -group.total, group.key)
