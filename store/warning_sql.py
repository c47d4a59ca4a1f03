"""The three-colour warning rule as SQL: many tasks judged in one statement.

The rule is the engine's (``workflow.warnings``: :func:`~workflow.warnings.warning_for`
judges one task, :func:`~workflow.warnings.warning_windows` gives one day's
cut-offs). This module only spells those cut-offs as SQL over a row's state,
assignment date and due date, so that the task list's ``warning`` and
``overdue`` filters (``schema.filters.tasks``), the progress figures
(``reports.progress``) and a briefing's overdue list (``reports.snapshot``)
judge as the engine does, from the task rows or from the intervals in force
at a moment (``store.intervals``) alike.

RED and BLUE compare the due date with a day. YELLOW counts working days with
``calendar_day`` (``store.calendar_days``, filled from the same calendar): a
day's ``working_seq`` is its running number of working days, so the working
days in ``(a, b]`` are ``n(b) - n(a)``. A date after the calendar looks up the
calendar's last day and one before it counts 0, which gives the working days
the calendar knows of a span; the span's days outside the calendar (a year
without an official calendar) are counted as days, each of which may be a
working day or not. A task whose colour those days could change is UNKNOWN
(code :data:`UNKNOWN`), as ``workflow.warnings.judge_warning`` says, and
every other task keeps its colour.

Example:
    >>> import datetime as dt
    >>> from workflow.warnings import WarningWindows
    >>> day = dt.date(2026, 11, 24)
    >>> windows = WarningWindows(today=day, blue_until=day, unknown_until=day)
    >>> print(WarningSql(SqlParams(sqlite=False), windows).is_colour(WarningColor.RED))
    i.state NOT IN ('CANCELLED', 'CLOSED', 'CLOSURE_REQUESTED', 'SUSPENDED') AND i.due_on ...
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from store.intervals import SqlParams
from workflow.warnings import WarningColor, WarningWindows

__all__ = ["CODES", "INTERVAL_COLUMNS", "TASK_COLUMNS", "UNKNOWN", "Columns", "WarningSql"]

#: The code of each colour in :meth:`WarningSql.colour`.
CODES: dict[WarningColor, int] = {
    WarningColor.NONE: 0,
    WarningColor.RED: 1,
    WarningColor.YELLOW: 2,
    WarningColor.BLUE: 3,
}

#: The code of a task whose colour depends on a year without an official calendar.
UNKNOWN = 4


@dataclass(frozen=True)
class Columns:
    """Where a statement finds a task's state, assignment date and due date."""

    state: str
    assigned_on: str
    due_on: str


#: The task rows, as tortoise names them in the statements it builds.
TASK_COLUMNS = Columns('"task"."state"', '"task"."assigned_on"', '"task"."due_on"')

#: The intervals of ``task_state_interval`` aliased ``i`` (``store.intervals``).
INTERVAL_COLUMNS = Columns("i.state", "i.assigned_on", "i.due_on")

_NEVER = "1 = 0"


def _quoted(values: frozenset[str]) -> str:
    """A SQL list of the rule's state names (constants of the engine, never user input)."""
    return ", ".join(f"'{value}'" for value in sorted(values))


