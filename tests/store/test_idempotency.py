"""Idempotency keys of the creating operations (store/idempotency.py), on both databases."""

from __future__ import annotations

import asyncio

import pytest

from store.enums import TaskKind
from store.errors import IdempotencyKeyReused, ValidationError
from store.idempotency import Idempotency, fingerprint
from store.models import IdempotencyKey, PerformanceRecord, Task
from store.operations.cases import record_performance
from store.operations.tasks import TaskInput, create_task
from tests.store.factories import TODAY, World, at, enforcement_case, world


def _key(w: World, key: str = "req-1", **request: object) -> Idempotency:
    found = Idempotency.of(
        key, account=w.coordinator, operation="createTask", request=request or {"title": "督办"}
    )
    assert found is not None
    return found


async def _task(w: World, key: Idempotency | None, title: str = "专项督办") -> Task:
    return await create_task(
        TaskInput(kind=TaskKind.OTHER, title=title, responsible_unit=w.finance),
        created_by=w.coordinator,
        at=at(TODAY, 9),
        idempotency=key,
    )


async def test_the_same_key_and_request_return_the_first_task(db: str) -> None:
    w = await world()
    key = _key(w)
    first = await _task(w, key)
    again = await _task(w, key)
    assert again.id == first.id
    assert await Task.all().count() == 1
    rows = await IdempotencyKey.filter(key="req-1").values_list("record_id", "operation")
    assert rows == [(first.id, "createTask")]


async def test_the_same_key_with_another_request_is_refused(db: str) -> None:
    w = await world()
    await _task(w, _key(w, title="督办"))
    with pytest.raises(IdempotencyKeyReused) as caught:
        await _task(w, _key(w, title="另一项"), title="另一项")
    assert (caught.value.code, caught.value.field) == ("DUPLICATE", "idempotencyKey")
    assert await Task.all().count() == 1


async def test_keys_are_per_account(db: str) -> None:
    w = await world()
    await _task(w, _key(w))
    theirs = Idempotency.of(
        "req-1", account=w.court_liaison, operation="createTask", request={"title": "督办"}
    )
    second = await _task(w, theirs)
    assert await Task.all().count() == 2
    assert second.id == (await IdempotencyKey.get(account_id=w.court_liaison.id)).record_id


async def test_copies_racing_each_other_write_one_record(db: str) -> None:
    # given eight copies of one payment with one key, started together
    w = await world()
    case = await enforcement_case(w)
    key = Idempotency.of(
        "pay-1", account=w.coordinator, operation="recordPerformance", request={"amount": "5"}
    )
    records = await asyncio.gather(
        *(
            record_performance(
                case, paid_on=TODAY, amount="5.00", method="TRANSFER", today=TODAY, idempotency=key
            )
            for _ in range(8)
        )
    )
    # then they all answer with the one record that was written
    assert len({record.id for record in records}) == 1
    assert await PerformanceRecord.filter(case=case).count() == 1


async def test_a_failed_create_stores_no_key(db: str) -> None:
    w = await world()
    key = _key(w)
    with pytest.raises(ValidationError):
        await create_task(
            TaskInput(kind=TaskKind.OTHER, title="\u200b", responsible_unit=w.finance),
            idempotency=key,
        )
    assert await IdempotencyKey.all().count() == 0


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        pytest.param("", "text.required", id="empty"),
        pytest.param("a b", "identifier.format", id="space"),
        pytest.param("k\x00", "text.control", id="nul"),
        pytest.param("k" * 129, "text.length", id="too-long"),
    ],
)
def test_an_unusable_key_is_refused(key: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Idempotency.of(key, account=None, operation="createTask", request={})  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.rule) == ("idempotencyKey", rule)


def test_no_key_is_no_idempotency() -> None:
    assert Idempotency.of(None, account=None, operation="x", request={}) is None  # type: ignore[arg-type]


def test_the_fingerprint_ignores_key_order_and_tells_requests_apart() -> None:
    assert fingerprint("createTask", {"a": 1, "b": [1, 2]}) == fingerprint(
        "createTask", {"b": [1, 2], "a": 1}
    )
    assert fingerprint("createTask", {"a": 1}) != fingerprint("createTask", {"a": 2})
    assert fingerprint("createTask", {"a": 1}) != fingerprint("recordPerformance", {"a": 1})
