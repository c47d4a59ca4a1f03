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
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fuyuan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.fixture
def graphql_url(tmp_path: Path) -> Iterator[str]:
    """`fuyuan migrate` and `fuyuan serve` on a temp SQLite file; yields the /graphql URL."""
    env = {**os.environ, "FUYUAN_DATABASE_URL": f"sqlite://{tmp_path / 'conformance.sqlite3'}"}
    migrated = _fuyuan("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
            pytest.fail(f"server did not start: {server.communicate()[0]}")
        yield f"{base}/graphql"
    finally:
        server.terminate()
        server.communicate(timeout=10)
