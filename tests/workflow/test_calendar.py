from __future__ import annotations

import datetime
from collections.abc import Callable

import chinese_calendar  # type: ignore[import-untyped]  # ships no type information
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.calendar import (
    OfficialYear,
    WorkingCalendar,
    default_calendar,
    install_calendar,
    official_years,
    package_years,
)
from workflow.errors import CalendarUnavailable

D = datetime.date


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_package_data_is_what_the_tests_assume() -> None:
    # The 2026 notice as chinese_calendar ships it: Spring Festival 2-15..2-23
    # off with the Saturdays 2-14 and 2-28 worked; National Day 10-1..10-7 off
    # with Sunday 9-20 and Saturday 10-10 worked.
    assert all(chinese_calendar.is_holiday(d) for d in _days(D(2026, 2, 15), D(2026, 2, 23)))
    assert all(chinese_calendar.is_holiday(d) for d in _days(D(2026, 10, 1), D(2026, 10, 7)))
    for make_up in (D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)):
        assert make_up.weekday() >= 5
        assert chinese_calendar.is_workday(make_up)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(D(2026, 2, 13), True, id="friday-before-spring-festival"),
        pytest.param(D(2026, 2, 14), True, id="make-up-saturday-0214"),
        pytest.param(D(2026, 2, 15), False, id="spring-festival-first-day"),
        pytest.param(D(2026, 2, 17), False, id="chuyi-tuesday"),
        pytest.param(D(2026, 2, 23), False, id="spring-festival-last-day-monday"),
        pytest.param(D(2026, 2, 24), True, id="back-to-work"),
        pytest.param(D(2026, 2, 28), True, id="make-up-saturday-0228"),
        pytest.param(D(2026, 3, 1), False, id="ordinary-sunday"),
        pytest.param(D(2026, 9, 20), True, id="national-day-make-up-sunday"),
        pytest.param(D(2026, 10, 1), False, id="national-day"),
        pytest.param(D(2026, 10, 7), False, id="national-day-last-wednesday"),
        pytest.param(D(2026, 10, 8), True, id="after-national-day"),
        pytest.param(D(2026, 10, 10), True, id="national-day-make-up-saturday"),
        pytest.param(D(2026, 1, 1), False, id="new-year"),
        pytest.param(D(2026, 1, 4), True, id="new-year-make-up-sunday"),
    ],
)
def test_working_days_follow_the_official_notice(
    calendar: WorkingCalendar, day: datetime.date, working: bool
) -> None:
    assert calendar.is_working_day(day) is working


def test_agrees_with_chinese_calendar_on_every_day(calendar: WorkingCalendar) -> None:
    days = _days(D(min(official_years()), 1, 1), D(max(official_years()), 12, 31))

    assert [d for d in days if calendar.is_working_day(d) != chinese_calendar.is_workday(d)] == []


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2025, 12, 24), 10, D(2026, 1, 8), id="across-new-year-2026"),
        pytest.param(D(2026, 2, 13), 1, D(2026, 2, 14), id="into-make-up-saturday"),
        pytest.param(D(2026, 2, 13), 2, D(2026, 2, 24), id="over-spring-festival"),
        pytest.param(D(2026, 9, 30), 1, D(2026, 10, 8), id="over-national-day"),
        pytest.param(D(2026, 3, 2), 0, D(2026, 3, 2), id="zero"),
        pytest.param(D(2026, 2, 24), -2, D(2026, 2, 13), id="backwards"),
    ],
)
def test_add_working_days(
    calendar: WorkingCalendar, start: datetime.date, n: int, expected: datetime.date
) -> None:
    assert calendar.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        pytest.param(D(2026, 2, 13), D(2026, 2, 28), 6, id="spring-festival-fortnight"),
        pytest.param(D(2026, 2, 28), D(2026, 2, 13), -6, id="reversed"),
        pytest.param(D(2026, 3, 6), D(2026, 3, 9), 1, id="friday-to-monday"),
        pytest.param(D(2026, 3, 9), D(2026, 3, 9), 0, id="same-day"),
        pytest.param(D(2025, 12, 31), D(2026, 1, 5), 2, id="new-year-with-sunday-make-up"),
    ],
)
def test_working_days_between(
    calendar: WorkingCalendar, a: datetime.date, b: datetime.date, count: int
) -> None:
    assert calendar.working_days_between(a, b) == count


