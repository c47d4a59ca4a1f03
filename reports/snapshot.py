"""A briefing's figures (府院联动工作通报): read once, stored with it, never read again.

:func:`collect` reads the figures of DESIGN.md §4 (``reports.progress``) as of
the end of the period, and the overdue (RED) tasks at that moment, into a
:class:`Snapshot`: plain data, stored with the briefing as JSON
(``Briefing.statistics``). Every format (``reports.markdown_layout``,
``reports.html_layout``, ``reports.docx_layout``) is rendered from a snapshot
and the briefing's words (``reports.words``), so an issued briefing never
changes when later events arrive.

Which figures: the totals are cumulative (every task registered up to the
period's end, as of its last moment); "本期新增" counts the tasks registered
within the period and "本期办结" the closures within it (closed at the end
less closed at the start). The overdue list is the RED tasks at that moment
with the working days each is late (``workflow.calendar.default_calendar``).
The clocks of ``workflow.clocks`` (:class:`Clocks`): the office's review time
(审核用时) and the tasks not accepted within the 签收时限 (未按时签收), listed
one by one (:func:`late_acceptance_items`). Each overdue task carries the
催办 (urge) recorded on it by the moment; the units whose leaders were
summoned (约谈) on a day of the period are named (:func:`summon_items`): the
追责 end of 明责、履责、督责、追责.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from reports.progress import GroupProgress, ProgressReport, compute_progress
from store.clock_sql import working_days
from store.enums import SupervisionLevel, TaskKind
from store.intervals import Scope, SqlParams, intervals_in_force
from store.models import JointMeeting, TaskEvent, Unit
from store.warning_sql import WarningSql
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.clocks import ClockLimits
from workflow.warnings import WarningColor, missing_reason, warning_windows

__all__ = [
    "MAX_OVERDUE_LISTED",
    "Clocks",
    "Enforcement",
    "Figures",
    "GroupRow",
    "LateAcceptanceItem",
    "OverdueItem",
    "Snapshot",
    "SummonItem",
    "collect",
    "end_of_day",
    "issuer_name",
    "late_acceptance_items",
    "overdue_items",
    "summon_items",
]

MAX_OVERDUE_LISTED = 200
"""Overdue items named one by one (the most overdue first); the rest are counted.

A province may have thousands: a briefing of hundreds of pages helps no
reader, and table 1 gives every unit's overdue count anyway."""


@dataclass(frozen=True)
class Figures:
    """The closure figures of one group of tasks (all, or one kind)."""

    total: int
    open: int
    closed: int
    cancelled: int
    overdue: int
    yellow: int
    blue: int
    closed_on_time: int
    closure_rate: float | None
    on_time_rate: float | None
    average_handling_days: float | None
    #: Open tasks whose warning depends on a year without an official calendar,
    #: and why (the years): counted in none of the colours but RED.
    unknown: int = 0
    unknown_reason: str | None = None
    #: Closed tasks left out of the average handling time for the same reason.
    handling_unknown: int = 0

    @classmethod
    def of(cls, report: ProgressReport) -> Figures:
        return cls(
            total=report.total,
            open=report.open,
            closed=report.closed,
            cancelled=report.cancelled,
            overdue=report.overdue,
            yellow=report.warnings["YELLOW"],
            blue=report.warnings["BLUE"],
            closed_on_time=report.closed_on_time,
            closure_rate=report.closure_rate,
            on_time_rate=report.on_time_rate,
            average_handling_days=report.average_handling_days,
            unknown=report.unknown,
            unknown_reason=report.unknown_reason or report.handling_days_unknown_reason,
            handling_unknown=report.handling_days_unknown,
        )


@dataclass(frozen=True)
class GroupRow:
    """One row of the ranking by unit or by region."""

    key: str
    name: str
    total: int
    closed: int
    overdue: int
    closure_rate: float | None
    on_time_rate: float | None
    #: 退回: tasks the unit returned that were reassigned (改派) to another unit.
    returned: int = 0
    #: Cancelled (撤销) tasks, which the closure rate leaves out; 0 in a
    #: briefing stored before issue 18.
    cancelled: int = 0

    @classmethod
    def of(cls, group: GroupProgress) -> GroupRow:
        return cls(
            key=group.key,
            name=group.name or "（未划分县区）",
            total=group.total,
            closed=group.closed,
            overdue=group.overdue,
            closure_rate=group.closure_rate,
            on_time_rate=group.on_time_rate,
            returned=group.returned,
            cancelled=group.cancelled,
        )


