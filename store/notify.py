"""Announcing new task events to subscribers, within a process and across processes.

Writers announce; subscribers listen. ``store.operations.tasks.append_event``,
the one place an event row is written, calls :func:`announce` inside the
writing transaction right after the row, so every path that records an event
(transitions, the sweep, ``create_task``, workflow migrations) announces it.
An announcement carries the event's id, its task's id and the task's
responsible unit (:class:`Announcement`), so a subscriber can filter before
reading anything. One announcement object reaches every subscriber of a
process, and carries a ``shared`` dict for the work they would otherwise each
repeat: reading the event and deciding who may see it is done once per event
and process (schema/subscriptions.py), not once per subscriber.

A subscriber learns of an event only once it is committed, and never of one
that was rolled back:

PostgreSQL (several worker processes)
    ``announce`` runs ``SELECT pg_notify('fuyuan_task_events', '<event>:<task>:<unit>')``
    on the writing transaction's connection. PostgreSQL delivers a
    notification when its transaction commits and drops it when the
    transaction (or the savepoint it was sent in) rolls back; it delivers it
    to every session listening, in any process, the writer's own included.
    Each process holds one dedicated asyncpg connection that LISTENs (opened
    by the first subscriber, closed by :func:`close` in the app's lifespan)
    and fans each notification out to its subscribers' queues. A process
    hears its own writes the same way as another's: there is one path.

SQLite (one process, by design: ``fuyuan serve`` refuses ``--workers`` on it)
    ``announce`` keeps the announcement on the transaction object and wraps
    that transaction's ``commit`` so that, once COMMIT has returned, the
    announcements are handed to this process's subscribers. A transaction
    that rolls back never calls ``commit``: its announcements go with it. In a
    nested transaction (a savepoint) they move to the enclosing transaction
    when the savepoint is released, and are dropped if it is rolled back.
    Outside any transaction (autocommit) the write is already committed and
    the announcement is handed over at once. This leans on tortoise's
    transaction wrappers (``commit``, ``release_savepoint``, ``_parent``);
    tests/store/test_notify.py pins the behaviour.

A slow subscriber never holds up a writer: handing over is ``put_nowait`` on
a bounded queue (:data:`QUEUE_SIZE`). A subscriber whose queue is full is cut
off: its iteration raises :class:`SubscriberLagged`. Dropping the oldest
announcements instead would leave a client believing it had seen every
event; cut off, it knows to reload what it shows and subscribe again. A lost
LISTEN connection ends every subscription the same way
(:class:`ListenerLost`); the next subscriber opens a new one.

Example:
    >>> async def follow() -> None:  # doctest: +SKIP
    ...     async with subscribe() as announcements:
    ...         async for announcement in announcements:
    ...             print(announcement.event_id)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from store.errors import ListenerLost, SubscriberLagged, SubscriptionEnded
from store.models import TaskEvent
from workflow.i18n import _

__all__ = [
    "CHANNEL",
    "QUEUE_SIZE",
    "Announcement",
    "Subscription",
    "announce",
    "announce_all",
    "close",
    "subscribe",
]

logger = logging.getLogger("fuyuan.notify")

#: The PostgreSQL channel of task events.
CHANNEL = "fuyuan_task_events"

#: Announcements a subscriber may have waiting before it is cut off.
QUEUE_SIZE = 1000

#: Attribute of a tortoise transaction holding its announcements until commit.
_PENDING = "_fuyuan_announcements"


@dataclass(frozen=True)
class Announcement:
    """A committed task event: which, of which task, of which responsible unit."""

    event_id: int
    task_id: int
    unit_id: int | None
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What this process's subscribers of the event share (results of reading it):
    every subscriber of a process receives this same object."""

    def encode(self) -> str:
        """The NOTIFY payload, e.g. ``"812:45:7"`` (an empty unit for none)."""
        unit = "" if self.unit_id is None else str(self.unit_id)
        return f"{self.event_id}:{self.task_id}:{unit}"

    @classmethod
    def decode(cls, payload: str) -> Announcement:
        """The announcement of a NOTIFY payload; ValueError if it is not one."""
        event, task, unit = payload.split(":")
        return cls(int(event), int(task), int(unit) if unit else None)


# --------------------------------------------------------------------------- writers


async def announce(event: TaskEvent, *, using_db: BaseDBAsyncClient) -> None:
    """Announce ``event``, once the transaction of ``using_db`` commits.

    Call it on the connection that wrote the event, right after writing it.
    """
    task = event.task
    announcement = Announcement(
        event_id=int(event.id),
        task_id=int(task.id),
        unit_id=getattr(task, "responsible_unit_id", None),
    )
    if using_db.capabilities.dialect == "postgres":
        await using_db.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, announcement.encode()])
    elif isinstance(using_db, TransactionalDBClient):
        _hold_until_commit(using_db, [announcement])
    else:
        _hub.publish([announcement])


async def announce_all(announcements: list[Announcement], *, using_db: BaseDBAsyncClient) -> None:
    """Announce many events written on ``using_db`` at once (a ledger import's), once
    its transaction commits: on PostgreSQL one statement NOTIFYs them all."""
    if not announcements:
        return
    if using_db.capabilities.dialect == "postgres":
        await using_db.execute_query(
            "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload",
            [CHANNEL, [announcement.encode() for announcement in announcements]],
        )
    elif isinstance(using_db, TransactionalDBClient):
        _hold_until_commit(using_db, announcements)
    else:
        _hub.publish(announcements)


