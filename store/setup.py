"""Opening the database and applying the migrations."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate as run_migrations
from tortoise.transactions import in_transaction

from store.calendar_days import fill_calendar_days
from store.calendars import calendar_from_rows, load_calendar, seed_package_years
from store.db import tortoise_config
from store.models import OfficialCalendar


async def migrate(url: str | None = None) -> list[str]:
    """Apply every migration under store/migrations/ that is not applied yet; their names.

    The answer lists the migrations this run applied, in order (empty when
    the database was up to date).

    Then store the package's calendar years an administrator has not
    entered (``store.calendars.seed_package_years``) and bring the
    ``calendar_day`` table up to date with the stored years
    (``store.calendar_days``): data, not schema, so it is refreshed on every
    run rather than frozen into a migration.
    """
    config = tortoise_config(url)
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(name)

    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await run_migrations(config=config, progress=progress)
        # Tortoise caches each model's INSERT by connection name, placeholders and all;
        # a process that migrates SQLite and then PostgreSQL (the tests) must not reuse it.
        EXECUTOR_CACHE.clear()
        async with in_transaction() as conn:
            await seed_package_years(conn)
            rows = await OfficialCalendar.all().using_db(conn)
            await fill_calendar_days(calendar_from_rows(rows), using_db=conn)
    return applied


@contextlib.asynccontextmanager
async def database(url: str | None = None) -> AsyncIterator[None]:
    """Open the database for a command (``fuyuan seed``, ``sweep`` …) and close it after."""
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        await load_calendar()  # the stored years, an administrator's new one included
        yield
    finally:
        await Tortoise.close_connections()
