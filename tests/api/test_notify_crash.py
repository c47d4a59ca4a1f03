"""Nothing lost, nothing twice: kill -9 a real `fuyuan notify` in a burst of 1,000 reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from store.enums import DeliveryState, NotificationKind
from store.models import Delivery
from store.notifications import write_notifications
from tests.conftest import ROOT
from tests.receivers import HttpReceiver, Received, http_server, smtp_server
from tests.store.factories import world as make_world

BURST = 1000
BATCH = 20


@pytest.fixture
def receivers() -> Iterator[tuple[int, Received, HttpReceiver]]:
    with smtp_server() as (port, mails), http_server() as hooks:
        yield port, mails, hooks


def _worker(url: str, smtp_port: int, hooks: HttpReceiver, log: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FUYUAN_DATABASE_URL": url,
        "FUYUAN_SMTP_HOST": "127.0.0.1",
        "FUYUAN_SMTP_PORT": str(smtp_port),
        "FUYUAN_SMTP_SECURITY": "none",
        "FUYUAN_SMS_WEBHOOK_URL": hooks.url("/sms"),
        "FUYUAN_SMS_WEBHOOK_SECRET": "s",
        "FUYUAN_NOTIFY_BATCH": str(BATCH),
        "FUYUAN_NOTIFY_POLL_SECONDS": "0.1",
        "FUYUAN_NOTIFY_LEASE_SECONDS": "3",
    }
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "notify"], env=env, cwd=ROOT,
            stdout=output, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip


async def _wait(condition: Callable[[], Awaitable[bool]], timeout: float) -> bool:  # noqa: ASYNC109 (a polling deadline, not a cancellation)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.1)
    return False


def _async(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return check()

    return condition


async def test_kill_9_in_a_burst_loses_nothing_and_the_receiver_sees_each_id_once(
    db: str, receivers: tuple[int, Received, HttpReceiver], tmp_path: Path
) -> None:
    smtp_port, mails, hooks = receivers
    # given 1,000 reminders to a liaison reached by e-mail and SMS: 2,000 deliveries
    w = await make_world()
    w.finance_liaison.email = "zhao@kaifeng.gov.cn"
    w.finance_liaison.phone = "13703780003"
    w.finance_liaison.notify_channels = ["EMAIL", "WEBHOOK"]
    await w.finance_liaison.save()
    async with in_transaction() as conn:
        for number in range(BURST):
            await write_notifications(
                [w.finance_liaison],
                NotificationKind.URGED,
                {"code": f"FY-2026-{number:04d}", "title": "请加快办理"},
                at=dt.datetime.now(dt.UTC),
                using_db=conn,
            )
    expected = {str(d) for d in await Delivery.all().values_list("delivery_id", flat=True)}
    assert len(expected) == 2 * BURST

    def arrived() -> int:
        return len(mails.ids()) + len(hooks.received.ids())

    async def all_sent() -> bool:
        return await Delivery.filter(state=DeliveryState.SENT).count() == 2 * BURST

    # when the worker is killed -9 in the middle of the burst
    log = tmp_path / "notify.log"
    first = _worker(db, smtp_port, hooks, log)
    try:
        assert await _wait(_async(lambda: arrived() >= 300), 120), log.read_text()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    at_kill = arrived()
    assert at_kill < 2 * BURST, "killed before the end of the burst"
    # and started again
    second = _worker(db, smtp_port, hooks, log)
    try:
        assert await _wait(all_sent, 180), log.read_text()
        second.send_signal(signal.SIGTERM)
        # stopped cleanly (or by the signal itself, when it came before the handler)
        assert second.wait(30) in (0, -signal.SIGTERM), log.read_text()
    finally:
        if second.poll() is None:
            second.kill()
    # then every reminder arrived: each delivery id is accepted once by a receiver that
    # deduplicates on it; copies sent again are at most what was in flight at the kill
    received = mails.ids() + hooks.received.ids()
    assert set(received) == expected
    repeats = len(received) - len(set(received))
    assert repeats <= BATCH, f"{repeats} copies sent again"
    assert await Delivery.filter(state=DeliveryState.SENT).count() == 2 * BURST
    print(f"kill -9 after {at_kill} arrivals; {repeats} copies sent again, dropped by id")
