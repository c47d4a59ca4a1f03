"""The clocks that pause (``workflow.clocks``) as SQL over the intervals in force.

The intervals (``store.intervals``) know a task's state, due date and its
assignment, closure request and closing dates (``requested_on``, migration
0011: the day of the latest ``request_closure`` as of the interval). A figure
for a past moment reads intervals that were in force then, and so requests
made by then only: it does not change.

Working days come from ``calendar_day`` (``store.calendar_days``): the working
days in ``(a, b]`` are ``n(b) - n(a)``. A day without a row (a year without an
official calendar) gives NULL, and such a task is not counted either way.
"""

from __future__ import annotations

__all__ = ["REJECT_ACTION", "working_days"]

#: The office's decision that sends a closure request back (驳回); an approval
#: is read from the closed task's interval instead.
REJECT_ACTION = "reject_closure"


def working_days(start: str, end: str) -> str:
    """The working days in ``(start, end]``, two SQL date expressions (NULL if unknown)."""
    return (
        f"((SELECT working_seq FROM calendar_day WHERE day = {end})"
        f" - (SELECT working_seq FROM calendar_day WHERE day = {start}))"
    )
