"""The API over HTTP (ASGI, lifespan running) on the demo data, one client per role."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

import schema.queries
from api.app import create_app
from api.settings import Environment, Settings
from schema import planner
from store.demo import DEMO_PASSWORD

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    token account { username role } errors { field code message }
  }
}
"""


def spy_on_plans(
    patch: pytest.MonkeyPatch, made: list[bool], record: Callable[[planner.TaskPlan | None], bool]
) -> None:
    """Patches the ``tasks`` field's planner to append, for each ``tasks`` field resolved,
    ``record`` of the plan it made (None: the field resolves field by field) to ``made``."""
    original = planner.plan_tasks

    def spy(info: Any, queryset: Any) -> planner.TaskPlan | None:
        plan = original(info, queryset)
        made.append(record(plan))
        return plan

    patch.setattr(schema.queries, "plan_tasks", spy)


@dataclass
class Api:
    """Posts GraphQL documents as one signed-in account (or anonymously)."""

    http: httpx.AsyncClient
    username: str | None = None
    token: str | None = None
    language: str | None = None
    """Sent as Accept-Language when set (``en``, ``zh-CN``; ``""`` asks for the default,
    Chinese). The client's own default is English (see ``http``)."""

    def headers(self) -> dict[str, str]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if self.language is not None:  # "" overrides the client's English
            headers["accept-language"] = self.language
        return headers

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        if self.username is not None and self.token is None:
            # Signed in on first use: argon2 is slow on purpose, most tests need few roles.
            self.token = await _login(self.http, self.username)
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers()
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def upload(
        self, query: str, file: bytes, *, name: str = "清单.xlsx", **variables: Any
    ) -> dict[str, Any]:
        """``query`` as a GraphQL multipart request, ``file`` as ``variables.input.file``."""
        if self.username is not None and self.token is None:
            self.token = await _login(self.http, self.username)
        headers = self.headers()
        variables["input"] = {**variables.get("input", {}), "file": None}
        response = await self.http.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": query, "variables": variables}),
                "map": json.dumps({"0": ["variables.input.file"]}),
            },
            files={"0": (name, file, "application/octet-stream")},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """The answer's data, failing the test on any top-level error."""
        body = await self(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@dataclass
class Clients:
    anonymous: Api
    coordinator: Api
    court: Api
    unit: Api
    unit2: Api
    leader: Api
    admin: Api


@pytest.fixture
async def http(demo_database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a migrated database holding the demo data (seeded once a session); its
    evidence files under the test's own directory."""
    settings = Settings(
        database_url=demo_database_url,
        env=Environment.DEVELOPMENT,
        secret_key="t" * 32,
        files_dir=tmp_path / "files",
    )
    app = create_app(settings)
    EXECUTOR_CACHE.clear()  # the same process runs SQLite and PostgreSQL
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://fuyuan.test",
            # The tests written before the Chinese default read the English;
            # tests/schema/test_messages.py asks for both languages.
            headers={"accept-language": "en"},
        ) as client,
    ):
        yield client


async def _login(http: httpx.AsyncClient, username: str) -> str:
    body = await Api(http)(LOGIN, username=username, password=DEMO_PASSWORD)
    token = body["data"]["login"]["token"]
    assert isinstance(token, str), body
    return token


@pytest.fixture
def api(http: httpx.AsyncClient) -> Clients:
    return Clients(
        anonymous=Api(http),
        coordinator=Api(http, "demo-coordinator"),
        court=Api(http, "demo-court"),
        unit=Api(http, "demo-unit"),
        unit2=Api(http, "demo-unit2"),
        leader=Api(http, "demo-leader"),
        admin=Api(http, "demo-admin"),
    )


class StatementCounter(logging.Handler):
    """Counts the SQL statements tortoise sends (its db_client logger, at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and isinstance(record.args, tuple) and record.args:
            self.statements.append(str(record.args[0]))


@pytest.fixture
def statements() -> Iterator[StatementCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = StatementCounter()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
