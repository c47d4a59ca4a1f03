"""The overdue sweep: each overdue task is escalated once, with an event; a rerun does nothing."""

from __future__ import annotations

import datetime as dt

from store.enums import SupervisionLevel, TaskState
from store.models import Task, TaskEvent
from store.operations.sweep import listing_candidates, run_sweep, sweep
from store.operations.transitions import transition_task
from tests.store.factories import TODAY, Step, World, at, other_task
from tests.store.factories import world as make_world
from workflow.warnings import SupervisionLevel as Level


async def _task(w: World, title: str, due_on: dt.date, steps: list[Step]) -> Task:
    task = await other_task(w, title, due_on=due_on, created=at(dt.date(2026, 11, 2), 8))
    for hour, (action, account, extra) in enumerate(steps, start=9):
        result = await transition_task(
            task.id,
            action,
            account,
            expected_version=task.version,
            now=at(dt.date(2026, 11, 2), hour),
            **extra,
        )
        task = result.task
    return task


async def test_overdue_tasks_are_escalated_once_each_and_a_second_sweep_changes_nothing(
    db: str,
) -> None:
    # Given, on Thursday 2026-11-26, tasks in every situation the sweep meets
    w = await make_world()
    assign: Step = ("assign", w.coordinator, {})
    start: list[Step] = [
        assign,
        ("accept", w.finance_liaison, {}),
        ("start", w.finance_liaison, {}),
    ]
    four_days_late = await _task(w, "四个工作日逾期", dt.date(2026, 11, 20), [assign])
    fourteen_days_late = await _task(w, "十四个工作日逾期", dt.date(2026, 11, 6), start)
    not_yet_due = await _task(w, "明日到期", dt.date(2026, 11, 27), [assign])
    draft = await _task(w, "草稿", dt.date(2026, 11, 6), [])
    cancelled = await _task(
        w,
        "已撤销",
        dt.date(2026, 11, 6),
        [assign, ("cancel", w.coordinator, {"comment": "重复交办"})],
    )
    already_key = await _task(
        w, "已重点督办", dt.date(2026, 11, 20), [assign, ("supervise", w.coordinator, {})]
    )
    before = {t.id: t.version for t in await Task.all()}
    events_before = await TaskEvent.all().count()

    # When the sweep runs
    outcome = await run_sweep(today=TODAY, now=at(TODAY, 2))
    escalations = outcome.applied

    # Then the two overdue tasks below their due level are escalated, and only they,
    # never beyond 重点: 挂牌 is the office's decision
    assert [(e.code, e.from_level, e.to_level, e.working_days_overdue) for e in escalations] == [
        (four_days_late.code, Level.NORMAL, Level.KEY, 4),
        (fourteen_days_late.code, Level.NORMAL, Level.KEY, 14),
    ]
    after = {t.id: t for t in await Task.all()}
    assert after[four_days_late.id].supervision_level is SupervisionLevel.KEY
    assert after[fourteen_days_late.id].supervision_level is SupervisionLevel.KEY
    # and the task 14 working days late is named as a candidate for 挂牌
    assert [(c.task.code, c.judgement.working_days_overdue) for c in outcome.candidates] == [
        (fourteen_days_late.code, 14)
    ]
    assert [c.task.id for c in await listing_candidates(TODAY)] == [fourteen_days_late.id]
    assert after[fourteen_days_late.id].state is TaskState.IN_PROGRESS
    for task in (four_days_late, fourteen_days_late):
        assert after[task.id].version == before[task.id] + 1
    for task in (not_yet_due, draft, cancelled, already_key):
        assert after[task.id].version == before[task.id]
    assert after[already_key.id].supervision_level is SupervisionLevel.KEY

    # And each escalation is one system event (no actor) saying how late the task is
    assert await TaskEvent.all().count() == events_before + 2
    event = await TaskEvent.filter(task_id=fourteen_days_late.id).order_by("-seq").first()
    assert event is not None
    assert event.action == "supervise"
    assert event.actor_id is None  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    assert event.occurred_at == at(TODAY, 2)
    assert (event.from_state, event.to_state) == (TaskState.IN_PROGRESS, TaskState.IN_PROGRESS)
    assert event.payload["previousSupervisionLevel"] == "NORMAL"
    assert event.payload["supervisionLevel"] == "KEY"
    assert event.payload["workingDaysOverdue"] == 14
    assert "逾期14个工作日" in event.comment
    assert event.seq == 5

    # When the sweep runs again the same day
    again = await sweep(today=TODAY, now=at(TODAY, 3))

    # Then nothing is escalated and nothing is written
    assert again == []
    assert await TaskEvent.all().count() == events_before + 2
    assert {t.id: t.version for t in await Task.all()} == {t.id: t.version for t in after.values()}


