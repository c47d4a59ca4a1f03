"""Closing an enforcement case the way it closes (issue 15): 结案方式 with their grounds.

A request for closure names its method; the guard checks that method's own
condition; the court confirms the method before the office approves, and the
approval stores it. Every test runs on SQLite and on PostgreSQL (``db``).

The scenario at the end works out 履行率 and 执行到位率 by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reports.progress import Scope, compute_progress
from store.enums import ClosureMethod, TaskState
from store.errors import StoreError
from store.models import EnforcementCase, Task, TaskEvent
from store.operations.cases import record_performance
from store.operations.transitions import ClosureInput, transition_task
from tests.store.factories import (
    TODAY,
    World,
    at,
    enforcement_case,
    enforcement_task,
    other_task,
    world,
)

DUE = "860000.00"


async def _in_progress(w: World, case: EnforcementCase) -> Task:
    return await _walk_to_progress(w, await enforcement_task(w, case))


async def _pay(case: EnforcementCase, amount: str) -> None:
    await record_performance(case, paid_on=TODAY, amount=amount, method="TRANSFER", today=TODAY)


async def _request(w: World, task: Task, closure: ClosureInput | None, hour: int = 12) -> Task:
    result = await transition_task(
        task.id,
        "request_closure",
        w.finance_liaison,
        expected_version=task.version,
        evidence=["结案通知书"],
        closure=closure,
        now=at(TODAY, hour),
    )
    return result.task


GOOD = [
    pytest.param(DUE, ClosureInput(), ClosureMethod.FULL_PERFORMANCE, id="full-default"),
    pytest.param(
        DUE,
        ClosureInput(method="FULL_PERFORMANCE"),
        ClosureMethod.FULL_PERFORMANCE,
        id="full-named",
    ),
    pytest.param(
        "500000.00",
        ClosureInput("SETTLEMENT", "双方于2024年3月达成执行和解协议，约定支付50万元", "500000.00"),
        ClosureMethod.SETTLEMENT,
        id="settlement-paid",
    ),
    pytest.param(
        "0",
        ClosureInput(
            "TERMINATION", "申请执行人死亡，无继承人", ruling_number="（2024）豫02执恢3号"
        ),
        ClosureMethod.TERMINATION,
        id="termination-ruling",
    ),
    pytest.param(
        "0",
        ClosureInput("NOT_ENFORCED", "仲裁裁决被裁定不予执行", ruling_number="(2024)豫02执异18号"),
        ClosureMethod.NOT_ENFORCED,
        id="not-enforced-ruling",
    ),
    pytest.param(
        "100000.00",
        ClosureInput("WITHDRAWN", "申请执行人书面申请撤回执行申请"),
        ClosureMethod.WITHDRAWN,
        id="withdrawn",
    ),
]


@pytest.mark.parametrize(("paid", "closure", "method"), GOOD)
async def test_a_request_for_closure_records_its_method(
    db: str, paid: str, closure: ClosureInput, method: ClosureMethod
) -> None:
    # Given an enforcement task in progress, 860,000.00 due, ``paid`` paid
    w = await world()
    case = await enforcement_case(w, amount_due=DUE)
    task = await _in_progress(w, case)
    if paid != "0":
        await _pay(case, paid)

    # When the organ asks for closure by the method
    task = await _request(w, task, closure)

    # Then it is asked, and the case records the method and its grounds
    assert task.state is TaskState.CLOSURE_REQUESTED
    stored = await EnforcementCase.get(id=case.id)
    assert stored.closure_method is method
    assert stored.closure_grounds == (closure.grounds or None)
    event = await TaskEvent.filter(task_id=task.id).order_by("-seq").first()
    assert event is not None
    assert event.payload["closureMethod"] == method.value


BAD = [
    pytest.param(
        "600000.00",
        ClosureInput(),
        ("GUARD_FAILED", None, "needs full performance: 860000.00 due, 600000.00 performed"),
        id="full-unpaid",
    ),
    pytest.param(
        "300000.00",
        ClosureInput("SETTLEMENT", "执行和解协议", "500000.00"),
        ("GUARD_FAILED", None, "500000.00 agreed, 300000.00 performed"),
        id="settlement-underpaid",
    ),
    pytest.param(
        "500000.00",
        ClosureInput("SETTLEMENT", "执行和解协议"),
        ("GUARD_FAILED", None, "the settlement amount for 执行和解履行完毕"),
        id="settlement-no-amount",
    ),
    pytest.param(
        "500000.00",
        ClosureInput("SETTLEMENT", settlement_amount="500000.00"),
        ("VALIDATION", "grounds", "grounds is required"),
        id="settlement-no-grounds",
    ),
    pytest.param(
        "0",
        ClosureInput("SETTLEMENT", "执行和解协议", "900000.00"),
        ("VALIDATION", "settlementAmount", "more than the 860000.00 due"),
        id="settlement-above-due",
    ),
    pytest.param(
        "0",
        ClosureInput("SETTLEMENT", "执行和解协议", "-5.00"),
        ("VALIDATION", "settlementAmount", None),
        id="settlement-negative",
    ),
    pytest.param(
        "0",
        ClosureInput("TERMINATION", "被执行人无财产"),
        ("GUARD_FAILED", None, "the court's ruling number (a 案号) for 终结执行"),
        id="termination-no-ruling",
    ),
    pytest.param(
        "0",
        ClosureInput("TERMINATION", "裁定终结执行", ruling_number="豫02执恢3号"),
        ("VALIDATION", "rulingNumber", None),
        id="termination-ruling-not-a-case-number",
    ),
    pytest.param(
        "0",
        ClosureInput("NOT_ENFORCED", "裁定不予执行", ruling_number="（2031）豫02执异18号"),
        ("VALIDATION", "rulingNumber", "year 2031"),
        id="not-enforced-ruling-in-the-future",
    ),
    pytest.param(
        "0",
        ClosureInput("TERMINATION", "   "),
        ("VALIDATION", "grounds", "grounds is required"),
        id="termination-blank-grounds",
    ),
    pytest.param(
        "0",
        ClosureInput("WITHDRAWN"),
        ("VALIDATION", "grounds", "grounds is required"),
        id="withdrawn-no-grounds",
    ),
    pytest.param(
        "0",
        ClosureInput("TERMINATION_THIS_ROUND", "经查询被执行人名下无可供执行财产"),
        ("GUARD_FAILED", None, "never treated as unable to pay"),
        id="this-round-for-an-organ",
    ),
    pytest.param(
        DUE,
        ClosureInput("FULL_PERFORMANCE", ruling_number="（2024）豫02执恢3号"),
        ("VALIDATION", "rulingNumber", "takes no rulingNumber"),
        id="ruling-for-full-performance",
    ),
    pytest.param(
        DUE,
        ClosureInput("SETTLED_OUT_OF_COURT", "和解"),
        ("VALIDATION", "closureMethod", "is not one of"),
        id="unknown-method",
    ),
]


@pytest.mark.parametrize(("paid", "closure", "refusal"), BAD)
async def test_a_request_for_closure_that_does_not_meet_its_method_is_refused(
    db: str, paid: str, closure: ClosureInput, refusal: tuple[str, str | None, str | None]
) -> None:
    # Given an enforcement task in progress against the finance bureau (an organ)
    w = await world()
    case = await enforcement_case(w, amount_due=DUE)
    task = await _in_progress(w, case)
    if paid != "0":
        await _pay(case, paid)

    # When the organ asks for closure by the method
    with pytest.raises(StoreError) as caught:
        await _request(w, task, closure)

    # Then it is refused, saying why, and nothing changed
    code, field, words = refusal
    assert caught.value.code == code
    if field is not None:
        assert caught.value.field == field
    if words is not None:
        assert words in caught.value.message
    assert (await Task.get(id=task.id)).state is TaskState.IN_PROGRESS
    assert (await EnforcementCase.get(id=case.id)).closure_method is None


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        pytest.param("report", {"comment": "已拨付"}, id="report"),
        pytest.param("suspend", {"comment": "暂缓"}, id="suspend"),
    ],
)
async def test_a_closure_method_is_refused_for_another_action(
    db: str, action: str, extra: dict[str, Any]
) -> None:
    w = await world()
    case = await enforcement_case(w, amount_due=DUE)
    task = await _in_progress(w, case)
    who = w.finance_liaison if action == "report" else w.coordinator

    with pytest.raises(StoreError) as caught:
        await transition_task(
            task.id,
            action,
            who,
            expected_version=task.version,
            closure=ClosureInput("WITHDRAWN", "撤回"),
            **extra,
        )

    assert (caught.value.code, caught.value.field) == ("VALIDATION", "closureMethod")


async def test_the_court_confirms_the_method_asked_for_and_approval_stores_it(db: str) -> None:
    # Given a request for closure by settlement, paid, confirmed by the court
    w = await world()
    case = await enforcement_case(w, amount_due=DUE)
    task = await _in_progress(w, case)
    await _pay(case, "500000.00")
    settlement = ClosureInput("SETTLEMENT", "执行和解协议约定支付50万元", "500000.00")
    task = await _request(w, task, settlement)
    task = (
        await transition_task(
            task.id, "confirm_performance", w.court_liaison, expected_version=task.version
        )
    ).task
    stored = await EnforcementCase.get(id=case.id)
    assert stored.closure_confirmed_method is ClosureMethod.SETTLEMENT

    # When the office sends it back and the organ asks again, for withdrawal
    task = (
        await transition_task(
            task.id,
            "reject_closure",
            w.coordinator,
            expected_version=task.version,
            comment="申请人已撤回申请，请按撤回结案",
        )
    ).task
    task = await _request(w, task, ClosureInput("WITHDRAWN", "申请执行人撤回执行申请"), hour=14)

    # Then the office cannot approve what the court did not confirm
    with pytest.raises(StoreError) as caught:
        await transition_task(
            task.id, "approve_closure", w.coordinator, expected_version=task.version
        )
    assert caught.value.code == "GUARD_FAILED"
    assert "the court confirmed 执行和解履行完毕 (SETTLEMENT) instead" in caught.value.message

    # When the court confirms the withdrawal, the office approves
    for action, who in (
        ("confirm_performance", w.court_liaison),
        ("approve_closure", w.coordinator),
    ):
        task = (await transition_task(task.id, action, who, expected_version=task.version)).task

    # Then the task is closed and the case keeps the method approved
    assert task.state is TaskState.CLOSED
    stored = await EnforcementCase.get(id=case.id)
    assert stored.closure_method is ClosureMethod.WITHDRAWN
    assert stored.closure_grounds == "申请执行人撤回执行申请"
    assert stored.closed_on is not None
    approval = await TaskEvent.filter(task_id=task.id, action="approve_closure").get()
    assert approval.payload == {"closureMethod": "WITHDRAWN"}


async def test_a_payment_after_the_request_lets_the_method_be_confirmed(db: str) -> None:
    # Given a request for full performance refused for 60,000.00 outstanding …
    w = await world()
    case = await enforcement_case(w, amount_due=DUE)
    task = await _in_progress(w, case)
    await _pay(case, "800000.00")
    with pytest.raises(StoreError):
        await _request(w, task, ClosureInput("FULL_PERFORMANCE"))

    # … when the rest is paid, it is asked, confirmed and approved
    await _pay(case, "60000.00")
    task = await _request(w, task, None)
    for action, who in (
        ("confirm_performance", w.court_liaison),
        ("approve_closure", w.coordinator),
    ):
        task = (await transition_task(task.id, action, who, expected_version=task.version)).task

    assert (await EnforcementCase.get(id=case.id)).closure_method is ClosureMethod.FULL_PERFORMANCE


# --------------------------------------------------------------------------- by hand
#
# Six enforcement cases against the finance bureau, each 1,000,000.00 due, one
# closed by each method but 终结本次执行 (refused for an organ; its case stays
# open), and one left open:
#
#   case  closed by                 paid          履行率            执行到位率
#   1     FULL_PERFORMANCE          1,000,000     performed         1,000,000 / 1,000,000
#   2     SETTLEMENT (600,000)        600,000     performed           600,000 / 1,000,000
#   3     TERMINATION                 200,000     not performed       200,000 / 1,000,000
#   4     NOT_ENFORCED                      0     not performed             0 / 1,000,000
#   5     WITHDRAWN                   300,000     left out          (left out)
#   6     open: 终结本次执行 refused   100,000     not performed       100,000 / 1,000,000
#
# 履行率 = 2 performed ÷ 5 counted (6 less the withdrawn one) = 0.4
# 执行到位率 = (1,000,000 + 600,000 + 200,000 + 0 + 100,000) ÷ 5,000,000
#            = 1,900,000 ÷ 5,000,000 = 0.38

SCENARIO = [
    ("1", "1000000.00", ClosureInput()),
    ("2", "600000.00", ClosureInput("SETTLEMENT", "执行和解协议", "600000.00")),
    (
        "3",
        "200000.00",
        ClosureInput("TERMINATION", "被执行人主体资格消灭", None, "（2025）豫02执恢7号"),
    ),
    ("4", "0", ClosureInput("NOT_ENFORCED", "仲裁裁决不予执行", None, "（2025）豫02执异9号")),
    ("5", "300000.00", ClosureInput("WITHDRAWN", "申请人撤回执行申请")),
    ("6", "100000.00", ClosureInput("TERMINATION_THIS_ROUND", "无可供执行财产")),
]


async def test_performance_rate_and_amount_rate_by_closure_method(db: str) -> None:
    w = await world()
    for serial, paid, closure in SCENARIO:
        case = await enforcement_case(
            w, "1000000.00", case_number=f"（2023）豫02执{100 + int(serial)}号"
        )
        task = await enforcement_task(w, case)
        task = await _walk_to_progress(w, task)
        if paid != "0":
            await _pay(case, paid)
        if closure.method == "TERMINATION_THIS_ROUND":
            with pytest.raises(StoreError, match="never treated as unable to pay"):
                await _request(w, task, closure)
            continue
        task = await _request(w, task, closure)
        for action, who in (
            ("confirm_performance", w.court_liaison),
            ("approve_closure", w.coordinator),
        ):
            task = (await transition_task(task.id, action, who, expected_version=task.version)).task
        assert task.state is TaskState.CLOSED

    report = await compute_progress(Scope(as_of=dt.datetime.now(dt.UTC)))

    assert (report.enforcement_cases, report.performed_cases) == (5, 2)
    assert report.performance_rate == pytest.approx(0.4)
    assert (report.amount_performed_fen, report.amount_due_fen) == (190_000_000, 500_000_000)
    assert report.amount_rate == pytest.approx(0.38)


async def _walk_to_progress(w: World, task: Task) -> Task:
    for hour, (action, who) in enumerate(
        [("assign", w.coordinator), ("accept", w.finance_liaison), ("start", w.finance_liaison)],
        start=9,
    ):
        task = (
            await transition_task(
                task.id, action, who, expected_version=task.version, now=at(TODAY, hour)
            )
        ).task
    return task


async def test_a_closure_method_on_a_task_not_in_progress_is_an_invalid_transition(db: str) -> None:
    # a draft cannot be put up for closure, whatever the method
    w = await world()
    task = await enforcement_task(w, await enforcement_case(w, amount_due=DUE))

    with pytest.raises(StoreError) as caught:
        await _request(w, task, ClosureInput("WITHDRAWN", "申请人撤回"))

    assert (caught.value.code, caught.value.field) == ("INVALID_TRANSITION", "action")


async def test_a_closure_method_is_refused_for_a_task_that_is_not_enforcement(db: str) -> None:
    # a meeting decision or other task closes on its evidence alone
    w = await world()
    task = await _walk_to_progress(w, await other_task(w))

    with pytest.raises(StoreError) as caught:
        await _request(w, task, ClosureInput("FULL_PERFORMANCE"))

    assert (caught.value.code, caught.value.field) == ("VALIDATION", "closureMethod")
    assert "is not an enforcement task" in caught.value.message
