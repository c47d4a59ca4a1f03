"""Closure progress (reports/progress.py): figures worked out by hand, as-of, scoping.

The hand-built world lives in November 2026, a month without holidays, so
working days are the weekdays: Mon 2, 9, 16, 23, 30 November. The moment is
Thu 26 November 18:00 (Asia/Shanghai).

Task: unit, kind; created; assigned and due; history.

* A: 财政, OTHER; 11-02; 11-02 due 11-20; started 11-03, closed 11-13 (on time)
* B: 财政, OTHER; 11-02; 11-02 due 11-10; started 11-03, closed 11-17 (late)
* C: 财政, OTHER; 11-09; 11-09 due 11-20; started 11-10: overdue (RED)
* D: 财政, OTHER; 11-16; 11-16 due 11-30; never accepted: behind schedule (YELLOW)
* E: 人社, OTHER; 11-23; 11-23 due 12-01; started 11-24: due soon (BLUE)
* F: 人社, OTHER; 11-23; 11-23 due 12-18; cancelled 11-25
* G: 人社, OTHER; 11-24; a draft without due date
* H: 财政, ENFORCEMENT; 11-02; 11-02 due 11-27; paid 1,000,000 of 1,000,000; closed 11-09
* I: 人社, ENFORCEMENT; 11-09; 11-09 due 12-31; paid 200,000 of 600,000; in progress
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from reports.progress import Scope, compute_progress
from store.enums import TaskKind, TaskState
from store.models import Account, EnforcementCase, PerformanceRecord, Task, Unit
from store.operations.cases import (
    EnforcementCaseInput,
    create_enforcement_case,
    record_performance,
)
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import transition_task
from store.visibility import progress_scope
from tests.conftest import open_database
from tests.store.factories import World, at, world
from workflow.calendar import default_calendar
from workflow.warnings import warning_for

NOV = 11
MOMENT = at(dt.date(2026, NOV, 26), 18)
EARLIER = at(dt.date(2026, NOV, 12), 18)


def day(n: int, month: int = NOV) -> dt.date:
    return dt.date(2026, month, n)


Step = tuple[str, Account, dt.date, dict[str, Any]]


async def walk(task: Task, steps: list[Step]) -> Task:
    """Take each action on its day, an hour apart from 10:00."""
    hour = 10
    for action, actor, when, extra in steps:
        result = await transition_task(
            task.id, action, actor, expected_version=task.version, now=at(when, hour), **extra
        )
        task = result.task
        hour = hour + 1 if hour < 17 else 10
    return task


@dataclass
class Tasks:
    w: World
    by_name: dict[str, Task]
    cases: dict[str, EnforcementCase]


async def _other(w: World, name: str, unit: Unit, created: dt.date) -> Task:
    return await create_task(
        TaskInput(kind=TaskKind.OTHER, title=f"事项{name}", responsible_unit=unit),
        created_by=w.coordinator,
        at=at(created, 8),
    )


async def _case(w: World, number: int, respondent: Unit, amount: str) -> EnforcementCase:
    return await create_enforcement_case(
        EnforcementCaseInput(
            case_number=f"(2026)豫02执{number}号", court=w.court,
            applicant_name="开封市宏达建筑工程有限公司", applicant_kind="ENTERPRISE",
            respondent=respondent, basis="（2025）豫02民终3021号", cause="建设工程施工合同纠纷",
            amount_due=amount, filed_on="2026-10-15", source="PROVINCE_ASSIGNED",
        ),
        today=day(1),
    )  # fmt: skip


async def _pay(case: EnforcementCase, amount: str, paid: dt.date) -> None:
    record = await record_performance(
        case, paid_on=paid, amount=amount, method="TRANSFER", today=paid
    )
    # recorded that day (a payment counts as of the moment it was recorded)
    await PerformanceRecord.filter(id=record.id).update(created_at=at(paid, 9))


async def build() -> Tasks:
    w = await world()
    w.finance.region, w.hrss.region = "龙亭区", "鼓楼区"
    await w.finance.save()
    await w.hrss.save()
    co, fin, hr, court = w.coordinator, w.finance_liaison, w.hrss_liaison, w.court_liaison
    proof = {"evidence": ["办结材料"]}

    def opened(
        unit_liaison: Account, assigned: dt.date, due: dt.date, started: dt.date
    ) -> list[Step]:
        return [("assign", co, assigned, {"due_on": due}), ("accept", unit_liaison, started, {}),
                ("start", unit_liaison, started, {})]  # fmt: skip

    tasks: dict[str, Task] = {}
    tasks["A"] = await walk(await _other(w, "A", w.finance, day(2)), [
        *opened(fin, day(2), day(20), day(3)),
        ("request_closure", fin, day(12), proof), ("approve_closure", co, day(13), {}),
    ])  # fmt: skip
    tasks["B"] = await walk(await _other(w, "B", w.finance, day(2)), [
        *opened(fin, day(2), day(10), day(3)),
        ("request_closure", fin, day(16), proof), ("approve_closure", co, day(17), {}),
    ])  # fmt: skip
    tasks["C"] = await walk(
        await _other(w, "C", w.finance, day(9)), opened(fin, day(9), day(20), day(10))
    )
    tasks["D"] = await walk(
        await _other(w, "D", w.finance, day(16)), [("assign", co, day(16), {"due_on": day(30)})]
    )
    tasks["E"] = await walk(
        await _other(w, "E", w.hrss, day(23)), opened(hr, day(23), day(1, 12), day(24))
    )
    tasks["F"] = await walk(await _other(w, "F", w.hrss, day(23)), [
        ("assign", co, day(23), {"due_on": day(18, 12)}),
        ("cancel", co, day(25), {"comment": "重复交办"}),
    ])  # fmt: skip
    tasks["G"] = await _other(w, "G", w.hrss, day(24))
    case_h = await _case(w, 101, w.finance, "1000000.00")
    case_i = await _case(w, 102, w.hrss, "600000.00")
    h = await create_task(
        TaskInput(kind=TaskKind.ENFORCEMENT, title="督促履行H", enforcement_case=case_h),
        created_by=co, at=at(day(2), 8),
    )  # fmt: skip
    h = await walk(h, opened(fin, day(2), day(27), day(3)))
    await _pay(case_h, "1000000.00", day(5))
    tasks["H"] = await walk(h, [
        ("request_closure", fin, day(6), proof), ("confirm_performance", court, day(6), {}),
        ("approve_closure", co, day(9), {}),
    ])  # fmt: skip
    i = await create_task(
        TaskInput(kind=TaskKind.ENFORCEMENT, title="督促履行I", enforcement_case=case_i),
        created_by=co, at=at(day(9), 8),
    )  # fmt: skip
    tasks["I"] = await walk(i, opened(hr, day(9), day(31, 12), day(10)))
    await _pay(case_i, "200000.00", day(10))
    return Tasks(w, tasks, {"H": case_h, "I": case_i})


async def test_every_figure_of_the_hand_built_world(db: str) -> None:
    # given the world of the module docstring
    t = await build()
    assert {name: task.state for name, task in t.by_name.items()} == {
        "A": TaskState.CLOSED, "B": TaskState.CLOSED, "C": TaskState.IN_PROGRESS,
        "D": TaskState.ASSIGNED, "E": TaskState.IN_PROGRESS, "F": TaskState.CANCELLED,
        "G": TaskState.DRAFT, "H": TaskState.CLOSED, "I": TaskState.IN_PROGRESS,
    }  # fmt: skip

    # when the progress of November is taken as of Thursday 26 November, 18:00
    report = await compute_progress(Scope(start=day(2), end=day(30), as_of=MOMENT))

    # then: 9 tasks; closed A B H = 3, cancelled F = 1, open 9 - 3 - 1 = 5
    assert report.total == 9
    assert report.by_state == {"CLOSED": 3, "CANCELLED": 1, "IN_PROGRESS": 3, "ASSIGNED": 1,
                               "DRAFT": 1}  # fmt: skip
    assert (report.closed, report.cancelled, report.open) == (3, 1, 5)
    # 办结率 = closed ÷ (all − cancelled) = 3 ÷ (9 − 1) = 0.375
    assert report.closure_rate == pytest.approx(0.375)
    # 按期办结率: A 11-13 ≤ 11-20 yes, B 11-17 > 11-10 no, H 11-09 ≤ 11-27 yes → 2 ÷ 3
    assert report.closed_on_time == 2
    assert report.on_time_rate == pytest.approx(2 / 3)
    # warnings on 11-26: C due 11-20 passed → RED; D not started, allotted (11-16, 11-30] =
    # 10 working days, gone (11-16, 11-26] = 8, 8 × 3 = 24 > 10 × 2 = 20 → YELLOW;
    # E due 12-01, (11-26, 12-01] = 27, 30, 1 = 3 working days ≤ 3 → BLUE;
    # I due 12-31 is far; G has no due date
    assert report.warnings == {"RED": 1, "YELLOW": 1, "BLUE": 1}
    assert report.overdue == 1
    # 履行率: cases of H and I; H closed by full performance → 1 ÷ 2
    assert (report.performed_cases, report.enforcement_cases) == (1, 2)
    assert report.performance_rate == pytest.approx(0.5)
    # 执行到位率: (1,000,000 + 200,000) ÷ (1,000,000 + 600,000) = 0.75
    assert (report.amount_performed_fen, report.amount_due_fen) == (120_000_000, 160_000_000)
    assert report.amount_rate == pytest.approx(0.75)
    # handling time, working days from assignment to closure:
    # A (11-02, 11-13] = 4 + 5 = 9; B (11-02, 11-17] = 4 + 5 + 2 = 11; H (11-02, 11-09] = 4 + 1 = 5
    # average (9 + 11 + 5) ÷ 3 = 8.33…
    assert report.average_handling_days == pytest.approx(25 / 3)
    # ageing of the open tasks in calendar days since assignment (or creation):
    # C 17, D 10, E 3, G 2, I 17 → all five within 0–30
    assert [bucket.count for bucket in report.ageing] == [5, 0, 0, 0]
    # by unit: 财政 A B C D H: 5 tasks, closed 3, overdue 1, 3 ÷ 5 = 0.6, on time 2 ÷ 3;
    # 人社 E F G I: 4 tasks, cancelled 1, closed 0 → 0 ÷ (4 − 1) = 0.0, on time — (none closed)
    finance, hrss = report.by_unit
    assert (finance.key, finance.total, finance.closed, finance.overdue) == ("KF-CZJ", 5, 3, 1)
    assert finance.closure_rate == pytest.approx(0.6)
    assert finance.on_time_rate == pytest.approx(2 / 3)
    assert (hrss.key, hrss.total, hrss.closed, hrss.cancelled, hrss.overdue) == (
        "KF-RSJ", 4, 0, 1, 0,
    )  # fmt: skip
    assert hrss.closure_rate == 0.0
    assert hrss.on_time_rate is None
    # by region: each unit is alone in its 县区
    assert [(r.key, r.total, r.closed, r.overdue) for r in report.by_region] == [
        ("龙亭区", 5, 3, 1), ("鼓楼区", 4, 0, 0),
    ]  # fmt: skip
    # weekly trend of November up to the 26th: new A B H | C I | D | E F G;
    # closed H (11-09) A (11-13) | B (11-17)
    assert [(w.week_start, w.created, w.closed) for w in report.trend] == [
        (day(2), 3, 0), (day(9), 2, 2), (day(16), 1, 1), (day(23), 3, 0),
    ]  # fmt: skip


async def test_the_figures_agree_with_the_engine_on_the_demo(demo_database_url: str) -> None:
    # given the demo data, read as of now: the task rows hold the same state
    await open_database(demo_database_url)
    try:
        report = await compute_progress(Scope())
        rows = await Task.all().values_list("state", "assigned_on", "due_on")
    finally:
        await Tortoise.close_connections()
    # then the totals by state are those of the task rows
    states: dict[str, int] = {}
    colours = {"RED": 0, "YELLOW": 0, "BLUE": 0}
    for state, assigned_on, due_on in rows:
        key = str(getattr(state, "value", state))
        states[key] = states.get(key, 0) + 1
        # and every warning is the one the engine gives the task today
        colour = warning_for(key, assigned_on, due_on, report.today, default_calendar())
        if colour.value in colours:
            colours[colour.value] += 1
    assert report.by_state == states
    assert report.warnings == colours
    assert sum(colours.values()) > 0


async def test_a_past_figure_never_changes(db: str) -> None:
    # given the figures as of 11-12 18:00 and as of 11-26 18:00
    t = await build()
    before = await compute_progress(Scope(as_of=EARLIER))
    at_moment = await compute_progress(Scope(start=day(2), end=day(30), as_of=MOMENT))
    # (on the 12th: A B C H I existed; only H was closed; A had asked for closure)
    assert before.total == 5
    assert before.by_state == {"CLOSED": 1, "IN_PROGRESS": 3, "CLOSURE_REQUESTED": 1}

    # when, later, tasks are closed, cancelled, extended, paid and created
    w, tasks = t.w, t.by_name
    later = day(27)
    await walk(tasks["C"], [("request_closure", w.finance_liaison, later, {"evidence": ["材料"]}),
                            ("approve_closure", w.coordinator, later, {})])  # fmt: skip
    await walk(tasks["D"], [("cancel", w.coordinator, later, {"comment": "不再需要"})])
    await walk(tasks["E"], [("extend", w.coordinator, later, {"due_on": day(11, 12)})])
    await _pay(t.cases["I"], "400000.00", later)
    await _other(w, "J", w.finance, later)

    # then the figures as of both moments are exactly what they were
    assert await compute_progress(Scope(as_of=EARLIER)) == before
    assert await compute_progress(Scope(start=day(2), end=day(30), as_of=MOMENT)) == at_moment
    # while the figures as of now see the changes
    now = await compute_progress(Scope(start=day(2), end=day(30), as_of=at(day(27), 20)))
    assert (now.total, now.closed, now.cancelled) == (10, 4, 2)
    assert now.amount_rate == pytest.approx(1.0)


async def test_rates_without_a_denominator_are_null(db: str) -> None:
    # given the world, but a scope with no task in it (no bankruptcy matter exists)
    await build()
    report = await compute_progress(Scope(kind=TaskKind.BANKRUPTCY_MATTER, as_of=MOMENT))
    # then every count is zero and every rate is null ("—"), not 0
    assert (report.total, report.closed, report.overdue) == (0, 0, 0)
    assert report.closure_rate is None
    assert report.on_time_rate is None
    assert report.performance_rate is None
    assert report.amount_rate is None
    assert report.average_handling_days is None
    assert report.by_unit == []
    assert report.by_region == []


async def test_scopes_by_unit_region_kind_and_viewer(db: str) -> None:
    t = await build()
    w = t.w
    # a unit, a region, a kind: each narrows the count
    assert (await compute_progress(Scope(unit_ids=(w.hrss.id,), as_of=MOMENT))).total == 4
    assert (await compute_progress(Scope(region="龙亭区", as_of=MOMENT))).total == 5
    assert (await compute_progress(Scope(kind=TaskKind.ENFORCEMENT, as_of=MOMENT))).total == 2
    # the finance liaison's progress is its own unit's: A B C D H
    mine = await compute_progress(Scope(as_of=MOMENT), visible=progress_scope(w.finance_liaison))
    assert mine.total == 5
    assert [group.key for group in mine.by_unit] == ["KF-CZJ"]
    # the court liaison's is its court's cases' tasks: H and I
    court = await compute_progress(Scope(as_of=MOMENT), visible=progress_scope(w.court_liaison))
    assert court.total == 2


async def test_a_transaction_reads_its_own_writes_and_the_same_figures(db: str) -> None:
    """Outside a transaction the statements run side by side on their own connections;
    inside one they run on the transaction's connection, which alone sees its writes."""
    t = await build()
    scope = Scope(start=day(2), end=day(30), as_of=at(day(27), 20))
    apart = await compute_progress(scope)
    async with in_transaction() as conn:
        assert await compute_progress(scope, using_db=conn) == apart
        # a task created inside the transaction exists for it
        await create_task(
            TaskInput(kind=TaskKind.OTHER, title="事项K", responsible_unit=t.w.finance),
            created_by=t.w.coordinator,
            at=at(day(27), 9),
            using_db=conn,
        )
        inside = await compute_progress(scope, using_db=conn)
        assert inside.total == apart.total + 1
        assert inside.by_state["DRAFT"] == apart.by_state["DRAFT"] + 1
    assert (await compute_progress(scope)).total == apart.total + 1
