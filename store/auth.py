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

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from store.errors import StoreError
from store.models import Account

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
    username: str, password: str, *, secret: str, ttl: dt.timedelta, now: dt.datetime
) -> tuple[str, Account]:
    """Check a username and password; the token and account, or LoginFailed."""
    account = await Account.get_or_none(username=username.strip())
    if account is None:
        password_matches(_DUMMY_HASH, password)
        logger.warning("failed login for unknown username %r", username)
        raise LoginFailed
    if not password_matches(account.password_hash, password) or not account.is_active:
        logger.warning("failed login for %r", account.username)
        raise LoginFailed
    return issue_token(account, secret=secret, ttl=ttl, now=now), account
