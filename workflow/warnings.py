"""Three-colour warnings and the supervision sweep.

Colours (三色预警), checked in this order, the first that applies wins:

* ``RED`` 红 — overdue: today is after the due date and the task is not closed.
* ``YELLOW`` 黄 — behind schedule: over two thirds of the allotted working days
  (assignment → due date) are gone and the task has not yet been started.
* ``BLUE`` 蓝 — near the deadline: the due date is 0–3 working days away.
* ``NONE`` — anything else, and always for a terminal state or one whose
  clock is stopped (:data:`PAUSED_STATES`).

YELLOW outranks BLUE on purpose: a task that is near its deadline *and* not yet
started is in worse shape than one that is merely near, and the colour should
say so.

:func:`warning_for` judges one task. :func:`warning_windows` writes the same
rule for one day as cut-offs (:class:`WarningWindows`), which a database can
compare the columns of many tasks with at once: ``store.warning_sql`` turns
them into the SQL of the task list's filter, the progress figures and a
briefing's overdue list, and ``tests/store/test_warning_sql.py`` checks that
the SQL and :func:`warning_for` give every task the same colour.

The sweep (``fuyuan sweep``) raises the supervision level (督办等级) of overdue
tasks by how many working days they are overdue (see
:data:`KEY_AFTER_WORKING_DAYS`, :data:`LISTED_AFTER_WORKING_DAYS`). It only ever
raises a level, never lowers one, so running it twice changes nothing the second
time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from workflow.builtin import default_definition
from workflow.calendar import WorkingCalendar
from workflow.definition import Definition
from workflow.errors import CalendarUnavailable
from workflow.labels import LabelledEnum

__all__ = [
    "BLUE_WITHIN_WORKING_DAYS",
    "FINISHED_STATES",
    "KEY_AFTER_WORKING_DAYS",
    "LISTED_AFTER_WORKING_DAYS",
    "NOT_STARTED_STATES",
    "PAUSED_STATES",
    "YELLOW_SHARE",
    "Escalation",
    "SupervisionLevel",
    "SweepItem",
    "WarningColor",
    "WarningWindows",
    "escalate",
    "is_overdue",
    "level_for_overdue",
    "sweep_decisions",
    "warning_for",
    "warning_windows",
]

#: BLUE when the due date is at most this many working days away.
BLUE_WITHIN_WORKING_DAYS = 3

#: YELLOW when more than this share of the allotted working days is gone.
YELLOW_SHARE = (2, 3)

#: States in which a task has not yet been started (YELLOW applies to them).
NOT_STARTED_STATES = frozenset({"DRAFT", "ASSIGNED", "ACCEPTED", "RETURNED"})

#: States in which the unit's clock is stopped (DESIGN.md, issue 14): 中止
#: (SUSPENDED) pauses the deadline, and 申请销号 (CLOSURE_REQUESTED) waits on
#: the office, not the unit. Such a task never warns and the sweep skips it;
#: leaving the state for IN_PROGRESS (resume, reject_closure) moves the due
#: date later by the working days spent in it (``workflow.clocks``).
PAUSED_STATES = frozenset({"SUSPENDED", "CLOSURE_REQUESTED"})

#: States that never warn: the terminal states of the default definition (and
#: of every built-in one). SQL that judges many tasks at once names them.
FINISHED_STATES = frozenset(default_definition().terminal_states)

#: An open task overdue by at least this many working days is at least KEY 重点.
KEY_AFTER_WORKING_DAYS = 1

#: An open task overdue by at least this many working days is LISTED 挂牌.
LISTED_AFTER_WORKING_DAYS = 10

#: States the sweep leaves alone although open: a draft has not been assigned
#: to anyone yet, and supervising it is not an action the workflow offers; a
#: paused task's clock is stopped.
SWEEP_SKIPS_STATES = frozenset({"DRAFT"}) | PAUSED_STATES


class WarningColor(StrEnum):
    """A task's warning colour."""

    NONE = "NONE"
    BLUE = "BLUE"
    YELLOW = "YELLOW"
    RED = "RED"

    @property
    def label_zh(self) -> str:
        """The colour's Chinese name."""
        return {"NONE": "无", "BLUE": "蓝", "YELLOW": "黄", "RED": "红"}[self.value]


