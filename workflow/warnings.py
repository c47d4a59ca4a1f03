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
tasks 一般 → 重点 (:data:`KEY_AFTER_WORKING_DAYS`). It never sets 挂牌 (LISTED):
挂牌督办 is a leadership decision, a coordinator's ``supervise`` with a comment.
The tasks overdue long enough to deserve it (:data:`LISTED_AFTER_WORKING_DAYS`)
are listed as candidates (:func:`listing_candidates`) for the office to decide
on. It only ever raises a level, never lowers one, so running it twice changes
nothing the second time.
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
    "Judgement",
    "ListingCandidate",
    "SupervisionLevel",
    "SweepItem",
    "SweepPlan",
    "SweepSkip",
    "WarningColor",
    "WarningWindows",
    "escalate",
    "is_overdue",
    "judge_warning",
    "level_for_overdue",
    "listing_candidates",
    "missing_reason",
    "sweep_decisions",
    "sweep_plan",
    "warning_for",
    "warning_windows",
]

#: BLUE when the due date is at most this many working days away.
BLUE_WITHIN_WORKING_DAYS = 3

#: YELLOW when more than this share of the allotted working days is gone.
YELLOW_SHARE = (2, 3)

#: States in which a task has not yet been started (YELLOW applies to them).
NOT_STARTED_STATES = frozenset({"DRAFT", "ASSIGNED", "ACCEPTED", "RETURNED"})

#: States in which the unit's clock is stopped (issue 14): 中止 (SUSPENDED)
#: pauses the deadline, and 申请销号 (CLOSURE_REQUESTED) waits on the office,
#: not the unit. Such a task never warns and the sweep skips it; leaving the
#: state for IN_PROGRESS (resume, reject_closure) moves the due date later by
#: the working days spent in it (``workflow.clocks``).
PAUSED_STATES = frozenset({"SUSPENDED", "CLOSURE_REQUESTED"})

#: States that never warn: the terminal states of the default definition (and
#: of every built-in one). SQL that judges many tasks at once names them.
FINISHED_STATES = frozenset(default_definition().terminal_states)

#: An open task overdue by at least this many working days is at least KEY 重点.
KEY_AFTER_WORKING_DAYS = 1

#: An open task overdue by at least this many working days is a candidate for
#: 挂牌 (LISTED), which only a coordinator sets (:func:`listing_candidates`).
LISTED_AFTER_WORKING_DAYS = 10

#: The highest level the sweep sets by itself.
SWEEP_CEILING = "KEY"

#: States the sweep leaves alone although open: a draft has not been assigned
#: to anyone yet, and supervising it is not an action the workflow offers.
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


def missing_reason(years: Iterable[int]) -> str:
    """Why a figure cannot be judged: "2027年节假日安排尚未录入".

    Example:
        >>> missing_reason([2027])
        '2027年节假日安排尚未录入'
    """
    return "、".join(f"{year}年" for year in sorted(set(years))) + "节假日安排尚未录入"


@dataclass(frozen=True)
class Judgement:
    """A task's colour, or (``colour`` None) the years it would need and has not got.

    ``missing`` is empty exactly when ``colour`` is given.
    """

    colour: WarningColor | None
    missing: tuple[int, ...] = ()

    @property
    def reason(self) -> str | None:
        """Why there is no colour ("2027年节假日安排尚未录入"); None when there is one."""
        return missing_reason(self.missing) if self.colour is None else None


