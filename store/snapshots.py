"""The engine's view of a task (``workflow.engine.TaskSnapshot``), built from its rows.

Two readers load the facts differently — a transition with a query per fact
its step reads (``store.operations.transitions``), the task page through the
request's DataLoaders (``schema.types.tasks``) — and both build the snapshot
here, so a new fact is added in one place.
"""

from __future__ import annotations

import datetime as dt

from store.models import EnforcementCase, Task
from workflow.engine import EnforcementFacts, TaskSnapshot

__all__ = ["enforcement_facts", "task_snapshot"]


def enforcement_facts(
    case: EnforcementCase, amount_performed_fen: int, respondent_kind: str | None = None
) -> EnforcementFacts:
    """What the enforcement guards read of ``case``, with the amount performed so far
    and the kind of its respondent unit."""
    confirmed = case.closure_confirmed_method
    return EnforcementFacts(
        amount_due_fen=case.amount_due_fen,
        amount_performed_fen=amount_performed_fen,
        closure_method=case.closure_method.value if case.closure_method else None,
        closure_grounds=case.closure_grounds,
        performance_confirmed=case.performance_confirmed_at is not None,
        settlement_amount_fen=case.settlement_amount_fen,
        ruling_number=case.closure_ruling_number,
        confirmed_method=confirmed.value if confirmed else None,
        respondent_kind=respondent_kind,
    )


def task_snapshot(
    task: Task,
    *,
    court_unit_id: int | None = None,
    open_dependencies: tuple[str, ...] = (),
    enforcement: EnforcementFacts | None = None,
    paused_since: dt.date | None = None,
    pending_extension_due_on: dt.date | None = None,
) -> TaskSnapshot:
    """``task`` as the engine sees it, with the facts the caller loaded."""
    return TaskSnapshot(
        id=task.id,
        code=task.code,
        kind=task.kind.value,
        state=task.state.value,
        version=task.version,
        responsible_unit_id=task.responsible_unit_id,  # type: ignore[attr-defined]
        court_unit_id=court_unit_id,
        due_on=task.due_on,
        supervision_level=task.supervision_level.value,
        open_dependencies=open_dependencies,
        enforcement=enforcement,
        paused_since=paused_since,
        pending_extension_due_on=pending_extension_due_on,
    )
