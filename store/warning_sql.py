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
days in ``(a, b]`` are ``n(b) - n(a)``. A date without a row (a year without
an official calendar) leaves the comparison unknown, and such a task is not
YELLOW — the engine would refuse to guess (issue 14 will say UNKNOWN).

Example:
    >>> import datetime as dt
    >>> from workflow.warnings import WarningWindows
    >>> windows = WarningWindows(today=dt.date(2026, 11, 24), blue_until=None)
    >>> print(WarningSql(SqlParams(sqlite=False), windows).is_colour(WarningColor.RED))
    i.state NOT IN ('CANCELLED', 'CLOSED', 'CLOSURE_REQUESTED', 'SUSPENDED') AND i.due_on ...
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from store.intervals import SqlParams
from workflow.warnings import WarningColor, WarningWindows

__all__ = ["CODES", "INTERVAL_COLUMNS", "TASK_COLUMNS", "Columns", "WarningSql"]

#: The code of each colour in :meth:`WarningSql.colour`.
CODES: dict[WarningColor, int] = {
    WarningColor.NONE: 0,
    WarningColor.RED: 1,
    WarningColor.YELLOW: 2,
    WarningColor.BLUE: 3,
}


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

    def _seq(self, day: str) -> str:
        return f"(SELECT working_seq FROM calendar_day WHERE day = {day})"

    def _silent(self) -> frozenset[str]:
        """The states that never warn: finished, or paused (the clock is stopped)."""
        return self._windows.finished | self._windows.paused

    def _unwarned(self) -> str:
        """A task that never warns: finished or paused, or without a due date."""
        c = self._c
        return f"{c.state} IN ({_quoted(self._silent())}) OR {c.due_on} IS NULL"

    def _late(self) -> str:
        return f"{self._c.due_on} < {self._today}"

    def _behind(self) -> str:
        """YELLOW's own condition, for a task that warns and is not late."""
        w, c = self._windows, self._c
        if w.blue_until is None:
            return _NEVER
        numerator, denominator = w.yellow_share
        allotted = f"({self._seq(c.due_on)} - {self._seq(c.assigned_on)})"
        gone = f"({self._seq(self._today)} - {self._seq(c.assigned_on)})"
        return (
            f"{c.state} IN ({_quoted(w.not_started)})"
            f" AND {c.assigned_on} IS NOT NULL AND {c.assigned_on} < {c.due_on}"
            f" AND {allotted} > 0 AND {gone} * {denominator} > {allotted} * {numerator}"
        )

    def _near(self) -> str:
        """BLUE's own condition, for a task that warns and is neither RED nor YELLOW."""
        if self._windows.blue_until is None:
            return _NEVER
        return f"{self._c.due_on} <= {self._p(self._windows.blue_until)}"

    def colour(self) -> str:
        """A CASE expression: the code (:data:`CODES`) of the task's colour."""
        none, red = CODES[WarningColor.NONE], CODES[WarningColor.RED]
        yellow, blue = CODES[WarningColor.YELLOW], CODES[WarningColor.BLUE]
        return (
            f"CASE WHEN {self._unwarned()} THEN {none}"
            f" WHEN {self._late()} THEN {red}"
            f" WHEN {self._behind()} THEN {yellow}"
            f" WHEN {self._near()} THEN {blue}"
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
        """A condition: the engine could not judge the task (``CalendarUnavailable``).

        That is, with the day itself in the calendar: a task that could be
        YELLOW (open, not started, assigned before its due date, not late)
        whose assignment or due date falls outside the calendar's years. With
        the day outside the calendar, every task that is not RED.
        """
        w, c = self._windows, self._c
        if w.blue_until is None or w.known_from is None or w.known_until is None:
            return f"NOT ({self.is_colour(WarningColor.RED)})"
        return (
            f"{c.state} IN ({_quoted(w.not_started)}) AND {c.due_on} >= {self._today}"
            f" AND {c.assigned_on} IS NOT NULL AND {c.assigned_on} < {c.due_on}"
            f" AND ({c.assigned_on} < {self._p(w.known_from)}"
            f" OR {c.due_on} > {self._p(w.known_until)})"
        )
