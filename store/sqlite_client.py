"""tortoise's SQLite client, with transactions that take the write lock when they begin.

tortoise's client begins a transaction with a plain (deferred) ``BEGIN``: the
transaction takes SQLite's write lock only at its first write. One that reads
first (``next_number`` reads the counter before it increments it) holds a
read snapshot until then; if another *process* — ``fuyuan sweep`` from cron
beside the server — commits meanwhile, the snapshot is stale and SQLite
refuses the upgrade with "database is locked" (SQLITE_BUSY_SNAPSHOT): no
busy timeout helps, waiting cannot freshen the snapshot. 4 of 190 concurrent
``createTask`` calls failed that way while a sweep ran.

So every transaction here begins with ``BEGIN IMMEDIATE``: it takes the write
lock first, waiting up to the busy timeout (``store.db.SQLITE_PRAGMAS``) for
another process's write to finish, and then reads and writes on a snapshot
nobody can change. Every transaction of fuyuan writes (``in_transaction`` is
used for writes only), so nothing takes the lock that does not need it;
plain reads run outside transactions, in autocommit, and never take it, nor
do the read-only connections of ``store.reads``. Inside one process
tortoise already queues transactions on its single connection.

The engine is named in the tortoise config by ``store.db.connection_config``.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError

__all__ = ["ImmediateSqliteClient", "client_class"]


class ImmediateSqliteClient(SqliteClient):
    """A SQLite client whose transactions begin IMMEDIATE."""

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(_ImmediateTransaction(self), self._lock)


class _ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


#: What tortoise looks for in an engine module.
client_class = ImmediateSqliteClient
