"""The official working-day calendar as data: one ``official_calendar`` row per year.

The rows are the calendar every part of the app judges by. ``fuyuan migrate``
seeds the years the ``chinese_calendar`` package knows (never touching a year
an administrator entered) and rebuilds ``calendar_day`` from the rows; each
process loads the rows into :func:`workflow.calendar.default_calendar` when it
opens the database (:func:`load_calendar`) and again when another process has
changed them (:func:`refresh_calendar`, a cheap check of the rows' stamp).

An administrator enters a new year from the State Council's notice with
``fuyuan calendar import FILE`` or ``setOfficialCalendar``; both go through
:func:`calendar_problems` (the one validation) and :func:`set_official_calendar`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from store.calendar_days import fill_calendar_days
from store.enums import OPEN_STATES, CalendarOrigin
from store.errors import InvalidCalendar, ValidationError
from store.models import Account, OfficialCalendar, OfficialCalendarChange, Task
from workflow.calendar import OfficialYear, WorkingCalendar, install_calendar, package_years
from workflow.i18n import _, term

__all__ = [
    "CalendarDisagreement",
    "CalendarFile",
    "CalendarNotice",
    "calendar_file",
    "calendar_from_rows",
    "calendar_notice",
    "calendar_problems",
    "check_against_package",
    "load_calendar",
    "missing_next_year",
    "official_year_of",
    "refresh_calendar",
    "seed_package_years",
    "set_official_calendar",
    "tasks_counted_in",
]

REFRESH_SECONDS = 5.0
"""How often a process looks whether another one changed the calendar rows."""


def package_source() -> str:
    """The source recorded for a year seeded from the package."""
    return f"chinesecalendar {importlib.metadata.version('chinesecalendar')}"


def official_year_of(row: OfficialCalendar) -> OfficialYear:
    return OfficialYear.of(
        row.year,
        (dt.date.fromisoformat(day) for day in row.holidays),
        (dt.date.fromisoformat(day) for day in row.workdays),
    )


def calendar_from_rows(rows: Iterable[OfficialCalendar]) -> WorkingCalendar:
    """The working calendar of these rows (and of no other year)."""
    return WorkingCalendar(official={row.year: official_year_of(row) for row in rows})


# ------------------------------------------------------------------ validation


def _problem(field: str, rule: str, message: str) -> ValidationError:
    return ValidationError(field, f"calendar.{rule}", message)


def calendar_problems(
    year: int, source: str, holidays: Sequence[dt.date], workdays: Sequence[dt.date]
) -> list[ValidationError]:
    """Every rule the calendar breaks, each naming the date (empty when it is good).

    The rules: a source is given; every date lies inside ``year``; no date is
    listed twice; make-up working days fall on a Saturday or Sunday; a
    holiday is not also a working day; 元旦 (1 January) is a holiday.
    """
    problems: list[ValidationError] = []
    if not 1949 <= year <= 2200:
        problems.append(_problem("year", "year", _("{year} is not a plausible year", year=year)))
        return problems
    if not source.strip():
        problems.append(
            _problem(
                "source",
                "source",
                _("say where the calendar comes from, e.g. 国办发明电〔2026〕N号"),
            )
        )
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        seen: set[dt.date] = set()
        for index, day in enumerate(days):
            where = f"{field}.{index}"
            if day.year != year:
                problems.append(
                    _problem(
                        where,
                        "outside_year",
                        _("{isoformat} is not in {year}", isoformat=day, year=year),
                    )
                )
            if day in seen:
                problems.append(
                    _problem(
                        where,
                        "listed_twice",
                        _("{isoformat} is listed twice", isoformat=day),
                    )
                )
            seen.add(day)
            if field == "workdays" and day.weekday() < 5:
                problems.append(
                    _problem(
                        where,
                        "workday_not_weekend",
                        _(
                            "{isoformat} is a {strftime}: a make-up working day (调休上班) is a "
                            "Saturday or a Sunday",
                            isoformat=day,
                            strftime=term(
                                "星期" + "一二三四五六日"[day.weekday()], day.strftime("%A")
                            ),
                        ),
                    )
                )
    holiday_set = set(holidays)
    for index, day in enumerate(workdays):
        if day in holiday_set:
            problems.append(
                _problem(
                    f"workdays.{index}",
                    "holiday_and_workday",
                    _(
                        "{isoformat} is both a holiday and a make-up working day",
                        isoformat=day,
                    ),
                )
            )
    new_year = dt.date(year, 1, 1)
    if new_year not in holiday_set:
        problems.append(
            _problem(
                "holidays",
                "new_year_missing",
                _(
                    "{isoformat} (元旦) is missing from the holidays",
                    isoformat=new_year,
                ),
            )
        )
    return problems


# ------------------------------------------------------------------ loading


@dataclass
class _Loaded:
    stamp: tuple[object, ...] | None = None
    checked_at: float = 0.0


_loaded = _Loaded()


STAMP_SQL = 'SELECT COUNT(*), MAX("entered_at"), SUM("year") FROM "official_calendar"'


async def _stamp(conn: BaseDBAsyncClient) -> tuple[object, ...]:
    """What changes whenever a row is added or entered again: the rows' count, latest
    entry and years.

    Run on the driver's connection rather than through ``execute_query``: it
    runs every few seconds whatever the request, so it stays out of the
    statement log that tests count a request's SQL by (tests/schema/test_api.py).
    """
    async with conn.acquire_connection() as raw:
        if conn.capabilities.dialect == "sqlite":
            row = (await raw.execute_fetchall(STAMP_SQL))[0]
        else:
            row = await raw.fetchrow(STAMP_SQL)
    return (row[0], str(row[1]), row[2])


async def load_calendar(using_db: BaseDBAsyncClient | None = None) -> WorkingCalendar:
    """Build the calendar from the rows and install it as the process's default.

    A database without rows (not migrated yet) leaves the package's calendar in place.
    """
    conn = using_db or connections.get("default")
    stamp = await _stamp(conn)
    rows = await OfficialCalendar.all().using_db(conn)
    calendar = calendar_from_rows(rows) if rows else WorkingCalendar()
    if rows:
        install_calendar(calendar)
    _loaded.stamp, _loaded.checked_at = stamp, time.monotonic()
    return calendar


async def refresh_calendar(*, force: bool = False) -> bool:
    """Reload the calendar if another process changed the rows; True when it did.

    Looks at most every :data:`REFRESH_SECONDS` (one small query), so a year
    entered through one server worker counts in the others within seconds.
    """
    now = time.monotonic()
    if not force and now - _loaded.checked_at < REFRESH_SECONDS:
        return False
    conn = connections.get("default")
    stamp = await _stamp(conn)
    _loaded.checked_at = now
    if stamp == _loaded.stamp:
        return False
    await load_calendar(conn)
    return True


# ------------------------------------------------------------------ writing


def _iso(days: Iterable[dt.date]) -> list[str]:
    return [day.isoformat() for day in sorted(set(days))]


async def seed_package_years(using_db: BaseDBAsyncClient | None = None) -> list[int]:
    """Store every year the package knows that an administrator has not entered.

    A year seeded earlier is updated when the package's data for it changed
    (a package upgrade correcting a holiday); a year an administrator entered
    is never touched. Returns the years written.
    """
    written: list[int] = []
    conn = using_db or connections.get("default")
    stored = {row.year: row for row in await OfficialCalendar.all().using_db(conn)}
    source = package_source()
    now = dt.datetime.now(dt.UTC)
    for year, official in package_years().items():
        holidays, workdays = _iso(official.holidays), _iso(official.workdays)
        row = stored.get(year)
        if row is None:
            await OfficialCalendar.create(
                year=year,
                source=source,
                holidays=holidays,
                workdays=workdays,
                origin=CalendarOrigin.PACKAGE,
                entered_at=now,
                using_db=conn,
            )
        elif row.origin == CalendarOrigin.PACKAGE and (
            row.holidays != holidays or row.workdays != workdays
        ):
            await (
                OfficialCalendar.filter(year=year)
                .using_db(conn)
                .update(source=source, holidays=holidays, workdays=workdays, entered_at=now)
            )
        else:
            continue
        written.append(year)
    return written


async def tasks_counted_in(year: int, using_db: BaseDBAsyncClient | None = None) -> int:
    """How many tasks have a date (assigned on, due on) in ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    query = Task.filter(
        Q(assigned_on__gte=start, assigned_on__lte=end) | Q(due_on__gte=start, due_on__lte=end)
    )
    return await (query.using_db(using_db) if using_db else query).count()


