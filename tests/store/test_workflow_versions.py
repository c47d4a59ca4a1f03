"""Definition versions as the office sees them: tasks keep theirs until moved by an explicit map.

Version 2 of the default definition, in these tests, drops 中止 (SUSPENDED):
no suspend, no resume. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from store.enums import TaskState
from store.errors import NotFound, StateMapRefused, WorkflowRefusal
from store.models import Task, TaskEvent
from store.operations.tasks import append_event
from store.operations.transitions import (
    replay_task,
    task_state_at,
    transition_task,
)
from store.operations.workflow_versions import migrate_open_tasks
from tests.store.factories import (
    TODAY,
    Step,
    World,
    at,
    enforcement_case,
    enforcement_task,
    other_task,
)
from tests.store.factories import world as make_world
from workflow.builtin import DEFAULT_DEFINITION
from workflow.definition import Definition, load_definition
from workflow.registry import register_definition

#: Version 1 → version 2: a suspended task goes back to work.
GOOD_MAP = {
    "DRAFT": "DRAFT",
    "ASSIGNED": "ASSIGNED",
    "ACCEPTED": "ACCEPTED",
    "RETURNED": "RETURNED",
    "IN_PROGRESS": "IN_PROGRESS",
    "SUSPENDED": "IN_PROGRESS",
    "CLOSURE_REQUESTED": "CLOSURE_REQUESTED",
}

MIGRATED_AT = at(TODAY, 18)


#: Whatever a test registers is gone after it (``tests/conftest.py``).
pytestmark = pytest.mark.usefixtures("workflow_registry")


def _without(data: dict[str, Any], state: str) -> dict[str, Any]:
    """``data`` without ``state`` and every action into, out of or taken in it."""
    data["states"] = [s for s in data["states"] if s["key"] != state]
    transitions = []
    for transition in data["transitions"]:
        if transition["to"] == state:
            continue
        sources = transition["from"]
        if isinstance(sources, str):
            if sources == state:
                continue
        else:
            transition["from"] = [s for s in sources if s != state]
        transitions.append(transition)
    data["transitions"] = transitions
    for side in data["side_actions"]:
        side["from"] = [s for s in side["from"] if s != state]
    return data


def version_2() -> Definition:
    """The default definition without 中止: version 2, built from version 1's data."""
    data = _without(copy.deepcopy(DEFAULT_DEFINITION), "SUSPENDED")
    data["version"] = 2
    return register_definition(load_definition(data))


async def _move(task: Task, steps: list[Step]) -> Task:
    """Take ``steps`` in order, a minute apart from 09:00, each with the current version."""
    stored = await Task.get(id=task.id)
    for action, account, extra in steps:
        done = await TaskEvent.filter(task_id=task.id).count()
        result = await transition_task(
            stored.id,
            action,
            account,
            expected_version=stored.version,
            now=at(TODAY, 9, done),
            **extra,
        )
        stored = result.task
    return stored


def _to(w: World, state: TaskState) -> list[Step]:
    """The steps that take a drafted task of the finance bureau to ``state``."""
    steps: list[Step] = [
        ("assign", w.coordinator, {"due_on": dt.date(2026, 12, 31)}),
        ("accept", w.finance_liaison, {}),
        ("start", w.finance_liaison, {}),
    ]
    if state is TaskState.ASSIGNED:
        return steps[:1]
    if state is TaskState.IN_PROGRESS:
        return steps
    if state is TaskState.SUSPENDED:
        return [*steps, ("suspend", w.coordinator, {"comment": "等待财政预算批复"})]
    if state is TaskState.CLOSURE_REQUESTED:
        return [*steps, ("request_closure", w.finance_liaison, {"evidence": ["凭证.pdf"]})]
    if state is TaskState.CLOSED:
        return [
            *_to(w, TaskState.CLOSURE_REQUESTED),
            ("approve_closure", w.coordinator, {}),
        ]
    if state is TaskState.CANCELLED:
        return [*steps[:1], ("cancel", w.coordinator, {"comment": "重复交办"})]
    return []


async def _tasks_in(w: World, *states: TaskState) -> dict[TaskState, Task]:
    tasks = {}
    for index, state in enumerate(states):
        task = await other_task(w, f"事项{index}", created=at(TODAY, 8, index))
        tasks[state] = await _move(task, _to(w, state))
    return tasks


async def _snapshot() -> list[tuple[object, ...]]:
    rows = await Task.all().order_by("id").values_list("id", "state", "workflow_version", "version")
    return [(*row, await TaskEvent.filter(task_id=row[0]).count()) for row in rows]


