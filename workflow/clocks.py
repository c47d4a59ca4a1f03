"""Clocks that pause: whose time a day is, the unit's or the office's (issue 14).

A task's 办结时限 counts the responsible unit's working days. Some of them are
not the unit's to spend:

* 中止 (SUSPENDED) pauses the deadline. On 恢复 (resume) the due date moves
  later by the working days spent suspended (:func:`paused_due_on`).
* 申请销号 (CLOSURE_REQUESTED) stops the unit's clock while the office
  reviews: 按期 is judged on the day of the request that was finally
  approved, and a rejected request (驳回) gives back the days the review
  took, so the unit resumes with the days it had already used — the due date
  moves later by those working days, as on resume.
* The office's own time is its own figure: 审核用时, the working days from
  a request to its decision, with a warning once a review has taken longer
  than :attr:`ClockLimits.review_warn_working_days`.
* 签收时限: an ASSIGNED task not accepted or returned within
  :attr:`ClockLimits.accept_within_working_days` working days of its
  assignment is 未按时签收 (:func:`accepted_late`).

Working days are counted as ``WorkingCalendar.working_days_between`` counts
them, ``(a, b]``: a task suspended on Wednesday 2026-09-30 and resumed on
Thursday 2026-10-08 (国庆 2026: 10-01 to 10-07 off) spent one working day
suspended, the 8th.

Which states stop the clock is ``workflow.warnings.PAUSED_STATES``: the
warning colours and the sweep read it there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from workflow.calendar import WorkingCalendar
from workflow.warnings import PAUSED_STATES

__all__ = [
    "ACCEPT_WITHIN_WORKING_DAYS",
    "PAUSED_STATES",
    "REVIEW_WARN_WORKING_DAYS",
    "ClockLimits",
    "Pause",
    "accepted_late",
    "paused_due_on",
    "review_overdue",
]

#: 签收时限: working days an ASSIGNED task may wait to be accepted or returned.
ACCEPT_WITHIN_WORKING_DAYS = 2

#: The office's review (审核) warns once it has taken more working days than this.
REVIEW_WARN_WORKING_DAYS = 5


@dataclass(frozen=True)
class ClockLimits:
    """The configured limits of the clocks (``api.settings``: FUYUAN_ACCEPT_WITHIN_WORKING_DAYS,
    FUYUAN_REVIEW_WARN_WORKING_DAYS).

    Attributes:
        accept_within_working_days: 签收时限 (default 2).
        review_warn_working_days: the office's review warns past this (default 5).
    """

    accept_within_working_days: int = ACCEPT_WITHIN_WORKING_DAYS
    review_warn_working_days: int = REVIEW_WARN_WORKING_DAYS


@dataclass(frozen=True)
class Pause:
    """A pause that ends: what leaving a paused state does to the due date.

    Attributes:
        since: the day the task entered the paused state.
        working_days: the working days spent in it, ``(since, today]``.
        previous_due_on: the due date before.
        due_on: the due date after (``previous_due_on`` moved by ``working_days``).
    """

    since: datetime.date
    working_days: int
    previous_due_on: datetime.date
    due_on: datetime.date


def paused_due_on(
    due_on: datetime.date, since: datetime.date, today: datetime.date, calendar: WorkingCalendar
) -> Pause:
    """The due date of a task leaving a pause that began on ``since``, on ``today``.

    The due date moves later by the working days in ``(since, today]``. On a
    working day it lands on the ``n``-th working day after; a due date on a
    day off moves from that day (the next working day counts as the first).

    Example (国庆 2026: 10-01 to 10-07 off, Saturday 10-10 worked):
        >>> from workflow.calendar import default_calendar
        >>> d, calendar = datetime.date, default_calendar()
        >>> pause = paused_due_on(d(2026, 10, 9), d(2026, 9, 29), d(2026, 10, 9), calendar)
        >>> pause.working_days, pause.due_on
        (3, datetime.date(2026, 10, 13))

    Raises:
        CalendarUnavailable: a day involved has no official calendar.
    """
    days = max(calendar.working_days_between(since, today), 0)
    moved = calendar.add_working_days(due_on, days) if days else due_on
    return Pause(since=since, working_days=days, previous_due_on=due_on, due_on=moved)


def accepted_late(
    assigned_on: datetime.date,
    today: datetime.date,
    calendar: WorkingCalendar,
    limits: ClockLimits = ClockLimits(),
) -> bool:
    """Whether an ASSIGNED task, assigned on ``assigned_on``, is 未按时签收 on ``today``.

    Late once more than :attr:`ClockLimits.accept_within_working_days`
    working days have gone by since the assignment without an answer.

    Raises:
        CalendarUnavailable: a day involved has no official calendar.
    """
    return calendar.working_days_between(assigned_on, today) > limits.accept_within_working_days


def review_overdue(
    requested_on: datetime.date,
    decided_on: datetime.date,
    calendar: WorkingCalendar,
    limits: ClockLimits = ClockLimits(),
) -> bool:
    """Whether the office's review of a request made on ``requested_on`` took too long.

    ``decided_on`` is the day of the decision, or today for a review still open.

    Raises:
        CalendarUnavailable: a day involved has no official calendar.
    """
    return calendar.working_days_between(requested_on, decided_on) > limits.review_warn_working_days
