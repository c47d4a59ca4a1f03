"""SQLite transactions begin IMMEDIATE: one that reads first cannot lose its write.

The failure this prevents, in two steps: a transaction reads (taking a read
snapshot), another process commits a write, and the transaction's own write
then fails at once with "database is locked" — its snapshot is stale, and
waiting cannot freshen it. With ``BEGIN IMMEDIATE`` the transaction holds
the write lock from its start, so the other process waits for it instead.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from store.db import SQLITE_PRAGMAS
from store.models import Counter
from store.sqlite_client import ImmediateSqliteClient
from tests.conftest import open_database

BUSY_TIMEOUT = int(SQLITE_PRAGMAS["busy_timeout"]) / 1000


@pytest.fixture
def sqlite_file(sqlite_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "fuyuan.sqlite3"
    shutil.copy(sqlite_template, path)
    return path


@pytest.fixture
async def sqlite_db(sqlite_file: Path) -> AsyncIterator[Path]:
    path = sqlite_file
    await open_database(f"sqlite://{path}")
    try:
        yield path
    finally:
        await Tortoise.close_connections()


def _other_process_writes(path: Path, done: threading.Event) -> None:
    """Another writer (``fuyuan sweep``): waits up to 10 s for the lock, then commits."""
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO counter (key, value) VALUES ('other', 1)")
        conn.execute("COMMIT")
    finally:
        conn.close()
        done.set()


async def test_the_app_uses_the_immediate_client(sqlite_db: Path) -> None:
    assert isinstance(Tortoise.get_connection("default"), ImmediateSqliteClient)


async def test_a_transaction_that_reads_first_keeps_its_write_beside_another_writer(
    sqlite_db: Path,
) -> None:
    await Counter.create(key="task:2026", value=7)
    done = threading.Event()
    async with in_transaction() as conn:
        # given a transaction that has read
        assert (await Counter.get(key="task:2026", using_db=conn)).value == 7
        # when another process writes meanwhile
        writer = threading.Thread(target=_other_process_writes, args=(sqlite_db, done))
        writer.start()
        await asyncio.sleep(0.3)
        # then that process waits for this transaction (it holds the write lock) …
        assert not done.is_set()
        # … and this transaction's write goes through
        await Counter.filter(key="task:2026").using_db(conn).update(value=8)
    await asyncio.to_thread(writer.join, 15)
    assert done.is_set()
    assert (await Counter.get(key="task:2026")).value == 8
    assert await Counter.filter(key="other").exists()


async def test_a_read_outside_a_transaction_does_not_wait_for_the_lock(sqlite_db: Path) -> None:
    await Counter.create(key="task:2026", value=7)
    holder = sqlite3.connect(sqlite_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        assert (await Counter.get(key="task:2026")).value == 7
        # a read that queued for the lock would wait out the whole busy timeout
        assert time.perf_counter() - started < BUSY_TIMEOUT / 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
