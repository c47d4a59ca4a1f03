"""schemathesis against the served app: no generated request makes the server fail.

`fuyuan serve` runs on a copy of the seeded demo database (SQLite) on a free
port; schemathesis loads the schema from /graphql by introspection and sends
generated queries and mutations — valid ones and, in its negative mode, broken
ones — as the demo coordinator, and the few operations only another role may
call as that role (``tests.conftest.ACCOUNT_OF_OPERATION``). The only check is
``not_a_server_error``: every answer must have a status below 500. Mutations
write to the throwaway database, which no other test uses.

schemathesis runs as its CLI in a subprocess (its pytest integration wants the
schema at import time); a fixed seed and a per-operation example budget keep
the run the same and short. On failure the test prints schemathesis' report,
which holds a curl command reproducing each failing request.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from store.demo import DEMO_PASSWORD
from tests.conftest import live_server, schemathesis_runs

EXAMPLES_PER_OPERATION = 25
"""About 20 operations (queries and mutations) x 25 examples: some 30 seconds."""

SEED = 20240601
TIMEOUT = 300
"""Seconds before the run counts as hung (it takes well under a minute)."""

LOGIN = (
    "mutation ($username: String!, $password: String!) "
    "{ login(input: {username: $username, password: $password}) { token } }"
)
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def served_demo(sqlite_demo_template: Path, tmp_path: Path) -> Iterator[str]:
    """`fuyuan serve` on a free port, over a copy of the migrated, seeded demo database."""
    database = tmp_path / "fuyuan.sqlite3"
    shutil.copy(sqlite_demo_template, database)
    with live_server(f"sqlite://{database}", tmp_path / "server.log") as base:
        yield base


def _token(base: str, username: str) -> str:
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": LOGIN, "variables": {"username": username, "password": DEMO_PASSWORD}},
    ).json()
    token = answer["data"]["login"]["token"]
    assert isinstance(token, str), answer
    return token


@pytest.mark.parametrize(("account", "operations"), schemathesis_runs())
def test_schemathesis_finds_no_server_error(
    served_demo: str, tmp_path: Path, account: str, operations: list[str]
) -> None:
    # given the served demo and the token of an account that may call the operations
    token = _token(served_demo, account)
    # when schemathesis fuzzes every operation of the schema
    run = subprocess.run(
        [
            str(SCHEMATHESIS), "run", f"{served_demo}/graphql",
            "--header", f"Authorization: Bearer {token}",
            *operations,
            "--checks", "not_a_server_error",
            "--max-examples", str(EXAMPLES_PER_OPERATION),
            "--seed", str(SEED),
            "--workers", "1",
            "--generation-database", "none",
            "--no-color",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    report = run.stdout + run.stderr
    # then it ran, and no answer was a server error
    assert "Operations" in report, report
    assert run.returncode == 0, report
