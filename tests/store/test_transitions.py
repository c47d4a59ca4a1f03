"""Transitions as liaisons see them: the task moves, the history grows, refusals change nothing.

Every test runs on SQLite and on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Iterable

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
import pytest
from tortoise import Tortoise

from store.db import tortoise_config
from store.enums import ClosureMethod, SupervisionLevel, TaskState
from store.errors import (
    AccountInactive,
    IdempotencyKeyReused,
    StoreError,
    VersionConflict,
    WorkflowRefusal,
)
from store.models import Account, EnforcementCase, Task, TaskEvent
from store.operations.cases import record_performance
from store.operations.transitions import (
    TransitionResult,
    replay_task,
    task_state_at,
    transition_task,
)
from tests.store.factories import (
    TODAY,
    Extras,
    Step,
    at,
    enforcement_case,
    enforcement_task,
    other_task,
)
from tests.store.factories import world as make_world


async def _events(task: Task) -> list[TaskEvent]:
    return await TaskEvent.filter(task_id=task.id).order_by("seq")


async def _move(task: Task, steps: list[Step], *, start_hour: int = 9) -> Task:
    """Take ``steps`` in order, one an hour from ``start_hour``, each with the current version."""
    for hour, (action, account, extra) in enumerate(steps, start=start_hour):
        result = await transition_task(
            task.id,
            action,
            account,
            expected_version=task.version,
            now=at(TODAY, hour),
            **extra,
        )
        task = result.task
    return task


async def test_a_task_lives_from_draft_to_closed_with_a_gapless_replayable_history(
    db: str,
) -> None:
    # Given a drafted task of the finance bureau
    w = await make_world()
    task = await other_task(w)

    # When the office and the bureau take it through its whole life, 09:00 to 16:00
    task = await _move(
        task,
        [
            ("assign", w.coordinator, {"due_on": dt.date(2026, 12, 31)}),
            ("accept", w.finance_liaison, {}),
            ("start", w.finance_liaison, {}),
            ("report", w.finance_liaison, {"comment": "已完成资金测算"}),
            ("extend", w.coordinator, {"due_on": dt.date(2027, 1, 29)}),
            ("supervise", w.coordinator, {}),
            ("request_closure", w.finance_liaison, {"evidence": ["拨付凭证.pdf", " "]}),
            ("approve_closure", w.coordinator, {}),
        ],
    )

    # Then the stored task is closed, with everything the steps changed
    stored = await Task.get(id=task.id)
    assert stored.state is TaskState.CLOSED
    assert stored.version == 9
    assert stored.closed_at == at(TODAY, 16)
    assert stored.assigned_on == TODAY
    assert stored.assigned_by_id == w.coordinator.id  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    assert stored.due_on == dt.date(2027, 1, 29)
    assert stored.supervision_level is SupervisionLevel.KEY
    assert (task.state, task.version) == (stored.state, stored.version)

    # And the history holds one event per step, numbered without gaps
    events = await _events(task)
    assert [e.seq for e in events] == list(range(1, 10))
    assert [e.action for e in events] == [
        "create", "assign", "accept", "start", "report",
        "extend", "supervise", "request_closure", "approve_closure",
    ]  # fmt: skip
    assert [e.actor_id for e in events[1:]] == [  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
        w.coordinator.id, w.finance_liaison.id, w.finance_liaison.id, w.finance_liaison.id,
        w.coordinator.id, w.coordinator.id, w.finance_liaison.id, w.coordinator.id,
    ]  # fmt: skip
    assert events[4].comment == "已完成资金测算"
    assert events[5].payload == {"previousDueOn": "2026-12-31", "dueOn": "2027-01-29"}
    assert events[6].payload == {"previousSupervisionLevel": "NORMAL", "supervisionLevel": "KEY"}
    assert events[7].payload == {"evidence": ["拨付凭证.pdf"]}

    # And replaying the events gives the stored state, at the end and at past moments
    assert await replay_task(task.id) == stored.state.value
    assert await task_state_at(task.id, at(TODAY, 7)) is None
    assert await task_state_at(task.id, at(TODAY, 8, 30)) is TaskState.DRAFT
    assert await task_state_at(task.id, at(TODAY, 10)) is TaskState.ACCEPTED
    assert await task_state_at(task.id, at(TODAY, 14, 59)) is TaskState.IN_PROGRESS
    assert await task_state_at(task.id, at(TODAY, 15, 30)) is TaskState.CLOSURE_REQUESTED
    assert await task_state_at(task.id, at(TODAY, 23)) is TaskState.CLOSED


async def test_a_stale_expected_version_is_refused_and_changes_nothing(db: str) -> None:
    # Given an assigned task (version 2)
    w = await make_world()
    task = await _move(await other_task(w), [("assign", w.coordinator, {})])
    assert task.version == 2

    # When the bureau accepts it with the version it saw before the assignment
    with pytest.raises(VersionConflict) as caught:
        await transition_task(task.id, "accept", w.finance_liaison, expected_version=1)

    # Then the error names both versions and the field, and nothing was written
    assert caught.value.code == "VERSION_CONFLICT"
    assert caught.value.field == "expectedVersion"
    assert "version 2" in caught.value.message
    assert "expectedVersion 1" in caught.value.message
    stored = await Task.get(id=task.id)
    assert (stored.state, stored.version) == (TaskState.ASSIGNED, 2)
    assert await TaskEvent.filter(task_id=task.id).count() == 2


async def test_a_retried_transition_with_its_idempotency_key_returns_the_first_result(
    db: str,
) -> None:
    # Given an assigned task, accepted once with a key
    w = await make_world()
    task = await _move(await other_task(w), [("assign", w.coordinator, {})])
    first = await transition_task(
        task.id, "accept", w.finance_liaison, expected_version=2, idempotency_key="req-1"
    )

    # When the client retries the very same request
    again = await transition_task(
        task.id, "accept", w.finance_liaison, expected_version=2, idempotency_key="req-1"
    )

    # Then it gets the first event back, marked as a replay, and nothing more is written
    assert (first.replayed, again.replayed) == (False, True)
    assert again.event.id == first.event.id
    assert again.task.version == 3
    assert await TaskEvent.filter(idempotency_key="req-1").count() == 1
    assert await TaskEvent.filter(task_id=task.id).count() == 3

    # And the same key on another action is refused as a duplicate, naming the field
    with pytest.raises(IdempotencyKeyReused) as caught:
        await transition_task(
            task.id, "start", w.finance_liaison, expected_version=3, idempotency_key="req-1"
        )
    assert (caught.value.code, caught.value.field) == ("DUPLICATE", "idempotencyKey")
    assert (await Task.get(id=task.id)).state is TaskState.ACCEPTED


async def test_concurrent_retries_with_one_key_resolve_to_the_first_result(db: str) -> None:
    # Given two assigned tasks
    w = await make_world()
    one = await _move(await other_task(w, "甲"), [("assign", w.coordinator, {})])
    two = await _move(await other_task(w, "乙"), [("assign", w.coordinator, {})])

    # When five retries of one request race each other
    results = await asyncio.gather(
        *(
            transition_task(
                one.id, "accept", w.finance_liaison, expected_version=2, idempotency_key="k"
            )
            for _ in range(5)
        )
    )
    # Then every one of them gets the same event, exactly one of them wrote it
    assert len({r.event.id for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False, True, True, True, True]
    assert await TaskEvent.filter(task_id=one.id).count() == 3

    # When the same key is sent for another task at the same time as a fresh key
    outcome = await asyncio.gather(
        transition_task(
            two.id, "accept", w.finance_liaison, expected_version=2, idempotency_key="k"
        ),
        return_exceptions=True,
    )
    # Then it is a duplicate, not a server error, and the other task is untouched
    assert isinstance(outcome[0], IdempotencyKeyReused)
    assert (await Task.get(id=two.id)).version == 2


@pytest.mark.parametrize(
    ("action", "who", "extra", "code", "field", "words"),
    [
        pytest.param("accept", "hrss_liaison", {}, "FORBIDDEN", None,
                     "开封市人力资源和社会保障局", id="another-units-liaison"),
        pytest.param("accept", "leader", {}, "FORBIDDEN", None,
                     "only the responsible unit's liaison", id="leader-never-acts"),
        pytest.param("start", "finance_liaison", {}, "INVALID_TRANSITION", "action",
                     "possible from ASSIGNED: accept, return", id="not-from-this-state"),
        pytest.param("return", "finance_liaison", {}, "VALIDATION", "comment",
                     "comment is required to return", id="reason-required"),
        pytest.param("accept", "finance_liaison", {"due_on": dt.date(2026, 12, 1)}, "VALIDATION",
                     "dueOn", "accept does not take a due date", id="due-date-not-taken"),
        pytest.param("extend", "coordinator", {"due_on": dt.date(2026, 11, 1)}, "VALIDATION",
                     "dueOn", "in the past", id="extension-into-the-past"),
    ],
)  # fmt: skip
async def test_a_refused_transition_says_why_and_changes_nothing(
    db: str,
    action: str,
    who: str,
    extra: Extras,
    code: str,
    field: str | None,
    words: str,
) -> None:
    # Given an assigned task of the finance bureau
    w = await make_world()
    task = await _move(await other_task(w), [("assign", w.coordinator, {})])
    account: Account = getattr(w, who)

    # When someone tries the action
    with pytest.raises(StoreError) as caught:
        await transition_task(
            task.id,
            action,
            account,
            expected_version=2,
            now=at(TODAY, 12),
            **extra,
        )

    # Then the error carries the code, the field and words a liaison can act on
    error = caught.value
    assert getattr(error, "code", None) == code
    assert getattr(error, "field", None) == field
    assert words in str(error)
    assert task.code in str(error) or code == "VALIDATION"
    stored = await Task.get(id=task.id)
    assert (stored.state, stored.version) == (TaskState.ASSIGNED, 2)
    assert await TaskEvent.filter(task_id=task.id).count() == 2


async def test_a_deactivated_account_cannot_act(db: str) -> None:
    w = await make_world()
    task = await other_task(w)
    w.coordinator.is_active = False
    await w.coordinator.save()

    with pytest.raises(AccountInactive) as caught:
        await transition_task(task.id, "assign", w.coordinator, expected_version=1)

    assert caught.value.code == "FORBIDDEN"
    assert "deactivated" in caught.value.message
    assert (await Task.get(id=task.id)).state is TaskState.DRAFT


async def test_enforcement_closes_only_on_full_performance_confirmed_by_the_court(
    db: str,
) -> None:
    # Given an enforcement task in progress, 1,200,000.00 due, 500,000.00 paid
    w = await make_world()
    case = await enforcement_case(w, amount_due="1200000.00")
    task = await _move(
        await enforcement_task(w, case),
        [
            ("assign", w.coordinator, {}),
            ("accept", w.finance_liaison, {}),
            ("start", w.finance_liaison, {}),
        ],
    )
    await record_performance(
        case, paid_on=TODAY, amount="500000.00", method="FISCAL_ALLOCATION", today=TODAY
    )

    # When the organ asks for closure: refused, naming both amounts
    with pytest.raises(WorkflowRefusal) as caught:
        await transition_task(
            task.id, "request_closure", w.finance_liaison,
            expected_version=task.version, evidence=["付款凭证"],
        )  # fmt: skip
    assert caught.value.code == "GUARD_FAILED"
    assert "1200000.00 due, 500000.00 performed" in caught.value.message

    # When the rest is paid, the organ asks again: accepted
    await record_performance(
        case, paid_on=TODAY, amount="700000.00", method="TRANSFER", today=TODAY
    )
    task = await _move(
        task, [("request_closure", w.finance_liaison, {"evidence": ["付款凭证"]})], start_hour=12
    )
    assert task.state is TaskState.CLOSURE_REQUESTED

    # Then the office cannot strike it off before the court confirms
    with pytest.raises(WorkflowRefusal) as caught:
        await transition_task(task.id, "approve_closure", w.coordinator, expected_version=5)
    assert caught.value.code == "GUARD_FAILED"
    assert "the court has not confirmed performance" in caught.value.message

    # And a liaison of another unit may not confirm performance for the court
    with pytest.raises(WorkflowRefusal) as caught:
        await transition_task(task.id, "confirm_performance", w.hrss_liaison, expected_version=5)
    assert caught.value.code == "FORBIDDEN"
    assert "only the liaison of the task's court" in caught.value.message

    # When the court's liaison confirms and the office approves
    task = await _move(
        task,
        [("confirm_performance", w.court_liaison, {}), ("approve_closure", w.coordinator, {})],
        start_hour=13,
    )

    # Then the task is closed and the case records its closure and confirmation
    assert task.state is TaskState.CLOSED
    stored_case = await EnforcementCase.get(id=case.id)
    assert stored_case.performance_confirmed_at == at(TODAY, 13)
    assert stored_case.closed_on == TODAY
    assert stored_case.closure_method is ClosureMethod.FULL_PERFORMANCE
    assert [e.action for e in await _events(task)][-2:] == [
        "confirm_performance",
        "approve_closure",
    ]


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _waiting_on_locks(conn: asyncpg.Connection) -> int:
    count = await conn.fetchval(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return int(count)


async def _all(calls: Iterable[Awaitable[TransitionResult]]) -> list[object]:
    return list(await asyncio.gather(*calls, return_exceptions=True))


async def test_twenty_concurrent_transitions_on_one_version_apply_exactly_once(db: str) -> None:
    # Given an assigned task (version 2)
    postgres = not db.startswith("sqlite")
    if postgres:
        # Tortoise's asyncpg pool holds 5 connections by default, too few for 20
        # transactions at once: reopen the database with a pool of 30.
        await Tortoise.close_connections()
        await Tortoise.init(
            config=tortoise_config(f"{db}?minsize=1&maxsize=30"), _enable_global_fallback=True
        )
    w = await make_world()
    task = await _move(await other_task(w), [("assign", w.coordinator, {})])

    async def accept() -> TransitionResult:
        return await transition_task(task.id, "accept", w.finance_liaison, expected_version=2)

    # When 20 liaisons' requests accept it at once, all having seen version 2
    if postgres:
        # Hold the task's row lock from outside so that all 20 read version 2 and
        # open their transactions, and are seen waiting on that lock together,
        # before any of them may write: the conditional UPDATE decides the race.
        # (The count is read on a second connection: inside a transaction
        # PostgreSQL keeps serving the same snapshot of pg_stat_activity.)
        blocker = await asyncpg.connect(_asyncpg_dsn(db))
        monitor = await asyncpg.connect(_asyncpg_dsn(db))
        try:
            hold = blocker.transaction()
            await hold.start()
            await blocker.execute("SELECT id FROM task WHERE id = $1 FOR UPDATE", task.id)

            async def release_once_all_wait() -> None:
                async with asyncio.timeout(20):
                    # Polling is the only way to watch other server processes wait.
                    while await _waiting_on_locks(monitor) < 20:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                await hold.commit()

            outcomes, _ = await asyncio.gather(
                _all(accept() for _ in range(20)), release_once_all_wait()
            )
        finally:
            await blocker.close()
            await monitor.close()
    else:
        # SQLite: one connection, transactions queue on tortoise's lock; none may
        # fail with "database is locked".
        outcomes = await _all(accept() for _ in range(20))

    # Then exactly one applied and the 19 others were told the version moved on
    applied = [o for o in outcomes if isinstance(o, TransitionResult)]
    conflicts = [o for o in outcomes if isinstance(o, VersionConflict)]
    assert len(applied) == 1, outcomes
    assert len(conflicts) == 19, outcomes
    assert all(c.current == 3 and c.expected == 2 for c in conflicts)
    if postgres:
        assert all(c.while_saving for c in conflicts)

    # And the task moved once, with one event and no gap in the history
    stored = await Task.get(id=task.id)
    assert (stored.state, stored.version) == (TaskState.ACCEPTED, 3)
    assert [e.seq for e in await _events(task)] == [1, 2, 3]