async def set_official_calendar(
    *,
    year: int,
    source: str,
    holidays: Sequence[dt.date],
    workdays: Sequence[dt.date],
    replace: bool = False,
    entered_by: Account | None,
) -> OfficialCalendar:
    """Enter (or replace) a year of the official calendar, as an administrator.

    Validates (:func:`calendar_problems`; :class:`InvalidCalendar` names each
    date at fault), refuses a year that would leave a gap between the known
    years, and refuses to replace a year that tasks are counted on unless
    ``replace``. The row, the change record and ``calendar_day`` are written
    in one transaction; the process's calendar is reloaded after it.
    """
    problems = calendar_problems(year, source, holidays, workdays)
    if problems:
        raise InvalidCalendar(problems)
    new_holidays, new_workdays = _iso(holidays), _iso(workdays)
    async with in_transaction() as conn:
        rows = {row.year: row for row in await OfficialCalendar.all().using_db(conn)}
        old = rows.get(year)
        if rows and old is None and not (min(rows) - 1 <= year <= max(rows) + 1):
            first, last = min(rows), max(rows)
            missing = last + 1 if year > last else first - 1
            raise InvalidCalendar(
                [
                    _problem(
                        "year",
                        "gap",
                        _(
                            "the calendar knows {first}–{last}: enter {missing} before {year}",
                            first=first,
                            last=last,
                            missing=missing,
                            year=year,
                        ),
                    )
                ]
            )
        counted = await tasks_counted_in(year, conn)
        if old is not None and counted and not replace:
            raise InvalidCalendar(
                [
                    _problem(
                        "replace",
                        "replace_needed",
                        _(
                            "{year} is entered already and {counted} task(s) have dates in "
                            "it: send replace: true to replace it",
                            year=year,
                            counted=counted,
                        ),
                    )
                ]
            )
        now = dt.datetime.now(dt.UTC)
        await OfficialCalendarChange.create(
            year=year,
            old_source=old.source if old else None,
            old_holidays=old.holidays if old else None,
            old_workdays=old.workdays if old else None,
            new_source=source.strip(),
            new_holidays=new_holidays,
            new_workdays=new_workdays,
            tasks_counted=counted,
            changed_by=entered_by,
            changed_at=now,
            using_db=conn,
        )
        values = {
            "source": source.strip(),
            "holidays": new_holidays,
            "workdays": new_workdays,
            "origin": CalendarOrigin.ADMIN,
            "entered_by_id": entered_by.id if entered_by else None,
            "entered_at": now,
        }
        if old is None:
            row = await OfficialCalendar.create(year=year, **values, using_db=conn)
        else:
            await OfficialCalendar.filter(year=year).using_db(conn).update(**values)
            row = await OfficialCalendar.get(year=year, using_db=conn)
        rows[year] = row
        calendar = calendar_from_rows(rows.values())
        await fill_calendar_days(calendar, using_db=conn)
    await load_calendar()
    return row