def test_first_year_without_an_official_calendar_is_refused(
    calendar: WorkingCalendar,
) -> None:
    unsupported = max(official_years()) + 1  # 2027 with chinesecalendar 1.11

    with pytest.raises(CalendarUnavailable) as info:
        calendar.is_working_day(D(unsupported, 3, 1))

    assert info.value.year == unsupported
    assert str(info.value).startswith(
        f"no official PRC working-day calendar for {unsupported}; refusing to guess"
    )
    assert info.value.code == "CALENDAR_UNAVAILABLE"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda c, y: c.add_working_days(D(y - 1, 12, 28), 10),
            id="deadline-runs-into-it",
        ),
        pytest.param(
            lambda c, y: c.working_days_between(D(y - 1, 12, 1), D(y, 1, 5)),
            id="count-into-it",
        ),
        pytest.param(
            lambda c, y: c.add_working_days(D(min(official_years()), 1, 5), -10),
            id="before-the-first-year",
        ),
    ],
)
def test_counting_into_an_unsupported_year_is_refused(
    calendar: WorkingCalendar, call: Callable[[WorkingCalendar, int], object]
) -> None:
    unsupported = max(official_years()) + 1

    with pytest.raises(CalendarUnavailable):
        call(calendar, unsupported)


def test_a_calendar_of_separate_years_refuses_to_count_across_the_gap() -> None:
    # Given a calendar of 2024 and 2026 only
    calendar = WorkingCalendar(years=frozenset({2024, 2026}))

    # When counting from the last day of 2024 into the new year
    with pytest.raises(CalendarUnavailable) as info:
        calendar.add_working_days(D(2024, 12, 31), 5)

    # Then it names the year it has no days of, rather than skipping over it
    assert calendar.supported_years == (2024, 2026)
    assert info.value.year == 2025
    assert info.value.supported == (2024, 2026)
    assert str(info.value) == (
        "no official PRC working-day calendar for 2025; refusing to guess "
        "(official data covers 2024–2026)"
    )


def test_a_calendar_without_any_official_year_claims_to_cover_none() -> None:
    calendar = WorkingCalendar(years=frozenset({2099}))

    with pytest.raises(CalendarUnavailable) as info:
        calendar.is_working_day(D(2099, 1, 5))

    assert calendar.supported_years == ()
    assert str(info.value) == "no official PRC working-day calendar for 2099; refusing to guess"


def test_official_years_are_those_the_package_has_data_for() -> None:
    years = official_years()

    assert {2025, 2026} <= years
    assert years == set(range(min(years), max(years) + 1))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(max(years) + 1, 1, 5))


def test_local_adjustment_overrides_the_official_calendar() -> None:
    # A city-wide day off for a local event, and a Sunday worked in exchange.
    local = WorkingCalendar({D(2026, 3, 10): False, D(2026, 3, 15): True})

    assert not local.is_working_day(D(2026, 3, 10))
    assert local.is_working_day(D(2026, 3, 15))
    assert local.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)
    assert default_calendar().add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 10)


def test_default_calendar_is_built_once() -> None:
    assert default_calendar() is default_calendar()


@given(
    start=st.dates(D(2024, 1, 1), D(2025, 12, 31)),
    n=st.integers(-200, 200),
)
def test_adding_then_counting_gives_back_n(start: datetime.date, n: int) -> None:
    calendar = default_calendar()
    if n < 0:
        # Counting is over (a, b]: going back from a day off, that day adds
        # nothing, so the inverse only holds from a working day.
        start = calendar.add_working_days(start, 1)

    end = calendar.add_working_days(start, n)

    assert calendar.working_days_between(start, end) == n
    assert n == 0 or calendar.is_working_day(end)


def test_a_calendar_of_official_rows_equals_the_package_day_by_day() -> None:
    # given the package's years as rows (what `fuyuan migrate` stores)
    rows = package_years()
    calendar = WorkingCalendar(official=rows)
    # then it answers for the same years, with the same days, as the package's calendar
    assert calendar.supported_years == default_calendar().supported_years
    for day in _days(D(2024, 1, 1), D(2026, 12, 31)):
        assert calendar.is_working_day(day) is default_calendar().is_working_day(day), day


def test_an_installed_calendar_with_a_new_year_is_the_default_until_removed() -> None:
    # given 2027 as an administrator enters it (not the official notice: a plausible one)
    rows = dict(package_years())
    rows[2027] = OfficialYear.of(2027, [D(2027, 1, 1), D(2027, 2, 8)], [D(2027, 2, 20)])
    before = install_calendar(WorkingCalendar(official=rows))
    try:
        calendar = default_calendar()
        assert calendar.supported_years[-1] == 2027
        assert not calendar.is_working_day(D(2027, 2, 8))  # a Monday off
        assert calendar.is_working_day(D(2027, 2, 20))  # the make-up Saturday
        assert calendar.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 5
    finally:
        install_calendar(before)
    with pytest.raises(CalendarUnavailable):
        default_calendar().is_working_day(D(2027, 1, 4))
