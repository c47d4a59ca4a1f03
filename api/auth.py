"""Who is asking: the bearer token of a request (or websocket) read into a viewer."""

from __future__ import annotations

import datetime as dt

from starlette.requests import HTTPConnection

from store.auth import authenticate
from store.errors import AuthError
from store.models import Account


def bearer_token(connection: HTTPConnection, params: dict[str, object] | None = None) -> str | None:
    """The token of ``Authorization: Bearer …``, or of a websocket's connection_init payload."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    if params:
        value = params.get("Authorization") or params.get("authorization")
        if isinstance(value, str):
            scheme, _, token = value.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else value.strip()
    return None


async def viewer_of(token: str | None, *, secret: str) -> tuple[Account | None, str | None]:
    """(account, None) for a good token, (None, why) for a bad one, (None, None) for none."""
    if token is None:
        return None, None
    try:
        return await authenticate(token, secret=secret, now=dt.datetime.now(dt.UTC)), None
    except AuthError as err:
        return None, err.message
