"""login over HTTP: repeated failures are throttled, and the answer says how long to wait."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest

from store.auth import MAX_FAILURES_PER_USERNAME
from store.demo import DEMO_PASSWORD
from store.models import LoginAttempt
from tests.api.conftest import running, settings_for

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    token errors { field code message }
  }
}
"""


@pytest.fixture
async def client(demo_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the demo data, every request from one documentation address."""
    async with running(
        settings_for(demo_database_url), client_address=("203.0.113.9", 4711)
    ) as test_client:
        yield test_client


async def _login(client: httpx.AsyncClient, password: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"username": "demo-unit", "password": password}},
    )
    login: dict[str, Any] = response.json()["data"]["login"]
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
    # then it is refused too, saying how long to wait, and until when
    assert refused["token"] is None
    (error,) = refused["errors"]
    assert (error["field"], error["code"]) == (None, "THROTTLED")
    assert re.fullmatch(
        r"too many failed sign-ins; try again in 1[45] minutes \(after \d\d:\d\d Beijing time\)",
        error["message"],
    )
    # and the failures were recorded with the client's address
    # cast: tortoise types the rows of values_list(..., flat=True) as tuples.
    clients = cast(
        "list[str | None]",
        await LoginAttempt.filter(username="demo-unit").values_list("client", flat=True),
    )
    assert set(clients) == {"203.0.113.9"}
