"""The one task write path: a change lands with its event only on the version it was decided on."""

from __future__ import annotations

import pytest

from store.enums import SupervisionLevel, TaskState
from store.models import Task, TaskEvent
from store.operations.commit import commit_change
from tests.store.factories import at, other_task
from tests.store.factories import world as make_world


async def test_a_change_on_its_version_writes_the_row_and_its_event(db: str) -> None:
    # Given a draft task at version 1
    w = await make_world()
    task = await other_task(w)

    # When a change decided on version 1 is committed
    event = await commit_change(
        task,
        expected_version=1,
        changes={"supervision_level": SupervisionLevel.KEY, "updated_at": at(hour=10)},
        action="supervise",
        from_state=TaskState.DRAFT,
        to_state=TaskState.DRAFT,
        actor=w.coordinator,
        at=at(hour=10),
        comment="重点督办",
        payload={"supervisionLevel": "KEY"},
    )

    # Then the row moved to version 2 with the change, in memory and in the database
    assert event is not None
    assert (task.version, task.supervision_level) == (2, SupervisionLevel.KEY)
    stored = await Task.get(id=task.id)
    assert (stored.version, stored.supervision_level) == (2, SupervisionLevel.KEY)
    # and the event follows the creation's, with what the change recorded
    events = await TaskEvent.filter(task_id=task.id).order_by("seq")
    assert [(e.seq, e.action) for e in events] == [(1, "create"), (2, "supervise")]
    assert (events[1].comment, events[1].payload) == ("重点督办", {"supervisionLevel": "KEY"})


@pytest.mark.parametrize(
    ("expected_version", "also_where"),
    [
        pytest.param(2, None, id="stale-version"),
        pytest.param(1, {"supervision_level": SupervisionLevel.KEY}, id="row-no-longer-as-read"),
    ],
)
async def test_a_change_on_another_version_writes_nothing(
    db: str, expected_version: int, also_where: dict[str, object] | None
) -> None:
    # Given a draft task at version 1, at the NORMAL supervision level
    w = await make_world()
    task = await other_task(w)

    # When a change is committed on a version or a row the task no longer holds
    event = await commit_change(
        task,
        expected_version=expected_version,
        changes={"state": TaskState.CANCELLED, "updated_at": at(hour=10)},
        also_where=also_where,
        action="cancel",
        from_state=TaskState.DRAFT,
        to_state=TaskState.CANCELLED,
        actor=w.coordinator,
        at=at(hour=10),
    )

    # Then nothing is written: no event, the row as it was
    assert event is None
    stored = await Task.get(id=task.id)
    assert (stored.version, stored.state) == (1, TaskState.DRAFT)
    assert await TaskEvent.filter(task_id=task.id).count() == 1


async def test_only_the_task_columns_a_change_may_set_reach_the_sql(db: str) -> None:
    w = await make_world()
    task = await other_task(w)
    with pytest.raises(ValueError, match="not a column a change sets: title"):
        await commit_change(
            task,
            expected_version=1,
            changes={"title": "x; DROP TABLE task"},
            action="report",
            from_state=TaskState.DRAFT,
            to_state=TaskState.DRAFT,
            actor=w.coordinator,
            at=at(hour=10),
        )
    assert (await Task.get(id=task.id)).title != "x; DROP TABLE task"
