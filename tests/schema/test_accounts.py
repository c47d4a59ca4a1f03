"""createAccount, resetPassword, deactivateAccount over HTTP: the administrator's 账号管理."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from store.models import Account, Unit
from tests.schema.conftest import Api, Clients

CREATE = """
mutation ($input: CreateAccountInput!) {
  createAccount(input: $input) {
    account { id username displayName role active unit { code } } errors { field code message }
  }
}
"""
RESET = """
mutation ($input: ResetPasswordInput!) {
  resetPassword(input: $input) { account { username } errors { field code message } }
}
"""
DEACTIVATE = """
mutation ($input: DeactivateAccountInput!) {
  deactivateAccount(input: $input) { account { username active } errors { field code message } }
}
"""
LOGIN = """
mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { token errors { code } }
}
"""


async def _unit(code: str) -> str:
    return to_base64("Unit", (await Unit.get(code=code)).id)


async def _create(api: Clients, **changes: Any) -> dict[str, Any]:
    values = {"username": "liu-czj", "password": "kaifeng-2026", "role": "UNIT_LIAISON",
              "displayName": "刘联络员", "unitId": await _unit("KF-CZJ")}  # fmt: skip
    values.update(changes)
    payload: dict[str, Any] = (await api.admin.data(CREATE, input=values))["createAccount"]
    return payload


async def test_the_administrator_creates_an_account_that_signs_in(api: Clients) -> None:
    payload = await _create(api)
    assert payload["errors"] == []
    assert payload["account"]["username"] == "liu-czj"
    assert payload["account"]["unit"] == {"code": "KF-CZJ"}
    signed_in = await api.anonymous.data(LOGIN, u="liu-czj", p="kaifeng-2026")
    assert signed_in["login"]["token"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        pytest.param({"password": "short"}, "password", "VALIDATION", id="short-password"),
        pytest.param({"username": "demo-unit"}, "username", "DUPLICATE", id="taken-username"),
        pytest.param({"username": "刘 某"}, "username", "VALIDATION", id="username-with-space"),
        pytest.param(
            {"role": "COURT_LIAISON"}, "unitId", "VALIDATION", id="court-role-at-a-bureau"
        ),
        pytest.param({"unitId": to_base64("Task", 1)}, "unitId", "VALIDATION", id="not-a-unit-id"),
    ],
)
async def test_a_bad_account_is_refused_naming_its_field(
    api: Clients, changes: dict[str, Any], field: str, code: str
) -> None:
    payload = await _create(api, **changes)
    assert payload["account"] is None
    assert payload["errors"][0]["field"] == ["input", field], payload
    assert payload["errors"][0]["code"] == code
    assert (
        not await Account.filter(username=changes.get("username", "liu-czj"))
        .exclude(username="demo-unit")
        .exists()
    )


async def test_a_reset_password_ends_old_sessions_and_a_deactivated_account_cannot_sign_in(
    api: Clients,
) -> None:
    created = (await _create(api))["account"]
    token = (await api.anonymous.data(LOGIN, u="liu-czj", p="kaifeng-2026"))["login"]["token"]
    old_session = Api(api.admin.http, token=token)
    assert (await old_session("{ viewer { username } }"))["data"]["viewer"]["username"] == "liu-czj"
    reset = await api.admin.data(
        RESET, input={"accountId": created["id"], "password": "new-pass-2026"}
    )
    assert reset["resetPassword"]["errors"] == []
    assert (await api.anonymous.data(LOGIN, u="liu-czj", p="kaifeng-2026"))["login"][
        "token"
    ] is None
    assert (await api.anonymous.data(LOGIN, u="liu-czj", p="new-pass-2026"))["login"]["token"]
    after = await old_session("{ viewer { username } }")
    assert after.get("errors") or after["data"]["viewer"] is None, after

    gone = await api.admin.data(DEACTIVATE, input={"accountId": created["id"]})

    assert gone["deactivateAccount"]["account"] == {"username": "liu-czj", "active": False}
    assert (await api.anonymous.data(LOGIN, u="liu-czj", p="new-pass-2026"))["login"][
        "token"
    ] is None


async def test_the_administrator_cannot_deactivate_itself(api: Clients) -> None:
    me = await api.admin.data("{ viewer { id } }")
    payload = (await api.admin.data(DEACTIVATE, input={"accountId": me["viewer"]["id"]}))[
        "deactivateAccount"
    ]
    assert payload["account"] is None
    assert payload["errors"][0]["field"] == ["input", "accountId"]
    assert "cannot deactivate the account you are using" in payload["errors"][0]["message"]
    api.admin.language = "zh-CN"
    again = await api.admin.data(DEACTIVATE, input={"accountId": me["viewer"]["id"]})
    assert "不能停用自己正在使用的账号" in again["deactivateAccount"]["errors"][0]["message"]
