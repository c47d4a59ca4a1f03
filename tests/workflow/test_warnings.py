from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.builtin import enforcement_definition
from workflow.calendar import WorkingCalendar, default_calendar
from workflow.errors import CalendarUnavailable
from workflow.warnings import (
    LISTED_AFTER_WORKING_DAYS,
    SupervisionLevel,
    SweepItem,
    WarningColor,
    escalate,
    is_overdue,
    judge_warning,
    listing_candidates,
    sweep_decisions,
    warning_for,
    warning_windows,
)

D = datetime.date
# A task assigned Monday 2026-03-02, due Friday 2026-03-27: 19 working days allotted.
ASSIGNED_ON = D(2026, 3, 2)
DUE_ON = D(2026, 3, 27)


@pytest.mark.parametrize(
    ("state", "assigned_on", "due_on", "today", "color"),
    [
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 30),
            WarningColor.RED,
            id="red-overdue",
        ),
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 28),
            WarningColor.RED,
            id="red-the-day-after",
        ),
        # Issue 14: a paused clock never warns (SUSPENDED was RED the day after,
        # CLOSURE_REQUESTED RED until closed).
        pytest.param(
            "SUSPENDED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 28),
            WarningColor.NONE,
            id="suspended-never-warns",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 4, 20),
            WarningColor.NONE,
            id="closure-requested-waits-on-the-office",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 26),
            WarningColor.NONE,
            id="closure-requested-never-blue",
        ),
        pytest.param(
            "CLOSED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 4, 20),
            WarningColor.NONE,
            id="closed-never-warns",
        ),
        pytest.param(
            "CANCELLED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 4, 20),
            WarningColor.NONE,
            id="cancelled-never-warns",
        ),
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 27),
            WarningColor.BLUE,
            id="blue-on-the-due-day",
        ),
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 24),
            WarningColor.BLUE,
            id="blue-3-working-days-left",
        ),
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 23),
            WarningColor.NONE,
            id="none-4-working-days-left",
        ),
        # 11 calendar days, but only 2 working days (the 调休 Saturday 2-14, then 2-24).
        pytest.param(
            "IN_PROGRESS",
            D(2026, 1, 5),
            D(2026, 2, 24),
            D(2026, 2, 13),
            WarningColor.BLUE,
            id="blue-across-spring-festival",
        ),
        # 13 of 19 working days gone (> two thirds) and not started.
        pytest.param(
            "ACCEPTED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 19),
            WarningColor.YELLOW,
            id="yellow-behind-schedule",
        ),
        pytest.param(
            "ASSIGNED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 19),
            WarningColor.YELLOW,
            id="yellow-not-even-accepted",
        ),
        pytest.param(
            "ACCEPTED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 18),
            WarningColor.NONE,
            id="none-12-of-19-gone",
        ),
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 19),
            WarningColor.NONE,
            id="none-started-in-time",
        ),
        # Near the deadline and not started: behind schedule wins over near.
        pytest.param(
            "ACCEPTED",
            ASSIGNED_ON,
            DUE_ON,
            D(2026, 3, 25),
            WarningColor.YELLOW,
            id="yellow-beats-blue",
        ),
        pytest.param(
            "IN_PROGRESS",
            ASSIGNED_ON,
            None,
            D(2026, 3, 25),
            WarningColor.NONE,
            id="no-due-date",
        ),
    ],
)
def test_warning_colours(
    calendar: WorkingCalendar,
    state: str,
    assigned_on: datetime.date,
    due_on: datetime.date | None,
    today: datetime.date,
    color: WarningColor,
) -> None:
    assert warning_for(state, assigned_on, due_on, today, calendar) == color


@pytest.mark.parametrize(
    ("today", "blue_until"),
    [
        # Tue 24 Nov 2026: Wed, Thu, Fri are the 3 working days; a task due
        # over the weekend is as near as one due on Friday.
        pytest.param(D(2026, 11, 24), D(2026, 11, 29), id="through-the-weekend"),
        # Sat 28 Nov: Mon, Tue, Wed; Thursday is the 4th.
        pytest.param(D(2026, 11, 28), D(2026, 12, 2), id="from-a-day-off"),
        # the calendar ends before the 4th working day: up to its last day
        pytest.param(D(2026, 12, 28), D(2026, 12, 31), id="calendar-ends"),
    ],
)
def test_warning_windows_give_the_last_blue_due_date(
    today: datetime.date, blue_until: datetime.date
) -> None:
    calendar = default_calendar()
    windows = warning_windows(today, calendar)
    assert windows.blue_until == blue_until
    # the day after is no longer BLUE, the day itself is, for a task in progress
    after = blue_until + datetime.timedelta(days=1)
    assert warning_for("IN_PROGRESS", None, blue_until, today, calendar) is WarningColor.BLUE
    if after.year in calendar.supported_years:
        assert warning_for("IN_PROGRESS", None, after, today, calendar) is WarningColor.NONE