class WarningSql:
    """The rule of ``windows`` as SQL over ``columns``, with parameters from ``p``.

    A parameter is added to ``p`` only when the SQL that needs it is asked
    for (PostgreSQL refuses a numbered parameter the statement never uses).
    The days between two dates are spelled per dialect (``p.sqlite``).
    """

    def __init__(
        self, p: SqlParams, windows: WarningWindows, columns: Columns = INTERVAL_COLUMNS
    ) -> None:
        self._p = p
        self._windows = windows
        self._c = columns

    @functools.cached_property
    def _today(self) -> str:
        return self._p(self._windows.today)

    @functools.cached_property
    def _known_until(self) -> str:
        assert self._windows.known_until is not None
        return self._p(self._windows.known_until)

    @functools.cached_property
    def _before_known(self) -> str:
        assert self._windows.known_from is not None
        return self._p(self._windows.known_from - dt.timedelta(days=1))

    @functools.cached_property
    def _today_seq(self) -> str:
        return self._p(self._windows.today_seq)

    def _seq(self, day: str) -> str:
        """``n(day)``: the running working-day number, held at the calendar's ends
        (looked up only for a day inside the calendar)."""
        w = self._windows
        if w.known_until is None:
            return "0"
        return (
            f"CASE WHEN {day} > {self._known_until} THEN {self._p(w.last_seq)}"
            f" WHEN {day} <= {self._before_known} THEN 0"
            f" ELSE (SELECT working_seq FROM calendar_day WHERE day = {day}) END"
        )

    def _spans_missing(self) -> str:
        """Whether the task's spans (assignment → today → due date) take in a missing day.

        Without, the two bounds of :meth:`_behind` are one: no need to test both.
        """
        w, c = self._windows, self._c
        if w.known_until is None or w.known_from is None:
            return "1 = 1"
        if not w.known_from <= w.today <= w.known_until:
            return "1 = 1"
        return f"({c.due_on} > {self._known_until} OR {c.assigned_on} < {self._before_known})"

    def _days(self, later: str, earlier: str) -> str:
        """The days from ``earlier`` to ``later`` (an integer)."""
        if self._p.sqlite:
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"

    def _missing_days(self, x: str, y: str) -> str:
        """The days of ``(x, y]`` (``x <= y``) outside the calendar: before it, and after it."""
        w = self._windows
        if w.known_until is None:
            return self._days(y, x)
        p, k = self._before_known, self._known_until
        before = (
            f"CASE WHEN {x} < {p}"
            f" THEN {self._days(f'CASE WHEN {y} < {p} THEN {y} ELSE {p} END', x)} ELSE 0 END"
        )
        after = (
            f"CASE WHEN {y} > {k}"
            f" THEN {self._days(y, f'CASE WHEN {x} > {k} THEN {x} ELSE {k} END')} ELSE 0 END"
        )
        return f"({before} + {after})"

    def _silent(self) -> frozenset[str]:
        """The states that never warn: finished, or paused (the clock is stopped)."""
        return self._windows.finished | self._windows.paused

    def _unwarned(self) -> str:
        """A task that never warns: finished or paused, or without a due date."""
        c = self._c
        return f"{c.state} IN ({_quoted(self._silent())}) OR {c.due_on} IS NULL"

    def _late(self) -> str:
        return f"{self._c.due_on} < {self._today}"

    def _candidate(self) -> str:
        """Could be YELLOW: not started, assigned before today and before its due date."""
        w, c = self._windows, self._c
        return (
            f"{c.state} IN ({_quoted(w.not_started)})"
            f" AND {c.assigned_on} IS NOT NULL AND {c.assigned_on} < {c.due_on}"
            f" AND {c.assigned_on} < {self._today}"
        )

    def _behind(self, *, surely: bool) -> str:
        """``gone * (den - num) > rest * num`` for every calendar of the missing days
        (``surely``: low gone, high rest) or for some (high gone, low rest)."""
        w, c = self._windows, self._c
        numerator, denominator = w.yellow_share
        gone = f"({self._today_seq} - {self._seq(c.assigned_on)})"
        rest = f"({self._seq(c.due_on)} - {self._today_seq})"
        if surely:
            rest = f"({rest} + {self._missing_days(self._today, c.due_on)})"
        else:
            gone = f"({gone} + {self._missing_days(c.assigned_on, self._today)})"
        return f"{gone} * {denominator - numerator} > {rest} * {numerator}"

    def _near(self) -> str:
        """BLUE's own condition, for a task that warns and is neither RED nor YELLOW."""
        return f"{self._c.due_on} <= {self._p(self._windows.blue_until)}"

    def _maybe_near(self) -> str:
        """After ``blue_until``: whether the due date is near depends on a missing year."""
        w = self._windows
        if w.unknown_until is None:
            return "1 = 1"
        if w.unknown_until <= w.blue_until:
            return _NEVER
        return f"{self._c.due_on} <= {self._p(w.unknown_until)}"

    def colour(self) -> str:
        """A CASE expression: the code (:data:`CODES`, :data:`UNKNOWN`) of the task's colour."""
        none, red = CODES[WarningColor.NONE], CODES[WarningColor.RED]
        yellow, blue = CODES[WarningColor.YELLOW], CODES[WarningColor.BLUE]
        return (
            f"CASE WHEN {self._unwarned()} THEN {none}"
            f" WHEN {self._late()} THEN {red}"
            # behind for some calendar of the missing days; YELLOW if for every one
            f" WHEN {self._candidate()} AND {self._behind(surely=False)}"
            f" THEN CASE WHEN NOT {self._spans_missing()} THEN {yellow}"
            f" WHEN {self._behind(surely=True)} THEN {yellow} ELSE {UNKNOWN} END"
            f" WHEN {self._near()} THEN {blue}"
            f" WHEN {self._maybe_near()} THEN {UNKNOWN}"
            f" ELSE {none} END"
        )

    def is_colour(self, colour: WarningColor) -> str:
        """A condition: the task's colour is ``colour``.

        RED (overdue) is spelled out, so that an index on the due date serves it.
        """
        if colour is WarningColor.RED:
            c = self._c
            return (
                f"{c.state} NOT IN ({_quoted(self._silent())})"
                f" AND {c.due_on} IS NOT NULL AND {self._late()}"
            )
        return f"({self.colour()}) = {CODES[colour]}"

    def unknowable(self) -> str:
        """A condition: the task's colour depends on a year without an official calendar
        (``workflow.warnings.judge_warning`` gives it no colour)."""
        return f"({self.colour()}) = {UNKNOWN}"
