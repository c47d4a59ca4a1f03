"""Stored dependencies: cycles refused by name, a start held until dependencies close."""

from __future__ import annotations

import datetime as dt

import pytest

from store.enums import TaskState
from store.errors import DependencyCycle, Duplicate, WorkflowRefusal
from store.models import Task, TaskDependency
from store.operations.dependencies import (
    add_task_dependency,
    blocked_by,
    critical_path,
)
from store.operations.transitions import transition_task
from tests.store.factories import TODAY, Step, World, at, other_task
from tests.store.factories import world as make_world


async def _run(task: Task, steps: list[Step]) -> Task:
    for minute, (action, account, extra) in enumerate(steps):
        result = await transition_task(
            task.id,
            action,
            account,
            expected_version=task.version,
            now=at(TODAY, 10, minute),
            **extra,
        )
        task = result.task
    return task


def _to_accepted(w: World) -> list[Step]:
    return [("assign", w.coordinator, {}), ("accept", w.finance_liaison, {})]


def _to_closed(w: World) -> list[Step]:
    return [
        ("start", w.finance_liaison, {}),
        ("request_closure", w.finance_liaison, {"evidence": ["接管笔录"]}),
        ("approve_closure", w.coordinator, {}),
    ]


async def test_a_dependency_that_would_close_a_cycle_is_refused_naming_the_tasks(
    db: str,
) -> None:
    # Given disposal → takeover → registration (each waits for the next)
    w = await make_world()
    disposal = await other_task(w, "资产处置")
    takeover = await other_task(w, "财产接管")
    registration = await other_task(w, "不动产登记")
    await add_task_dependency(disposal.id, takeover.id, w.coordinator)
    await add_task_dependency(takeover.id, registration.id, w.coordinator)

    # When registration is made to wait for disposal
    with pytest.raises(DependencyCycle) as caught:
        await add_task_dependency(registration.id, disposal.id, w.coordinator)

    # Then it is refused with the cycle spelled in task codes, and nothing is stored
    assert caught.value.code == "CYCLE"
    assert caught.value.field == "dependsOnId"
    assert caught.value.cycle == (registration.code, disposal.code, takeover.code)
    assert (
        f"{registration.code} → {disposal.code} → {takeover.code} → {registration.code}"
        in caught.value.message
    )
    assert await TaskDependency.all().count() == 2


@pytest.mark.parametrize("twice", [pytest.param(False, id="self"), pytest.param(True, id="dup")])
async def test_self_and_duplicate_dependencies_are_refused(db: str, twice: bool) -> None:
    w = await make_world()
    first = await other_task(w, "甲")
    second = await other_task(w, "乙")
    if twice:
        await add_task_dependency(first.id, second.id, w.coordinator)
        with pytest.raises(Duplicate) as dup:
            await add_task_dependency(first.id, second.id, w.coordinator)
        assert dup.value.code == "DUPLICATE"
        assert f"{first.code} → {second.code}" in dup.value.message
        assert await TaskDependency.all().count() == 1
    else:
        with pytest.raises(DependencyCycle) as cycle:
            await add_task_dependency(first.id, first.id, w.coordinator)
        assert cycle.value.code == "CYCLE"
        assert f"{first.code} cannot depend on itself" in cycle.value.message
        assert await TaskDependency.all().count() == 0


async def test_only_the_coordinator_manages_dependencies(db: str) -> None:
    w = await make_world()
    first = await other_task(w, "甲")
    second = await other_task(w, "乙")

    with pytest.raises(WorkflowRefusal) as caught:
        await add_task_dependency(first.id, second.id, w.finance_liaison)

    assert caught.value.code == "FORBIDDEN"
    assert await TaskDependency.all().count() == 0


async def test_a_task_cannot_start_while_a_dependency_is_open_and_can_once_it_closes(
    db: str,
) -> None:
    # Given asset disposal, accepted, waiting for asset takeover, which is assigned
    w = await make_world()
    takeover = await _run(await other_task(w, "财产接管"), _to_accepted(w))
    disposal = await _run(await other_task(w, "资产处置"), _to_accepted(w))
    await add_task_dependency(disposal.id, takeover.id, w.coordinator)
    assert [t.code for t in await blocked_by(disposal.id)] == [takeover.code]

    # When the bureau starts disposal: refused, naming the open dependency
    with pytest.raises(WorkflowRefusal) as caught:
        await transition_task(disposal.id, "start", w.finance_liaison, expected_version=3)
    assert caught.value.code == "GUARD_FAILED"
    assert f"still open: {takeover.code}" in caught.value.message
    assert (await Task.get(id=disposal.id)).state is TaskState.ACCEPTED

    # When takeover is done and struck off, disposal may start
    takeover = await _run(takeover, _to_closed(w))
    assert takeover.state is TaskState.CLOSED
    assert await blocked_by(disposal.id) == []
    started = await transition_task(disposal.id, "start", w.finance_liaison, expected_version=3)
    assert started.task.state is TaskState.IN_PROGRESS


async def test_blocked_by_is_transitive_and_nearest_first(db: str) -> None:
    w = await make_world()
    a, b, c = [await other_task(w, title) for title in ("甲", "乙", "丙")]
    await add_task_dependency(a.id, b.id, w.coordinator)
    await add_task_dependency(b.id, c.id, w.coordinator)

    assert [t.code for t in await blocked_by(a.id)] == [b.code, c.code]
    assert [t.code for t in await blocked_by(c.id)] == []


async def test_the_critical_path_follows_the_longest_chain_of_days_left(db: str) -> None:
    # Given registration (3 working days left) before takeover (6) before disposal
    # (overdue: 0), and a short pair on the side (1 and 2 working days left)
    w = await make_world()

    async def task(title: str, due_on: dt.date) -> Task:
        return await other_task(w, title, due_on=due_on)

    disposal = await task("资产处置", dt.date(2026, 11, 20))
    takeover = await task("财产接管", dt.date(2026, 12, 4))
    registration = await task("不动产登记", dt.date(2026, 12, 1))
    side_a = await task("职工安置", dt.date(2026, 11, 27))
    side_b = await task("社会稳定", dt.date(2026, 11, 30))
    await task("无依赖事项", dt.date(2026, 12, 31))
    await add_task_dependency(disposal.id, takeover.id, w.coordinator)
    await add_task_dependency(takeover.id, registration.id, w.coordinator)
    await add_task_dependency(side_a.id, side_b.id, w.coordinator)

    # When the critical path is asked for, over every dependency and for the side pair
    path, days = await critical_path(today=TODAY)
    side_path, side_days = await critical_path([side_a.id], today=TODAY)

    # Then it is the chain in the order the work must be done, with its days left
    assert [t.code for t in path] == [registration.code, takeover.code, disposal.code]
    assert days == 3 + 6 + 0
    assert [t.code for t in side_path] == [side_b.code, side_a.code]
    assert side_days == 2 + 1