def test_warning_windows_of_a_day_without_a_calendar_leave_only_the_unknowable_open() -> None:
    # issue 14: on a day after the calendar a task due within 3 days is BLUE
    # whatever those days are (3 days hold at most 3 working days), and every
    # later due date is UNKNOWN (the 4th day might be a working day or not)
    calendar = WorkingCalendar(years=frozenset({2026}))
    windows = warning_windows(D(2027, 1, 4), calendar)
    assert (windows.blue_until, windows.unknown_until) == (D(2027, 1, 7), None)
    assert warning_for("IN_PROGRESS", None, D(2027, 1, 7), D(2027, 1, 4), calendar) is (
        WarningColor.BLUE
    )
    # two working days left in 2026 and one day of 2027: BLUE; two days of 2027: UNKNOWN
    windows = warning_windows(D(2026, 12, 29), calendar)
    assert (windows.blue_until, windows.unknown_until) == (D(2027, 1, 1), None)
    assert (windows.known_from, windows.known_until) == (D(2026, 1, 1), D(2026, 12, 31))
    assert windows.missing_years == (2027,)
    assert warning_windows(D(2026, 1, 5), calendar).known_from == D(2026, 1, 1)


def test_overdue_needs_no_calendar_and_ends_with_the_task() -> None:
    assert is_overdue("ACCEPTED", DUE_ON, DUE_ON + datetime.timedelta(days=1))
    assert not is_overdue("ACCEPTED", DUE_ON, DUE_ON)
    # Issue 14: a paused task is never late (it was, before).
    assert not is_overdue("SUSPENDED", DUE_ON, DUE_ON + datetime.timedelta(days=1))
    assert not is_overdue("CLOSURE_REQUESTED", DUE_ON, D(2030, 1, 1))
    assert not is_overdue("CANCELLED", DUE_ON, D(2030, 1, 1))
    assert not is_overdue("IN_PROGRESS", None, D(2030, 1, 1))


def test_colours_have_chinese_names() -> None:
    assert [c.label_zh for c in WarningColor] == ["无", "蓝", "黄", "红"]


def test_supervision_levels_climb_and_have_chinese_names() -> None:
    assert escalate("NORMAL") == SupervisionLevel.KEY
    assert escalate(SupervisionLevel.KEY) == SupervisionLevel.LISTED
    assert escalate("LISTED") == SupervisionLevel.LISTED
    assert [level.label_zh for level in SupervisionLevel] == ["一般", "重点", "挂牌"]
    with pytest.raises(ValueError, match="URGENT"):
        escalate("URGENT")


TODAY = D(2026, 4, 17)  # Friday


def item(
    task_id: int, state: str, due_on: datetime.date | None, level: str = "NORMAL"
) -> SweepItem:
    return SweepItem(
        task_id=task_id,
        code=f"FY-2026-{task_id:04d}",
        state=state,
        due_on=due_on,
        supervision_level=level,
    )


def test_sweep_escalates_overdue_tasks_by_working_days_overdue(
    calendar: WorkingCalendar,
) -> None:
    tasks = [
        item(1, "IN_PROGRESS", D(2026, 4, 16)),  # 1 working day overdue
        item(2, "ACCEPTED", D(2026, 4, 3)),  # 2026-04-06 is 清明: 9 working days
        item(3, "IN_PROGRESS", D(2026, 4, 2), "KEY"),  # 10 working days
        item(4, "IN_PROGRESS", D(2026, 3, 1), "LISTED"),  # already at the top
        item(5, "CLOSED", D(2026, 3, 1)),  # done
        item(6, "IN_PROGRESS", D(2026, 4, 17)),  # due today: not overdue
        item(7, "DRAFT", D(2026, 3, 1)),  # never assigned
        item(8, "IN_PROGRESS", None),
        item(9, "SUSPENDED", D(2026, 4, 16), "KEY"),  # KEY is enough for 1 day
        item(10, "SUSPENDED", D(2026, 3, 1)),  # paused: its clock is stopped
        item(11, "CLOSURE_REQUESTED", D(2026, 3, 1)),  # waits on the office
    ]

    escalations = sweep_decisions(tasks, TODAY, calendar)

    assert [(e.code, e.from_level, e.to_level, e.working_days_overdue) for e in escalations] == [
        ("FY-2026-0001", "NORMAL", "KEY", 1),
        ("FY-2026-0002", "NORMAL", "KEY", 9),
    ]
    # 挂牌 is the office's decision: the task 10 working days late is a candidate
    candidates = listing_candidates(tasks, TODAY, calendar)
    assert [(c.code, c.supervision_level, c.working_days_overdue) for c in candidates] == [
        ("FY-2026-0003", "KEY", LISTED_AFTER_WORKING_DAYS),
    ]


