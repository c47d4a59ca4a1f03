"""The overdue sweep (``fuyuan sweep``): raise the supervision of overdue tasks.

The engine (``workflow.warnings.sweep_decisions``) says which tasks are due a
higher supervision level 督办等级; this module finds the candidates in SQL and
records each escalation as a ``supervise`` event by the system (no actor).

Each task is escalated in its own transaction with the conditional version
update that transitions use, so a liaison acting on a task at the same moment
either goes first (and the sweep leaves that task for its next run) or gets
VERSION_CONFLICT. Running the sweep twice changes nothing the second time: a
task already at the level its lateness calls for is not a candidate.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from store.enums import OPEN_STATES, TaskState
from store.enums import SupervisionLevel as StoredLevel
from store.models import Task
from store.operations.tasks import append_event
from workflow.calendar import default_calendar
from workflow.clock import local_today, utcnow
from workflow.warnings import SWEEP_SKIPS_STATES, Escalation, SweepItem, sweep_decisions

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
    candidates = (
        await Task.filter(
            due_on__lt=today,
            state__in=sorted(set(OPEN_STATES) - set(SWEEP_SKIPS_STATES)),
        )
        .exclude(supervision_level=StoredLevel.LISTED)
        .order_by("id")
        .values("id", "code", "state", "due_on", "supervision_level", "version")
    )
    versions = {int(row["id"]): int(row["version"]) for row in candidates}
    items = [
        SweepItem(
            task_id=int(row["id"]),
            code=str(row["code"]),
            state=str(row["state"]),
            due_on=row["due_on"],
            supervision_level=str(row["supervision_level"]),
        )
        for row in candidates
    ]
    applied = []
    for escalation in sweep_decisions(items, today, default_calendar()):
        if await _escalate(escalation, versions[escalation.task_id], today, now):
            applied.append(escalation)
    return applied


async def _escalate(escalation: Escalation, version: int, today: dt.date, now: dt.datetime) -> bool:
    """Apply one escalation; False if the task changed since it was read."""
    async with in_transaction() as conn:
        updated = (
            await Task.filter(
                id=escalation.task_id,
                version=version,
                supervision_level=StoredLevel(escalation.from_level.value),
            )
            .using_db(conn)
            .update(
                supervision_level=StoredLevel(escalation.to_level.value),
                version=F("version") + 1,
                updated_at=now,
            )
        )
        if updated == 0:
            return False
        task = await Task.get(id=escalation.task_id, using_db=conn)
        state = TaskState(task.state)
        to_level = StoredLevel(escalation.to_level.value)
        await append_event(
            task,
            action=SWEEP_ACTION,
            from_state=state,
            to_state=state,
            actor=None,
            at=now,
            using_db=conn,
            comment=(
                f"逾期{escalation.working_days_overdue}个工作日，系统自动督办："
                f"{StoredLevel(escalation.from_level.value).label}→{to_level.label}"
            ),
            payload={
                "previousSupervisionLevel": escalation.from_level.value,
                "supervisionLevel": escalation.to_level.value,
                "workingDaysOverdue": escalation.working_days_overdue,
                "dueOn": task.due_on.isoformat() if task.due_on else None,
                "sweptOn": today.isoformat(),
            },
        )
    return True