@dataclass(frozen=True)
class OverdueItem:
    """A task overdue (RED) at the moment, with the working days it is late."""

    code: str
    title: str
    kind: str
    unit: str
    region: str
    due_on: str
    working_days_overdue: int | None
    supervision_level: str
    #: Why ``working_days_overdue`` is None: 2027年节假日安排尚未录入.
    working_days_unknown_reason: str | None = None
    #: 催办: the reminders the office recorded on the task by the moment.
    urge_count: int = 0


@dataclass(frozen=True)
class SummonItem:
    """A 约谈: the leader of a task's responsible unit summoned on a day of the period."""

    unit: str
    task_code: str
    summoned_on: str
    note: str


@dataclass(frozen=True)
class LateAcceptanceItem:
    """A task still ASSIGNED past the 签收时限, with the working days it has waited."""

    code: str
    title: str
    unit: str
    assigned_on: str
    working_days_waited: int


@dataclass(frozen=True)
class Clocks:
    """The clocks of ``workflow.clocks`` at the moment, with the limits they were judged by.

    A briefing stored before issue 14 has none: every count reads 0 and the
    average "—".
    """

    accept_within_working_days: int = ClockLimits().accept_within_working_days
    review_warn_working_days: int = ClockLimits().review_warn_working_days
    accepted_late: int = 0
    average_review_days: float | None = None
    reviews_late: int = 0
    reviews_open_late: int = 0


@dataclass(frozen=True)
class Enforcement:
    """涉党政机关执行案件: the cases and the money."""

    cases: int
    performed: int
    performance_rate: float | None
    amount_due_fen: int
    amount_performed_fen: int
    amount_rate: float | None


@dataclass(frozen=True)
class Snapshot:
    """Every figure a briefing shows, as stored with it (``Briefing.statistics``)."""

    period_start: str
    period_end: str
    as_of: str
    scope: str
    overall: Figures
    new_in_period: int
    closed_in_period: int
    enforcement_tasks: Figures
    enforcement: Enforcement
    bankruptcy: Figures
    meeting_decisions: Figures
    meetings_held: int
    issuer: str = ""
    overdue_total: int = 0
    by_unit: list[GroupRow] = field(default_factory=list)
    by_region: list[GroupRow] = field(default_factory=list)
    overdue: list[OverdueItem] = field(default_factory=list)
    clocks: Clocks = field(default_factory=Clocks)
    late_acceptances: list[LateAcceptanceItem] = field(default_factory=list)
    #: Briefings stored before issue 15 have none.
    summons: list[SummonItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            **{
                **data,
                "overall": Figures(**data["overall"]),
                "enforcement_tasks": Figures(**data["enforcement_tasks"]),
                "enforcement": Enforcement(**data["enforcement"]),
                "bankruptcy": Figures(**data["bankruptcy"]),
                "meeting_decisions": Figures(**data["meeting_decisions"]),
                "by_unit": [GroupRow(**row) for row in data["by_unit"]],
                "by_region": [GroupRow(**row) for row in data["by_region"]],
                "overdue": [OverdueItem(**item) for item in data["overdue"]],
                "clocks": Clocks(**data.get("clocks", {})),
                "late_acceptances": [
                    LateAcceptanceItem(**item) for item in data.get("late_acceptances", [])
                ],
                "summons": [SummonItem(**item) for item in data.get("summons", [])],
            }
        )


