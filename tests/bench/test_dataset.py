"""The benchmark's dataset: every planned history is one the workflow engine made."""

from __future__ import annotations

from bench.dataset import check
from bench.dataset_plan import Planner
from workflow.engine import replay
from workflow.registry import definition_for


def test_every_planned_history_replays_to_the_planned_task() -> None:
    # Given a small dataset, planned in memory
    rows = Planner(0.004).plan()
    assert len(rows.tasks) > 150
    # Then it passes the generator's own checks …
    check(rows, sample=50)
    for task in rows.tasks:
        # … and each history replays through the engine to the task's state,
        definition = definition_for(task.kind.value)
        log = [(e.action, e.from_state, e.to_state) for e in task.events]
        assert replay(definition, log) == task.state.value, task.title
        # with the supervision level its last supervise event set
        levels = [e.payload["supervisionLevel"] for e in task.events if e.action == "supervise"]
        assert task.supervision_level.value == (levels[-1] if levels else "NORMAL"), task.title
        # and the due date its last extension set
        dues = [e.payload["dueOn"] for e in task.events if e.action == "extend"]
        if dues:
            assert task.due_on.isoformat() == dues[-1], task.title
