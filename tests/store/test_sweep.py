"""The overdue sweep: each overdue task is escalated once, with an event; a rerun does nothing."""

from __future__ import annotations

import datetime as dt

from store.enums import SupervisionLevel, TaskState
from store.models import Task, TaskEvent
from store.operations.sweep import sweep
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
    escalations = await sweep(today=TODAY, now=at(TODAY, 2))

    # Then the two overdue tasks below their due level are escalated, and only they
    assert [(e.code, e.from_level, e.to_level, e.working_days_overdue) for e in escalations] == [
        (four_days_late.code, Level.NORMAL, Level.KEY, 4),
        (fourteen_days_late.code, Level.NORMAL, Level.LISTED, 14),
    ]
    after = {t.id: t for t in await Task.all()}
    assert after[four_days_late.id].supervision_level is SupervisionLevel.KEY
    assert after[fourteen_days_late.id].supervision_level is SupervisionLevel.LISTED
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
    assert event.payload["supervisionLevel"] == "LISTED"
    assert event.payload["workingDaysOverdue"] == 14
    assert "逾期14个工作日" in event.comment
    assert event.seq == 5

    # When the sweep runs again the same day
    again = await sweep(today=TODAY, now=at(TODAY, 3))

    # Then nothing is escalated and nothing is written
    assert again == []
    assert await TaskEvent.all().count() == events_before + 2
    assert {t.id: t.version for t in await Task.all()} == {t.id: t.version for t in after.values()}
