"""Running the independent read-only statements of one report side by side.

A report such as ``reports.progress`` is a few aggregate statements that do
not depend on each other. ``read_all`` runs them at the same time where the
database allows it, and one after another where it does not:

* PostgreSQL: each statement on its own pooled connection
  (``execute_query`` acquires one per call);
* a SQLite file: each statement on its own short-lived read-only connection
  in a worker thread. ``sqlite3`` releases the GIL while a statement runs and
  WAL lets readers work beside the writer, so two statements use two cores;
* inside a transaction, or on an in-memory SQLite database: one after
  another on the given connection, which is the only one that sees the
  transaction's own writes.

Separate connections may read separate snapshots. The statements given here
must not care: ``reports.progress`` describes a fixed past moment, which
later commits do not change.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

__all__ = ["Query", "read_all"]

Query = tuple[str, list[Any]]


async def read_all(conn: BaseDBAsyncClient, queries: Sequence[Query]) -> list[list[Any]]:
    """The rows of each query, in order; each row reads like a mapping (``row["n"]``)."""
    if len(queries) > 1 and not isinstance(conn, TransactionalDBClient):
        dialect = conn.capabilities.dialect
        if dialect == "postgres":
            answers = await asyncio.gather(
                *(conn.execute_query(sql, values) for sql, values in queries)
            )
            return [list(rows) for _, rows in answers]
        path = _sqlite_file(conn) if dialect == "sqlite" else None
        if path is not None:
            return list(
                await asyncio.gather(
                    *(asyncio.to_thread(_read_sqlite, path, sql, values) for sql, values in queries)
                )
            )
    results = []
    for sql, values in queries:
        _, rows = await conn.execute_query(sql, values)
        results.append(list(rows))
    return results


def _sqlite_file(conn: BaseDBAsyncClient) -> Path | None:
    filename = getattr(conn, "filename", None)
    if (
        not isinstance(filename, str)
        or filename in ("", ":memory:")
        or filename.startswith("file:")
    ):
        return None
    path = Path(filename)
    return path if path.exists() else None


def _read_sqlite(path: Path, sql: str, values: list[Any]) -> list[sqlite3.Row]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db.row_factory = sqlite3.Row
        return db.execute(sql, values).fetchall()
    finally:
        db.close()
