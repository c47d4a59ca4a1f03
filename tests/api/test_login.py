"""login over HTTP: repeated failures are throttled, and the answer says how long to wait."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Environment, Settings
from store.auth import MAX_FAILURES_PER_USERNAME
from store.demo import DEMO_PASSWORD, seed_demo
from store.models import LoginAttempt

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    token errors { field code message }
  }
}
"""


def _database(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "login.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    return f"sqlite://{path}"


@pytest.fixture
async def client(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    url = _database(sqlite_template, tmp_path)
    app = create_app(Settings(database_url=url, env=Environment.DEVELOPMENT, secret_key="l" * 32))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 4711)),
            base_url="http://fuyuan.test",
        ) as test_client,
    ):
        await seed_demo()
        yield test_client


async def _login(client: httpx.AsyncClient, password: str) -> dict[str, object]:
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"username": "demo-unit", "password": password}},
    )
    login: dict[str, object] = response.json()["data"]["login"]
    return login


async def test_login_is_throttled_after_repeated_failures(client: httpx.AsyncClient) -> None:
    # given as many wrong passwords as allowed
    for _ in range(MAX_FAILURES_PER_USERNAME):
        failed = await _login(client, "wrong-password")
        assert failed["errors"] == [
            {
                "field": None,
                "code": "UNAUTHENTICATED",
                "message": "wrong username or password, or the account is deactivated",
            }
        ]
    # when the right password follows
    refused = await _login(client, DEMO_PASSWORD)
    # then it is refused too, saying how long to wait
    assert refused["token"] is None
    assert refused["errors"] == [
        {
            "field": None,
            "code": "THROTTLED",
            "message": "too many failed sign-ins; try again in 15 minutes",
        }
    ]
    # and the failures were recorded with the client's address
    clients = await LoginAttempt.filter(username="demo-unit").values_list("client", flat=True)
    assert set(clients) == {"203.0.113.9"}
