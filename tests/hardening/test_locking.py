"""A second process writing beside the server makes nobody fail: ``fuyuan sweep`` from cron.

Before issue 12, while ``fuyuan sweep`` ran beside a SQLite server, 4 of 190
concurrent ``createTask`` calls failed with "database is locked" at
``next_number``: tortoise began each transaction with a deferred ``BEGIN``,
and one that read (the counter) before it wrote could not upgrade its stale
snapshot once the sweep had committed. Transactions now begin IMMEDIATE
(``store/sqlite_client.py``) and wait for the sweep's lock instead.

The test gives the sweep a few hundred overdue tasks to escalate, one
transaction each, starts it as the command line (a separate process), and
sends 200 ``createTask`` at once while the sweep is writing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
import httpx
import pytest
from tortoise import Tortoise

from store.models import Account
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import transition_task
from tests.conftest import (
    BACKENDS,
    POSTGRES_SKIP,
    ROOT,
    _admin_execute,
    asyncpg_dsn,
    cli_command,
    drop_database,
    live_server,
    open_database,
    postgres_url,
    with_database,
)
from tests.hardening.conftest import LOGIN, Attack

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

#: Extra overdue tasks for the sweep: enough that it writes all through the creates
#: (with 400, half the runs before the fix saw no failure).
OVERDUE = 1000

#: The day the sweep judges lateness on (inside the demo's calendar years).
SWEEP_DAY = "2026-12-31"

CONCURRENT_CREATES = 200

CREATE_TASK = (
    "mutation ($input: CreateTaskInput!) "
    "{ createTask(input: $input) { task { code } errors { code message } } }"
)


async def _add_overdue_tasks(url: str, count: int) -> None:
    """``count`` tasks assigned in early November 2026, due a few days later."""
    await open_database(url)
    try:
        coordinator = await Account.get(username="demo-coordinator")
        assigned_at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
        for number in range(count):
            task = await create_task(
                TaskInput(kind="OTHER", title=f"逾期事项{number}", responsible_unit="KF-CZJ"),
                at=assigned_at,
            )
            await transition_task(
                task.id,
                "assign",
                coordinator,
                expected_version=1,
                due_on=dt.date(2026, 11, 6),
                now=assigned_at,
            )
    finally:
        await Tortoise.close_connections()


@pytest.fixture(params=BACKENDS)
def busy(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_demo_template: Path
) -> Iterator[Attack]:
    """The demo with :data:`OVERDUE` more overdue tasks, served live."""
    log = tmp_path / "server.log"
    if request.param == "sqlite":
        path = tmp_path / "fuyuan.sqlite3"
        shutil.copy(sqlite_demo_template, path)
        url = f"sqlite://{path}"
        asyncio.run(_add_overdue_tasks(url, OVERDUE))
        with live_server(url, log) as base:
            yield Attack(base, url, log, "sqlite")
        return
    admin = postgres_url()
    if admin is None:
        pytest.skip(POSTGRES_SKIP)
    template: str = request.getfixturevalue("postgres_demo_template")
    name = f"fuyuan_h_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = with_database(admin, name)
    try:
        asyncio.run(_add_overdue_tasks(url, OVERDUE))
        with live_server(url, log) as base:
            yield Attack(base, url, log, "postgres")
    finally:
        asyncio.run(drop_database(name))


def _escalations(attack: Attack) -> int:
    """Events the sweep has recorded so far, read from the database."""
    sql = "SELECT COUNT(*) FROM task_event WHERE action = 'supervise' AND actor_id IS NULL"
    if attack.dialect == "sqlite":
        with sqlite3.connect(attack.database_url.removeprefix("sqlite://"), timeout=30) as conn:
            return int(conn.execute(sql).fetchone()[0])

    async def count() -> int:
        conn = await asyncpg.connect(asyncpg_dsn(attack.database_url))
        try:
            return int(await conn.fetchval(sql))
        finally:
            await conn.close()

    return asyncio.run(count())


async def _create_tasks(base: str, count: int) -> list[dict[str, Any]]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        login = await client.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {"username": "demo-coordinator", "password": "fuyuan-demo"},
            },
        )
        headers = {"Authorization": f"Bearer {login.json()['data']['login']['token']}"}
        units = await client.post(
            "/graphql",
            json={"query": "{ units(filter: {kind: DEPARTMENT}, first: 1) { nodes { id } } }"},
            headers=headers,
        )
        unit_id = units.json()["data"]["units"]["nodes"][0]["id"]

        async def one(number: int) -> dict[str, Any]:
            variables = {
                "input": {
                    "kind": "OTHER",
                    "title": f"并发创建{number}",
                    "responsibleUnitId": unit_id,
                }
            }
            response = await client.post(
                "/graphql", json={"query": CREATE_TASK, "variables": variables}, headers=headers
            )
            answer: dict[str, Any] = response.json()
            return answer

        return await asyncio.gather(*(one(number) for number in range(count)))


def test_creates_beside_a_running_sweep_all_succeed(busy: Attack) -> None:
    # given the sweep started from the command line, in its own process
    before = _escalations(busy)
    sweep = subprocess.Popen(
        cli_command("sweep", "--today", SWEEP_DAY, now=f"{SWEEP_DAY}T10:00:00+00:00"),
        env={**os.environ, "FUYUAN_DATABASE_URL": busy.database_url},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _escalations(busy) == before and sweep.poll() is None:
            assert time.monotonic() < deadline, "the sweep never started writing"
            time.sleep(0.01)
        started = _escalations(busy)
        # when 200 tasks are created at once while it writes
        answers = asyncio.run(_create_tasks(busy.base, CONCURRENT_CREATES))
        output, _ = sweep.communicate(timeout=120)
    finally:
        if sweep.poll() is None:
            sweep.kill()
            sweep.wait()
    # then the sweep was still writing when the creates began (the test tested something)
    assert sweep.returncode == 0, output
    assert started < _escalations(busy), "the sweep finished before the creates began"
    # and every create succeeded, each with its own code, and the sweep did all its work
    failures = [a for a in answers if "errors" in a or a["data"]["createTask"]["errors"]]
    assert failures == [], f"{len(failures)} of {CONCURRENT_CREATES} failed: {failures[:3]}"
    codes = {answer["data"]["createTask"]["task"]["code"] for answer in answers}
    assert len(codes) == CONCURRENT_CREATES
    assert _escalations(busy) - before >= OVERDUE
    assert "locked" not in output
    assert "Traceback" not in busy.log()


def test_a_plain_read_takes_no_write_lock(attack: Attack) -> None:
    # given another process holding SQLite's write lock (PostgreSQL has none to hold)
    if attack.dialect != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    token = attack.login("demo-coordinator")
    baseline = attack.baseline()
    holder = sqlite3.connect(attack.database_url.removeprefix("sqlite://"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # when a liaison reads a page of tasks
        started = time.perf_counter()
        answer = attack.graphql("{ tasks(first: 5) { totalCount nodes { code } } }", token=token)
        elapsed = time.perf_counter() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # then it is answered at once: reads do not queue for the lock (the busy timeout is 10 s)
    assert "errors" not in answer, answer
    assert answer["data"]["tasks"]["totalCount"] > 0
    assert elapsed < 50 * baseline, (elapsed, baseline)