def judge_warning(
    state: str,
    assigned_on: datetime.date | None,
    due_on: datetime.date | None,
    today: datetime.date,
    calendar: WorkingCalendar,
    *,
    definition: Definition | None = None,
) -> Judgement:
    """The warning colour of a task on ``today``, or the missing years that keep it unknown.

    A day of a year without an official calendar may be a working day or not
    (it is never guessed): a count of working days over a span is then
    between the working days of its known days and those plus every missing
    day (:class:`~workflow.calendar.Span`). The colour is given when it is the
    same for every count in those bounds — a task due in a missing year whose
    deadline is weeks away is NONE whatever that year holds; otherwise the
    task has no colour (UNKNOWN) and the years are named.

    With ``gone`` the working days from assignment to today and ``rest`` those
    from today to the due date (disjoint spans, so their bounds are
    independent), YELLOW is ``gone * (den - num) > rest * num`` (the rule of
    the module docstring, as ``allotted = gone + rest``), and BLUE is
    ``rest <= 3``.

    Args: as :func:`warning_for`.
    """
    definition = definition or default_definition()
    if due_on is None or definition.is_terminal(state) or state in PAUSED_STATES:
        return Judgement(WarningColor.NONE)
    if is_overdue(state, due_on, today, definition=definition):
        return Judgement(WarningColor.RED)
    rest = calendar.span(today, due_on)
    rest_high = rest.known + rest.missing_days
    if (
        state in NOT_STARTED_STATES
        and assigned_on is not None
        and assigned_on < due_on
        and assigned_on < today
    ):
        gone = calendar.span(assigned_on, today)
        numerator, denominator = YELLOW_SHARE
        if gone.known * (denominator - numerator) > rest_high * numerator:
            return Judgement(WarningColor.YELLOW)
        gone_high = gone.known + gone.missing_days
        if gone_high * (denominator - numerator) > rest.known * numerator:
            # YELLOW for some calendars of the missing years, not for others
            return Judgement(None, tuple(sorted({*gone.missing, *rest.missing})))
    if rest_high <= BLUE_WITHIN_WORKING_DAYS:
        return Judgement(WarningColor.BLUE)
    if rest.known > BLUE_WITHIN_WORKING_DAYS:
        return Judgement(WarningColor.NONE)
    return Judgement(None, rest.missing)


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
        CalendarUnavailable: if the colour depends on a year without an
            official calendar (:func:`judge_warning` says which years).
    """
    judgement = judge_warning(state, assigned_on, due_on, today, calendar, definition=definition)
    if judgement.colour is None:
        raise CalendarUnavailable(judgement.missing[0], calendar.supported_years)
    return judgement.colour


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
    """:func:`judge_warning` on one day, as cut-offs to compare many tasks' dates with.

    The official calendar's years are taken to be one run ``known_from`` …
    ``known_until`` (``store.calendars`` refuses a year that would leave a
    gap). Counting working days by their running number ``n`` — the working
    days of the calendar up to and including a day, so ``n(d) =
    n(known_until)`` after the calendar and ``0`` before it — the working days
    of a span ``(x, y]`` are between ``low = n(y) - n(x)`` and ``low`` plus
    the span's days outside the calendar. A task that is neither finished
    (:attr:`finished`) nor paused (:attr:`paused`) and has a due date is, the
    first that applies:

    1. RED when ``due_on < today``;
    2. for a YELLOW candidate (state in :attr:`not_started`, assigned before
       today and before its due date), with ``gone`` the working days of
       ``(assigned_on, today]``, ``rest`` those of ``(today, due_on]`` and
       ``num, den = yellow_share``: YELLOW when ``low(gone) * (den - num) >
       high(rest) * num``; UNKNOWN when ``high(gone) * (den - num) >
       low(rest) * num``;
    3. BLUE when ``due_on <= blue_until``;
    4. UNKNOWN when ``due_on <= unknown_until`` (always, with it None);
    5. NONE otherwise, and always for a finished or paused task or one without
       a due date.

    Attributes:
        today: the day judged on.
        blue_until: the last due date surely within :data:`BLUE_WITHIN_WORKING_DAYS`
            working days of ``today`` (``high(rest) <= 3``; ``today`` itself at least).
        unknown_until: the last due date that may be within them
            (``low(rest) <= 3``); None: every later one may.
        today_seq: ``n(today)``.
        last_seq: ``n(known_until)``: the working days of the whole calendar.
        known_from: the calendar's first day (None: the calendar is empty).
        known_until: the calendar's last day (None: the calendar is empty).
        not_started: the states YELLOW applies to.
        yellow_share: (num, den) of the allotted time that must be gone.
        finished: the states that never warn.
        paused: the open states whose clock is stopped: they never warn either.
    """

    today: datetime.date
    blue_until: datetime.date
    unknown_until: datetime.date | None
    today_seq: int = 0
    last_seq: int = 0
    known_from: datetime.date | None = None
    known_until: datetime.date | None = None
    not_started: frozenset[str] = NOT_STARTED_STATES
    yellow_share: tuple[int, int] = YELLOW_SHARE
    finished: frozenset[str] = FINISHED_STATES
    paused: frozenset[str] = PAUSED_STATES

    @property
    def missing_years(self) -> tuple[int, ...]:
        """The years a task judged today may need and the calendar has not got.

        The year after the calendar up to today's (or from today's up to the
        calendar, for a day before it): what an UNKNOWN count's reason names.
        """
        if self.known_until is None or self.known_from is None:
            return (self.today.year,)
        if self.today < self.known_from:
            return tuple(range(self.today.year, self.known_from.year))
        last = max(self.today.year, self.known_until.year + 1)
        return tuple(range(self.known_until.year + 1, last + 1))


def warning_windows(today: datetime.date, calendar: WorkingCalendar) -> WarningWindows:
    """The cut-offs of the warning colours on ``today`` (see :class:`WarningWindows`).

    Never raises: what the calendar cannot answer for is UNKNOWN in the windows.

    Example:
        >>> from workflow.calendar import default_calendar
        >>> warning_windows(datetime.date(2026, 11, 24), default_calendar()).blue_until
        datetime.date(2026, 11, 29)
    """
    one = datetime.timedelta(days=1)
    # high(rest) grows by at most a day a day, and stays put over known days off
    # (a 春节 week at most): step until it passes the limit.
    blue_until = today
    while True:
        span = calendar.span(today, blue_until + one)
        if span.known + span.missing_days > BLUE_WITHIN_WORKING_DAYS:
            break
        blue_until += one
    fourth = calendar.known_working_day_after(today, BLUE_WITHIN_WORKING_DAYS + 1)
    unknown_until = fourth - one if fourth is not None else None
    years = calendar.supported_years
    if not years:
        return WarningWindows(today=today, blue_until=blue_until, unknown_until=unknown_until)
    known_from, known_until = datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)
    return WarningWindows(
        today=today,
        blue_until=blue_until,
        unknown_until=unknown_until,
        today_seq=calendar.span(known_from - one, min(today, known_until)).known,
        last_seq=calendar.span(known_from - one, known_until).known,
        known_from=known_from,
        known_until=known_until,
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
    #: Years the days overdue take in without an official calendar: then
    #: ``working_days_overdue`` counts the known days only (the task is late
    #: by at least that many, and ``to_level`` is what those surely call for).
    missing: tuple[int, ...] = ()


@dataclass(frozen=True)
class ListingCandidate:
    """An overdue task the office may list 挂牌: late by ``working_days_overdue`` (at
    least that many, when ``missing`` names years without an official calendar)."""

    task_id: int
    code: str
    supervision_level: SupervisionLevel
    due_on: datetime.date
    working_days_overdue: int
    missing: tuple[int, ...] = ()


def listing_candidates(
    tasks: Iterable[SweepItem],
    today: datetime.date,
    calendar: WorkingCalendar,
    *,
    definition: Definition | None = None,
) -> list[ListingCandidate]:
    """The tasks of ``tasks`` that are candidates for 挂牌 on ``today``, in their order.

    A candidate is open (not a draft, not paused), below 挂牌, and overdue by at
    least :data:`LISTED_AFTER_WORKING_DAYS` working days (the known ones, when the
    days take in a year without an official calendar: never guessed). The sweep
    prints them and ``Query.listingCandidates`` returns them; neither lists a task.

    Example:
        >>> from workflow.calendar import default_calendar
        >>> item = SweepItem(1, "FY-2026-0001", "IN_PROGRESS", datetime.date(2026, 10, 9), "KEY")
        >>> [c.working_days_overdue for c in listing_candidates(
        ...     [item], datetime.date(2026, 10, 30), default_calendar())]
        [16]
    """
    definition = definition or default_definition()
    found = []
    for task in tasks:
        if task.due_on is None or today <= task.due_on:
            continue
        if definition.is_terminal(task.state) or task.state in SWEEP_SKIPS_STATES:
            continue
        if task.supervision_level == SupervisionLevel.LISTED:
            continue
        late = calendar.span(task.due_on, today)
        if late.known >= LISTED_AFTER_WORKING_DAYS:
            found.append(
                ListingCandidate(
                    task_id=task.task_id,
                    code=task.code,
                    supervision_level=SupervisionLevel(task.supervision_level),
                    due_on=task.due_on,
                    working_days_overdue=late.known,
                    missing=late.missing,
                )
            )
    return found


def level_for_overdue(working_days_overdue: int) -> SupervisionLevel:
    """The lowest supervision level a task this many working days overdue should have."""
    if working_days_overdue >= LISTED_AFTER_WORKING_DAYS:
        return SupervisionLevel.LISTED
    if working_days_overdue >= KEY_AFTER_WORKING_DAYS:
        return SupervisionLevel.KEY
    return SupervisionLevel.NORMAL


@dataclass(frozen=True)
class SweepSkip:
    """An overdue task the sweep could not judge: the working days it is late take in
    a missing year, and they may call for a higher level than it has (or is given)."""

    task_id: int
    code: str
    supervision_level: SupervisionLevel
    at_least_working_days: int
    missing: tuple[int, ...]

    @property
    def reason(self) -> str:
        return missing_reason(self.missing)


@dataclass(frozen=True)
class SweepPlan:
    """What the sweep does on a day: the escalations, and the tasks it could not judge.

    ``judged`` counts the overdue tasks whose level was settled (escalated or
    already high enough).
    """

    escalations: list[Escalation]
    skipped: list[SweepSkip]
    judged: int


def sweep_plan(
    tasks: Iterable[SweepItem],
    today: datetime.date,
    calendar: WorkingCalendar,
    *,
    definition: Definition | None = None,
) -> SweepPlan:
    """The escalations due on ``today``, in the order the tasks were given, and the skips.

    Only open tasks (not drafts, not paused) past their due date are considered; a task is
    escalated only if its current level is below the level its working days
    overdue call for, and never beyond 重点 (:data:`SWEEP_CEILING`): 挂牌 is the
    office's decision (:func:`listing_candidates`). Applying the result and
    sweeping again gives nothing.

    Where the days overdue take in a year without an official calendar, the
    known working days are a lower bound and the known ones plus every missing
    day an upper one: the task is raised to the level the lower bound surely
    calls for, and listed in ``skipped`` when the upper bound could call for a
    higher level than it then has (a task known to be 10 working days late is
    LISTED whatever the missing year holds; one 3 days late before 1 January
    and 5 days into it is KEY).
    """
    definition = definition or default_definition()
    escalations: list[Escalation] = []
    skipped: list[SweepSkip] = []
    judged = 0
    for task in tasks:
        if task.due_on is None or today <= task.due_on:
            continue
        if definition.is_terminal(task.state) or task.state in SWEEP_SKIPS_STATES:
            continue
        late = calendar.span(task.due_on, today)
        target = _capped(level_for_overdue(late.known))
        current = SupervisionLevel(task.supervision_level)
        if target.rank > current.rank:
            escalations.append(
                Escalation(
                    task_id=task.task_id,
                    code=task.code,
                    from_level=current,
                    to_level=target,
                    working_days_overdue=late.known,
                    missing=late.missing,
                )
            )
        reached = max(target, current, key=lambda level: level.rank)
        # at most every missing day a working day: the highest level it may call for
        highest = _capped(level_for_overdue(late.known + late.missing_days))
        if late.missing and highest.rank > reached.rank:
            skipped.append(SweepSkip(task.task_id, task.code, reached, late.known, late.missing))
        else:
            judged += 1
    return SweepPlan(escalations, skipped, judged)


def _capped(level: SupervisionLevel) -> SupervisionLevel:
    """``level``, or 重点 if higher: the sweep never lists a task 挂牌 by itself."""
    ceiling = SupervisionLevel(SWEEP_CEILING)
    return ceiling if level.rank > ceiling.rank else level


def sweep_decisions(
    tasks: Iterable[SweepItem],
    today: datetime.date,
    calendar: WorkingCalendar,
    *,
    definition: Definition | None = None,
) -> list[Escalation]:
    """The escalations of :func:`sweep_plan` (each one the level surely due)."""
    return sweep_plan(tasks, today, calendar, definition=definition).escalations
