"""The clocks that pause (``workflow.clocks``) as SQL over the intervals in force.

The intervals (``store.intervals``) know a task's state, due date and its
assignment and closing dates; the day of its closure request is read from the
event log, as of the interval: the latest ``request_closure`` event at or
before the event that opened the interval (``seq``), through the event's
``(task_id, seq)`` index. A figure for a past moment reads intervals that
were in force then, and so requests made by then only: it does not change.

Working days come from ``calendar_day`` (``store.calendar_days``): the working
days in ``(a, b]`` are ``n(b) - n(a)``. A day without a row (a year without an
official calendar) gives NULL, and such a task is not counted either way.
"""

from __future__ import annotations

__all__ = ["DECISION_ACTIONS", "REQUEST_ACTION", "requested_on", "working_days"]

#: The action whose day 按期 is judged on, and the office's review starts from.
REQUEST_ACTION = "request_closure"

#: The office's decisions on a closure request: the review ends with either.
DECISION_ACTIONS = ("approve_closure", "reject_closure")


def requested_on(alias: str = "i", *, before: bool = False) -> str:
    """The day of the latest closure request as of row ``alias`` (NULL if none).

    ``alias`` is an interval (the requests up to the event that opened it) or,
    with ``before``, an event (the requests before it).
    """
    compare = "<" if before else "<="
    return (
        f'(SELECT MAX(q."occurred_on") FROM "task_event" q'
        f' WHERE q."task_id" = {alias}."task_id" AND q."seq" {compare} {alias}."seq"'
        f" AND q.\"action\" = '{REQUEST_ACTION}')"
    )


def working_days(start: str, end: str) -> str:
    """The working days in ``(start, end]``, two SQL date expressions (NULL if unknown)."""
    return (
        f"((SELECT working_seq FROM calendar_day WHERE day = {end})"
        f" - (SELECT working_seq FROM calendar_day WHERE day = {start}))"
    )
