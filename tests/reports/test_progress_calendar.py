"""Progress judges a year an administrator entered as it judges the package's years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from reports.progress import Scope, compute_progress
from store.calendars import set_official_calendar
from store.operations.transitions import transition_task
from tests.store.factories import other_task
from tests.store.factories import world as make_world
from tests.store.test_calendars import HOLIDAYS_2027, WORKDAYS_2027
from workflow.calendar import default_calendar, install_calendar
from workflow.warnings import WarningColor, warning_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def package_calendar_after() -> Iterator[None]:
    yield
    install_calendar(None)


async def test_a_task_due_in_an_entered_2027_gets_the_engines_colour_in_progress(db: str) -> None:
    # given a task assigned on 2026-12-01, due Friday 2027-01-15
    w = await make_world()
    task = await other_task(
        w, due_on=dt.date(2027, 1, 15), created=dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    )
    await transition_task(
        task.id,
        "assign",
        w.coordinator,
        expected_version=task.version,
        now=dt.datetime(2026, 12, 1, 10, tzinfo=SHANGHAI),
    )
    # when 2027 is entered (1–3 January off) and progress is read on Tuesday 2027-01-12
    await set_official_calendar(
        year=2027, source="test", holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, entered_by=None
    )
    report = await compute_progress(Scope(as_of=dt.datetime(2027, 1, 12, 18, tzinfo=SHANGHAI)))
    # then it has the colour the engine gives it on the entered calendar: YELLOW, still
    # not started with 29 of its 32 working days gone (2026-12-02..31 are 22 working days;
    # 1–3 January are off; 2027-01-04..12 are 7)
    calendar = default_calendar()
    assert calendar.working_days_between(dt.date(2026, 12, 1), dt.date(2026, 12, 31)) == 22
    assert calendar.working_days_between(dt.date(2026, 12, 31), dt.date(2027, 1, 12)) == 7
    assert calendar.working_days_between(dt.date(2026, 12, 1), dt.date(2027, 1, 15)) == 32
    colour = warning_for(
        "ASSIGNED", dt.date(2026, 12, 1), dt.date(2027, 1, 15), dt.date(2027, 1, 12), calendar
    )
    assert colour is WarningColor.YELLOW
    assert report.warnings == {"RED": 0, "YELLOW": 1, "BLUE": 0}
    # and on Monday 2027-01-18 it is RED
    late = await compute_progress(Scope(as_of=dt.datetime(2027, 1, 18, 18, tzinfo=SHANGHAI)))
    assert late.warnings["RED"] == 1
