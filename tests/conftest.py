"""Shared fixtures: a real, migrated database per test, on SQLite and PostgreSQL.

Every test that takes ``db`` runs twice: on a SQLite file and on a
PostgreSQL database. The PostgreSQL run needs ``FUYUAN_TEST_POSTGRES_URL``
(``.ci/run`` starts the server and sets it); without it those runs are
skipped with that reason printed in the summary.

The schema comes from the real migrations, applied once per session to a
template (a SQLite file, a PostgreSQL template database); each test gets a
fresh copy of it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from store.db import tortoise_config
from store.setup import migrate

POSTGRES_ENV = "FUYUAN_TEST_POSTGRES_URL"
POSTGRES_SKIP = (
    f"PostgreSQL tests skipped: set {POSTGRES_ENV}=postgres://user:pass@host:5432/db "
    "(a role allowed to CREATE DATABASE); .ci/run does"
)


def postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV) or None
    if url is None and os.environ.get("FUYUAN_REQUIRE_POSTGRES"):
        pytest.fail(f"FUYUAN_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _admin_execute(sql: str) -> None:
    url = postgres_url()
    assert url is not None
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "fuyuan.sqlite3"
    asyncio.run(migrate(f"sqlite://{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if postgres_url() is None:
        pytest.skip(POSTGRES_SKIP)
    name = f"fuyuan_tpl_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    url = postgres_url()
    assert url is not None
    asyncio.run(migrate(with_database(url, name)))
    yield name
    asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "fuyuan.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite://{path}"
        return
    if postgres_url() is None:
        pytest.skip(POSTGRES_SKIP)
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"fuyuan_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    url = postgres_url()
    assert url is not None
    yield with_database(url, name)
    asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def open_database(url: str) -> None:
    """Tortoise.init on ``url``, forgetting SQL prepared for another dialect.

    Tortoise caches each model's INSERT statement by connection name; one
    test process uses both SQLite and PostgreSQL under the name "default",
    so the cache must not carry "?" placeholders over to asyncpg.
    """
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """Tortoise opened on a fresh database; yields the URL."""
    await open_database(database_url)
    try:
        yield database_url
    finally:
        await Tortoise.close_connections()


def dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in the log how many PostgreSQL runs ran, so a skipped server is visible."""
    counts = {
        outcome: sum(
            "postgres" in report.nodeid for report in terminalreporter.stats.get(outcome, [])
        )
        for outcome in ("passed", "failed", "skipped", "error")
    }
    terminalreporter.write_line(
        "PostgreSQL runs: "
        + ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        + ("" if postgres_url_configured() else f" ({POSTGRES_SKIP})")
    )


def postgres_url_configured() -> bool:
    return bool(os.environ.get(POSTGRES_ENV))
