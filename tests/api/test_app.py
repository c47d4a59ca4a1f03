"""The served app: /healthz and /graphql over real HTTP, on a real database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import running, settings_for

TASK_COUNT = "{ tasks(first: 5) { totalCount nodes { code state responsibleUnit { name } } } }"
UNITS_OF_KIND = """
query ($kind: UnitKind) {
  units(filter: {kind: $kind}, first: 100) { totalCount nodes { name courtCode } }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fuyuan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip


@pytest.fixture
def served(database_url: str) -> Iterator[str]:
    """`fuyuan migrate`, `seed --demo` and `serve` on a free port, as a user runs them."""
    env = {**os.environ, "FUYUAN_DATABASE_URL": database_url}
    for command in (["migrate"], ["seed", "--demo", "--if-empty"]):
        done = _fuyuan(*command, env=env)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            server.kill()
            output = server.communicate()[0]
            pytest.fail(f"server did not start: {output}")
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=10)


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
    url = f"postgres://nobody:nothing@127.0.0.1:{_free_port()}/none"
    # when the app starts anyway (the pool connects on first use) and is asked for its health
    async with running(settings_for(url)) as test_client:
        health = await test_client.get("/healthz")
    # then it says so, with 503 for the load balancer
    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"
