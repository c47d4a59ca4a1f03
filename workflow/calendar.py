"""Working days on the PRC official calendar.

Deadlines (办结时限) count working days: weekdays, minus the statutory holidays,
plus the make-up working days (调休) the State Council announces each year. The
data is one :class:`OfficialYear` per year: the store keeps them in the
database (seeded from the ``chinese_calendar`` package for the years it knows,
entered by an administrator for a new one) and installs the calendar built
from them with :func:`install_calendar`; until it does, :func:`default_calendar`
is the package's. For any other year this module raises
:class:`~workflow.errors.CalendarUnavailable` instead of guessing that weekends
are the only days off.

Counting works on a sorted table of working-day ordinals covering every
supported year, so :meth:`WorkingCalendar.working_days_between` and
:meth:`WorkingCalendar.add_working_days` are binary searches, cheap enough to
run over every task of a province.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# chinese_calendar ships no type information (no py.typed, no stubs).
import chinese_calendar  # type: ignore[import-untyped]

from workflow.errors import CalendarUnavailable

__all__ = [
    "OfficialYear",
    "Span",
    "WorkingCalendar",
    "default_calendar",
    "install_calendar",
    "official_years",
    "package_years",
]


@dataclass(frozen=True)
class OfficialYear:
    """One year of the State Council's notice: its days off and its make-up working days.

    ``holidays`` are every day off of the holiday periods (weekends inside a
    period included, as the notice's "1月28日至2月4日放假调休，共8天" counts them);
    ``workdays`` the Saturdays and Sundays worked instead (调休上班). Both sorted.
    """

    year: int
    holidays: tuple[datetime.date, ...]
    workdays: tuple[datetime.date, ...]

    @classmethod
    def of(
        cls, year: int, holidays: Iterable[datetime.date], workdays: Iterable[datetime.date]
    ) -> OfficialYear:
        return cls(year, tuple(sorted(set(holidays))), tuple(sorted(set(workdays))))


@dataclass(frozen=True)
class Span:
    """What the calendar knows of the working days in ``(a, b]``.

    ``known`` counts the working days of the days the calendar has; ``missing``
    names the years of the span it has no official data for. With nothing
    missing, ``known`` is the exact count; otherwise the exact count is at
    least ``known`` and may be anything above it (a missing day may be a
    working day or not: it is never guessed).
    """

    known: int
    missing: tuple[int, ...] = ()
    #: How many days of the span fall in the missing years: the exact count is
    #: at most ``known + missing_days``.
    missing_days: int = 0


def official_years() -> frozenset[int]:
    """The years ``chinese_calendar`` has official holiday data for.

    Every published year has at least one holiday (元旦), so the years of the
    package's ``holidays`` table are exactly the years it knows.
    """
    return frozenset(day.year for day in chinese_calendar.holidays)


def package_years() -> dict[int, OfficialYear]:
    """Every year the ``chinese_calendar`` package knows, as :class:`OfficialYear` rows."""
    holidays: dict[int, list[datetime.date]] = {}
    workdays: dict[int, list[datetime.date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, []).append(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, []).append(day)
    return {
        year: OfficialYear.of(year, days, workdays.get(year, ()))
        for year, days in sorted(holidays.items())
    }


class WorkingCalendar:
    """The PRC working-day calendar, with optional local adjustments.

    Args:
        adjustments: dates whose status is set locally (True: a working day,
            False: a day off), overriding the official data. Adjustments do not
            make an unsupported year usable.
        years: restrict the calendar to these years (default: every year the
            package covers, or every year of ``official``). Mainly for tests.
        official: the official data, one :class:`OfficialYear` per year (the
            database's rows); without it, the ``chinese_calendar`` package's.

    Example:
        >>> cal = WorkingCalendar()
        >>> cal.add_working_days(datetime.date(2026, 2, 13), 1)  # Friday, then the 调休 Saturday
        datetime.date(2026, 2, 14)
    """

    def __init__(
        self,
        adjustments: Mapping[datetime.date, bool] | None = None,
        *,
        years: frozenset[int] | None = None,
        official: Mapping[int, OfficialYear] | None = None,
    ) -> None:
        known = official_years() if official is None else frozenset(official)
        self._years = known if years is None else frozenset(years) & known
        self._adjustments = dict(adjustments or {})
        self._official: tuple[frozenset[datetime.date], frozenset[datetime.date]] | None = None
        if official is not None:
            self._official = (
                frozenset(day for row in official.values() for day in row.holidays),
                frozenset(day for row in official.values() for day in row.workdays),
            )
        self._working: list[int] = []
        for year in sorted(self._years):
            day = datetime.date(year, 1, 1)
            while day.year == year:
                if self._lookup(day):
                    self._working.append(day.toordinal())
                day += datetime.timedelta(days=1)

    @property
    def supported_years(self) -> tuple[int, ...]:
        """The years this calendar can answer for, ascending."""
        return tuple(sorted(self._years))

    def _check(self, day: datetime.date) -> None:
        if day.year not in self._years:
            raise CalendarUnavailable(day.year, self._years)

    def _lookup(self, day: datetime.date) -> bool:
        if day in self._adjustments:
            return self._adjustments[day]
        if self._official is not None:
            holidays, workdays = self._official
            return day in workdays or (day.weekday() < 5 and day not in holidays)
        # The rule of ``chinese_calendar.is_workday``, read straight off its
        # tables: that function re-derives the supported range on every call,
        # which makes building the table for twenty years take half a second.
        # tests/workflow/test_calendar.py checks the two agree day by day.
        if day in chinese_calendar.workdays:
            return True
        return day.weekday() < 5 and day not in chinese_calendar.holidays

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day.

        Raises:
            CalendarUnavailable: if ``day`` falls in a year without official data.
        """
        self._check(day)
        index = bisect.bisect_left(self._working, day.toordinal())
        return index < len(self._working) and self._working[index] == day.toordinal()

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """The number of working days in ``(a, b]``; negative if ``b`` is before ``a``.

        ``a`` itself is never counted and ``b`` is: from a Friday to the next
        Monday is 1 working day (in an ordinary week).

        Raises:
            CalendarUnavailable: if either date (or a year between them) has no
                official data.
        """
        if b < a:
            return -self.working_days_between(b, a)
        for year in range(a.year, b.year + 1):
            if year not in self._years:
                raise CalendarUnavailable(year, self._years)
        return bisect.bisect_right(self._working, b.toordinal()) - bisect.bisect_right(
            self._working, a.toordinal()
        )

    def span(self, a: datetime.date, b: datetime.date) -> Span:
        """The working days in ``(a, b]`` as far as the calendar knows them (see :class:`Span`).

        Never raises: where :meth:`working_days_between` refuses a year, this
        says which years and counts the rest. Empty when ``b <= a``.

        Example:
            >>> cal = WorkingCalendar(years=frozenset({2026}))
            >>> cal.span(datetime.date(2026, 12, 28), datetime.date(2027, 1, 8))
            Span(known=3, missing=(2027,), missing_days=8)
        """
        if b <= a:
            return Span(0)
        known = bisect.bisect_right(self._working, b.toordinal()) - bisect.bisect_right(
            self._working, a.toordinal()
        )
        first = (a + datetime.timedelta(days=1)).year
        missing = tuple(year for year in range(first, b.year + 1) if year not in self._years)
        days = 0
        for year in missing:
            low = max(a + datetime.timedelta(days=1), datetime.date(year, 1, 1))
            high = min(b, datetime.date(year, 12, 31))
            days += (high - low).days + 1
        return Span(known, missing, days)

    def known_working_day_after(self, day: datetime.date, n: int) -> datetime.date | None:
        """The ``n``-th working day after ``day`` among the days the calendar knows
        (``n >= 1``), or None when it knows fewer; never raises.

        Unlike :meth:`add_working_days`, ``day`` may be outside the calendar.
        """
        index = bisect.bisect_right(self._working, day.toordinal()) + n - 1
        if index >= len(self._working):
            return None
        return datetime.date.fromordinal(self._working[index])

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The date ``n`` working days after ``start`` (``start`` not counted).

        ``n == 0`` gives ``start``; a negative ``n`` counts backwards.

        Raises:
            CalendarUnavailable: if ``start`` or the answer falls in a year
                without official data.
        """
        self._check(start)
        if n == 0:
            return start
        if n > 0:
            index = bisect.bisect_right(self._working, start.toordinal()) + n - 1
        else:
            index = bisect.bisect_left(self._working, start.toordinal()) + n
        if index < 0:
            raise CalendarUnavailable(min(self._years) - 1, self._years)
        if index >= len(self._working):
            raise CalendarUnavailable(max(self._years) + 1, self._years)
        result = datetime.date.fromordinal(self._working[index])
        # Years are contiguous in the package, but a ``years`` restriction may
        # leave a hole the table skips over.
        for year in range(min(start.year, result.year), max(start.year, result.year) + 1):
            if year not in self._years:
                raise CalendarUnavailable(year, self._years)
        return result


@functools.cache
def _package_calendar() -> WorkingCalendar:
    return WorkingCalendar()


_installed: WorkingCalendar | None = None


def default_calendar() -> WorkingCalendar:
    """The calendar deadlines are judged by: the one installed, else the package's (built once)."""
    return _installed if _installed is not None else _package_calendar()


def install_calendar(calendar: WorkingCalendar | None) -> WorkingCalendar | None:
    """Make ``calendar`` the process's :func:`default_calendar`; ``None`` restores the package's.

    Returns the calendar installed before, so a caller (a test) can put it back.
    """
    global _installed
    before, _installed = _installed, calendar
    return before
