"""The API over HTTP (ASGI, lifespan running) on the demo data, one client per role."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.app import create_app
from api.settings import Environment, Settings
from store.demo import DEMO_PASSWORD, seed_demo

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    token account { username role } errors { field code message }
  }
}
"""


@dataclass
class Api:
    """Posts GraphQL documents as one signed-in account (or anonymously)."""

    http: httpx.AsyncClient
    token: str | None = None

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
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
async def http(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a migrated database holding the demo data."""
    settings = Settings(database_url=database_url, env=Environment.DEVELOPMENT, secret_key="t" * 32)
    app = create_app(settings)
    EXECUTOR_CACHE.clear()  # the same process runs SQLite and PostgreSQL
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://fuyuan.test"
        ) as client,
    ):
        await seed_demo()
        yield client


@pytest.fixture
async def api(http: httpx.AsyncClient) -> Clients:
    async def signed_in(username: str) -> Api:
        body = await Api(http)(LOGIN, username=username, password=DEMO_PASSWORD)
        token = body["data"]["login"]["token"]
        assert token, body
        return Api(http, token)

    return Clients(
        anonymous=Api(http),
        coordinator=await signed_in("demo-coordinator"),
        court=await signed_in("demo-court"),
        unit=await signed_in("demo-unit"),
        unit2=await signed_in("demo-unit2"),
        leader=await signed_in("demo-leader"),
        admin=await signed_in("demo-admin"),
    )


class StatementCounter(logging.Handler):
    """Counts the SQL statements tortoise sends (its db_client logger, at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and record.args:
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
