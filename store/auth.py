"""Signing in: argon2 password checks and signed, expiring bearer tokens.

A token is ``<payload>.<signature>``: the payload (account id, token
generation, expiry) as base64url JSON, signed with HMAC-SHA256 under the
server's secret key. Deactivating an account or resetting its password bumps
its ``token_generation``, which revokes every token issued before. A token
whose claims are not whole numbers in their columns' range is malformed, even
when its signature is good: the key signs what the server wrote, and the
server only ever writes those.

An argon2 check takes tens of milliseconds of CPU and 64 MiB: it runs in a
small thread pool (:data:`PASSWORD_CHECKS_AT_ONCE`), never on the event loop,
so sign-ins do not hold up every other request of the worker.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from store.errors import AuthError, LoginFailed, LoginThrottled
from store.models import Account, LoginAttempt
from workflow.i18n import _

logger = logging.getLogger("fuyuan.auth")

_hasher = PasswordHasher()

PASSWORD_CHECKS_AT_ONCE = max(1, (os.cpu_count() or 1) // _hasher.parallelism)
"""Argon2 checks one worker process runs at the same time; the others wait their turn
in a queue, off the event loop. Each check already runs ``parallelism`` (4) threads
and holds 64 MiB, so one check per four cores keeps the CPU busy without starving
the event loop of it, and 40 sign-ins at once cost 64 MiB each only in turn."""


FAILURE_WINDOW = dt.timedelta(minutes=15)
"""Failed sign-ins older than this no longer count."""

MAX_FAILURES_PER_USERNAME = 5
"""Failures within the window after which a username is locked: enough for typos."""

MAX_FAILURES_PER_CLIENT = 20
"""Failures from one address within the window: higher than per username, since a
government office signs in from behind one NAT address."""

ATTEMPT_RETENTION = dt.timedelta(days=30)
"""Attempts are deleted after this long; they stay a month as a record of sign-ins."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, secret: str) -> str:
    if not secret:  # a bug, not bad input: an empty key would let anyone sign
        raise ValueError("no secret key to sign tokens with")
    return _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


_MAX_ROW_ID = 2**31 - 1
"""Account ids and token generations are 32-bit integer columns: a larger number
names no row, and would overflow the database driver."""

_MAX_TIMESTAMP = 2**63 - 1


def _claim(claims: object, name: str, lowest: int, highest: int) -> int:
    """The claim ``name`` of a token: a whole number (not a bool, a float or a string)
    between ``lowest`` and ``highest``; AuthError otherwise."""
    value = claims.get(name) if isinstance(claims, dict) else None
    if type(value) is not int or not lowest <= value <= highest:
        raise AuthError(_("the bearer token is malformed"))
    return value


def issue_token(account: Account, *, secret: str, ttl: dt.timedelta, now: dt.datetime) -> str:
    """A bearer token for ``account`` that expires after ``ttl``."""
    claims = {
        "sub": account.id,
        "gen": account.token_generation,
        "exp": int((now + ttl).timestamp()),
    }
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{payload}.{_sign(payload, secret)}"


def read_token(token: str, *, secret: str, now: dt.datetime) -> tuple[int, int]:
    """The (account id, token generation) a good token carries; AuthError otherwise."""
    payload, dot, signature = token.strip().partition(".")
    if not dot or not payload or not signature:
        raise AuthError(_("the bearer token is malformed"))
    if not hmac.compare_digest(signature, _sign(payload, secret)):
        raise AuthError(_("the bearer token's signature is not valid"))
    try:
        claims = json.loads(_unb64(payload))
    except (binascii.Error, ValueError, RecursionError) as err:
        raise AuthError(_("the bearer token is malformed")) from err
    account_id = _claim(claims, "sub", 1, _MAX_ROW_ID)
    generation = _claim(claims, "gen", 0, _MAX_ROW_ID)
    expires = _claim(claims, "exp", 0, _MAX_TIMESTAMP)
    if now.timestamp() >= expires:
        raise AuthError(_("the bearer token has expired: sign in again"))
    return account_id, generation


async def authenticate(token: str, *, secret: str, now: dt.datetime) -> Account:
    """The account a bearer token belongs to, if it is still good."""
    account_id, generation = read_token(token, secret=secret, now=now)
    account = await Account.get_or_none(id=account_id)
    if account is None or not account.is_active:
        raise AuthError(_("the account of this token is deactivated"))
    if account.token_generation != generation:
        raise AuthError(_("this token was revoked: sign in again"))
    return account


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (blocking: argon2)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _password_checks() -> ThreadPoolExecutor:
    """The pool password checks wait their turn in: made in each process that signs in."""
    return ThreadPoolExecutor(PASSWORD_CHECKS_AT_ONCE, thread_name_prefix="fuyuan-argon2")


