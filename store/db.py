"""Database configuration: one tortoise config for the app, the CLI and tests.

The URL comes from ``FUYUAN_DATABASE_URL``; without it the embedded default is a
SQLite file under ``./var/`` (WAL journal, foreign keys on: tortoise's SQLite
client sets both pragmas by default; its transactions begin IMMEDIATE here,
``store.sqlite_client``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

DEFAULT_DATABASE_URL = "sqlite://var/fuyuan.sqlite3"
MODELS_MODULE = "store.models"
MIGRATIONS_MODULE = "store.migrations"


def database_url() -> str:
    """The database URL in force: ``FUYUAN_DATABASE_URL`` or the SQLite default."""
    return os.environ.get("FUYUAN_DATABASE_URL") or DEFAULT_DATABASE_URL


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite://")


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite file so a fresh clone can start at once."""
    if not is_sqlite(url):
        return
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


SQLITE_PRAGMAS = {"synchronous": "NORMAL", "busy_timeout": "10000"}
"""``synchronous=NORMAL`` is SQLite's recommended setting with WAL: a commit
waits for the WAL write, not for an fsync of it. The database cannot be
corrupted by a crash; a power cut may lose the last commits. It doubles the
transitions per second (bench/).

``busy_timeout`` (milliseconds): how long a transaction waits for another
process's write lock (``fuyuan sweep`` beside the server) before it fails.
Transactions begin IMMEDIATE (``store.sqlite_client``), so they wait here
rather than fail halfway; fuyuan's transactions last milliseconds."""

SQLITE_ENGINE = "store.sqlite_client"
"""tortoise's SQLite client with transactions that begin IMMEDIATE."""


def with_sqlite_pragmas(url: str) -> str:
    """Add :data:`SQLITE_PRAGMAS` to a SQLite URL unless it sets them itself."""
    if not is_sqlite(url):
        return url
    for pragma, value in SQLITE_PRAGMAS.items():
        if f"{pragma}=" not in url:
            url += ("&" if "?" in url else "?") + f"{pragma}={value}"
    return url


POSTGRES_SETTINGS = {"jit": "off"}
"""Session settings of every PostgreSQL connection. JIT compilation pays off
for long CPU-bound queries; for short ones, PostgreSQL's documentation warns,
compiling costs more than it saves. Here it cost up to a second per progress
query when the planner overestimated a subquery, so it is off."""


async def keep_session(connection: object) -> None:
    """The pool's reset of a connection handed back: nothing beyond asyncpg's own.

    By default asyncpg sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL`` each time a connection returns to the pool, and
    tortoise returns it after every statement outside a transaction: a second
    round trip per statement. fuyuan leaves no session state behind to reset:
    its advisory locks are transaction-scoped (``pg_advisory_xact_lock``), it
    declares no cursors, it LISTENs on a connection of its own
    (``store.notify``, never one of the pool's) and sets no session variables
    after connecting (:data:`POSTGRES_SETTINGS` are connection settings).
    asyncpg still rolls back a transaction left open before calling this
    (``Connection._reset``), so a cancelled request cannot leak one.
    """


def connection_config(url: str) -> dict[str, Any]:
    """The tortoise connection for ``url``: for SQLite the URL's settings on
    :data:`SQLITE_ENGINE`, for PostgreSQL its credentials plus :data:`POSTGRES_SETTINGS`
    and the pool's :func:`keep_session`."""
    config = expand_db_url(url)
    if is_sqlite(url):
        config["engine"] = SQLITE_ENGINE
        return config
    settings = dict(POSTGRES_SETTINGS)
    settings.update(config["credentials"].get("server_settings") or {})
    config["credentials"]["server_settings"] = settings
    config["credentials"]["reset"] = keep_session  # asyncpg.create_pool(reset=…)
    return config


def tortoise_config(url: str | None = None) -> dict[str, Any]:
    """The tortoise config dict for ``url`` (default: :func:`database_url`).

    Times are stored in UTC (``use_tz``); they are shown in Asia/Shanghai by
    the API, never stored in local time.
    """
    url = with_sqlite_pragmas(url or database_url())
    ensure_sqlite_directory(url)
    return {
        "connections": {"default": connection_config(url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the ``tortoise`` command line (pyproject: [tool.tortoise]).
TORTOISE_ORM = tortoise_config()
