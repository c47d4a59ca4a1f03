"""The outbox of deliveries: claiming due ones, recording what sending did, dead letters.

A delivery is sent **at least once**, and carries an id (``delivery_id``, a
UUID) the receiver deduplicates on: exactly once as the receiver sees it.

Claiming takes a lease: one short transaction picks the due pending rows,
adds one to their ``attempts`` and moves their ``next_attempt_at`` a lease
ahead, so no other worker picks them while this one sends. Nothing is sent
inside a transaction (SQLite holds its one write lock while one lasts). A
worker that dies while sending leaves its rows pending: when the lease runs
out they are due again and another worker (or the restarted one) sends them
again, with the same ``delivery_id`` — the receiver drops the second copy.

* PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` inside the claiming
  ``UPDATE``: several workers claim at once, each row by one of them.
* SQLite: every transaction begins ``BEGIN IMMEDIATE`` (``store.sqlite_client``):
  claims are one at a time.

A failed try is retried after an exponential backoff with jitter
(:func:`backoff`); after ``max_attempts`` the delivery is DEAD, with its last
error, for the administrator to see (:func:`dead_deliveries`) and send again
(:func:`resend`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tortoise import connections
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from store.enums import DeliveryState
from store.errors import NotFound
from store.models import Delivery

__all__ = [
    "backoff",
    "claim",
    "dead_deliveries",
    "mark_all_sent",
    "mark_failed",
    "mark_sent",
    "resend",
]

#: The first retry waits about this long; each next one twice as long.
BACKOFF_BASE = dt.timedelta(seconds=30)
#: … but never longer than this.
BACKOFF_CAP = dt.timedelta(hours=1)


def backoff(
    attempts: int,
    *,
    base: dt.timedelta = BACKOFF_BASE,
    cap: dt.timedelta = BACKOFF_CAP,
    rng: random.Random | None = None,
) -> dt.timedelta:
    """The wait before try ``attempts + 1``: ``base · 2^(attempts-1)`` capped, then a
    random half to all of it (jitter: workers that failed together do not retry together).

    Example:
        >>> backoff(3, rng=random.Random(1)) <= dt.timedelta(minutes=2)
        True
    """
    full: dt.timedelta = min(cap, base * (2 ** max(attempts - 1, 0)))
    share = 0.5 + 0.5 * (rng or random.Random()).random()
    return full * share


def _is_postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def claim(
    limit: int, *, lease: dt.timedelta, now: dt.datetime | None = None
) -> list[Delivery]:
    """Claim up to ``limit`` due pending deliveries for ``lease``; the rows claimed, each
    with its notification and recipient fetched, oldest first."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    until = now + lease
    async with in_transaction() as conn:
        due = Delivery.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        if _is_postgres():
            # Several workers: each skips the rows another is claiming.
            due = due.select_for_update(skip_locked=True)
        found: list[Any] = (
            await due.using_db(conn)
            .order_by("next_attempt_at", "id")
            .limit(limit)
            .values_list("id", flat=True)
        )
        ids = [int(row_id) for row_id in found]
        if ids:
            await (
                Delivery.filter(id__in=ids)
                .using_db(conn)
                .update(attempts=F("attempts") + 1, next_attempt_at=until)
            )
    if not ids:
        return []
    claimed: list[Delivery] = (
        await Delivery.filter(id__in=ids)
        .order_by("id")
        .prefetch_related("notification", "notification__recipient")
    )
    return claimed


async def mark_sent(delivery: Delivery, *, now: dt.datetime | None = None) -> bool:
    """Record that ``delivery`` was sent; False if its lease was lost to another worker
    (which sends it again: the receiver drops the copy by its id)."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    updated = await Delivery.filter(
        id=delivery.id, state=DeliveryState.PENDING, attempts=delivery.attempts
    ).update(state=DeliveryState.SENT, sent_at=now, last_error="")
    return updated == 1


async def mark_all_sent(deliveries: list[Delivery], *, now: dt.datetime | None = None) -> int:
    """Record a batch as sent in one statement (the worker's round); the rows marked."""
    if not deliveries:
        return 0
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return int(
        await Delivery.filter(
            id__in=[d.id for d in deliveries], state=DeliveryState.PENDING
        ).update(state=DeliveryState.SENT, sent_at=now, last_error="")
    )


async def mark_failed(
    delivery: Delivery,
    error: str,
    *,
    max_attempts: int,
    now: dt.datetime | None = None,
    base: dt.timedelta = BACKOFF_BASE,
) -> DeliveryState:
    """Record a failed try: retried after :func:`backoff`, or DEAD after ``max_attempts``."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    error = error[:2000]
    mine = Delivery.filter(id=delivery.id, state=DeliveryState.PENDING, attempts=delivery.attempts)
    if delivery.attempts >= max_attempts:
        await mine.update(state=DeliveryState.DEAD, last_error=error)
        return DeliveryState.DEAD
    await mine.update(last_error=error, next_attempt_at=now + backoff(delivery.attempts, base=base))
    return DeliveryState.PENDING


def dead_deliveries() -> QuerySet[Delivery]:
    """The dead letters, newest first (a queryset)."""
    return Delivery.filter(state=DeliveryState.DEAD).order_by("-id")


async def resend(delivery_id: int, *, now: dt.datetime | None = None) -> Delivery:
    """Make a dead (or pending) delivery due now, with its tries counted afresh; a sent one
    is left as it is (the receiver has it)."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    delivery = await Delivery.get_or_none(id=delivery_id)
    if delivery is None:
        raise NotFound("deliveryId", "delivery", delivery_id)
    if delivery.state is not DeliveryState.SENT:
        await Delivery.filter(id=delivery_id).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=now
        )
    return await Delivery.get(id=delivery_id)


async def counts() -> dict[str, int]:
    """How many deliveries are in each state (``fuyuan notify --status``)."""
    return {state.value: await Delivery.filter(state=state).count() for state in DeliveryState}