class SupervisionLevel(LabelledEnum):
    """How closely the joint-meeting office supervises a task (督办等级).

    The one definition: the store keeps it in ``task.supervision_level`` and the
    API shows it (``store.enums`` re-exports it).
    """

    NORMAL = "NORMAL", "一般"
    KEY = "KEY", "重点"
    LISTED = "LISTED", "挂牌"

    @property
    def label_zh(self) -> str:
        """The level's Chinese name, 一般, 重点, 挂牌 (``label``, spelled as the engine's
        other words are)."""
        return self.label

    @property
    def rank(self) -> int:
        """0 for NORMAL, 1 for KEY, 2 for LISTED."""
        return _LEVELS.index(self)


_LEVELS = (SupervisionLevel.NORMAL, SupervisionLevel.KEY, SupervisionLevel.LISTED)


def escalate(level: str) -> SupervisionLevel:
    """The level after ``level``: NORMAL → KEY → LISTED.

    LISTED is the top and is returned unchanged; the workflow's ``below_listed``
    guard is what refuses to supervise a listed task.

    Raises:
        ValueError: if ``level`` is not a supervision level.
    """
    current = SupervisionLevel(level)
    return _LEVELS[min(current.rank + 1, len(_LEVELS) - 1)]


def warning_for(
    state: str,
    assigned_on: datetime.date | None,
    due_on: datetime.date | None,
    today: datetime.date,
    calendar: WorkingCalendar,
    *,
    definition: Definition | None = None,
) -> WarningColor:
    """The warning colour of a task on ``today`` (see the module docstring).

    Args:
        state: the task's state.
        assigned_on: when it was assigned (start of the allotted time), if it was.
        due_on: its due date; a task without one never warns.
        today: the day to judge on.
        calendar: the working-day calendar.
        definition: the task's workflow, to know which states are terminal
            (default: the default definition).

    Raises:
        CalendarUnavailable: if a date involved has no official calendar.
    """
    definition = definition or default_definition()
    if due_on is None or definition.is_terminal(state) or state in PAUSED_STATES:
        return WarningColor.NONE
    if is_overdue(state, due_on, today, definition=definition):
        return WarningColor.RED
    if state in NOT_STARTED_STATES and assigned_on is not None and assigned_on < due_on:
        allotted = calendar.working_days_between(assigned_on, due_on)
        gone = calendar.working_days_between(assigned_on, today)
        numerator, denominator = YELLOW_SHARE
        if allotted > 0 and gone * denominator > allotted * numerator:
            return WarningColor.YELLOW
    if calendar.working_days_between(today, due_on) <= BLUE_WITHIN_WORKING_DAYS:
        return WarningColor.BLUE
    return WarningColor.NONE


def is_overdue(
    state: str,
    due_on: datetime.date | None,
    today: datetime.date,
    *,
    definition: Definition | None = None,
) -> bool:
    """Whether a task is RED: past its due date on ``today``, not finished nor paused.

    Being late needs no working-day calendar, so this never raises.

    Example:
        >>> is_overdue("IN_PROGRESS", datetime.date(2026, 3, 27), datetime.date(2026, 3, 28))
        True
        >>> is_overdue("CLOSED", datetime.date(2026, 3, 27), datetime.date(2026, 3, 28))
        False
        >>> is_overdue("SUSPENDED", datetime.date(2026, 3, 27), datetime.date(2026, 3, 28))
        False
    """
    definition = definition or default_definition()
    if due_on is None or definition.is_terminal(state) or state in PAUSED_STATES:
        return False
    return today > due_on


