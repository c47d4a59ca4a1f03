"""Signing in: argon2 password checks and signed, expiring bearer tokens.

A token is ``<payload>.<signature>``: the payload (account id, token
generation, expiry) as base64url JSON, signed with HMAC-SHA256 under the
server's secret key. Deactivating an account or resetting its password bumps
its ``token_generation``, which revokes every token issued before.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import math

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tortoise.queryset import QuerySet

from store.errors import StoreError
from store.models import Account, LoginAttempt

logger = logging.getLogger("fuyuan.auth")

_hasher = PasswordHasher()

# Verified when the username is unknown, so that a wrong username and a wrong
# password take the same time and say the same thing.
_DUMMY_HASH = _hasher.hash("fuyuan-no-such-account")


class AuthError(StoreError):
    """Signing in failed, or a token is not (or no longer) good."""

    code = "UNAUTHENTICATED"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class LoginFailed(AuthError):
    def __init__(self) -> None:
        super().__init__("wrong username or password, or the account is deactivated")


class LoginThrottled(AuthError):
    """Too many failed sign-ins lately; ``retry_after`` says how long until the next try."""

    code = "THROTTLED"

    def __init__(self, retry_after: dt.timedelta) -> None:
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"too many failed sign-ins; try again in {minutes} {unit}")
        self.retry_after = retry_after
        self.minutes = minutes


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
    return _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


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
        raise AuthError("the bearer token is malformed")
    if not hmac.compare_digest(signature, _sign(payload, secret)):
        raise AuthError("the bearer token's signature is not valid")
    try:
        claims = json.loads(_unb64(payload))
        account_id, generation, expires = int(claims["sub"]), int(claims["gen"]), claims["exp"]
    except (binascii.Error, ValueError, KeyError, TypeError) as err:
        raise AuthError("the bearer token is malformed") from err
    if now.timestamp() >= float(expires):
        raise AuthError("the bearer token has expired: sign in again")
    return account_id, generation


async def authenticate(token: str, *, secret: str, now: dt.datetime) -> Account:
    """The account a bearer token belongs to, if it is still good."""
    account_id, generation = read_token(token, secret=secret, now=now)
    account = await Account.get_or_none(id=account_id)
    if account is None or not account.is_active:
        raise AuthError("the account of this token is deactivated")
    if account.token_generation != generation:
        raise AuthError("this token was revoked: sign in again")
    return account


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


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
    """
    name = username.strip()[:_USERNAME_LENGTH]
    client = client[:_CLIENT_LENGTH] if client else None
    wait = await _lockout(name, client, now)
    if wait is not None:
        logger.warning("throttled login for %r from %s", name, client or "an unknown address")
        raise LoginThrottled(wait)
    account = await Account.get_or_none(username=name)
    if account is None:
        password_matches(_DUMMY_HASH, password)
        logger.warning("failed login for unknown username %r from %s", name, client or "?")
        await _record(name, client, now, succeeded=False)
        raise LoginFailed
    if not password_matches(account.password_hash, password) or not account.is_active:
        logger.warning("failed login for %r from %s", account.username, client or "?")
        await _record(name, client, now, succeeded=False)
        raise LoginFailed
    await _record(name, client, now, succeeded=True)
    return issue_token(account, secret=secret, ttl=ttl, now=now), account


# LoginAttempt's column widths: a longer name cannot be an account's (64 too).
_USERNAME_LENGTH = 64
_CLIENT_LENGTH = 64


async def _lockout(username: str, client: str | None, now: dt.datetime) -> dt.timedelta | None:
    """How long until the next attempt may be checked, or None if it may be now."""
    since = now - FAILURE_WINDOW
    waits = []
    last_success = (
        await LoginAttempt.filter(username=username, succeeded=True, at__gt=since)
        .order_by("-at")
        .first()
    )
    by_name = LoginAttempt.filter(username=username, succeeded=False, at__gt=since)
    if last_success is not None:
        by_name = by_name.filter(at__gt=last_success.at)
    waits.append(await _wait(by_name, MAX_FAILURES_PER_USERNAME, now))
    if client is not None:
        by_client = LoginAttempt.filter(client=client, succeeded=False, at__gt=since)
        waits.append(await _wait(by_client, MAX_FAILURES_PER_CLIENT, now))
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


async def _record(username: str, client: str | None, now: dt.datetime, *, succeeded: bool) -> None:
    await LoginAttempt.create(username=username, client=client, at=now, succeeded=succeeded)
    await LoginAttempt.filter(at__lt=now - ATTEMPT_RETENTION).delete()
