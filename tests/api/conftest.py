"""The app in-process: started with its lifespan (httpx's ASGI transport does not run it)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.app import create_app
from api.settings import Environment, Settings


def settings_for(url: str, **changes: Any) -> Settings:
    """Development settings on ``url``, with ``changes`` (env, max_body_bytes …)."""
    options: dict[str, Any] = {
        "database_url": url,
        "env": Environment.DEVELOPMENT,
        "secret_key": "s" * 32,
        **changes,
    }
    return Settings(**options)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, *, client_address: tuple[str, int] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app built from ``settings``, its lifespan running."""
    app = create_app(settings)
    EXECUTOR_CACHE.clear()  # one test process runs SQLite and PostgreSQL
    transport = (
        httpx.ASGITransport(app=app, client=client_address)
        if client_address
        else httpx.ASGITransport(app=app)
    )
    async with (
        app.router.lifespan_context(app),
        # English, as these tests were written before the Chinese default
        # (tests/schema/test_messages.py reads both languages).
        httpx.AsyncClient(
            transport=transport, base_url="http://fuyuan.test", headers={"accept-language": "en"}
        ) as client,
    ):
        yield client


@pytest.fixture
def empty_database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the migrated, empty SQLite template."""
    path = tmp_path / "app.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite://{path}"


@pytest.fixture
async def client(empty_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app on an empty, migrated SQLite file."""
    async with running(settings_for(empty_database_url)) as test_client:
        yield test_client
