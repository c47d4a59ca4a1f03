"""Bearer tokens: signed, expiring, revoked by deactivation or a new password."""

from __future__ import annotations

import datetime as dt

import pytest

from store.auth import issue_token
from store.models import Account
from store.operations.units import deactivate_account, reset_password
from tests.schema.conftest import Api, Clients

WHO = "{ viewer { username } }"


async def _refusal(client: Api) -> str:
    body = await client(WHO.replace("viewer", "tasks(first: 1) { totalCount } viewer"))
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return str(error["message"])


async def test_a_new_password_revokes_earlier_tokens(api: Clients) -> None:
    assert (await api.unit.data(WHO))["viewer"]["username"] == "demo-unit"
    await reset_password("demo-unit", "a-brand-new-password")
    assert "revoked" in await _refusal(api.unit)


async def test_deactivation_revokes_tokens_and_refuses_sign_in(api: Clients) -> None:
    await api.unit.data(WHO)  # signed in
    await deactivate_account("demo-unit")
    assert "deactivated" in await _refusal(api.unit)
    again = await api.anonymous(
        'mutation { login(input: {username: "demo-unit", password: "fuyuan-demo"}) '
        "{ token errors { code message } } }"
    )
    assert again["data"]["login"]["token"] is None
    assert again["data"]["login"]["errors"][0]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("token", "words"),
    [
        pytest.param("garbage", "malformed", id="malformed"),
        pytest.param("eyJzdWIiOjF9.AAAA", "signature", id="forged-signature"),
    ],
)
async def test_bad_tokens_are_named(api: Clients, token: str, words: str) -> None:
    assert words in await _refusal(Api(api.anonymous.http, token=token))


async def test_an_expired_token_says_so(api: Clients) -> None:
    account = await Account.get(username="demo-unit")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    token = issue_token(account, secret="t" * 32, ttl=dt.timedelta(hours=12), now=long_ago)
    assert "expired" in await _refusal(Api(api.anonymous.http, token=token))
