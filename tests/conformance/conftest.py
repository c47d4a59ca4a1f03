"""Fixtures for the conformance suites: Node tools run against the real app.

The Node packages are pinned in tests/conformance/package-lock.json and
installed by ``make setup`` (``npm ci --prefix tests/conformance``). Without
``node`` on the PATH these tests skip, saying so; in CI (where
``FUYUAN_REQUIRE_POSTGRES`` is set) they fail instead, so a missing tool cannot
pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import live_server, prepare

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"


@pytest.fixture(scope="session")
def run_node() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs ``node`` with arguments from the repository root; the pinned packages installed."""
    path = shutil.which("node")
    if path is None:
        reason = "conformance suites need Node.js: `node` is not on the PATH"
        if os.environ.get("FUYUAN_REQUIRE_POSTGRES"):
            pytest.fail(f"{reason} (and CI, FUYUAN_REQUIRE_POSTGRES=1, requires them)")
        pytest.skip(reason)
    if not NODE_MODULES.is_dir():
        pytest.fail(
            f"{NODE_MODULES.relative_to(ROOT)} is missing: run `make setup` "
            "(it runs `npm ci --prefix tests/conformance`)"
        )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [path, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=300
        )

    return run


@pytest.fixture
def graphql_url(tmp_path: Path) -> Iterator[str]:
    """`fuyuan migrate` and `fuyuan serve` on a temp SQLite file; yields the /graphql URL."""
    url = f"sqlite://{tmp_path / 'conformance.sqlite3'}"
    prepare(url, ("migrate",))
    with live_server(url, tmp_path / "server.log") as base:
        yield f"{base}/graphql"