def test_a_task_late_only_over_a_weekend_is_not_escalated_until_a_working_day_passes(
    calendar: WorkingCalendar,
) -> None:
    # Given a task due on Friday 2026-04-17
    due_friday = [item(1, "IN_PROGRESS", TODAY)]

    # When the sweep runs on the Sunday, and again on the Monday
    sunday = sweep_decisions(due_friday, D(2026, 4, 19), calendar)
    monday = sweep_decisions(due_friday, D(2026, 4, 20), calendar)

    # Then it is past its date on Sunday but no working day late: nothing is raised;
    # on Monday it is one working day late and goes to KEY
    assert sunday == []
    assert [(e.to_level, e.working_days_overdue) for e in monday] == [("KEY", 1)]


def _apply(
    tasks: list[SweepItem], today: datetime.date, calendar: WorkingCalendar
) -> list[SweepItem]:
    raised = {e.task_id: e.to_level for e in sweep_decisions(tasks, today, calendar)}
    return [
        dataclasses.replace(t, supervision_level=raised.get(t.task_id, t.supervision_level))
        for t in tasks
    ]


states = st.sampled_from([s.key for s in enforcement_definition().states])
levels = st.sampled_from(["NORMAL", "KEY", "LISTED"])
dates = st.dates(D(2025, 1, 1), D(2026, 12, 31))


@given(
    raw=st.lists(st.tuples(states, st.none() | dates, levels), max_size=30),
    today=dates,
)
def test_sweep_is_idempotent(
    raw: list[tuple[str, datetime.date | None, str]], today: datetime.date
) -> None:
    calendar = default_calendar()
    tasks = [item(i, state, due, level) for i, (state, due, level) in enumerate(raw)]

    once = _apply(tasks, today, calendar)

    assert sweep_decisions(once, today, calendar) == []
    assert all(
        SupervisionLevel(after.supervision_level).rank
        >= SupervisionLevel(before.supervision_level).rank
        for before, after in zip(tasks, once, strict=True)
    )


@pytest.mark.parametrize(
    ("state", "assigned_on", "due_on", "today", "colour"),
    [
        # 2026-12-03 … 31 hold 21 working days: weeks from its deadline, whatever 2027 holds
        pytest.param("IN_PROGRESS", None, D(2027, 1, 15), D(2026, 12, 2), "NONE", id="far"),
        # 127 working days gone since 06-01; at most 21 + 15 (every day of 1–15
        # January a working day) = 36 left: 127 > 2 × 36, behind whatever 2027 holds
        pytest.param(
            "ASSIGNED", D(2026, 6, 1), D(2027, 1, 15), D(2026, 12, 2), "YELLOW", id="far-behind"
        ),
        # 62 gone since 09-01, 21 left in 2026 and up to 90 days of 2027: behind
        # (62 > 2 × 21) only if 2027 has at most 9 working days before 03-31
        pytest.param(
            "ASSIGNED", D(2026, 9, 1), D(2027, 3, 31), D(2026, 12, 2), None, id="maybe-behind"
        ),
        # on a day of 2027: 43 working days gone in 2026, at most 3 left (01-06 … 08)
        pytest.param(
            "ASSIGNED", D(2026, 11, 2), D(2027, 1, 8), D(2027, 1, 5), "YELLOW", id="2027-behind"
        ),
        # three days hold at most three working days: BLUE; a fourth may be one more
        pytest.param("IN_PROGRESS", None, D(2027, 1, 8), D(2027, 1, 5), "BLUE", id="2027-near"),
        pytest.param("IN_PROGRESS", None, D(2027, 1, 9), D(2027, 1, 5), None, id="2027-maybe"),
        # late needs no calendar
        pytest.param("IN_PROGRESS", None, D(2026, 12, 31), D(2027, 1, 5), "RED", id="2027-red"),
    ],
)
def test_a_missing_year_leaves_unknown_only_what_it_could_change(
    state: str,
    assigned_on: datetime.date | None,
    due_on: datetime.date,
    today: datetime.date,
    colour: str | None,
) -> None:
    # the package's calendar: 2004–2026, so 2027 is missing
    judged = judge_warning(state, assigned_on, due_on, today, default_calendar())
    if colour is None:
        assert (judged.colour, judged.reason) == (None, "2027年节假日安排尚未录入")
        with pytest.raises(CalendarUnavailable, match="2027"):
            warning_for(state, assigned_on, due_on, today, default_calendar())
    else:
        assert (judged.colour, judged.reason) == (WarningColor(colour), None)
