"""Clocks that pause (issue 14), worked by hand across 国庆 2026, on both databases.

The official calendar of 2026 around 国庆 (checked against the package the
calendar is seeded from): 中秋 Fri 09-25 off, Sun 09-20 worked; 国庆 Thu 10-01
to Wed 10-07 off, Sat 10-10 worked. So the working days from 09-28 on are:

    Mon 09-28, Tue 09-29, Wed 09-30, | 10-01 … 10-07 off |, Thu 10-08, Fri 10-09,
    Sat 10-10 (调休), Mon 10-12, Tue 10-13, Wed 10-14, Thu 10-15, Fri 10-16,
    Mon 10-19, Tue 10-20 …

Working days are counted ``(a, b]`` (``WorkingCalendar.working_days_between``).

* A — suspend/resume: assigned 09-21 due Wed 09-30, started 09-22, 中止 Mon
  09-28, 恢复 Fri 10-09. Suspended (09-28, 10-09] = 09-29, 09-30, 10-08, 10-09
  = 4 working days; due 09-30 + 4 = 10-08, 10-09, 10-10, 10-12 → Mon 10-12.
  While suspended (10-08, past 09-30) it is not RED and the sweep skips it.
* B — closure request/reject/approve: assigned 09-21 due Fri 10-09; 申请销号
  Tue 09-29; 驳回 Fri 10-09 after (09-29, 10-09] = 09-30, 10-08, 10-09 = 3
  working days of review, given back: due 10-09 + 3 = 10-10, 10-12, 10-13 →
  Tue 10-13. Asked again Tue 10-13 (its due date), approved Tue 10-20 after
  (10-13, 10-20] = 10-14, 10-15, 10-16, 10-19, 10-20 = 5 working days: closed
  after its due date but 按期, judged on the request.
* C — a slow review: assigned 09-21 due 10-30, started 09-22; asked Mon
  10-12, approved Tue 10-20 after (10-12, 10-20] = 6 working days > 5: late.
  On 10-19 the open review had taken (10-12, 10-19] = 5 (not late yet); on
  10-20 before the approval, 6 (late).
* D — late acceptance: assigned Tue 09-29, due 10-30. Unanswered on 10-08
  after (09-29, 10-08] = 09-30, 10-08 = 2 working days (within the 签收时限
  of 2); on 10-09, 3: 未按时签收. Accepted Mon 10-12.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reports.markdown_layout import render_markdown
from reports.progress import Scope, compute_progress
from reports.snapshot import Snapshot, collect
from reports.words import BriefingText
from store.errors import WorkflowRefusal
from store.models import Account, Task, TaskEvent
from store.operations.sweep import sweep
from store.operations.transitions import transition_task
from tests.store.factories import World, at, other_task, world
from workflow.calendar import WorkingCalendar, default_calendar, install_calendar
from workflow.clocks import ClockLimits

Step = tuple[str, Account, dt.date, int, dict[str, Any]]
PROOF = {"evidence": ["办结材料"]}


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


async def walk(task: Task, steps: list[Step]) -> Task:
    """Take each action on its day at its hour (Asia/Shanghai)."""
    for action, actor, when, hour, extra in steps:
        result = await transition_task(
            task.id, action, actor, expected_version=task.version, now=at(when, hour), **extra
        )
        task = result.task
    return task


async def progress(when: dt.datetime, limits: ClockLimits | None = None) -> Any:
    return await compute_progress(Scope(as_of=when), limits=limits)


def opened(w: World, assigned: dt.date, due: dt.date, started: dt.date) -> list[Step]:
    fin = w.finance_liaison
    return [
        ("assign", w.coordinator, assigned, 9, {"due_on": due}),
        ("accept", fin, started, 9, {}),
        ("start", fin, started, 10, {}),
    ]


def test_the_calendar_is_the_one_the_comments_count_on() -> None:
    calendar = default_calendar()
    days_off = [d(9, 25), *(d(10, n) for n in range(1, 8))]
    assert not any(calendar.is_working_day(day) for day in days_off)
    assert calendar.is_working_day(d(9, 20))
    assert calendar.is_working_day(d(10, 10))
    assert calendar.working_days_between(d(9, 28), d(10, 9)) == 4


async def test_suspension_pauses_the_deadline_and_resume_moves_it(db: str) -> None:
    w = await world()
    co = w.coordinator
    a = await other_task(w, "A", created=at(d(9, 21), 8))
    a = await walk(a, opened(w, d(9, 21), d(9, 30), d(9, 22)))
    a = await walk(a, [("suspend", co, d(9, 28), 15, {"comment": "等待审计结论"})])

    # 10-08: the original due date 09-30 is past, but the clock is stopped.
    during = await progress(at(d(10, 8), 18))
    assert during.overdue == 0
    assert during.by_state["SUSPENDED"] == 1
    assert await sweep(today=d(10, 8), now=at(d(10, 8), 20)) == []

    a = await walk(a, [("resume", co, d(10, 9), 9, {})])
    assert a.due_on == d(10, 12)
    event = await TaskEvent.filter(task_id=a.id, action="resume").get()
    assert event.payload == {
        "pausedSince": "2026-09-28",
        "pausedWorkingDays": 4,
        "previousDueOn": "2026-09-30",
        "dueOn": "2026-10-12",
    }
    assert event.due_on == d(10, 12)
    assert (await progress(at(d(10, 12), 18))).overdue == 0  # due today: not late yet
    assert (await progress(at(d(10, 13), 18))).overdue == 1
    # A past moment keeps its figures: still suspended, still not RED on 10-08.
    assert (await progress(at(d(10, 8), 18))).overdue == 0
    assert (await progress(at(d(10, 8), 18))).by_state["SUSPENDED"] == 1


async def test_a_closure_request_stops_the_unit_clock_and_the_review_is_timed(db: str) -> None:
    w = await world()
    co, fin = w.coordinator, w.finance_liaison
    b = await other_task(w, "B", created=at(d(9, 21), 8))
    b = await walk(b, opened(w, d(9, 21), d(10, 9), d(9, 22)))
    b = await walk(b, [("request_closure", fin, d(9, 29), 10, PROOF)])
    c = await other_task(w, "C", created=at(d(9, 21), 8))
    c = await walk(c, opened(w, d(9, 21), d(10, 30), d(9, 22)))

    b = await walk(b, [("reject_closure", co, d(10, 9), 16, {"comment": "材料不全"})])
    assert b.due_on == d(10, 13)  # 10-09 + the 3 working days of review
    rejected = await TaskEvent.filter(task_id=b.id, action="reject_closure").get()
    assert rejected.payload["pausedWorkingDays"] == 3
    assert rejected.payload["previousDueOn"] == "2026-10-09"
    assert rejected.payload["dueOn"] == "2026-10-13"

    b = await walk(b, [("request_closure", fin, d(10, 13), 17, PROOF)])
    c = await walk(c, [("request_closure", fin, d(10, 12), 10, PROOF)])

    # 10-16: B waits on the office past its due date 10-13, and is not RED.
    waiting = await progress(at(d(10, 16), 18))
    assert waiting.overdue == 0
    assert await sweep(today=d(10, 16), now=at(d(10, 16), 20)) == []

    # C's open review: 5 working days on 10-19, 6 on the morning of 10-20.
    assert (await progress(at(d(10, 19), 18))).reviews_open_late == 0
    assert (await progress(at(d(10, 20), 8))).reviews_open_late == 1
    assert (
        await progress(at(d(10, 20), 8), ClockLimits(review_warn_working_days=6))
    ).reviews_open_late == 0

    b = await walk(b, [("approve_closure", co, d(10, 20), 10, {})])
    c = await walk(c, [("approve_closure", co, d(10, 20), 11, {})])
    done = await progress(at(d(10, 21), 18))
    assert done.closed == 2
    assert done.closed_on_time == 2  # B closed 10-20 after its due 10-13, asked on 10-13
    # 审核用时 over the office's decisions: B rejected after 3, B approved after 5,
    # C approved after 6 working days.
    assert done.review_days_count == 3
    assert done.review_days_total == 3 + 5 + 6
    assert done.average_review_days == 14 / 3
    assert done.reviews_late == 1  # C: 6 > 5
    assert done.reviews_open_late == 0
    # As of 10-19 nothing had closed yet and only B's rejection was decided; it stays so.
    before = await progress(at(d(10, 19), 18))
    assert before.closed == 0
    assert (before.review_days_count, before.review_days_total) == (1, 3)
    # Scoped to a unit, the decisions on its own tasks only.
    finance = await compute_progress(Scope(unit_ids=(w.finance.id,), as_of=at(d(10, 21), 18)))
    hrss = await compute_progress(Scope(unit_ids=(w.hrss.id,), as_of=at(d(10, 21), 18)))
    assert (finance.review_days_count, finance.review_days_total) == (3, 14)
    assert (hrss.review_days_count, hrss.reviews_late) == (0, 0)
    created_later = await compute_progress(Scope(start=d(9, 22), as_of=at(d(10, 21), 18)))
    assert created_later.review_days_count == 0  # B and C were created on 09-21


async def test_an_assignment_unanswered_past_the_time_limit_is_accepted_late(db: str) -> None:
    w = await world()
    co, fin = w.coordinator, w.finance_liaison
    task = await other_task(w, "D", created=at(d(9, 29), 8))
    task = await walk(task, [("assign", co, d(9, 29), 9, {"due_on": d(10, 30)})])
    assert (await progress(at(d(9, 30), 18))).accepted_late == 0  # 1 working day
    assert (await progress(at(d(10, 8), 18))).accepted_late == 0  # 2: within the limit
    assert (await progress(at(d(10, 9), 18))).accepted_late == 1  # 3: 未按时签收
    assert (
        await progress(at(d(10, 9), 18), ClockLimits(accept_within_working_days=3))
    ).accepted_late == 0
    task = await walk(task, [("accept", fin, d(10, 12), 9, {})])
    assert (await progress(at(d(10, 12), 18))).accepted_late == 0
    assert (await progress(at(d(10, 9), 18))).accepted_late == 1  # the past does not change


async def test_the_briefing_lists_the_late_acceptances_and_times_the_review(db: str) -> None:
    w = await world()
    co, fin = w.coordinator, w.finance_liaison
    late = await other_task(w, "迟迟未签收的事项", created=at(d(9, 29), 8))
    await walk(late, [("assign", co, d(9, 29), 9, {"due_on": d(10, 30)})])
    reviewed = await other_task(w, "审核较慢的事项", created=at(d(9, 21), 8))
    reviewed = await walk(reviewed, opened(w, d(9, 21), d(10, 30), d(9, 22)))
    await walk(reviewed, [("request_closure", fin, d(10, 12), 10, PROOF),
                          ("approve_closure", co, d(10, 20), 11, {})])  # fmt: skip

    # The period ends 10-20: it has waited (09-29, 10-20] = 11 working days:
    # 09-30, 10-08, 10-09, 10-10 (调休), 10-12, 10-13, 10-14, 10-15, 10-16, 10-19, 10-20.
    snapshot = await collect(d(10, 1), d(10, 20))
    assert snapshot.clocks.accepted_late == 1
    assert [(i.code, i.assigned_on, i.working_days_waited) for i in snapshot.late_acceptances] == [
        (late.code, "2026-09-29", 11)
    ]
    assert snapshot.clocks.average_review_days == 6
    assert snapshot.clocks.reviews_late == 1
    assert Snapshot.from_json(snapshot.to_json()) == snapshot
    text = BriefingText(title="通报", year=2026, serial=None, next_steps="", issuer="")
    markdown = render_markdown(snapshot, text)
    assert "表4　未按时签收事项" in markdown
    assert "迟迟未签收的事项" in markdown
    assert "平均用时6.0个工作日" in markdown
    assert "超过5个工作日的1件" in markdown


async def test_resuming_into_a_year_without_a_calendar_is_refused_never_guessed(db: str) -> None:
    w = await world()
    co = w.coordinator
    task = await other_task(w, "E", created=at(d(12, 1), 8))
    suspend: Step = ("suspend", co, d(12, 14), 9, {"comment": "等待审计结论"})
    task = await walk(task, [*opened(w, d(12, 1), d(12, 31), d(12, 2)), suspend])
    before = install_calendar(WorkingCalendar(years=frozenset({2026})))
    try:
        with pytest.raises(WorkflowRefusal) as refused:
            await transition_task(
                task.id, "resume", co, expected_version=task.version,
                now=at(dt.date(2027, 1, 5), 9),
            )  # fmt: skip
    finally:
        install_calendar(before)
    assert refused.value.code == "CALENDAR_UNAVAILABLE"
    assert "2027" in str(refused.value)
    row = await Task.get(id=task.id)
    assert (row.state.value, row.version, row.due_on) == ("SUSPENDED", task.version, d(12, 31))