# ------------------------------------------------------------------ checks


@dataclass(frozen=True)
class CalendarDisagreement:
    """Where a stored year and the package's data for it differ."""

    year: int
    origin: CalendarOrigin | None
    only_stored: tuple[str, ...] = ()
    only_package: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        if self.note:
            return f"{self.year}: {self.note}"
        parts = [f"{self.year} ({self.origin.value if self.origin else 'missing'}):"]
        parts += [f"stored only: {item}" for item in self.only_stored]
        parts += [f"package only: {item}" for item in self.only_package]
        return " ".join(parts[:1]) + " " + "; ".join(parts[1:])


async def check_against_package() -> list[CalendarDisagreement]:
    """Compare the stored years with the package's: one entry per year where they differ.

    A year the package knows and the database lacks, a stored year the
    package does not know (entered by an administrator: said, not an error),
    and for a year both have, the days only one of them lists.
    """
    stored = {row.year: row for row in await OfficialCalendar.all()}
    package = package_years()
    found: list[CalendarDisagreement] = []
    for year in sorted(set(stored) | set(package)):
        row, official = stored.get(year), package.get(year)
        if row is None:
            found.append(CalendarDisagreement(year, None, note="in the package, not stored"))
            continue
        if official is None:
            found.append(
                CalendarDisagreement(
                    year, row.origin, note=f"stored ({row.origin.value}), not in the package"
                )
            )
            continue
        only_stored: list[str] = []
        only_package: list[str] = []
        for kind, mine, theirs in (
            ("holiday", row.holidays, _iso(official.holidays)),
            ("workday", row.workdays, _iso(official.workdays)),
        ):
            only_stored += [f"{kind} {day}" for day in sorted(set(mine) - set(theirs))]
            only_package += [f"{kind} {day}" for day in sorted(set(theirs) - set(mine))]
        if only_stored or only_package:
            found.append(
                CalendarDisagreement(year, row.origin, tuple(only_stored), tuple(only_package))
            )
    return found


