"""The delivery worker (``fuyuan notify``; also inside ``fuyuan serve`` unless
FUYUAN_NOTIFY=off) and the daily digest (issue 20; docs/operations.md, Reminders).

The worker claims due deliveries from the outbox (``store.outbox.claim``: a
lease, with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so several workers share
the work), sends each on its channel (``api.channels``), and records the result:
sent, retried after a backoff with jitter, or dead after FUYUAN_NOTIFY_MAX_ATTEMPTS.
Sending is outside any transaction; a worker killed mid-send leaves its claims to
come due again when their lease ends, and the receiver drops the copies it has
by their delivery id: at least once, with an id to make it once.

Once a working day (the official calendar), at FUYUAN_DIGEST_AT Beijing time
(default 08:30), each account that chose the daily digest gets one message
listing what waits on it (Query.inbox's sections).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import time
from dataclasses import dataclass, field

import httpx
from tortoise.transactions import in_transaction

from api.channels import ChannelSettings, SendFailed, send
from schema.inbox import waiting_on
from store.enums import NotificationKind, NotificationMode
from store.models import Account, Delivery, Notification
from store.notifications import personal_targets, write_notifications
from store.outbox import claim, mark_all_sent, mark_failed
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.errors import CalendarUnavailable

logger = logging.getLogger("fuyuan.notify")
# httpx logs every request at INFO: the worker logs what matters (failures) itself.
logging.getLogger("httpx").setLevel(logging.WARNING)

__all__ = ["WorkerSettings", "run_once", "run_worker", "send_digests", "worker_enabled"]


#: How often the worker asks whether the day's digests are due.
DIGEST_CHECK_SECONDS = 60.0


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        logger.warning("%s=%r is not a number: using %s", name, raw, default)
        return default


@dataclass(frozen=True)
class WorkerSettings:
    """How the worker runs: FUYUAN_NOTIFY_* and FUYUAN_DIGEST_AT."""

    channels: ChannelSettings = field(default_factory=ChannelSettings)
    batch: int = 50
    poll_seconds: float = 2.0
    lease: dt.timedelta = dt.timedelta(seconds=60)
    max_attempts: int = 8
    backoff_base: dt.timedelta = dt.timedelta(seconds=30)
    digest_at: dt.time = dt.time(8, 30)

    @classmethod
    def from_env(cls) -> WorkerSettings:
        raw_at = os.environ.get("FUYUAN_DIGEST_AT", "08:30").strip()
        try:
            digest_at = dt.time.fromisoformat(raw_at)
        except ValueError:
            logger.warning("FUYUAN_DIGEST_AT=%r is not a time like 08:30: using 08:30", raw_at)
            digest_at = dt.time(8, 30)
        return cls(
            channels=ChannelSettings.from_env(),
            batch=max(1, int(_number("FUYUAN_NOTIFY_BATCH", 50))),
            poll_seconds=max(0.05, _number("FUYUAN_NOTIFY_POLL_SECONDS", 2.0)),
            lease=dt.timedelta(seconds=max(1.0, _number("FUYUAN_NOTIFY_LEASE_SECONDS", 60))),
            max_attempts=max(1, int(_number("FUYUAN_NOTIFY_MAX_ATTEMPTS", 8))),
            backoff_base=dt.timedelta(
                seconds=max(0.01, _number("FUYUAN_NOTIFY_BACKOFF_SECONDS", 30))
            ),
            digest_at=digest_at,
        )


def worker_enabled() -> bool:
    """FUYUAN_NOTIFY is not ``off`` (``fuyuan serve`` then starts the worker)."""
    return os.environ.get("FUYUAN_NOTIFY", "on").strip().lower() not in ("off", "0", "false")


async def _deliver(delivery: Delivery, settings: WorkerSettings, client: httpx.AsyncClient) -> bool:
    try:
        await send(delivery, settings.channels, client)
    except SendFailed as err:
        state = await mark_failed(
            delivery, err.reason, max_attempts=settings.max_attempts, base=settings.backoff_base
        )
        logger.warning(
            "delivery %s (%s) failed, try %d: %s → %s",
            delivery.delivery_id, delivery.channel.value, delivery.attempts, err.reason,
            state.value,
        )  # fmt: skip
        return False
    return True


async def run_once(settings: WorkerSettings, client: httpx.AsyncClient) -> int:
    """Claim one batch and send it; the number claimed (0: nothing was due)."""
    claimed = await claim(settings.batch, lease=settings.lease)
    if claimed:
        sent = await asyncio.gather(*(_deliver(d, settings, client) for d in claimed))
        # One statement for the round: a worker killed before it sends the round again
        # (the receivers drop what they have by its delivery id).
        await mark_all_sent([d for d, ok in zip(claimed, sent, strict=True) if ok])
    return len(claimed)


async def send_digests(now: dt.datetime | None = None, *, at: dt.time = dt.time(8, 30)) -> int:
    """Write today's digest for each account that chose it, once a working day at or after
    ``at`` Beijing time; the digests written (0 on a day off, before ``at``, or done)."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(SHANGHAI)
    today = now.date()
    if now.time() < at:
        return 0
    try:
        if not default_calendar().is_working_day(today):
            return 0
    except CalendarUnavailable:
        logger.warning("no official calendar for %s: no daily digest", today.year)
        return 0
    written = 0
    accounts = await Account.filter(is_active=True, notify_mode=NotificationMode.DIGEST)
    for account in accounts:
        key = f"DIGEST:{today.isoformat()}:{account.id}"
        if not personal_targets(account) or await Notification.exists(dedup_key=key):
            continue
        waiting = await waiting_on(account, today)
        if not waiting:
            continue
        facts = {
            "count": len(waiting),
            "day": today.isoformat(),
            "items": [
                {"section": label, "code": task.code, "title": task.title}
                for label, task in waiting
            ],
        }
        async with in_transaction() as conn:
            await write_notifications(
                [account],
                NotificationKind.DIGEST,
                facts,
                at=now,
                dedup_keys={account.id: key},
                deliver_now=True,  # the digest itself goes out at once
                using_db=conn,
            )
        written += 1
    return written


async def run_worker(
    settings: WorkerSettings | None = None, *, stop: asyncio.Event | None = None
) -> None:
    """Deliver until ``stop`` is set (or forever): claim, send, record; the digest when due."""
    settings = settings or WorkerSettings.from_env()
    stop = stop or asyncio.Event()
    logger.info("delivery worker started (batch %d, lease %s)", settings.batch, settings.lease)
    digests_checked = 0.0
    async with httpx.AsyncClient(timeout=settings.channels.timeout) as client:
        while not stop.is_set():
            try:
                if time.monotonic() - digests_checked >= DIGEST_CHECK_SECONDS:
                    digests_checked = time.monotonic()
                    await send_digests(at=settings.digest_at)
                claimed = await run_once(settings, client)
            except Exception:  # a database hiccup must not end the worker: log, wait, retry
                logger.exception("delivery worker: a round failed; trying again")
                claimed = 0
            if claimed:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.poll_seconds)
    logger.info("delivery worker stopped")
