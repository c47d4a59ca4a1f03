"""store.notify: task events announced on commit only, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from store import notify
from store.enums import TaskKind
from store.errors import ListenerLost, SubscriberLagged
from store.models import Task, TaskEvent, Unit
from store.operations.tasks import TaskInput, append_event, create_task
from store.operations.units import create_unit

AT = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)


class Rollback(Exception):
    """Raised to roll a transaction back."""


@pytest.fixture
async def unit(db: str) -> AsyncIterator[Unit]:
    yield await create_unit(name="开封市财政局", kind="DEPARTMENT", code="KF-CZJ")
    await notify.close()


async def _task(unit: Unit) -> Task:
    return await create_task(
        TaskInput(kind=TaskKind.OTHER, title="协调财政资金", responsible_unit=unit), at=AT
    )


async def _received(subscription: notify.Subscription) -> list[notify.Announcement]:
    """What reached ``subscription`` so far (without waiting for more)."""
    await asyncio.sleep(0.05)  # the LISTEN connection receives asynchronously
    found = []
    while not subscription._queue.empty():
        item = subscription._queue.get_nowait()
        assert item is not None
        found.append(item)
    return found


async def _append(task: Task, conn: BaseDBAsyncClient, action: str = "supervise") -> TaskEvent:
    return await append_event(
        task, action=action, from_state=None, to_state=None, actor=None, at=AT, using_db=conn
    )


async def _append_and_roll_back(task: Task) -> None:
    async with in_transaction() as conn:
        await _append(task, conn)
        raise Rollback


async def test_a_committed_event_is_announced_with_its_task_and_unit(unit: Unit) -> None:
    async with notify.subscribe() as subscription:
        task = await _task(unit)
        received = await _received(subscription)
    created = await TaskEvent.get(task_id=task.id, seq=1)
    assert received == [notify.Announcement(created.id, task.id, unit.id)]


async def test_a_rolled_back_event_is_not_announced(unit: Unit) -> None:
    task = await _task(unit)
    async with notify.subscribe() as subscription:
        with pytest.raises(Rollback):
            await _append_and_roll_back(task)
        assert await _received(subscription) == []
        async with in_transaction() as conn:
            kept = await _append(task, conn)
        assert [a.event_id for a in await _received(subscription)] == [kept.id]


async def test_nothing_is_announced_before_the_commit(unit: Unit) -> None:
    task = await _task(unit)
    async with notify.subscribe() as subscription:
        async with in_transaction() as conn:
            event = await _append(task, conn)
            assert await _received(subscription) == []
        assert [a.event_id for a in await _received(subscription)] == [event.id]


async def test_a_savepoint_rolled_back_drops_its_events_and_a_released_one_keeps_them(
    unit: Unit,
) -> None:
    task = await _task(unit)
    async with notify.subscribe() as subscription:
        async with in_transaction() as conn:
            with pytest.raises(Rollback):
                await _append_and_roll_back(task)  # a savepoint inside the transaction
            async with in_transaction() as inner:
                kept = await _append(task, inner)
            assert await _received(subscription) == []
        assert conn is not None
        assert [a.event_id for a in await _received(subscription)] == [kept.id]


async def test_a_subscriber_that_falls_behind_is_cut_off_without_holding_up_writers(
    unit: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify, "QUEUE_SIZE", 2)
    task = await _task(unit)
    async with notify.subscribe() as slow:
        async with in_transaction() as conn:  # three events for a queue of two
            for _ in range(3):
                await _append(task, conn)
        assert await TaskEvent.filter(task_id=task.id).count() == 4  # the writer went on
        await asyncio.sleep(0.05)
        with pytest.raises(SubscriberLagged):
            await anext(slow)


async def test_close_ends_the_subscriptions(unit: Unit) -> None:
    async with notify.subscribe() as subscription:
        waiting = asyncio.create_task(anext(subscription))
        await asyncio.sleep(0)
        await notify.close()
        with pytest.raises(ListenerLost):
            await waiting