async def test_a_task_keeps_being_judged_by_the_version_it_started_on(db: str) -> None:
    # Given a task at work on version 1
    w = await make_world()
    old = await _move(await other_task(w, "旧事项"), _to(w, TaskState.IN_PROGRESS))

    # When version 2 (without 中止) is registered and a new task starts on it
    version_2()
    new = await _move(await other_task(w, "新事项"), _to(w, TaskState.IN_PROGRESS))

    # Then the new task records version 2 and cannot be suspended
    assert (old.workflow_version, new.workflow_version) == (1, 2)
    with pytest.raises(WorkflowRefusal) as info:
        await transition_task(
            new.id, "suspend", w.coordinator, expected_version=new.version, comment="等待"
        )
    assert info.value.code == "INVALID_TRANSITION"
    assert "suspend is not possible from IN_PROGRESS" in info.value.message
    # But the old one still moves on version 1: suspend and resume
    old = await _move(
        old, [("suspend", w.coordinator, {"comment": "等待"}), ("resume", w.coordinator, {})]
    )
    assert (old.state, old.workflow_version) == (TaskState.IN_PROGRESS, 1)
    # And both histories replay, each on its own version
    assert await replay_task(old.id) == "IN_PROGRESS"
    assert await replay_task(new.id) == "IN_PROGRESS"


async def test_a_good_map_moves_every_open_task_with_an_event_and_a_replayable_history(
    db: str,
) -> None:
    # Given tasks on version 1 in open and finished states, and an enforcement task
    w = await make_world()
    tasks = await _tasks_in(
        w,
        TaskState.ASSIGNED,
        TaskState.IN_PROGRESS,
        TaskState.SUSPENDED,
        TaskState.CLOSURE_REQUESTED,
        TaskState.CLOSED,
        TaskState.CANCELLED,
    )
    tasks[TaskState.DRAFT] = await other_task(w, "草稿事项", created=at(TODAY, 8, 30))
    enforcement = await enforcement_task(w, await enforcement_case(w))
    before = {state: await Task.get(id=task.id) for state, task in tasks.items()}
    version_2()

    # When the office moves the open default tasks to version 2
    moved = await migrate_open_tasks("default", 2, GOOD_MAP, w.coordinator, now=MIGRATED_AT)

    # Then the five open tasks moved, the suspended one back to work
    assert moved == 5
    after = {state: await Task.get(id=task.id) for state, task in tasks.items()}
    expected = {
        TaskState.DRAFT: (TaskState.DRAFT, 2),
        TaskState.ASSIGNED: (TaskState.ASSIGNED, 2),
        TaskState.IN_PROGRESS: (TaskState.IN_PROGRESS, 2),
        TaskState.SUSPENDED: (TaskState.IN_PROGRESS, 2),
        TaskState.CLOSURE_REQUESTED: (TaskState.CLOSURE_REQUESTED, 2),
        TaskState.CLOSED: (TaskState.CLOSED, 1),
        TaskState.CANCELLED: (TaskState.CANCELLED, 1),
    }
    assert {s: (t.state, t.workflow_version) for s, t in after.items()} == expected
    for state, task in after.items():
        bump = 1 if expected[state][1] == 2 else 0
        assert task.version == before[state].version + bump
    assert after[TaskState.SUSPENDED].updated_at == MIGRATED_AT
    # And the enforcement task, on another key, is untouched
    assert (await Task.get(id=enforcement.id)).workflow_version == 1

    # And each moved task says so in its history
    last = await TaskEvent.filter(task_id=tasks[TaskState.SUSPENDED].id).order_by("-seq").first()
    assert last is not None
    assert (last.action, last.from_state, last.to_state) == (
        "migrate_workflow",
        TaskState.SUSPENDED,
        TaskState.IN_PROGRESS,
    )
    assert last.payload == {"fromVersion": 1, "toVersion": 2}
    assert last.occurred_at == MIGRATED_AT
    assert await TaskEvent.filter(action="migrate_workflow").count() == 5

    # And every history replays to the stored state, across the versions
    for task in after.values():
        assert await replay_task(task.id) == task.state.value
    # And the state as of a moment before the move is the old one
    suspended = tasks[TaskState.SUSPENDED].id
    assert await task_state_at(suspended, MIGRATED_AT - dt.timedelta(hours=1)) == (
        TaskState.SUSPENDED
    )
    assert await task_state_at(suspended, MIGRATED_AT) == TaskState.IN_PROGRESS

    # And the moved task goes on under version 2: no suspend, closure as before
    resumed = after[TaskState.SUSPENDED]
    with pytest.raises(WorkflowRefusal, match="suspend is not possible"):
        await transition_task(
            resumed.id, "suspend", w.coordinator, expected_version=resumed.version, comment="再等"
        )
    result = await transition_task(
        resumed.id,
        "request_closure",
        w.finance_liaison,
        expected_version=resumed.version,
        evidence=["拨付凭证.pdf"],
        now=MIGRATED_AT + dt.timedelta(hours=1),
    )
    assert result.task.state is TaskState.CLOSURE_REQUESTED
    assert await replay_task(resumed.id) == "CLOSURE_REQUESTED"

    # And moving again finds nothing left on version 1
    assert await migrate_open_tasks("default", 2, GOOD_MAP, w.coordinator) == 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param(
            {"SUSPENDED": None}, "open states not mapped: SUSPENDED", id="missing-open-state"
        ),
        pytest.param(
            {"SUSPENDED": "PAUSED"},
            "targets not in the new definition: PAUSED",
            id="unknown-target",
        ),
        pytest.param(
            {"SUSPENDED": "SUSPENDED"},
            "targets not in the new definition: SUSPENDED",
            id="state-version-2-dropped",
        ),
        pytest.param(
            {"CLOSURE_REQUESTED": "CLOSED"},
            "open states mapped onto a terminal state: CLOSURE_REQUESTED",
            id="onto-terminal",
        ),
    ],
)
async def test_a_bad_map_is_refused_naming_the_state_and_changes_nothing(
    db: str, change: dict[str, str | None], named: str
) -> None:
    # Given open tasks on version 1 and version 2 registered
    w = await make_world()
    await _tasks_in(w, TaskState.IN_PROGRESS, TaskState.SUSPENDED, TaskState.CLOSED)
    version_2()
    before = await _snapshot()
    mapping = {
        state: target
        for state, target in (GOOD_MAP | change).items()
        if target is not None  # None: left out of the map
    }

    # When the office tries to move them with a bad map
    with pytest.raises(StateMapRefused) as info:
        await migrate_open_tasks("default", 2, mapping, w.coordinator, now=MIGRATED_AT)

    # Then it is told which state is wrong, and nothing changed
    assert info.value.code == "VALIDATION"
    assert info.value.field == "mapping"
    assert info.value.message == (
        f"mapping: cannot move the open default tasks to version 2; from version 1: {named}"
    )
    assert await _snapshot() == before
    assert await TaskEvent.filter(action="migrate_workflow").count() == 0


