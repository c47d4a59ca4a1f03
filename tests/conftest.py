"""Shared fixtures: a real, migrated database per test, on SQLite and PostgreSQL.

Every test that takes ``db`` runs twice: on a SQLite file and on a
PostgreSQL database. The PostgreSQL run needs ``FUYUAN_TEST_POSTGRES_URL``
(``.ci/run`` starts the server and sets it); without it those runs are
skipped with that reason printed in the summary.

The schema comes from the real migrations, applied once per session to a
template (a SQLite file, a PostgreSQL template database); each test gets a
fresh copy of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
import httpx
import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from store.db import tortoise_config
from store.setup import migrate
from workflow.i18n import set_default_language
from workflow.registry import registered_definitions, unregister_definition

ROOT = Path(__file__).resolve().parent.parent
# Errors built while the tests are collected (pytest.param tables) speak English too.
set_default_language("en")

POSTGRES_ENV = "FUYUAN_TEST_POSTGRES_URL"
POSTGRES_SKIP = (
    f"PostgreSQL tests skipped: set {POSTGRES_ENV}=postgres://user:pass@host:5432/db "
    "(a role allowed to CREATE DATABASE); .ci/run does"
)


@pytest.fixture(autouse=True)
def english_outside_requests() -> Iterator[None]:
    """Code called in-process, outside a request (the engine, the store, the reports),
    speaks English, the catalogs' message ids, as it does for a client that asks for
    English; a request through the API speaks what its Accept-Language asks for
    (Chinese by default), and tests/test_messages.py checks both languages."""
    set_default_language("en")
    yield
    set_default_language("en")


@pytest.fixture
def workflow_registry() -> Iterator[None]:
    """Whatever definitions a test registers (``workflow.registry``) are gone after it."""
    before = {(d.key, d.version) for d in registered_definitions()}
    yield
    for definition in registered_definitions():
        if (definition.key, definition.version) not in before:
            unregister_definition(definition.key, definition.version)


def postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV) or None
    if url is None and os.environ.get("FUYUAN_REQUIRE_POSTGRES"):
        pytest.fail(f"FUYUAN_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def drop_database(name: str) -> None:
    """Drop a test database, waiting out a moment when a background worker holds it.

    ``WITH (FORCE)`` ends our own leftover connections; an autovacuum worker of
    the server's own role may still be attached for a moment, so retry.
    """
    for attempt in range(10):
        try:
            await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError):
            await asyncio.sleep(0.2 * (attempt + 1))
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin_execute(sql: str) -> None:
    url = postgres_url()
    assert url is not None
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "fuyuan.sqlite3"
    asyncio.run(migrate(f"sqlite://{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if postgres_url() is None:
        pytest.skip(POSTGRES_SKIP)
    name = f"fuyuan_tpl_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    url = postgres_url()
    assert url is not None
    asyncio.run(migrate(with_database(url, name)))
    yield name
    asyncio.run(drop_database(name))


async def _seed(url: str) -> None:
    from store.demo import seed_demo

    await open_database(url)
    try:
        await seed_demo()
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    asyncio.run(_seed(f"sqlite://{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_demo_template(postgres_template: str) -> Iterator[str]:
    url = postgres_url()
    assert url is not None
    name = f"fuyuan_demo_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    asyncio.run(_seed(with_database(url, name)))
    yield name
    asyncio.run(drop_database(name))


def _copy_of(request: pytest.FixtureRequest, tmp_path: Path, *, demo: bool) -> Iterator[str]:
    """A fresh database of the backend ``request.param`` names, copied from a template."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue(
            "sqlite_demo_template" if demo else "sqlite_template"
        )
        path = tmp_path / "fuyuan.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite://{path}"
        return
    if postgres_url() is None:
        pytest.skip(POSTGRES_SKIP)
    template_name: str = request.getfixturevalue(
        "postgres_demo_template" if demo else "postgres_template"
    )
    name = f"fuyuan_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    url = postgres_url()
    assert url is not None
    yield with_database(url, name)
    asyncio.run(drop_database(name))


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of each backend."""
    yield from _copy_of(request, tmp_path, demo=False)


@pytest.fixture(params=BACKENDS)
def demo_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each backend holding the Kaifeng demo data (seeded once a session)."""
    yield from _copy_of(request, tmp_path, demo=True)


async def open_database(url: str) -> None:
    """Tortoise.init on ``url``, forgetting SQL prepared for another dialect.

    Tortoise caches each model's INSERT statement by connection name; one
    test process uses both SQLite and PostgreSQL under the name "default",
    so the cache must not carry "?" placeholders over to asyncpg.
    """
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """Tortoise opened on a fresh database; yields the URL."""
    await open_database(database_url)
    try:
        yield database_url
    finally:
        await Tortoise.close_connections()


def dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in the log how many PostgreSQL runs and browser tests ran, so a skipped server
    or a missing Chromium is visible."""

    def counts(matches: Callable[[str], bool]) -> dict[str, int]:
        return {
            outcome: sum(
                matches(report.nodeid) for report in terminalreporter.stats.get(outcome, [])
            )
            for outcome in ("passed", "failed", "skipped", "error")
        }

    def line(counted: dict[str, int]) -> str:
        return ", ".join(f"{count} {outcome}" for outcome, count in counted.items())

    terminalreporter.write_line(
        "PostgreSQL runs: "
        + line(counts(lambda nodeid: "postgres" in nodeid))
        + ("" if postgres_url_configured() else f" ({POSTGRES_SKIP})")
    )
    browser = counts(lambda nodeid: nodeid.startswith("tests/frontend/"))
    if any(browser.values()):
        terminalreporter.write_line(
            "Browser tests (tests/frontend): "
            + line(browser)
            + ("" if browser_available() else f" ({BROWSER_SKIP})")
        )


CHROMIUM = Path(os.environ.get("FUYUAN_CHROMIUM", "/usr/bin/chromium"))
BROWSER_SKIP = (
    f"browser tests skipped: no Chromium at {CHROMIUM}; install it with "
    "`apt-get install chromium` (Playwright never downloads one), or set FUYUAN_CHROMIUM"
)


def browser_available() -> bool:
    """Whether the dashboard's browser tests can run: Chromium and Playwright are here."""
    if not CHROMIUM.exists():
        return False
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return True


def postgres_url_configured() -> bool:
    return bool(os.environ.get(POSTGRES_ENV))


# --------------------------------------------------------------------------- a live server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fuyuan_command(*args: str, url: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``fuyuan ARGS`` as an operator runs it, on the database at ``url``."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env={**os.environ, "FUYUAN_DATABASE_URL": url}, cwd=ROOT,
        capture_output=True, text=True, check=False, timeout=timeout,
    )  # fmt: skip


def prepare(url: str, *commands: tuple[str, ...]) -> None:
    """Run each ``fuyuan`` command on ``url`` (migrate, seed …), failing the test on an error."""
    for command in commands:
        done = fuyuan_command(*command, url=url)
        assert done.returncode == 0, f"fuyuan {' '.join(command)}: {done.stderr}"


@contextlib.contextmanager
def live_server(
    url: str,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    cwd: Path = ROOT,
) -> Iterator[str]:
    """`fuyuan serve` on a free port over ``url``; yields the base URL once /healthz answers.

    ``env`` adds to (or overrides) the environment, e.g. ``{"FUYUAN_ENV": "production"}``;
    ``args`` are more arguments to ``fuyuan serve`` (``--workers 4`` …); ``cwd`` is
    the working directory (whose ``var/`` holds the secret the server makes itself).
    The server's output goes to ``log``: a pipe that nobody reads fills up with
    logged errors and blocks the server.
    """
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *args],
            env={**os.environ, "FUYUAN_DATABASE_URL": url, **(env or {})}, cwd=cwd,
            stdout=output, stderr=subprocess.STDOUT, text=True,
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
            server.wait()
            pytest.fail(f"server did not start: {log.read_text()}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


#: Operations only another role than the coordinator may call, and the demo account the
#: schemathesis runs call them as. schemathesis reads a FORBIDDEN answer as a failure on
#: purpose (a refused caller says nothing of the data it sent), so each operation is fuzzed
#: by an account allowed to reach its resolver.
ACCOUNT_OF_OPERATION = {
    "Mutation.setOfficialCalendar": "demo-admin",
    "Mutation.createUnit": "demo-admin",
    "Mutation.updateUnit": "demo-admin",
    "Mutation.deactivateUnit": "demo-admin",
    "Mutation.createAccount": "demo-admin",
    "Mutation.resetPassword": "demo-admin",
    "Mutation.deactivateAccount": "demo-admin",
    "Query.deadDeliveries": "demo-admin",
    "Mutation.resendDelivery": "demo-admin",
    # the administrator names any account (accountId); a liaison only its own
    "Mutation.setNotificationPreferences": "demo-admin",
}


#: Operations schemathesis cannot call, and why; tests elsewhere cover them.
NOT_FUZZED = {
    # its file is an Upload, sent as a multipart request (the GraphQL multipart request
    # specification), which schemathesis neither generates ("Scalar type 'Upload' is not
    # recognized") nor sends; tests/schema/test_ledger_import.py uploads files.
    "Mutation.importLedger": "a multipart file upload",
}


def schemathesis_runs() -> list[Any]:
    """pytest params (account, schemathesis operation filter) covering every operation once:
    the coordinator for all but :data:`ACCOUNT_OF_OPERATION` (and :data:`NOT_FUZZED`), then
    one run for each of those."""
    others = [
        arg for name in [*ACCOUNT_OF_OPERATION, *NOT_FUZZED] for arg in ("--exclude-name", name)
    ]
    runs = [pytest.param("demo-coordinator", others, id="demo-coordinator")]
    for name, account in ACCOUNT_OF_OPERATION.items():
        runs.append(pytest.param(account, ["--include-name", name], id=name))
    return runs


_CLI_AT = """
import datetime as dt, sys
import workflow.clock as clock
moment = dt.datetime.fromisoformat(sys.argv[1])
clock.utcnow = lambda: moment  # before api.cli imports anything that reads the clock
from api.cli import main
sys.exit(main(sys.argv[2:]))
"""


def cli_command(*args: str, now: str | None = None) -> list[str]:
    """``python -m api.cli ARGS``, on the clock's ``now`` (ISO, with its zone) if given.

    The commands refuse days that have not come (``fuyuan sweep --today``): a
    test of the demo's December runs them on a December clock, as an operator
    would then, without a hook for tests in the commands themselves.
    """
    if now is None:
        return [sys.executable, "-m", "api.cli", *args]
    return [sys.executable, "-c", _CLI_AT, now, *args]
