"""Fixtures for the fuzz tests: the app on a seeded database, driven from sync code.

Hypothesis' ``@given`` is synchronous and does not mix with pytest-asyncio's
function-scoped event loop. So the fuzz tests are plain sync tests: the
``live_app`` fixture runs the app's lifespan (and everything after it) on one
``asyncio.Runner``, whose single loop and context survive between calls. Each
hypothesis example is then one ``live_app.post(...)``, and the database checks
(``live_app.run(coroutine)``) use the same tortoise connection the app opened.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.app import create_app
from api.settings import Environment, Settings
from store.demo import DEMO_PASSWORD

T = TypeVar("T")

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token }
}
"""


class LiveApp:
    """The app with its lifespan running, reached over ``httpx.ASGITransport``."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.dialect = "sqlite" if database_url.startswith("sqlite") else "postgres"
        settings = Settings(
            database_url=database_url, env=Environment.DEVELOPMENT, secret_key="f" * 32
        )
        self._app = create_app(settings)
        self._runner = asyncio.Runner()
        self._stack = contextlib.AsyncExitStack()
        self.client: httpx.AsyncClient | None = None

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the app's loop (and in its tortoise context)."""
        return self._runner.run(coroutine)

    def start(self) -> None:
        EXECUTOR_CACHE.clear()  # the same process runs SQLite and PostgreSQL
        self.run(self._stack.enter_async_context(self._app.router.lifespan_context(self._app)))
        self.client = self.run(
            self._stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=self._app), base_url="http://fuyuan.test"
                )
            )
        )

    def stop(self) -> None:
        try:
            self.run(self._stack.aclose())
        finally:
            self._runner.close()

    def post(self, query: str, token: str | None = None) -> httpx.Response:
        assert self.client is not None
        # English: test_hypothesis_graphql.py looks for MaskErrors' "Unexpected error."
        headers = {"accept-language": "en"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        return self.run(self.client.post("/graphql", json={"query": query}, headers=headers))

    def login(self, username: str) -> str:
        assert self.client is not None
        response = self.run(
            self.client.post(
                "/graphql",
                json={
                    "query": LOGIN,
                    "variables": {"username": username, "password": DEMO_PASSWORD},
                },
            )
        )
        token = response.json()["data"]["login"]["token"]
        assert isinstance(token, str), response.text
        return token


@pytest.fixture
def live_app(demo_database_url: str) -> Iterator[LiveApp]:
    """The app on a fresh copy of the demo database (SQLite, and PostgreSQL when configured)."""
    app = LiveApp(demo_database_url)
    app.start()
    try:
        yield app
    finally:
        app.stop()
