"""The outbox measured (issue 20): deliveries per second, and what notifying costs a transition.

1. Deliveries per second: N reminders to a liaison reached by e-mail and SMS
   (2·N deliveries) sent by the worker's own loop (``api.notifier.run_once``) to a
   local SMTP server (aiosmtpd) and a local HTTP server (the SMS webhook), both
   started here (tests/receivers.py), until the outbox is empty.
2. Transitions per second with and without writing notifications, in one run:
   M tasks assigned (交办, which tells the unit's two liaisons: 2 notifications and
   4 deliveries each) with ``notify_event`` in place, and M more with it replaced
   by a no-op; the ratio is the cost of the outbox per transition.

Usage (an empty database; it is migrated here)::

    .venv/bin/python bench/notify.py --url sqlite:///tmp/notify.sqlite3 [--n 1000] [--m 300]
    .venv/bin/python bench/notify.py --url postgres://user:pass@127.0.0.1:5432/empty_db
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # run as a script: this folder must not hide the application's packages
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from tortoise import Tortoise
from tortoise.transactions import in_transaction

import store.operations.tasks as task_operations
from api.channels import ChannelSettings
from api.notifier import WorkerSettings, run_once
from store.db import tortoise_config
from store.enums import NotificationKind, Role, TaskKind, UnitKind
from store.models import Account, Delivery, Unit
from store.notifications import write_notifications
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import transition_task
from store.setup import migrate
from tests.receivers import http_server, smtp_server


async def _world() -> tuple[Account, Account, Unit]:
    office = await Unit.create(code="B-LXB", name="联席办（测）", kind=UnitKind.OFFICE)
    unit = await Unit.create(code="B-CZJ", name="财政局（测）", kind=UnitKind.DEPARTMENT)
    coordinator = await Account.create(
        username="b-coordinator", display_name="协调员", role=Role.COORDINATOR, unit=office,
        password_hash="!bench",
    )  # fmt: skip
    liaisons = [
        await Account.create(
            username=f"b-liaison-{i}",
            display_name=f"联络员{i}",
            role=Role.UNIT_LIAISON,
            unit=unit,
            password_hash="!bench",
            email=f"l{i}@kaifeng.gov.cn",
            phone=f"1370378000{i}",
            notify_channels=["EMAIL", "WEBHOOK"],
        )
        for i in range(2)
    ]
    return coordinator, liaisons[0], unit


async def deliveries_per_second(liaison: Account, n: int) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    async with in_transaction() as conn:
        for number in range(n):
            await write_notifications(
                [liaison], NotificationKind.URGED,
                {"code": f"FY-2026-{number:04d}", "title": "请加快办理"}, at=now, using_db=conn,
            )  # fmt: skip
    total = await Delivery.filter(state="PENDING").count()
    with smtp_server() as (smtp_port, mails), http_server() as hooks:
        settings = WorkerSettings(
            channels=ChannelSettings(
                smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_security="none",
                sms_webhook_url=hooks.url("/sms"), sms_webhook_secret="s",
            ),
            batch=50,
        )  # fmt: skip
        started = time.perf_counter()
        async with httpx.AsyncClient() as client:
            while await run_once(settings, client):
                pass
        seconds = time.perf_counter() - started
        arrived = len(mails.ids()) + len(hooks.received.ids())
    return {"deliveries": total, "arrived": arrived, "seconds": seconds, "per_s": total / seconds}


async def transitions_per_second(coordinator: Account, unit: Unit, m: int) -> dict[str, float]:
    async def run(label: str) -> float:
        tasks = [
            await create_task(
                TaskInput(
                    kind=TaskKind.OTHER,
                    title=f"{label}{i}",
                    responsible_unit=unit,
                    due_on=dt.date(2026, 12, 30),
                ),
                created_by=coordinator,
            )
            for i in range(m)
        ]
        started = time.perf_counter()
        for task in tasks:
            await transition_task(task.id, "assign", coordinator, expected_version=task.version)
        return m / (time.perf_counter() - started)

    real = getattr(task_operations, "notify_event")  # noqa: B009 (patched below: the name is the point)

    async def nobody(*args: Any, **kwargs: Any) -> list[Any]:
        return []

    rates: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(2):  # interleaved, so that warming up favours neither
        setattr(task_operations, "notify_event", nobody)  # noqa: B010 (the bench's switch)
        rates["without"].append(await run("不提醒"))
        setattr(task_operations, "notify_event", real)  # noqa: B010
        rates["with"].append(await run("提醒"))
    with_, without = max(rates["with"]), max(rates["without"])
    return {"with": with_, "without": without, "ratio": with_ / without}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="an empty database (sqlite:// or postgres://)")
    parser.add_argument("--n", type=int, default=1000, help="reminders for the delivery run")
    parser.add_argument("--m", type=int, default=300, help="transitions per measured run")
    args = parser.parse_args()
    await migrate(args.url)
    await Tortoise.init(config=tortoise_config(args.url), _enable_global_fallback=True)
    try:
        coordinator, liaison, unit = await _world()
        sent = await deliveries_per_second(liaison, args.n)
        print(
            f"outbox: {sent['deliveries']} deliveries ({sent['arrived']} arrived) in "
            f"{sent['seconds']:.2f} s: {sent['per_s']:.0f} deliveries/s "
            "(SMTP + webhook, local servers)"
        )
        rates = await transitions_per_second(coordinator, unit, args.m)
        print(
            f"transitions (交办, 2 liaisons told, 4 deliveries queued): {rates['with']:.0f}/s with "
            f"notifications, {rates['without']:.0f}/s without; ratio {rates['ratio']:.2f}"
        )
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main())
