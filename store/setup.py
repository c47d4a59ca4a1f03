"""Opening the database and applying the migrations."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate as run_migrations

from store.calendar_days import fill_calendar_days
from store.db import tortoise_config


async def migrate(url: str | None = None) -> None:
    """Apply every migration under store/migrations/ that is not applied yet.

    Then bring the ``calendar_day`` table up to date with the official
    calendar (``store.calendar_days``): data, not schema, so it is refreshed
    on every run rather than frozen into a migration.
    """
    config = tortoise_config(url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await run_migrations(config=config)
        await fill_calendar_days()


@contextlib.asynccontextmanager
async def database(url: str | None = None) -> AsyncIterator[None]:
    """Open the database for a command (``fuyuan seed``, ``sweep`` …) and close it after."""
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        yield
    finally:
        await Tortoise.close_connections()
