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
the calendar knows of a span; whether the span also takes in days of a year
without an official calendar is a comparison of dates with the windows'
cut-offs. A task whose colour those unknown days could change is UNKNOWN
(code :data:`UNKNOWN`), as ``workflow.warnings.judge_warning`` says, and
every other task keeps its colour.

Example:
    >>> import datetime as dt
    >>> from workflow.warnings import WarningWindows
    >>> day = dt.date(2026, 11, 24)
    >>> windows = WarningWindows(today=day, blue_until=day, unknown_until=day)
    >>> WarningSql(SqlParams(sqlite=False), windows).is_colour(WarningColor.RED)
    "i.state NOT IN ('CANCELLED', 'CLOSED') AND i.due_on IS NOT NULL AND i.due_on < $1"
"""

from __future__ import annotations

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
    def _today_seq(self) -> str:
        return self._p(self._windows.today_seq)

    def _seq(self, day: str) -> str:
        """``n(day)``: the running working-day number, held at the calendar's ends."""
        w = self._windows
        if w.known_until is None:
            return "0"
        clamped = f"CASE WHEN {day} > {self._known_until} THEN {self._known_until} ELSE {day} END"
        return f"COALESCE((SELECT working_seq FROM calendar_day WHERE day = {clamped}), 0)"

    def _unwarned(self) -> str:
        """A task that never warns: finished, or without a due date."""
        c = self._c
        return f"{c.state} IN ({_quoted(self._windows.finished)}) OR {c.due_on} IS NULL"

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

    def _behind(self) -> str:
        """``gone * (den - num) > rest * num`` over the known working days."""
        w, c = self._windows, self._c
        numerator, denominator = w.yellow_share
        today_seq = self._today_seq
        gone = f"({today_seq} - {self._seq(c.assigned_on)})"
        rest = f"({self._seq(c.due_on)} - {today_seq})"
        return f"{gone} * {denominator - numerator} > {rest} * {numerator}"

    def _rest_missing(self) -> str:
        """The days from today to the due date take in a missing day."""
        w = self._windows
        if w.missing_after is None:
            return _NEVER
        return f"{self._c.due_on} > {self._p(w.missing_after)}"

    def _gone_missing(self) -> str:
        """The days from the assignment to today take in a missing day."""
        w = self._windows
        if w.gone_missing or w.before_known is None:
            return "1 = 1"
        return f"{self._c.assigned_on} < {self._p(w.before_known)}"

    def _near(self) -> str:
        """BLUE's own condition, for a task that warns and is neither RED nor YELLOW."""
        return f"{self._c.due_on} <= {self._p(self._windows.blue_until)}"

    def _unknown_nearness(self) -> str:
        """After ``blue_until``: whether the due date is near depends on a missing year."""
        w = self._windows
        if w.unknown_until is None:
            return "1 = 1"
        if w.unknown_until <= w.blue_until:
            return _NEVER
        return f"{self._c.due_on} <= {self._p(w.unknown_until)}"

    def colour(self) -> str:
        """A CASE expression: the code (:data:`CODES`) of the task's colour."""
        none, red = CODES[WarningColor.NONE], CODES[WarningColor.RED]
        yellow, blue = CODES[WarningColor.YELLOW], CODES[WarningColor.BLUE]
        return (
            f"CASE WHEN {self._unwarned()} THEN {none}"
            f" WHEN {self._late()} THEN {red}"
            f" WHEN {self._candidate()} AND {self._behind()}"
            f" THEN CASE WHEN {self._rest_missing()} THEN {UNKNOWN} ELSE {yellow} END"
            f" WHEN {self._candidate()} AND ({self._gone_missing()}) THEN {UNKNOWN}"
            f" WHEN {self._near()} THEN {blue}"
            f" WHEN {self._unknown_nearness()} THEN {UNKNOWN}"
            f" ELSE {none} END"
        )

    def is_colour(self, colour: WarningColor) -> str:
        """A condition: the task's colour is ``colour``.

        RED (overdue) is spelled out, so that an index on the due date serves it.
        """
        if colour is WarningColor.RED:
            c = self._c
            return (
                f"{c.state} NOT IN ({_quoted(self._windows.finished)})"
                f" AND {c.due_on} IS NOT NULL AND {self._late()}"
            )
        return f"({self.colour()}) = {CODES[colour]}"

    def unknowable(self) -> str:
        """A condition: the task's colour depends on a year without an official calendar
        (``workflow.warnings.judge_warning`` gives it no colour)."""
        return f"({self.colour()}) = {UNKNOWN}"