@dataclass(frozen=True)
class WarningWindows:
    """:func:`warning_for` on one day, as cut-offs to compare many tasks' dates with.

    A task that is neither finished (:attr:`finished`) nor paused
    (:attr:`paused`) and has a due date is, the first that applies:

    1. RED when ``due_on < today``;
    2. YELLOW when its state is one of :attr:`not_started`, it was assigned
       before its due date, and, counting working days by their running
       number ``n`` (``n(d)``: the working days up to and including ``d``),
       ``allotted = n(due_on) - n(assigned_on)`` is positive and
       ``(n(today) - n(assigned_on)) * den > allotted * num`` for
       ``num, den = yellow_share``;
    3. BLUE when ``due_on <= blue_until``;
    4. NONE otherwise, and always for a finished or paused task or one without
       a due date.

    Attributes:
        today: the day judged on.
        blue_until: the last day within :data:`BLUE_WITHIN_WORKING_DAYS`
            working days of ``today`` (the day before the next working day
            after those), or the calendar's last day when it ends sooner;
            None when ``today`` has no official calendar: then no task is
            YELLOW or BLUE.
        known_from: the calendar's first day (None with ``blue_until``).
        known_until: the calendar's last day (None with ``blue_until``).
        not_started: the states YELLOW applies to.
        yellow_share: (num, den) of the allotted time that must be gone.
        finished: the states that never warn.
        paused: the open states whose clock is stopped: they never warn either.
    """

    today: datetime.date
    blue_until: datetime.date | None
    known_from: datetime.date | None = None
    known_until: datetime.date | None = None
    not_started: frozenset[str] = NOT_STARTED_STATES
    yellow_share: tuple[int, int] = YELLOW_SHARE
    finished: frozenset[str] = FINISHED_STATES
    paused: frozenset[str] = PAUSED_STATES


def warning_windows(today: datetime.date, calendar: WorkingCalendar) -> WarningWindows:
    """The cut-offs of the warning colours on ``today`` (see :class:`WarningWindows`).

    Never raises: a day the calendar cannot answer for gives windows without
    BLUE or YELLOW.

    Example:
        >>> from workflow.calendar import default_calendar
        >>> warning_windows(datetime.date(2026, 11, 24), default_calendar()).blue_until
        datetime.date(2026, 11, 29)
    """
    try:
        calendar.is_working_day(today)
    except CalendarUnavailable:
        return WarningWindows(today=today, blue_until=None)
    years = calendar.supported_years
    known_from, known_until = datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)
    try:
        after = calendar.add_working_days(today, BLUE_WITHIN_WORKING_DAYS + 1)
        blue_until = after - datetime.timedelta(days=1)
    except CalendarUnavailable:
        blue_until = known_until
    return WarningWindows(
        today=today, blue_until=blue_until, known_from=known_from, known_until=known_until
    )


@dataclass(frozen=True)
class SweepItem:
    """What the sweep needs to know of a task."""

    task_id: int
    code: str
    state: str
    due_on: datetime.date | None
    supervision_level: str


@dataclass(frozen=True)
class Escalation:
    """A supervision level the sweep wants raised."""

    task_id: int
    code: str
    from_level: SupervisionLevel
    to_level: SupervisionLevel
    working_days_overdue: int


def level_for_overdue(working_days_overdue: int) -> SupervisionLevel:
    """The lowest supervision level a task this many working days overdue should have."""
    if working_days_overdue >= LISTED_AFTER_WORKING_DAYS:
        return SupervisionLevel.LISTED
    if working_days_overdue >= KEY_AFTER_WORKING_DAYS:
        return SupervisionLevel.KEY
    return SupervisionLevel.NORMAL


def sweep_decisions(
    tasks: Iterable[SweepItem],
    today: datetime.date,
    calendar: WorkingCalendar,
    *,
    definition: Definition | None = None,
) -> list[Escalation]:
    """The escalations due on ``today``, in the order the tasks were given.

    Only open tasks (not drafts, not paused) past their due date are considered; a task is
    escalated only if its current level is below the level its working days
    overdue call for. Applying the result and sweeping again gives nothing.

    Raises:
        CalendarUnavailable: if a date involved has no official calendar.
    """
    definition = definition or default_definition()
    escalations = []
    for task in tasks:
        if task.due_on is None or today <= task.due_on:
            continue
        if definition.is_terminal(task.state) or task.state in SWEEP_SKIPS_STATES:
            continue
        overdue = calendar.working_days_between(task.due_on, today)
        target = level_for_overdue(overdue)
        current = SupervisionLevel(task.supervision_level)
        if target.rank > current.rank:
            escalations.append(
                Escalation(
                    task_id=task.task_id,
                    code=task.code,
                    from_level=current,
                    to_level=target,
                    working_days_overdue=overdue,
                )
            )
    return escalations
