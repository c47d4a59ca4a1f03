"""Signing in (store/auth.py): throttling repeated failures, across workers via the database."""

from __future__ import annotations

import datetime as dt

import pytest

from store.auth import (
    FAILURE_WINDOW,
    MAX_FAILURES_PER_CLIENT,
    MAX_FAILURES_PER_USERNAME,
    login,
)
from store.errors import LoginFailed, LoginThrottled
from store.models import LoginAttempt
from store.operations.units import create_account, create_unit

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
PASSWORD = "right-password-123"
TTL = dt.timedelta(hours=8)


async def _sign_in(
    username: str, password: str, *, at: dt.datetime = NOW, client: str | None = "10.0.0.7"
) -> None:
    await login(username, password, secret="k" * 32, ttl=TTL, now=at, client=client)


@pytest.fixture
async def account(db: str) -> str:
    await create_unit(code="KF-CZJ", name="开封市财政局", kind="DEPARTMENT")
    await create_account(username="liaison", password=PASSWORD, role="UNIT_LIAISON", unit="KF-CZJ")
    return "liaison"


async def _fail(username: str, times: int, *, client: str | None = "10.0.0.7") -> None:
    for second in range(times):
        with pytest.raises(LoginFailed):
            await _sign_in(username, "wrong", at=NOW + dt.timedelta(seconds=second), client=client)


async def test_failures_are_recorded_with_the_client_address(account: str) -> None:
    await _fail(account, 1)
    await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(seconds=5))
    attempts = (
        await LoginAttempt.all().order_by("at").values_list("username", "client", "succeeded")
    )
    assert attempts == [(account, "10.0.0.7", False), (account, "10.0.0.7", True)]


async def test_a_username_is_locked_after_repeated_failures_even_for_the_right_password(
    account: str,
) -> None:
    # given as many failed sign-ins as allowed, one second apart
    await _fail(account, MAX_FAILURES_PER_USERNAME)
    # when the right password is sent a minute later, from another address
    with pytest.raises(LoginThrottled) as refused:
        await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(minutes=1), client="10.9.9.9")
    # then it is refused unchecked, naming the wait and its end (in Beijing time): until the
    # first failure (09:00:00 UTC) is 15 minutes old
    assert refused.value.code == "THROTTLED"
    assert refused.value.message == (
        "too many failed sign-ins; try again in 14 minutes (after 17:15 Beijing time)"
    )
    # and once the failures have left the window, the right password works again
    await _sign_in(account, PASSWORD, at=NOW + FAILURE_WINDOW + dt.timedelta(seconds=1))


async def test_fewer_failures_than_the_limit_do_not_lock(account: str) -> None:
    await _fail(account, MAX_FAILURES_PER_USERNAME - 1)
    await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(minutes=1))


async def test_a_success_clears_the_username_count(account: str) -> None:
    await _fail(account, MAX_FAILURES_PER_USERNAME - 1)
    await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(seconds=30))
    # a typo after signing in starts the count afresh
    with pytest.raises(LoginFailed):
        await _sign_in(account, "wrong", at=NOW + dt.timedelta(seconds=40))
    await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(seconds=50))


async def test_throttled_attempts_do_not_extend_the_lock_out(account: str) -> None:
    await _fail(account, MAX_FAILURES_PER_USERNAME)
    for minute in (1, 5, 10):
        with pytest.raises(LoginThrottled):
            await _sign_in(account, "wrong", at=NOW + dt.timedelta(minutes=minute))
    await _sign_in(account, PASSWORD, at=NOW + FAILURE_WINDOW + dt.timedelta(seconds=1))


async def test_a_client_address_guessing_many_usernames_is_locked(account: str) -> None:
    # given failures for many different (unknown) usernames from one address
    for n in range(MAX_FAILURES_PER_CLIENT):
        with pytest.raises(LoginFailed):
            await _sign_in(f"guess{n}", "wrong", at=NOW + dt.timedelta(seconds=n), client="6.6.6.6")
    # then that address may not try a real account either
    with pytest.raises(LoginThrottled, match="try again in 15 minutes"):
        await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(seconds=30), client="6.6.6.6")
    # while the account's own user, elsewhere, signs in
    await _sign_in(account, PASSWORD, at=NOW + dt.timedelta(seconds=31), client="10.0.0.7")