async def test_a_state_the_task_table_cannot_hold_is_refused(db: str) -> None:
    # Given version 2 with a review step (复核) between closure requested and closed,
    # a state the stored TaskState does not have
    w = await make_world()
    await _tasks_in(w, TaskState.CLOSURE_REQUESTED)
    data = copy.deepcopy(DEFAULT_DEFINITION)
    data["version"] = 2
    data["states"].insert(7, {"key": "REVIEW", "label_zh": "复核", "label_en": "Review"})
    for transition in data["transitions"]:
        if transition["action"] == "approve_closure":
            transition["from"] = "REVIEW"
        if transition["action"] == "cancel":
            transition["from"] = [*transition["from"], "REVIEW"]
    data["transitions"].append(
        {"action": "review", "from": "CLOSURE_REQUESTED", "to": "REVIEW", "roles": ["COORDINATOR"]}
    )
    register_definition(load_definition(data))
    before = await _snapshot()

    # When the map sends closure requests to review
    with pytest.raises(StateMapRefused) as info:
        await migrate_open_tasks(
            "default", 2, GOOD_MAP | {"CLOSURE_REQUESTED": "REVIEW"}, w.coordinator
        )

    # Then it is refused, naming the state, and nothing changed
    assert info.value.unstorable == ("REVIEW",)
    assert "targets a task cannot be stored in (not a TaskState): REVIEW" in info.value.message
    assert await _snapshot() == before


async def test_an_unknown_version_is_not_found(db: str) -> None:
    w = await make_world()
    await _tasks_in(w, TaskState.IN_PROGRESS)

    with pytest.raises(NotFound) as info:
        await migrate_open_tasks("default", 3, GOOD_MAP, w.coordinator)

    assert info.value.code == "NOT_FOUND"
    assert info.value.message == "toVersion: no workflow definition 'default version 3'"


async def test_after_a_move_the_history_is_checked_against_the_new_version(db: str) -> None:
    # Given a task moved to version 2, whose history then records a suspend
    # (written around the engine, as a bad import would)
    w = await make_world()
    task = (await _tasks_in(w, TaskState.IN_PROGRESS))[TaskState.IN_PROGRESS]
    version_2()
    await migrate_open_tasks("default", 2, GOOD_MAP, w.coordinator, now=MIGRATED_AT)
    async with in_transaction() as conn:
        await append_event(
            task,
            action="suspend",
            from_state=TaskState.IN_PROGRESS,
            to_state=TaskState.SUSPENDED,
            actor=w.coordinator,
            at=MIGRATED_AT + dt.timedelta(hours=1),
            using_db=conn,
        )

    # When the history is replayed, then the suspend is refused where it stands:
    # event 5 (create, assign, accept, start, migrate_workflow, suspend)
    with pytest.raises(WorkflowRefusal) as info:
        await replay_task(task.id)
    assert info.value.code == "INCONSISTENT_HISTORY"
    assert "event 5 (suspend) does not replay from IN_PROGRESS" in info.value.message
    assert "possible: report, request_closure, cancel" in info.value.message
