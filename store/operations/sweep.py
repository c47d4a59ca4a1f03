"""The overdue sweep (``fuyuan sweep``): raise the supervision of overdue tasks.

The engine (``workflow.warnings.sweep_decisions``) says which tasks are due a
higher supervision level 督办等级; this module finds the candidates in SQL and
records each escalation as a ``supervise`` event by the system (no actor).

Each task is escalated in its own transaction with the conditional version
update that transitions use (``store.operations.commit``), so a liaison
acting on a task at the same moment either goes first (and the sweep leaves
that task for its next run) or gets VERSION_CONFLICT. Running the sweep twice
changes nothing the second time: a task already at the level its lateness
calls for is not a candidate.
"""

from __future__ import annotations

import datetime as dt

from store.enums import OPEN_STATES
from store.models import Task
from store.operations.commit import commit_change
from workflow.calendar import default_calendar
from workflow.clock import local_today, utcnow
from workflow.warnings import (
    SWEEP_SKIPS_STATES,
    Escalation,
    SupervisionLevel,
    SweepItem,
    sweep_decisions,
)

__all__ = ["SWEEP_ACTION", "sweep"]

#: The action the sweep records: the same as a coordinator's 督办.
SWEEP_ACTION = "supervise"


async def sweep(today: dt.date | None = None, now: dt.datetime | None = None) -> list[Escalation]:
    """Escalate every open task that is overdue beyond its supervision level.

    Args:
        today: the day to judge on (default: the date of ``now`` in Asia/Shanghai).
        now: the time the events record (default: now).

    Returns:
        The escalations applied, in task order; empty when there was nothing
        to do (a second run the same day).

    Raises:
        CalendarUnavailable: a due date or ``today`` falls in a year without
            an official working-day calendar (refused, never guessed).
    """
    now = now.astimezone(dt.UTC) if now is not None else utcnow()
    today = today or local_today(now)
    candidates: list[Task] = (
        await Task.filter(
            due_on__lt=today,
            state__in=sorted(set(OPEN_STATES) - set(SWEEP_SKIPS_STATES)),
        )
        .exclude(supervision_level=SupervisionLevel.LISTED)
        .order_by("id")
    )
    tasks = {task.id: task for task in candidates}
    items = [
        SweepItem(
            task_id=task.id,
            code=task.code,
            state=task.state.value,
            due_on=task.due_on,
            supervision_level=task.supervision_level.value,
        )
        for task in candidates
    ]
    applied = []
    for escalation in sweep_decisions(items, today, default_calendar()):
        if await _escalate(escalation, tasks[escalation.task_id], today, now):
            applied.append(escalation)
    return applied


async def _escalate(escalation: Escalation, task: Task, today: dt.date, now: dt.datetime) -> bool:
    """Apply one escalation; False if the task changed since it was read.

    The task as the candidates' query read it is what the event records: if
    the conditional update matches, nobody has changed it since.
    """
    # The engine's SupervisionLevel is the one the task table stores.
    from_level, to_level = escalation.from_level, escalation.to_level
    event = await commit_change(
        task,
        expected_version=task.version,
        changes={"supervision_level": to_level, "updated_at": now},
        also_where={"supervision_level": from_level},
        action=SWEEP_ACTION,
        from_state=task.state,
        to_state=task.state,
        actor=None,
        at=now,
        comment=(
            f"逾期{escalation.working_days_overdue}个工作日，系统自动督办："
            f"{from_level.label}→{to_level.label}"
        ),
        payload={
            "previousSupervisionLevel": escalation.from_level.value,
            "supervisionLevel": escalation.to_level.value,
            "workingDaysOverdue": escalation.working_days_overdue,
            "dueOn": task.due_on.isoformat() if task.due_on else None,
            "sweptOn": today.isoformat(),
        },
    )
    return event is not None