async def test_the_sweep_on_a_date_in_a_missing_year_escalates_the_judgeable_tasks(
    db: str,
) -> None:
    # Given, on Tuesday 2027-01-05 (a year the calendar has not got), overdue tasks
    # whose days late are counted in 2026 (known) and in 2027 (not known)
    w = await make_world()
    assign: Step = ("assign", w.coordinator, {})
    today = dt.date(2027, 1, 5)
    # 12-11 … 12-31 are 15 working days: 挂牌 whatever 2027 holds
    long_late = await _task(w, "去年十二月十日到期", dt.date(2026, 12, 10), [assign])
    # 12-29, 12-30, 12-31 are 3 working days: at least 重点; 挂牌 would need 7 more,
    # and 2027-01-01 … 05 are only 5 days: 重点 whatever 2027 holds
    short_late = await _task(w, "去年十二月二十八日到期", dt.date(2026, 12, 28), [assign])
    # 12-24, 12-25, 12-28 … 12-31 are 6 working days: 重点, and 挂牌 if 4 of the 5
    # days of 2027 are working days: the sweep cannot tell
    maybe_listed = await _task(w, "去年十二月二十三日到期", dt.date(2026, 12, 23), [assign])
    # due on the last day of 2026: every day late is a 2027 day
    only_2027 = await _task(w, "去年最后一天到期", dt.date(2026, 12, 31), [assign])

    # When the sweep runs
    outcome = await run_sweep(today=today, now=at(today, 2))

    # Then the tasks it can judge are escalated as far as the known days call for
    assert [(e.code, e.to_level, e.working_days_overdue) for e in outcome.applied] == [
        (long_late.code, Level.KEY, 15),
        (short_late.code, Level.KEY, 3),
        (maybe_listed.code, Level.KEY, 6),
    ]
    after = {t.id: t.supervision_level for t in await Task.all()}
    assert after[long_late.id] is SupervisionLevel.KEY
    assert [c.task.id for c in outcome.candidates] == [long_late.id]
    assert after[short_late.id] is SupervisionLevel.KEY
    assert after[maybe_listed.id] is SupervisionLevel.KEY
    assert after[only_2027.id] is SupervisionLevel.NORMAL
    # and the one 2027 could raise further is listed with the reason (the sweep goes
    # no higher than 重点, which the task 6 days late has whatever 2027 holds)
    assert [(s.code, s.supervision_level, s.at_least_working_days) for s in outcome.skipped] == [
        (only_2027.code, Level.NORMAL, 0),
    ]
    assert {s.reason for s in outcome.skipped} == {"2027年节假日安排尚未录入"}
    assert outcome.judged == 3
    assert not outcome.nothing_judged
    # and the event of a partly counted task says "at least" and why
    event = await TaskEvent.filter(task_id=short_late.id).order_by("-seq").first()
    assert event is not None
    assert "逾期至少3个工作日（2027年节假日安排尚未录入）" in event.comment
    assert event.payload["missingCalendarYears"] == [2027]

    # When it runs again: nothing is written, the same tasks are listed
    events = await TaskEvent.all().count()
    again = await run_sweep(today=today, now=at(today, 3))
    assert again.applied == []
    assert [s.code for s in again.skipped] == [only_2027.code]
    assert await TaskEvent.all().count() == events


async def test_a_sweep_that_can_judge_nothing_says_so(db: str) -> None:
    # Given only a task whose days late are all in 2027
    w = await make_world()
    await _task(w, "去年最后一天到期", dt.date(2026, 12, 31), [("assign", w.coordinator, {})])
    # When the sweep runs on 2027-01-05, nothing can be judged (the command exits 1)
    outcome = await run_sweep(today=dt.date(2027, 1, 5), now=at(dt.date(2027, 1, 5), 2))
    assert (outcome.applied, len(outcome.skipped), outcome.nothing_judged) == ([], 1, True)
    # and on a day with nothing overdue there is nothing to judge: not a failure
    quiet = await run_sweep(today=dt.date(2026, 12, 1), now=at(dt.date(2026, 12, 1), 2))
    assert (quiet.applied, quiet.skipped, quiet.nothing_judged) == ([], [], False)