async def check_password(password_hash: str, password: str) -> bool:
    """:func:`password_matches` in the password-check pool, the event loop serving on."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_password_checks(), password_matches, password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so that a wrong username and a wrong
    password take the same time and say the same thing."""
    return _hasher.hash("fuyuan-no-such-account")


async def login(
    username: str,
    password: str,
    *,
    secret: str,
    ttl: dt.timedelta,
    now: dt.datetime,
    client: str | None = None,
) -> tuple[str, Account]:
    """Check a username and password; the token and account, LoginFailed or LoginThrottled.

    After :data:`MAX_FAILURES_PER_USERNAME` failures for a username, or
    :data:`MAX_FAILURES_PER_CLIENT` from one client address, within
    :data:`FAILURE_WINDOW`, attempts are refused unchecked — a right password
    too — until enough of those failures are older than the window. Refused
    attempts are not recorded, so the lock-out ends when it said it would. A
    success clears the username's count (not the address's).

    An attempt is counted before its password is checked: it is recorded as a
    failure, under a lock on its username and its address, in the transaction
    that found it below the limits, and turned into a success once the password
    matched. So guesses sent at the same moment, to any worker, queue for the
    count one by one, and only the limit's worth of them is ever checked.
    """
    name = username.strip()[:_USERNAME_LENGTH]
    client = client[:_CLIENT_LENGTH] if client else None
    async with in_transaction() as conn:
        await _lock_counts(conn, name, client)
        wait = await _lockout(name, client, now, conn)
        if wait is None:
            attempt = await LoginAttempt.create(
                username=name, client=client, at=now, succeeded=False, using_db=conn
            )
            await LoginAttempt.filter(at__lt=now - ATTEMPT_RETENTION).using_db(conn).delete()
    if wait is not None:
        logger.warning("throttled login for %r from %s", name, client or "an unknown address")
        raise LoginThrottled(wait, now=now)
    account = await Account.get_or_none(username=name)
    if account is None:
        await check_password(_dummy_hash(), password)
        logger.warning("failed login for unknown username %r from %s", name, client or "?")
        raise LoginFailed
    if not await check_password(account.password_hash, password) or not account.is_active:
        logger.warning("failed login for %r from %s", account.username, client or "?")
        raise LoginFailed
    await LoginAttempt.filter(id=attempt.id).update(succeeded=True)
    return issue_token(account, secret=secret, ttl=ttl, now=now), account


# LoginAttempt's column widths: a longer name cannot be an account's (64 too).
_USERNAME_LENGTH = 64
_CLIENT_LENGTH = 64


async def _lock_counts(conn: BaseDBAsyncClient, username: str, client: str | None) -> None:
    """Hold the counts of ``username`` and ``client`` until ``conn``'s transaction ends.

    PostgreSQL: transaction-level advisory locks, which every worker's sign-in
    takes in the same order (username, then address), so they cannot deadlock.
    SQLite: nothing to do, the transaction already holds the one connection of
    the one process that serves (``fuyuan serve`` refuses several workers on it).
    """
    if conn.capabilities.dialect != "postgres":
        return
    keys = [f"fuyuan.login.username:{username}"]
    if client is not None:
        keys.append(f"fuyuan.login.client:{client}")
    for key in keys:
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [key])


async def _lockout(
    username: str, client: str | None, now: dt.datetime, conn: BaseDBAsyncClient
) -> dt.timedelta | None:
    """How long until the next attempt may be checked, or None if it may be now.

    Attempts still being checked count as failures (they are recorded as such).
    """
    since = now - FAILURE_WINDOW
    waits = []
    last_success = (
        await LoginAttempt.filter(username=username, succeeded=True, at__gt=since)
        .using_db(conn)
        .order_by("-at")
        .first()
    )
    by_name = LoginAttempt.filter(username=username, succeeded=False, at__gt=since)
    if last_success is not None:
        by_name = by_name.filter(at__gt=last_success.at)
    waits.append(await _wait(by_name.using_db(conn), MAX_FAILURES_PER_USERNAME, now))
    if client is not None:
        by_client = LoginAttempt.filter(client=client, succeeded=False, at__gt=since)
        waits.append(await _wait(by_client.using_db(conn), MAX_FAILURES_PER_CLIENT, now))
    locked = [wait for wait in waits if wait is not None]
    return max(locked) if locked else None


async def _wait(
    failures: QuerySet[LoginAttempt], limit: int, now: dt.datetime
) -> dt.timedelta | None:
    """Until the limit-th newest failure leaves the window, if there are that many."""
    times = await failures.order_by("-at").limit(limit).values_list("at", flat=True)
    if len(times) < limit:
        return None
    oldest: dt.datetime = times[-1]  # type: ignore[assignment]
    return max(oldest + FAILURE_WINDOW - now, dt.timedelta(seconds=1))
