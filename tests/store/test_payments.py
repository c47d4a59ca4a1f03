"""Payments that can be corrected (issue 15): excess confirmed, closed cases final, 冲正.

Every test runs on SQLite and on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
import pytest

from reports.progress import Scope, compute_progress
from store.errors import StoreError
from store.models import EnforcementCase, PerformanceRecord
from store.operations.cases import amount_performed, record_performance, reverse_performance
from store.operations.transitions import transition_task
from tests.store.factories import TODAY, World, at, enforcement_case, enforcement_task, world
from tests.store.test_transitions import _asyncpg_dsn, _waiting_on_locks

DUE = "860000.00"


async def _case_with(w: World, *paid: str) -> EnforcementCase:
    case = await enforcement_case(w, amount_due=DUE)
    for amount in paid:
        await record_performance(
            case, paid_on=TODAY, amount=amount, method="FISCAL_ALLOCATION", today=TODAY
        )
    return case


@pytest.mark.parametrize(
    ("paid", "amount", "confirm", "reason", "performed"),
    [
        pytest.param((), DUE, False, None, 86_000_000, id="exactly-the-amount-due"),
        pytest.param(("600000.00",), "260000.00", False, None, 86_000_000, id="the-rest"),
        pytest.param((), "1260000.00", True, "含迟延履行期间加倍债务利息", 126_000_000,
                     id="excess-confirmed-with-reason"),
        pytest.param(("860000.00",), "3200.00", True, "案件受理费由被执行人负担", 86_320_000,
                     id="after-full-performance-confirmed"),
        pytest.param((), "100.00", True, "误勾选", 10_000, id="confirmed-but-not-excess"),
    ],
)  # fmt: skip
async def test_a_payment_within_the_outstanding_amount_or_confirmed_is_recorded(
    db: str, paid: tuple[str, ...], amount: str, confirm: bool, reason: str | None, performed: int
) -> None:
    w = await world()
    case = await _case_with(w, *paid)

    record = await record_performance(
        case,
        paid_on=TODAY,
        amount=amount,
        method="TRANSFER",
        confirm_excess=confirm,
        reason=reason,
        today=TODAY,
    )

    assert record.reason == (reason or "")
    assert await amount_performed(case.id) == performed


@pytest.mark.parametrize(
    ("paid", "amount", "confirm", "reason", "field", "words"),
    [
        pytest.param((), "1260000.00", False, None, "confirmExcess",
                     "1260000.00 is more than the 860000.00 outstanding", id="overpayment"),
        pytest.param(("600000.00",), "260000.01", False, None, "confirmExcess",
                     "more than the 260000.00 outstanding", id="one-fen-too-many"),
        pytest.param(("860000.00",), "50.00", False, None, "confirmExcess",
                     "more than the 0.00 outstanding", id="after-full-performance"),
        pytest.param((), "1260000.00", True, None, "reason", "give the reason", id="no-reason"),
        pytest.param((), "1260000.00", True, "  \n ", "reason", "give the reason",
                     id="blank-reason"),
        pytest.param((), "0.00", False, None, "amount", None, id="zero"),
        pytest.param((), "-100.00", False, None, "amount", None, id="negative"),
    ],
)  # fmt: skip
async def test_a_payment_beyond_the_outstanding_amount_needs_confirmation(
    db: str,
    paid: tuple[str, ...],
    amount: str,
    confirm: bool,
    reason: str | None,
    field: str,
    words: str | None,
) -> None:
    w = await world()
    case = await _case_with(w, *paid)
    before = await PerformanceRecord.filter(case_id=case.id).count()

    with pytest.raises(StoreError) as caught:
        await record_performance(
            case,
            paid_on=TODAY,
            amount=amount,
            method="TRANSFER",
            confirm_excess=confirm,
            reason=reason,
            today=TODAY,
        )

    assert (caught.value.code, caught.value.field) == ("VALIDATION", field)
    if words is not None:
        assert words in caught.value.message
    assert await PerformanceRecord.filter(case_id=case.id).count() == before


async def _closed(w: World, case: EnforcementCase) -> None:
    task = await enforcement_task(w, case)
    steps = [
        ("assign", w.coordinator),
        ("accept", w.finance_liaison),
        ("start", w.finance_liaison),
        ("request_closure", w.finance_liaison),
        ("confirm_performance", w.court_liaison),
        ("approve_closure", w.coordinator),
    ]
    for hour, (action, who) in enumerate(steps, start=9):
        task = (
            await transition_task(
                task.id,
                action,
                who,
                expected_version=task.version,
                now=at(TODAY, hour),
                evidence=["转账凭证"] if action == "request_closure" else None,
            )
        ).task


async def test_a_closed_case_takes_no_payment_and_no_reversal(db: str) -> None:
    # Given a case performed in full and closed
    w = await world()
    case = await _case_with(w, "500000.00", "360000.00")
    await _closed(w, case)
    first = await PerformanceRecord.filter(case_id=case.id).order_by("id").first()
    assert first is not None

    # When a payment or a reversal is recorded on it, even a confirmed excess
    with pytest.raises(StoreError) as paying:
        await record_performance(
            case, paid_on=TODAY, amount="1000.00", method="TRANSFER",
            confirm_excess=True, reason="诉讼费", today=TODAY,
        )  # fmt: skip
    with pytest.raises(StoreError) as reversing:
        await reverse_performance(first, reason="录入错误", today=TODAY)

    # Then both are refused as CASE_CLOSED, naming the case and the day it closed
    for caught in (paying, reversing):
        assert caught.value.code == "CASE_CLOSED"
        assert "（2023）豫02执15号 was closed on 2026-11-26" in caught.value.message
    assert await amount_performed(case.id) == 86_000_000


async def test_a_reversal_records_the_negative_and_names_the_record(db: str) -> None:
    # Given a payment of 600,000.00 entered as 6,000,000.00 by mistake (confirmed)
    w = await world()
    case = await _case_with(w, "200000.00")
    wrong = await record_performance(
        case, paid_on=TODAY, amount="6000000.00", method="TRANSFER",
        confirm_excess=True, reason="财政一次性拨付", today=TODAY,
    )  # fmt: skip

    # When the court's liaison reverses it and the right amount is entered
    reversal = await reverse_performance(
        wrong, reason="金额录入错误，应为600000.00", recorded_by=w.court_liaison, today=TODAY
    )
    await record_performance(
        case, paid_on=TODAY, amount="600000.00", method="TRANSFER", today=TODAY
    )

    # Then the history keeps all three, the wrong one unchanged
    rows = await PerformanceRecord.filter(case_id=case.id).order_by("id")
    assert [r.amount_fen for r in rows] == [20_000_000, 600_000_000, -600_000_000, 60_000_000]
    assert reversal.reverses_id == wrong.id  # type: ignore[attr-defined]
    assert reversal.reason == "金额录入错误，应为600000.00"
    assert reversal.method == wrong.method
    assert await amount_performed(case.id) == 80_000_000


@pytest.mark.parametrize(
    ("target", "reason", "code", "field"),
    [
        pytest.param("reversed", "重复冲正", "DUPLICATE", "recordId", id="twice"),
        pytest.param("reversal", "冲正的冲正", "VALIDATION", "recordId", id="a-reversal"),
        pytest.param("payment", "", "VALIDATION", "reason", id="no-reason"),
        pytest.param("payment", " \t", "VALIDATION", "reason", id="blank-reason"),
    ],
)
async def test_a_reversal_is_refused_twice_of_a_reversal_or_without_reason(
    db: str, target: str, reason: str, code: str, field: str
) -> None:
    w = await world()
    case = await _case_with(w, "300000.00", "100000.00")
    first, second = await PerformanceRecord.filter(case_id=case.id).order_by("id")
    reversal = await reverse_performance(first, reason="录入错误", today=TODAY)
    record = {"reversed": first, "reversal": reversal, "payment": second}[target]

    with pytest.raises(StoreError) as caught:
        await reverse_performance(record, reason=reason, today=TODAY)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert await amount_performed(case.id) == 10_000_000


async def test_the_amount_performed_as_of_a_moment_before_the_reversal_stays(db: str) -> None:
    # Given a task whose case had 500,000.00 recorded, then reversed a moment later
    w = await world()
    case = await _case_with(w, "500000.00")
    await enforcement_task(w, case)
    record = await PerformanceRecord.get(case_id=case.id)
    moment = dt.datetime.now(dt.UTC)
    before = await compute_progress(Scope(as_of=moment))
    await reverse_performance(record, reason="款项退回财政", today=TODAY)

    # Then the figures as of that moment still count it; as of now they do not
    then = await compute_progress(Scope(as_of=moment))
    now = await compute_progress(Scope(as_of=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)))
    assert before.amount_performed_fen == then.amount_performed_fen == 50_000_000
    assert now.amount_performed_fen == 0


async def test_two_payments_at_once_cannot_both_fit_the_same_outstanding_amount(db: str) -> None:
    # Given 860,000.00 outstanding
    w = await world()
    case = await _case_with(w)

    def pay() -> Awaitable[PerformanceRecord]:
        return record_performance(
            case, paid_on=TODAY, amount="500000.00", method="TRANSFER", today=TODAY
        )

    # When two liaisons record 500,000.00 at the same moment
    if db.startswith("sqlite"):
        # one connection: the transactions queue on tortoise's lock
        results: list[object] = list(await asyncio.gather(pay(), pay(), return_exceptions=True))
    else:
        # both must wait on the case's row lock, held from outside until they do:
        # each reads the amount performed only once the other has committed
        blocker = await asyncpg.connect(_asyncpg_dsn(db))
        monitor = await asyncpg.connect(_asyncpg_dsn(db))
        try:
            hold = blocker.transaction()
            await hold.start()
            await blocker.execute(
                "SELECT id FROM enforcement_case WHERE id = $1 FOR UPDATE", case.id
            )

            async def release_once_both_wait() -> None:
                async with asyncio.timeout(20):
                    while await _waiting_on_locks(monitor) < 2:  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                await hold.commit()

            outcomes = await asyncio.gather(
                pay(), pay(), release_once_both_wait(), return_exceptions=True
            )
            results = [outcomes[0], outcomes[1]]
        finally:
            await blocker.close()
            await monitor.close()

    # Then one is recorded and the other refused as an unconfirmed excess
    refused = [r for r in results if isinstance(r, StoreError)]
    assert len(refused) == 1, results
    assert refused[0].field == "confirmExcess"
    assert await amount_performed(case.id) == 50_000_000