def end_of_day(day: dt.date) -> dt.datetime:
    """The last microsecond of ``day`` in Asia/Shanghai."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    return start - dt.timedelta(microseconds=1)


async def collect(
    period_start: dt.date,
    period_end: dt.date,
    *,
    as_of: dt.datetime | None = None,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    issuer: str = "",
    using_db: BaseDBAsyncClient | None = None,
    limits: ClockLimits | None = None,
) -> Snapshot:
    """The figures of a briefing for ``[period_start, period_end]``.

    Args:
        period_start: first day of the period.
        period_end: last day; the figures are as of its end (or ``as_of``).
        as_of: the moment (default: the end of ``period_end``, Asia/Shanghai).
        region: only the tasks of units in this 县区.
        unit_ids: only the tasks of these responsible units.
        issuer: the unit the briefing is issued in the name of.
        using_db: the connection (default: the app's).
        limits: the 签收时限 and the office's review limit (default: ``workflow.clocks``').
    """
    limits = limits or ClockLimits()
    moment = as_of or end_of_day(period_end)
    before = dt.datetime.combine(period_start, dt.time(), tzinfo=SHANGHAI)
    base = Scope(end=period_end, region=region, unit_ids=unit_ids, as_of=moment)

    async def run(scope: Scope) -> ProgressReport:
        return await compute_progress(scope, using_db=using_db, limits=limits)

    overall = await run(base)
    by_kind = {
        kind: await run(dataclasses.replace(base, kind=kind))
        for kind in (TaskKind.ENFORCEMENT, TaskKind.BANKRUPTCY_MATTER, TaskKind.MEETING_DECISION)
    }
    in_period = await run(dataclasses.replace(base, start=period_start))
    at_start = await run(
        dataclasses.replace(base, end=period_start - dt.timedelta(days=1), as_of=before)
    )
    meetings = JointMeeting.filter(held_on__gte=period_start, held_on__lte=period_end)
    if region is not None:
        meetings = meetings.filter(convener__region=region)
    meetings_held = await meetings.using_db(using_db).count() if unit_ids is None else 0
    overdue, overdue_total = await overdue_items(
        moment, region=region, unit_ids=unit_ids, limit=MAX_OVERDUE_LISTED, using_db=using_db
    )
    late_acceptances = await late_acceptance_items(
        moment,
        region=region,
        unit_ids=unit_ids,
        limits=limits,
        limit=MAX_OVERDUE_LISTED,
        using_db=using_db,
    )
    summons = await summon_items(
        period_start, period_end, moment, region=region, unit_ids=unit_ids, using_db=using_db
    )
    scope_label = "全市" if region is None and unit_ids is None else (region or "所选单位")
    return Snapshot(
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        as_of=moment.astimezone(SHANGHAI).isoformat(),
        scope=scope_label,
        overall=Figures.of(overall),
        new_in_period=in_period.total,
        closed_in_period=overall.closed - at_start.closed,
        enforcement_tasks=Figures.of(by_kind[TaskKind.ENFORCEMENT]),
        enforcement=Enforcement(
            cases=overall.enforcement_cases,
            performed=overall.performed_cases,
            performance_rate=overall.performance_rate,
            amount_due_fen=overall.amount_due_fen,
            amount_performed_fen=overall.amount_performed_fen,
            amount_rate=overall.amount_rate,
        ),
        bankruptcy=Figures.of(by_kind[TaskKind.BANKRUPTCY_MATTER]),
        meeting_decisions=Figures.of(by_kind[TaskKind.MEETING_DECISION]),
        meetings_held=meetings_held,
        issuer=issuer,
        overdue_total=overdue_total,
        by_unit=[GroupRow.of(group) for group in overall.by_unit],
        by_region=[GroupRow.of(group) for group in overall.by_region],
        overdue=overdue,
        clocks=Clocks(
            accept_within_working_days=limits.accept_within_working_days,
            review_warn_working_days=limits.review_warn_working_days,
            accepted_late=overall.accepted_late,
            average_review_days=overall.average_review_days,
            reviews_late=overall.reviews_late,
            reviews_open_late=overall.reviews_open_late,
        ),
        late_acceptances=late_acceptances,
        summons=summons,
    )


async def summon_items(
    period_start: dt.date,
    period_end: dt.date,
    moment: dt.datetime,
    *,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> list[SummonItem]:
    """The 约谈 held on a day of ``[period_start, period_end]`` and recorded by ``moment``,
    in the order they were held; the unit is the one summoned (the task's responsible
    unit then), and the scope's units and region are judged on it."""
    rows = (
        await TaskEvent.filter(action="summon", occurred_at__lte=moment.astimezone(dt.UTC))
        .using_db(using_db)
        .order_by("occurred_at", "id")
        .values_list("task__code", "payload", "comment")
    )
    held = []
    for code, payload, comment in rows:
        data = json.loads(payload) if isinstance(payload, str | bytes) else payload
        if not isinstance(data, dict):
            continue
        day = data.get("summonedOn")
        unit_id = data.get("summonedUnitId")
        if not day or unit_id is None:
            continue
        summoned_on = dt.date.fromisoformat(str(day))
        if period_start <= summoned_on <= period_end:
            held.append((summoned_on, int(unit_id), str(code), str(comment)))
    if not held:
        return []
    units = {
        unit.id: unit
        for unit in await Unit.filter(id__in={unit_id for _, unit_id, _, _ in held}).using_db(
            using_db
        )
    }
    items = []
    for summoned_on, unit_id, code, note in sorted(held, key=lambda h: (h[0], h[2])):
        unit = units.get(unit_id)
        if unit is None or (unit_ids is not None and unit_id not in unit_ids):
            continue
        if region is not None and unit.region != region:
            continue
        items.append(SummonItem(unit.name, code, summoned_on.isoformat(), note))
    return items


