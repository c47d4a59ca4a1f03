"""The ``calendar_day`` table: the official working-day calendar, in the database.

``reports/progress.py`` counts working days (handling time, the BLUE and
YELLOW warnings) and buckets days into weeks with joins on this table instead
of a Python loop over tasks. It is filled from the calendar built from the
``official_calendar`` rows (``store.calendars``) — the same data the engine
judges deadlines by — for every year stored; a day outside those years has
no row, so a figure that needs it is left out rather than guessed (as the
engine refuses such a year).
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from store.models import CalendarDay
from workflow.calendar import WorkingCalendar, default_calendar

__all__ = ["calendar_rows", "fill_calendar_days"]


def calendar_rows(calendar: WorkingCalendar | None = None) -> list[CalendarDay]:
    """Every day of the calendar's supported years, with its running working-day count."""
    calendar = calendar or default_calendar()
    rows: list[CalendarDay] = []
    years = calendar.supported_years
    if not years:
        return rows
    day = dt.date(years[0], 1, 1)
    last = dt.date(years[-1], 12, 31)
    seq = 0
    while day <= last:
        if day.year in years:
            working = calendar.is_working_day(day)
            seq += int(working)
            rows.append(
                CalendarDay(
                    day=day,
                    is_working=working,
                    working_seq=seq,
                    week_start=day - dt.timedelta(days=day.weekday()),
                )
            )
        day += dt.timedelta(days=1)
    return rows


async def fill_calendar_days(
    calendar: WorkingCalendar | None = None, *, using_db: BaseDBAsyncClient | None = None
) -> int:
    """Make ``calendar_day`` hold exactly the calendar's days; returns the rows written.

    Does nothing when the table already matches (the usual case, so ``fuyuan
    migrate`` stays quick); otherwise rewrites it in one transaction, since a
    new year or a corrected holiday shifts every later ``working_seq``.
    """
    rows = calendar_rows(calendar)
    async with in_transaction() if using_db is None else nullcontext(using_db) as conn:
        stored = await CalendarDay.all().using_db(conn).count()
        if stored == len(rows) and rows:
            first = await CalendarDay.filter(day=rows[0].day).using_db(conn).first()
            last = await CalendarDay.filter(day=rows[-1].day).using_db(conn).first()
            if (
                first is not None
                and last is not None
                and last.working_seq == rows[-1].working_seq
                and first.working_seq == rows[0].working_seq
            ):
                return 0
        await CalendarDay.all().using_db(conn).delete()
        await _insert(conn, rows)
    return len(rows)


async def _insert(conn: BaseDBAsyncClient, rows: list[CalendarDay]) -> None:
    """INSERT the rows as plain SQL.

    Not ``bulk_create``: tortoise caches a model's INSERT per connection name,
    and one process (the tests) migrates SQLite and PostgreSQL databases under
    the same name, so a cached ``?`` statement would reach asyncpg.
    """
    sqlite = conn.capabilities.dialect == "sqlite"
    slots = "?, ?, ?, ?" if sqlite else "$1, $2, $3, $4"
    sql = (
        'INSERT INTO "calendar_day" ("day", "is_working", "working_seq", "week_start") '
        f"VALUES ({slots})"
    )
    values: list[list[object]] = [
        [
            row.day.isoformat() if sqlite else row.day,
            int(row.is_working) if sqlite else row.is_working,
            row.working_seq,
            row.week_start.isoformat() if sqlite else row.week_start,
        ]
        for row in rows
    ]
    await conn.execute_many(sql, values)
