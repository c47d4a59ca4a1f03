"""The overdue sweep (``fuyuan sweep``): raise the supervision of overdue tasks.

The engine (``workflow.warnings.sweep_plan``) says which tasks are due a
higher supervision level 督办等级 — never above 重点: 挂牌 is a coordinator's
decision, and the sweep only names the candidates for it
(:func:`listing_candidates`, the one query both ``fuyuan sweep`` and
``Query.listingCandidates`` read) —, and which it cannot judge because their
days overdue take in a year without an official calendar; this module finds
the candidates in SQL and records each escalation as a ``supervise`` event
by the system (no actor). A missing year stops only the tasks it touches.

Each task is escalated in its own transaction with the conditional version
update that transitions use (``store.operations.commit``), so a liaison
acting on a task at the same moment either goes first (and the sweep leaves
that task for its next run) or gets VERSION_CONFLICT. Running the sweep twice
changes nothing the second time: a task already at the level its lateness
calls for is not a candidate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from store.enums import OPEN_STATES, NotificationKind
from store.models import Task
from store.notifications import notify_warning
from store.operations.commit import commit_change
from workflow.calendar import default_calendar
from workflow.clock import local_today, utcnow
from workflow.warnings import (
    SWEEP_SKIPS_STATES,
    Escalation,
    ListingCandidate,
    SupervisionLevel,
    SweepItem,
    SweepSkip,
    missing_reason,
    sweep_plan,
    warning_windows,
)
from workflow.warnings import listing_candidates as judge_candidates

__all__ = [
    "SWEEP_ACTION",
    "Candidate",
    "SweepOutcome",
    "listing_candidates",
    "run_sweep",
    "sweep",
]

#: The action the sweep records: the same as a coordinator's 督办.
SWEEP_ACTION = "supervise"


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep did: the escalations applied, and the overdue tasks it could not judge.

    ``skipped`` are the tasks whose days overdue take in a year without an
    official calendar and may call for a higher level than they have (each
    with its reason, ``SweepSkip.reason``); ``judged`` counts the overdue
    tasks whose level was settled, escalated or not.
    """

    applied: list[Escalation]
    skipped: list[SweepSkip]
    judged: int
    #: The candidates for 挂牌 after the escalations (:func:`listing_candidates`).
    candidates: list[Candidate] = field(default_factory=list)
    #: The notifications the BLUE and RED warnings wrote (:func:`warn_deadlines`).
    warned: int = 0

    @property
    def nothing_judged(self) -> bool:
        """Something needed judging and nothing could be: every overdue task was skipped."""
        return bool(self.skipped) and not self.judged and not self.applied


@dataclass(frozen=True)
class Candidate:
    """A candidate for 挂牌: the task as read, and the engine's judgement of it."""

    task: Task
    judgement: ListingCandidate


def _swept_states() -> list[str]:
    """The states of the open tasks the sweep judges (neither drafts nor paused)."""
    return sorted(set(OPEN_STATES) - set(SWEEP_SKIPS_STATES))


async def listing_candidates(
    today: dt.date, *, task_ids: list[int] | None = None
) -> list[Candidate]:
    """The open tasks overdue long enough to be listed 挂牌 and not yet listed, most
    overdue first (``workflow.warnings.listing_candidates`` judges them).

    The one query behind both ``fuyuan sweep``'s list and ``Query.listingCandidates``.

    Args:
        today: the day to judge lateness on.
        task_ids: only these tasks (a viewer's scope); default every task.
    """
    query = Task.filter(due_on__lt=today, state__in=_swept_states()).exclude(
        supervision_level=SupervisionLevel.LISTED
    )
    if task_ids is not None:
        query = query.filter(id__in=task_ids)
    rows: list[Task] = await query.order_by("due_on", "id")
    tasks = {task.id: task for task in rows}
    found = judge_candidates((_item(task) for task in rows), today, default_calendar())
    found.sort(key=lambda c: (-c.working_days_overdue, c.due_on, c.task_id))
    return [Candidate(tasks[c.task_id], c) for c in found]


def _item(task: Task) -> SweepItem:
    return SweepItem(
        task_id=task.id,
        code=task.code,
        state=task.state.value,
        due_on=task.due_on,
        supervision_level=task.supervision_level.value,
    )


async def run_sweep(
    today: dt.date | None = None, now: dt.datetime | None = None, *, dry_run: bool = False
) -> SweepOutcome:
    """Escalate every open task that is overdue beyond its supervision level.

    A task whose days overdue take in a year without an official calendar is
    raised to the level its known days overdue surely call for, and listed
    as skipped when the missing days could call for more
    (``workflow.warnings.sweep_plan``); every other task is judged as usual.

    Args:
        today: the day to judge on (default: the date of ``now`` in Asia/Shanghai).
        now: the time the events record (default: now).
        dry_run: write nothing; ``applied`` lists the escalations the sweep would make.
    """
    now = now.astimezone(dt.UTC) if now is not None else utcnow()
    today = today or local_today(now)
    candidates: list[Task] = (
        await Task.filter(due_on__lt=today, state__in=_swept_states())
        .exclude(supervision_level=SupervisionLevel.LISTED)
        .order_by("id")
    )
    tasks = {task.id: task for task in candidates}
    plan = sweep_plan([_item(task) for task in candidates], today, default_calendar())
    if dry_run:
        return SweepOutcome(
            list(plan.escalations), plan.skipped, plan.judged, await listing_candidates(today)
        )
    applied = []
    for escalation in plan.escalations:
        if await _escalate(escalation, tasks[escalation.task_id], today, now):
            applied.append(escalation)
    warned = await warn_deadlines(today, now)
    return SweepOutcome(applied, plan.skipped, plan.judged, await listing_candidates(today), warned)


async def warn_deadlines(today: dt.date, now: dt.datetime) -> int:
    """Tell the liaisons of each task due within 3 working days (BLUE, 即将到期) or
    overdue (RED, 已超期), once per task, colour and due date; the notifications written.

    The colours are the engine's (``workflow.warnings.warning_windows``); paused
    tasks (中止, 申请销号) and drafts are not warned, as they show no colour.
    """
    windows = warning_windows(today, default_calendar())
    written = 0
    due: list[Task] = (
        await Task.filter(due_on__lte=windows.blue_until, state__in=_swept_states())
        .exclude(due_on=None)
        .order_by("due_on", "id")
    )
    for task in due:
        assert task.due_on is not None  # excluded above
        kind = NotificationKind.OVERDUE if task.due_on < today else NotificationKind.DUE_SOON
        written += len(await notify_warning(task, kind, at=now))
    return written


async def sweep(today: dt.date | None = None, now: dt.datetime | None = None) -> list[Escalation]:
    """The escalations :func:`run_sweep` applied, in task order; empty when there was
    nothing to do (a second run the same day)."""
    return (await run_sweep(today, now)).applied


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
            f"逾期{'至少' if escalation.missing else ''}{escalation.working_days_overdue}个工作日"
            f"{'（' + missing_reason(escalation.missing) + '）' if escalation.missing else ''}，"
            f"系统自动督办：{from_level.label}→{to_level.label}"
        ),
        payload={
            "previousSupervisionLevel": escalation.from_level.value,
            "supervisionLevel": escalation.to_level.value,
            "workingDaysOverdue": escalation.working_days_overdue,
            "dueOn": task.due_on.isoformat() if task.due_on else None,
            "sweptOn": today.isoformat(),
            # the years the days overdue take in without a calendar: then
            # workingDaysOverdue counts the known days only
            **({"missingCalendarYears": list(escalation.missing)} if escalation.missing else {}),
        },
    )
    return event is not None