def _hold_until_commit(
    transaction: TransactionalDBClient, announcements: list[Announcement]
) -> None:
    """Keep ``announcements`` on ``transaction``; publish them when it commits."""
    pending: list[Announcement] | None = vars(transaction).get(_PENDING)
    if pending is None:
        pending = []
        setattr(transaction, _PENDING, pending)
        held = pending
        parent = getattr(transaction, "_parent", None)
        if isinstance(parent, TransactionalDBClient):
            # A savepoint: released, its announcements join the enclosing transaction's.
            _after(transaction, "release_savepoint", lambda: _hold_until_commit(parent, held))
        else:
            _after(transaction, "commit", lambda: _hub.publish(held))
    pending.extend(announcements)


def _after(transaction: TransactionalDBClient, method: str, then: Callable[[], None]) -> None:
    """Make ``transaction.<method>()`` call ``then()`` once it has succeeded."""
    original: Callable[[], Awaitable[None]] = getattr(transaction, method)

    async def wrapped() -> None:
        await original()
        then()

    setattr(transaction, method, wrapped)


# --------------------------------------------------------------------------- subscribers


class Subscription:
    """The announcements reaching one subscriber, in commit order; iterate it."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Announcement | None] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._ended: SubscriptionEnded | None = None

    def offer(self, announcement: Announcement) -> None:
        if self._ended is not None:
            return
        try:
            self._queue.put_nowait(announcement)
        except asyncio.QueueFull:
            self.end(SubscriberLagged(QUEUE_SIZE))

    def end(self, reason: SubscriptionEnded) -> None:
        """Stop the subscription: the iteration raises ``reason`` next."""
        if self._ended is not None:
            return
        self._ended = reason
        while not self._queue.empty():  # what waits is moot now; make room to wake the reader
            self._queue.get_nowait()
        self._queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[Announcement]:
        return self

    async def __anext__(self) -> Announcement:
        announcement = await self._queue.get()
        if announcement is None:
            assert self._ended is not None
            raise self._ended
        return announcement


class _Hub:
    """This process's subscribers, and on PostgreSQL its one LISTEN connection."""

    def __init__(self) -> None:
        self.subscriptions: set[Subscription] = set()
        self.listener: asyncpg.Connection | None = None
        self.starting: asyncio.Lock | None = None

    def publish(self, announcements: list[Announcement]) -> None:
        for announcement in announcements:
            for subscription in list(self.subscriptions):
                subscription.offer(announcement)

    async def listen(self, client: BaseDBAsyncClient) -> None:
        """Open the LISTEN connection if it is not open (PostgreSQL only)."""
        if client.capabilities.dialect != "postgres" or self.listener is not None:
            return
        self.starting = self.starting or asyncio.Lock()
        async with self.starting:
            if self.listener is not None:
                return
            listener: asyncpg.Connection = await asyncpg.connect(**_connect_kwargs(client))
            listener.add_termination_listener(self._lost)
            await listener.add_listener(CHANNEL, self._notified)
            self.listener = listener

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            announcement = Announcement.decode(payload)
        except ValueError:
            logger.warning("ignored a malformed %s notification: %r", CHANNEL, payload)
            return
        self.publish([announcement])

    def _lost(self, connection: Any) -> None:
        if connection is not self.listener:
            return
        logger.warning("the connection listening for task events closed")
        self.listener = None
        self.end_all(ListenerLost(_("the connection listening for task events closed")))

    def end_all(self, reason: SubscriptionEnded) -> None:
        for subscription in list(self.subscriptions):
            subscription.end(reason)

    async def close(self) -> None:
        listener, self.listener = self.listener, None
        self.starting = None
        self.end_all(ListenerLost())
        if listener is not None:
            listener.remove_termination_listener(self._lost)
            with contextlib.suppress(Exception):  # closing anyway: a dead link is no news
                await listener.close(timeout=5)


def _connect_kwargs(client: BaseDBAsyncClient) -> dict[str, Any]:
    """The arguments of tortoise's asyncpg client, for one connection of our own."""
    kwargs: dict[str, Any] = {
        name: getattr(client, name) for name in ("host", "port", "user", "password", "database")
    }
    extra = getattr(client, "extra", {}) or {}
    if "ssl" in extra:
        kwargs["ssl"] = extra["ssl"]
    server_settings = getattr(client, "server_settings", None)
    if server_settings:
        kwargs["server_settings"] = dict(server_settings)
    return kwargs


_hub = _Hub()


@contextlib.asynccontextmanager
async def subscribe(connection_name: str = "default") -> AsyncIterator[Subscription]:
    """Receive announcements of the events committed from now on, while inside.

    On PostgreSQL the first subscriber of the process opens the LISTEN
    connection; once inside, no later commit is missed.
    """
    subscription = Subscription()
    _hub.subscriptions.add(subscription)
    try:
        await _hub.listen(connections.get(connection_name))
        yield subscription
    finally:
        _hub.subscriptions.discard(subscription)


async def close() -> None:
    """End every subscription and close the LISTEN connection (the app's shutdown)."""
    await _hub.close()