async def overdue_items(
    moment: dt.datetime,
    *,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    limit: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> tuple[list[OverdueItem], int]:
    """The tasks RED at ``moment`` (the first ``limit`` of them), and how many there are.

    A task is RED when, in its state interval in force at the moment
    (``store.intervals``), it is neither closed nor cancelled and its due
    date is before the moment's date (the engine's rule, ``store.warning_sql``).
    Most late first, then by code: the working days late only grow as the due
    date gets earlier, so that is the order of the due dates, and the database
    sorts and cuts the list.
    """
    conn = using_db or connections.get("default")
    p = SqlParams(conn.capabilities.dialect == "sqlite")
    today = moment.astimezone(SHANGHAI).date()
    scope = Scope(region=region, unit_ids=unit_ids)
    source = intervals_in_force(p, scope, moment, with_task=True, with_unit=True)
    calendar = default_calendar()
    red = WarningSql(p, warning_windows(today, calendar)).is_colour(WarningColor.RED)
    urged = f"""(SELECT COUNT(*) FROM "task_event" e WHERE e."task_id" = i.task_id
        AND e."action" = 'urge' AND e."occurred_at" <= {p(moment)})"""
    sql = f"""
SELECT "t"."code", "t"."title", "t"."kind", "t"."supervision_level",
       "u"."name" AS unit_name, "u"."region", i.due_on, COUNT(*) OVER () AS total,
       {urged} AS urges
{source} AND {red}
ORDER BY i.due_on, "t"."code"
{f"LIMIT {int(limit)}" if limit is not None else ""}
"""
    _, rows = await conn.execute_query(sql, p.values)
    items = []
    for row in rows:
        due_on = row["due_on"]
        due = due_on if isinstance(due_on, dt.date) else dt.date.fromisoformat(str(due_on)[:10])
        span = calendar.span(due, today)
        # a year without an official calendar: say "—" and why, do not guess
        late = None if span.missing else span.known
        reason = missing_reason(span.missing) if span.missing else None
        items.append(
            OverdueItem(
                code=str(row["code"]),
                title=str(row["title"]),
                kind=TaskKind(row["kind"]).label,
                unit=str(row["unit_name"]),
                region=str(row["region"] or ""),
                due_on=due.isoformat(),
                working_days_overdue=late,
                supervision_level=SupervisionLevel(row["supervision_level"]).label,
                working_days_unknown_reason=reason,
                urge_count=int(row["urges"] or 0),
            )
        )
    return items, int(rows[0]["total"]) if rows else 0


async def late_acceptance_items(
    moment: dt.datetime,
    *,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    limits: ClockLimits | None = None,
    limit: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> list[LateAcceptanceItem]:
    """The tasks 未按时签收 at ``moment``: still ASSIGNED past the 签收时限, longest waiting first.

    Read from the intervals in force at the moment, so a past moment's list
    does not change; working days from ``calendar_day`` (a task assigned in a
    year without an official calendar is not listed: it cannot be judged).
    """
    limits = limits or ClockLimits()
    conn = using_db or connections.get("default")
    p = SqlParams(conn.capabilities.dialect == "sqlite")
    today = moment.astimezone(SHANGHAI).date()
    scope = Scope(region=region, unit_ids=unit_ids)
    source = intervals_in_force(p, scope, moment, with_task=True, with_unit=True)
    waited = working_days("i.assigned_on", p(today))
    sql = f"""
SELECT "t"."code", "t"."title", "u"."name" AS unit_name, i.assigned_on, {waited} AS waited
{source} AND i.state = 'ASSIGNED' AND {waited} > {int(limits.accept_within_working_days)}
ORDER BY i.assigned_on, "t"."code"
{f"LIMIT {int(limit)}" if limit is not None else ""}
"""
    _, rows = await conn.execute_query(sql, p.values)
    items = []
    for row in rows:
        assigned = row["assigned_on"]
        day = (
            assigned if isinstance(assigned, dt.date) else dt.date.fromisoformat(str(assigned)[:10])
        )
        items.append(
            LateAcceptanceItem(
                code=str(row["code"]),
                title=str(row["title"]),
                unit=str(row["unit_name"]),
                assigned_on=day.isoformat(),
                working_days_waited=int(row["waited"]),
            )
        )
    return items


async def issuer_name(unit_id: int | None, using_db: BaseDBAsyncClient | None = None) -> str:
    """The unit a briefing is issued in the name of (the generating coordinator's)."""
    if unit_id is None:
        return ""
    unit = await Unit.get_or_none(id=unit_id, using_db=using_db)
    return unit.name if unit is not None else ""
