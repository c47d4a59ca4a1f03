"""Idempotency keys of the creating operations: a retried request creates nothing twice.

A client that sends ``recordPerformance`` and loses the answer cannot know
whether the payment was recorded; sending it again must not record it twice.
So every creating mutation takes an optional ``idempotencyKey``, with the
semantics of ``transitionTask``'s:

* a retry with the same key and the same request returns the first result
  and writes nothing;
* the same key with a different request (another mutation, or other input)
  is refused with DUPLICATE (:class:`~store.errors.IdempotencyKeyReused`),
  whose message says only that the key was used.

Storage: ``idempotency_key`` (migration 0007), one row per account and key
with the operation, a fingerprint of the request (SHA-256 of its canonical
JSON) and the id of the record it created. The row is written by
:func:`remember` inside the transaction that creates the record, so the
database holds both or neither.

Keys are **per account**: the unique index is ``(account_id, key)``. Keys are
chosen by clients, and two offices' clients that both count 1, 2, 3 must not
refuse each other's requests; nor should a refusal tell one unit that another
used a key. A retry comes from the account that sent the request, so nothing
is lost. (``transitionTask`` keeps its keys on the event, unique across all
accounts, as before.)

Two copies of one request arriving together both find no key and both
create; the second's insert of the key then violates the unique index (on
PostgreSQL it waits for the first to commit; on SQLite the write lock
serialises them), its transaction rolls back with its record, and it answers
with the first result (:func:`once`). The index makes this hold across
server workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from store.errors import IdempotencyKeyReused, StoreError
from store.inputs import IDEMPOTENCY_KEY_LENGTH, identifier
from store.models import Account, IdempotencyKey

__all__ = ["Idempotency", "create_once", "fingerprint", "once", "remember"]

M = TypeVar("M", bound=Model)


def _jsonable(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def fingerprint(operation: str, request: Mapping[str, object]) -> str:
    """SHA-256 (hex) of ``operation`` and ``request`` as canonical JSON."""
    text = json.dumps(
        {"operation": operation, "request": request},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=_jsonable,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Idempotency:
    """One request's idempotency key: whose, which operation, and what was asked."""

    account_id: int
    key: str
    operation: str
    fingerprint: str

    @classmethod
    def of(
        cls,
        key: str | None,
        *,
        account: Account,
        operation: str,
        request: Mapping[str, object],
    ) -> Idempotency | None:
        """The key of a request, or None without one.

        Args:
            key: the client's ``idempotencyKey`` (visible characters, at most
                :data:`~store.inputs.IDEMPOTENCY_KEY_LENGTH`).
            account: who sends the request.
            operation: the mutation's name (``recordPerformance`` …).
            request: the request's input, without the key.

        Raises:
            ValidationError: the key is blank, too long or holds spaces or
                control characters.
        """
        if key is None:
            return None
        text = identifier(key, field="idempotencyKey", max_length=IDEMPOTENCY_KEY_LENGTH)
        return cls(
            account_id=account.id,
            key=text,
            operation=operation,
            fingerprint=fingerprint(operation, request),
        )


async def _first(idempotency: Idempotency, model: type[M]) -> M | None:
    """The record the key created, if it was used for this very request.

    Raises:
        IdempotencyKeyReused: the key went with another request.
    """
    row = await IdempotencyKey.get_or_none(account_id=idempotency.account_id, key=idempotency.key)
    if row is None:
        return None
    if (row.operation, row.fingerprint) != (idempotency.operation, idempotency.fingerprint):
        raise IdempotencyKeyReused(idempotency.key)
    return await model.get(pk=row.record_id)


async def remember(
    idempotency: Idempotency | None, record: Model, *, using_db: BaseDBAsyncClient
) -> None:
    """Store the key with the record it created, in the transaction that created it."""
    if idempotency is None:
        return
    await IdempotencyKey.create(
        account_id=idempotency.account_id,
        key=idempotency.key,
        operation=idempotency.operation,
        fingerprint=idempotency.fingerprint,
        record_id=record.pk,
        using_db=using_db,
    )


async def once(
    idempotency: Idempotency | None, model: type[M], create: Callable[[], Awaitable[M]]
) -> M:
    """``create()``, unless the key already created a record: then that record.

    ``create`` must write the record and call :func:`remember` in one
    transaction.

    Raises:
        IdempotencyKeyReused: the key went with another request.
        StoreError: whatever ``create`` refused, unless a copy of this request
            created the record meanwhile (then its record is the answer).
    """
    if idempotency is None:
        return await create()
    first = await _first(idempotency, model)
    if first is not None:
        return first
    try:
        return await create()
    except (StoreError, IntegrityError):
        # A copy of this request committed between the look-up and the write:
        # its key (or its record's unique number) stopped this one, which was
        # rolled back. The copy's record is the answer.
        first = await _first(idempotency, model)
        if first is not None:
            return first
        raise


async def create_once(
    idempotency: Idempotency | None,
    model: type[M],
    write: Callable[[BaseDBAsyncClient], Awaitable[M]],
    *,
    using_db: BaseDBAsyncClient | None = None,
) -> M:
    """The record ``write`` creates, in one transaction with its key (:func:`remember`),
    once per key (:func:`once`): the shape of every creating operation.

    ``write`` gets the connection to write on; with ``using_db`` it runs in the
    caller's transaction instead of a new one.
    """

    async def create() -> M:
        async with in_transaction() if using_db is None else nullcontext(using_db) as conn:
            record = await write(conn)
            await remember(idempotency, record, using_db=conn)
            return record

    return await once(idempotency, model, create)
