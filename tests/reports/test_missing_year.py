"""A year without an official calendar breaks only what touches it (issue 14).

On the Kaifeng demo data (both databases), every warning filter and every
figure — the task list's colours, progress, a briefing's figures and overdue
list — is read on a day, then one task due in 2027 (which the package's
calendar does not know) is added and everything is read again. The other
tasks keep their colours and their counts exactly; the added task is counted
apart, as UNKNOWN with the year named.

The days: the demo's today (weeks before the year's end), 2026-12-29 (only
two working days left in the known calendar, so nearness to a 2027 due date
is unknowable) and 2027-01-05 (a day of the missing year itself).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from tortoise import Tortoise

from reports.progress import Scope, compute_progress
from reports.progress_text import report_dict
from reports.snapshot import Snapshot, collect
from reports.words import overdue_intro, overdue_table, paragraphs
from schema.filters.tasks import TaskFilter, filter_tasks
from schema.types.tasks import TaskWarning
from store.enums import TaskKind, TaskState, UnitKind
from store.models import Task, TaskEvent, Unit
from tests.conftest import open_database
from tests.store.factories import at
from workflow.calendar import default_calendar
from workflow.warnings import judge_warning

MISSING = max(default_calendar().supported_years) + 1
assert MISSING == 2027, "the package's calendar is expected to end with 2026"

DAYS = [
    pytest.param(dt.date(2026, 11, 20), id="weeks-before-the-year-ends"),
    pytest.param(dt.date(2026, 12, 29), id="two-working-days-before"),
    pytest.param(dt.date(2027, 1, 5), id="a-day-of-the-missing-year"),
]


@pytest.fixture
async def demo_db(demo_database_url: str) -> AsyncIterator[str]:
    await open_database(demo_database_url)
    try:
        yield demo_database_url
    finally:
        await Tortoise.close_connections()


async def add_task_due_in_2027() -> Task:
    """Assigned on 2026-06-01 and not accepted, due 2027-06-30, in a unit and 县区 of its own.

    Whether it is YELLOW depends on how many working days 2027 has before its
    due date: on 2026-11-20, 119 working days are gone and 29 of 2026 are
    left, so it is behind (119 > 2 × 29) unless 2027 has 31 working days or
    more before 06-30 (which has 181 days) — on each day of :data:`DAYS` its
    colour needs the missing year.
    """
    unit = await Unit.create(
        code="T-2027", name="测试单位", kind=UnitKind.DEPARTMENT, region="测试区"
    )
    assigned = dt.date(2026, 6, 1)
    task = await Task.create(
        code="T-2027-0001",
        kind=TaskKind.OTHER,
        title="跨年事项",
        responsible_unit=unit,
        state=TaskState.ASSIGNED,
        assigned_on=assigned,
        due_on=dt.date(MISSING, 6, 30),
    )
    await TaskEvent.create(
        task=task,
        seq=1,
        action="assign",
        from_state=None,
        to_state=TaskState.ASSIGNED,
        occurred_at=at(assigned, 0),
        occurred_on=assigned,
        due_on=task.due_on,
    )
    return task


async def listed(today: dt.date, spec: TaskFilter) -> set[int]:
    query = await filter_tasks(Task.all(), spec, today, personal_data=True)
    return {int(task_id) for (task_id,) in await query.values_list("id")}


async def lists(today: dt.date) -> dict[str, set[int]]:
    """The task list under every warning filter and both overdue filters."""
    found: dict[str, set[int]] = {}
    for warning in TaskWarning:
        found[str(warning.name)] = await listed(today, TaskFilter(warning=warning))
    found["overdue"] = await listed(today, TaskFilter(overdue=True))
    found["not overdue"] = await listed(today, TaskFilter(overdue=False))
    return found


async def figures(today: dt.date) -> tuple[dict[str, Any], Snapshot]:
    moment = at(today, 18)
    report = await compute_progress(Scope(as_of=moment))
    snapshot = await collect(today - dt.timedelta(days=30), today, as_of=moment)
    return report_dict(report), snapshot


def without(groups: list[dict[str, Any]], name: str, key: str) -> list[dict[str, Any]]:
    return [group for group in groups if group[name] != key]


@pytest.mark.parametrize("today", DAYS)
async def test_one_task_due_in_a_missing_year_changes_no_figure_of_the_others(
    demo_db: str, today: dt.date
) -> None:
    # given the demo's tasks, listed and counted on the day
    lists_before = await lists(today)
    progress_before, briefing_before = await figures(today)
    assert lists_before[TaskWarning.UNKNOWN.name] == set()
    assert sum(len(lists_before[c.name]) for c in TaskWarning if c is not TaskWarning.NONE) > 0

    # when one task due in 2027 is added
    task = await add_task_due_in_2027()
    judged = judge_warning("ASSIGNED", task.assigned_on, task.due_on, today, default_calendar())
    assert (judged.colour, judged.reason) == (None, f"{MISSING}年节假日安排尚未录入")
    lists_after = await lists(today)
    progress_after, briefing_after = await figures(today)

    # then every warning filter lists the other tasks exactly as before, and
    # UNKNOWN lists that task alone
    for name, ids in lists_before.items():
        expected = ids | {task.id} if name in (TaskWarning.UNKNOWN.name, "not overdue") else ids
        assert lists_after[name] == expected, name

    # and progress counts the others as before, and it apart, with the reason
    assert progress_after["warnings"] == {
        **progress_before["warnings"],
        "unknown": 1,
        "unknownReason": f"{MISSING}年节假日安排尚未录入",
    }
    assert progress_before["warnings"]["unknownReason"] is None
    for name in ("overdue", "closed", "cancelled", "closedOnTime", "averageHandlingDays"):
        assert progress_after[name] == progress_before[name], name
    for name in ("total", "open"):
        assert progress_after[name] == progress_before[name] + 1, name
    assert without(progress_after["byUnit"], "unit", "T-2027") == progress_before["byUnit"]
    assert without(progress_after["byRegion"], "region", "测试区") == progress_before["byRegion"]

    # and the briefing's figures for the others are the same, its overdue list too,
    # and it says how many could not be judged and why
    before, after = briefing_before.overall, briefing_after.overall
    same = ("overdue", "yellow", "blue", "closed", "closed_on_time", "average_handling_days")
    assert {n: getattr(after, n) for n in same} == {n: getattr(before, n) for n in same}
    assert (after.unknown, after.unknown_reason) == (1, f"{MISSING}年节假日安排尚未录入")
    assert after.total == before.total + 1
    assert briefing_after.overdue == briefing_before.overdue
    assert briefing_after.overdue_total == briefing_before.overdue_total
    assert [row for row in briefing_after.by_unit if row.key != "T-2027"] == (
        briefing_before.by_unit
    )
    prose = paragraphs(briefing_after)["一、总体情况"][0]
    assert f"另有1项事项因{MISSING}年节假日安排尚未录入无法判定预警" in prose
    assert "无法判定" not in paragraphs(briefing_before)["一、总体情况"][0]
    # the stored form keeps the new figures
    assert Snapshot.from_json(briefing_after.to_json()) == briefing_after
    old = briefing_after.to_json()
    del old["overall"]["unknown"], old["overall"]["unknown_reason"]
    assert Snapshot.from_json(old).overall == dataclasses.replace(
        after, unknown=0, unknown_reason=None
    )


async def test_days_overdue_into_a_missing_year_are_null_with_the_reason(demo_db: str) -> None:
    # given the demo's overdue tasks, judged on a day of 2027
    today = dt.date(MISSING, 1, 5)
    _, briefing = await figures(today)
    # then none of them shows 0 days late: those whose count takes in 2027 say
    # "—" (null) and why, in the list and in the section's words
    assert briefing.overdue
    for item in briefing.overdue:
        assert item.working_days_overdue is None
        assert item.working_days_unknown_reason == f"{MISSING}年节假日安排尚未录入"
    assert all(row[5] == "—" for row in overdue_table(briefing).rows)
    assert f"因{MISSING}年节假日安排尚未录入，超期工作日无法计算" in overdue_intro(briefing)