@dataclass(frozen=True)
class CalendarNotice:
    """A year the calendar lacks that open tasks already need (the dashboard's banner,
    ``fuyuan sweep``'s warning)."""

    missing_year: int
    affected_tasks: int

    @property
    def message(self) -> str:
        """The banner's sentence. From 1 November the year is asked for before any task
        needs it (the demo has none due next year): then it says by when, not "0 tasks"."""
        if self.affected_tasks:
            return _(
                "The official holidays of {year} are not entered yet: the warnings and "
                "working-day figures of {count} open task(s) cannot be worked out",
                year=str(self.missing_year),
                count=self.affected_tasks,
            )
        return _(
            "The official holidays of {year} are not entered yet: enter them before {day}, "
            "or the warnings and working-day figures of tasks running into {year} cannot "
            "be worked out",
            year=str(self.missing_year),
            day=dt.date(self.missing_year, 1, 1),
        )


async def open_tasks_from(year: int, using_db: BaseDBAsyncClient | None = None) -> int:
    """Open tasks due, or assigned, on 1 January of ``year`` or later: with ``year``
    missing (and so every year after it: the years stored have no gap), their
    warnings and working-day figures cannot be worked out."""
    start = dt.date(year, 1, 1)
    query = Task.filter(Q(due_on__gte=start) | Q(assigned_on__gte=start), state__in=OPEN_STATES)
    return await (query.using_db(using_db) if using_db else query).count()


async def calendar_notice(today: dt.date) -> CalendarNotice | None:
    """The year to enter, as of ``today``: this year if it is missing, or from
    1 November next year while it is missing; None when nothing is missing.

    The one computation behind ``Query.calendarNotice`` and ``fuyuan sweep``'s warning.
    """
    wanted = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    stored = {row.year for row in await OfficialCalendar.filter(year__in=wanted)}
    missing = [year for year in wanted if year not in stored]
    if not missing:
        return None
    year = missing[0]
    return CalendarNotice(missing_year=year, affected_tasks=await open_tasks_from(year))


async def missing_next_year(today: dt.date) -> tuple[int, int] | None:
    """From 1 November, ``(next year, open tasks needing it)`` while next year is not stored."""
    notice = await calendar_notice(today)
    if notice is None or notice.missing_year != today.year + 1:
        return None
    return notice.missing_year, notice.affected_tasks


@dataclass(frozen=True)
class CalendarFile:
    """A year as an administrator writes it in a TOML file (``fuyuan calendar import``)."""

    year: int
    source: str
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]


def _dates(value: object, field: str) -> tuple[list[dt.date], list[ValidationError]]:
    days: list[dt.date] = []
    problems: list[ValidationError] = []
    if not isinstance(value, list):
        return days, [_problem(field, "not_a_list", _("is not a list of dates"))]
    for index, item in enumerate(value):
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            days.append(item)
            continue
        try:
            days.append(dt.date.fromisoformat(str(item)))
        except ValueError:
            problems.append(
                _problem(
                    f"{field}.{index}",
                    "not_a_date",
                    _("{item!r} is not a date like 2027-01-01", item=item),
                )
            )
    return days, problems


def calendar_file(path: str) -> CalendarFile:
    """Read a calendar file; :class:`InvalidCalendar` names each problem (dates not checked
    against the rules yet: :func:`set_official_calendar` does that).

    Example of a file::

        year = 2027
        source = "国办发明电〔2026〕N号"
        holidays = [2027-01-01, 2027-01-02, 2027-01-03]
        workdays = [2027-02-20]
    """
    import tomllib

    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except OSError as err:
        raise InvalidCalendar([_problem("file", "unreadable", str(err))]) from err
    except tomllib.TOMLDecodeError as err:
        raise InvalidCalendar([_problem("file", "toml", _("is not TOML: {err}", err=err))]) from err
    problems: list[ValidationError] = []
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(_problem("year", "missing", _("give the year, e.g. year = 2027")))
    source = data.get("source")
    if not isinstance(source, str):
        problems.append(
            _problem(
                "source", "missing", _('give the source, e.g. source = "国办发明电〔2026〕N号"')
            )
        )
    holidays, bad = _dates(data.get("holidays", []), "holidays")
    problems += bad
    workdays, bad = _dates(data.get("workdays", []), "workdays")
    problems += bad
    unknown = sorted(set(data) - {"year", "source", "holidays", "workdays"})
    problems += [
        _problem(key, "unknown_key", _("is not a key of a calendar file")) for key in unknown
    ]
    if problems:
        raise InvalidCalendar(problems)
    assert isinstance(year, int)
    assert isinstance(source, str)
    return CalendarFile(year, source, tuple(holidays), tuple(workdays))
