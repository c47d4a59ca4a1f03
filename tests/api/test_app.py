"""The served app: /healthz and /graphql over real HTTP, on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import running, settings_for
from tests.conftest import free_port, live_server, prepare

TASK_COUNT = "{ tasks(first: 5) { totalCount nodes { code state responsibleUnit { name } } } }"
UNITS_OF_KIND = """
query ($kind: UnitKind) {
  units(filter: {kind: $kind}, first: 100) { totalCount nodes { name courtCode } }
}
"""


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[str]:
    """`fuyuan migrate`, `seed --demo` and `serve` on a free port, as a user runs them."""
    prepare(database_url, ("migrate",), ("seed", "--demo", "--if-empty"))
    with live_server(database_url, tmp_path / "server.log") as base:
        yield base


def test_a_served_database_answers_health_and_the_demo_task_count(served: str) -> None:
    health = httpx.get(f"{served}/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "reachable"}
    login = httpx.post(
        f"{served}/graphql",
        json={"query": 'mutation { login(input: {username: "demo-leader", '
              'password: "fuyuan-demo"}) { token } }'},
    ).json()  # fmt: skip
    token = login["data"]["login"]["token"]
    answer = httpx.post(
        f"{served}/graphql",
        json={"query": TASK_COUNT},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    assert "errors" not in answer
    tasks = answer["data"]["tasks"]
    assert tasks["totalCount"] == 111  # what `fuyuan seed --demo` printed: 111 tasks
    assert len(tasks["nodes"]) == 5
    assert all(node["responsibleUnit"]["name"] for node in tasks["nodes"])


async def test_graphiql_is_served_to_a_browser(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "GraphiQL" in page.text


async def test_a_signed_out_request_is_told_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": UNITS_OF_KIND, "variables": {"kind": "COURT"}}
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "sign in" in error["message"]


async def test_a_bad_token_is_named(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ tasks(first: 1) { totalCount } }"},
        headers={"authorization": "Bearer not-a-token"},
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "malformed" in error["message"]


async def test_health_reports_an_unreachable_database() -> None:
    # given a PostgreSQL URL where nothing listens
    url = f"postgres://nobody:nothing@127.0.0.1:{free_port()}/none"
    # when the app starts anyway (the pool connects on first use) and is asked for its health
    async with running(settings_for(url)) as test_client:
        health = await test_client.get("/healthz")
    # then it says so, with 503 for the load balancer
    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"


async def test_the_collector_is_tuned_while_the_app_serves_and_restored_after(
    empty_database_url: str,
) -> None:
    import gc

    from api.app import GC_THRESHOLD

    before = gc.get_threshold()
    async with running(settings_for(empty_database_url)) as test_client:
        assert (await test_client.get("/healthz")).status_code == 200
        # what start-up made is frozen, and the first generation is collected less often
        assert gc.get_threshold() == GC_THRESHOLD
        assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_postgresql_connections_go_back_to_the_pool_without_a_reset_round_trip(
    database_url: str,
) -> None:
    from tortoise import Tortoise, connections

    from store.db import keep_session
    from tests.conftest import open_database

    await open_database(database_url)
    try:
        client = connections.get("default")
        for _ in range(3):  # a connection taken from the pool and handed back each time
            assert (await client.execute_query_dict("SELECT 1 AS one")) == [{"one": 1}]
        pool = client._pool
        assert pool._reset is keep_session
        # a transaction left open on a connection is still rolled back when it is handed
        # back (asyncpg's own part of the reset): the next statement sees no transaction
        async with pool.acquire() as connection:
            await connection.execute("BEGIN")
            await connection.execute("SELECT pg_advisory_xact_lock(4242)")
        async with pool.acquire() as connection:
            held = await connection.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
            )
            assert held == 0
            assert not connection.is_in_transaction()
    finally:
        await Tortoise.close_connections()
