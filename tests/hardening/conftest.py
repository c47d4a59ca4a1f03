"""A live server to attack: `fuyuan serve` over a copy of the demo, on SQLite and PostgreSQL.

The hardening tests send what an attacker (or a clumsy client) sends — to a real
server over real HTTP, so a blocked event loop, a 500 or a traceback in the log
shows as it would in production. Each test gets:

* ``attack.post(...)`` / ``attack.get(...)`` — plain HTTP to the server;
* ``attack.graphql(query, variables, token=…)`` — a GraphQL POST, the JSON answer;
* ``attack.login(username)`` — a demo account's token;
* ``attack.row_counts()`` — the number of rows of every table, read straight from
  the database, to assert that a refused request wrote nothing;
* ``attack.baseline()`` — the seconds a plain ``{viewer{id}}`` takes right now:
  timings are asserted as ratios to it, never as wall-clock constants (this
  machine's speed drifts 4–5×);
* ``attack.log()`` — what the server printed (to assert no traceback).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
import httpx
import pytest

from store.demo import DEMO_PASSWORD
from tests.conftest import (
    BACKENDS,
    POSTGRES_SKIP,
    _admin_execute,
    asyncpg_dsn,
    drop_database,
    live_server,
    postgres_url,
    with_database,
)

LOGIN = (
    "mutation ($username: String!, $password: String!) "
    "{ login(input: {username: $username, password: $password}) { token errors { code message } } }"
)


#: These tests read the English messages (written before the Chinese default;
#: tests/schema/test_messages.py reads both languages).
ENGLISH = {"accept-language": "en"}


@dataclass
class Attack:
    """A live server and the database under it."""

    base: str
    database_url: str
    log_path: Path
    dialect: str
    _tokens: dict[str, str] = field(default_factory=dict)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("timeout", 120)
        kwargs["headers"] = {**ENGLISH, **(kwargs.get("headers") or {})}
        return httpx.post(f"{self.base}{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("timeout", 120)
        kwargs["headers"] = {**ENGLISH, **(kwargs.get("headers") or {})}
        return httpx.get(f"{self.base}{path}", **kwargs)

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST a GraphQL request; the decoded JSON answer (whatever the status)."""
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = self.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        answer: dict[str, Any] = response.json()
        answer.setdefault("_status", response.status_code)
        return answer

    def login(self, username: str) -> str:
        if username not in self._tokens:
            answer = self.graphql(LOGIN, {"username": username, "password": DEMO_PASSWORD})
            token = answer["data"]["login"]["token"]
            assert isinstance(token, str), answer
            self._tokens[username] = token
        return self._tokens[username]

    def baseline(self, runs: int = 5) -> float:
        """Median seconds of ``{viewer{id}}`` signed in as the coordinator, right now."""
        token = self.login("demo-coordinator")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            self.graphql("{ viewer { id } }", token=token)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def row_counts(self) -> dict[str, int]:
        """Rows per table, read from the database itself (not through the server)."""
        if self.dialect == "sqlite":
            path = self.database_url.removeprefix("sqlite://")
            with sqlite3.connect(path) as conn:
                tables = [
                    name
                    for (name,) in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {
                    table: int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
                    for table in sorted(tables)
                }
        return asyncio.run(_postgres_counts(self.database_url))

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


async def _postgres_counts(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        tables = [
            row["tablename"]
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: int(await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"')) for table in tables
        }
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def attack(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_demo_template: Path
) -> Iterator[Attack]:
    """`fuyuan serve` over a fresh copy of the demo database, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "fuyuan.sqlite3"
        shutil.copy(sqlite_demo_template, path)
        url = f"sqlite://{path}"
        with live_server(url, tmp_path / "server.log") as base:
            yield Attack(base, url, tmp_path / "server.log", "sqlite")
        return
    admin = postgres_url()
    if admin is None:
        pytest.skip(POSTGRES_SKIP)
    template: str = request.getfixturevalue("postgres_demo_template")
    name = f"fuyuan_h_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = with_database(admin, name)
    try:
        with live_server(url, tmp_path / "server.log") as base:
            yield Attack(base, url, tmp_path / "server.log", "postgres")
    finally:
        asyncio.run(drop_database(name))
