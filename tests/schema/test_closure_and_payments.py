"""Closure methods and correctable payments through the API (issue 15), on the demo data.

A liaison names the 结案方式 with transitionTask, pays with recordPerformance
(confirmExcess for more than is outstanding) and corrects with
reversePerformance; refusals come back as payload errors with their codes.
"""

from __future__ import annotations

import uuid
from typing import Any

from strawberry.relay import to_base64

from store.models import Unit
from tests.schema.conftest import Api, Clients

CREATE_CASE = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) { enforcementCase { id } errors { field code message } }
}
"""

CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { id version } errors { field code message } }
}
"""

TRANSITION = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) {
    task { state version }
    event { action }
    errors { field code message }
  }
}
"""

PAY = """
mutation ($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) {
    performanceRecord { id amount reason reversesId }
    enforcementCase { amountPerformed }
    errors { field code message }
  }
}
"""

REVERSE = """
mutation ($input: ReversePerformanceInput!) {
  reversePerformance(input: $input) {
    performanceRecord { id amount reason reversesId }
    enforcementCase { amountPerformed }
    errors { field code message }
  }
}
"""

CASE = """
query ($id: ID!) {
  node(id: $id) {
    ... on EnforcementCase {
      closureMethod requestedClosureMethod confirmedClosureMethod closureGrounds
      closureRulingNumber settlementAmount closedOn amountPerformed
      performanceRecords { amount reversesId }
    }
  }
}
"""


async def _unit_id(code: str) -> str:
    return to_base64("Unit", (await Unit.get(code=code)).id)


async def _new_task(api: Clients) -> tuple[str, str, int]:
    """A new case of 开封中院 against 财政局, 860,000.00 due, its task in progress."""
    made = await api.court.data(
        CREATE_CASE,
        input={
            "caseNumber": f"（2026）豫02执{uuid.uuid4().int % 90000 + 10000}号",
            "courtId": await _unit_id("KF-ZY"),
            "applicantName": "开封市宏达建筑工程有限公司",
            "applicantKind": "ENTERPRISE",
            "respondentId": await _unit_id("KF-CZJ"),
            "basis": "（2025）豫02民终3021号",
            "cause": "建设工程施工合同纠纷",
            "amountDue": "860000.00",
            "filedOn": "2026-03-02",
            "source": "PROVINCE_ASSIGNED",
        },
    )
    case_id = made["createEnforcementCase"]["enforcementCase"]["id"]
    task = (
        await api.coordinator.data(
            CREATE_TASK,
            input={
                "kind": "ENFORCEMENT",
                "title": "督促履行生效判决",
                "enforcementCaseId": case_id,
            },
        )
    )["createTask"]["task"]
    version = task["version"]
    for client, action in ((api.coordinator, "assign"), (api.unit, "accept"), (api.unit, "start")):
        version = (await _move(client, task["id"], action, version))["task"]["version"]
    return case_id, task["id"], version


async def _move(client: Api, task_id: str, action: str, version: int, **extra: Any) -> Any:
    data = await client.data(
        TRANSITION,
        input={"taskId": task_id, "action": action, "expectedVersion": version, **extra},
    )
    return data["transitionTask"]


async def _pay(client: Api, case_id: str, amount: str, **extra: Any) -> Any:
    data = await client.data(
        PAY,
        input={"caseId": case_id, "paidOn": "2026-06-01", "amount": amount,
               "method": "FISCAL_ALLOCATION", **extra},
    )  # fmt: skip
    return data["recordPerformance"]


async def test_an_overpayment_needs_confirmation_and_a_wrong_record_is_reversed(
    api: Clients,
) -> None:
    case_id, _, _ = await _new_task(api)

    # 1,260,000.00 against 860,000.00 due: refused, then accepted once confirmed
    refused = await _pay(api.court, case_id, "1260000.00")
    assert refused["performanceRecord"] is None
    (error,) = refused["errors"]
    assert (error["field"], error["code"]) == (["input", "confirmExcess"], "VALIDATION")
    assert "860000.00 outstanding" in error["message"]
    paid = await _pay(
        api.court, case_id, "1260000.00", confirmExcess=True, reason="误将两笔拨款合并录入"
    )
    assert paid["errors"] == []
    assert paid["enforcementCase"]["amountPerformed"] == "1260000.00"
    record_id = paid["performanceRecord"]["id"]

    # the coordinator reverses it: a negative entry naming the record
    data = await api.coordinator.data(
        REVERSE, input={"recordId": record_id, "reason": "合并录入有误，分两笔重录"}
    )
    reversal = data["reversePerformance"]
    assert reversal["errors"] == []
    assert reversal["performanceRecord"]["amount"] == "-1260000.00"
    assert reversal["performanceRecord"]["reversesId"] == record_id
    assert reversal["enforcementCase"]["amountPerformed"] == "0.00"

    # a second reversal of it, or one of the reversal, is refused
    again = await api.court.data(REVERSE, input={"recordId": record_id, "reason": "再次冲正"})
    assert again["reversePerformance"]["errors"][0]["code"] == "DUPLICATE"
    of_reversal = await api.court.data(
        REVERSE,
        input={"recordId": reversal["performanceRecord"]["id"], "reason": "冲正的冲正"},
    )
    assert of_reversal["reversePerformance"]["errors"][0]["code"] == "VALIDATION"

    # the history keeps both, untouched
    node = (await api.coordinator.data(CASE, id=case_id))["node"]
    assert [r["amount"] for r in node["performanceRecords"]] == ["1260000.00", "-1260000.00"]


async def test_a_case_closes_by_termination_with_the_courts_ruling(api: Clients) -> None:
    case_id, task_id, version = await _new_task(api)

    # a request without grounds, then one without the ruling, is refused
    no_grounds = await _move(
        api.unit, task_id, "request_closure", version, evidence=["裁定书.pdf"],
        closureMethod="TERMINATION",
    )  # fmt: skip
    assert [(e["field"], e["code"]) for e in no_grounds["errors"]] == [
        (["input", "grounds"], "VALIDATION")
    ]
    no_ruling = await _move(
        api.unit, task_id, "request_closure", version, evidence=["裁定书.pdf"],
        closureMethod="TERMINATION", grounds="申请执行人主体资格消灭",
    )  # fmt: skip
    assert no_ruling["errors"][0]["code"] == "GUARD_FAILED"
    assert "ruling number" in no_ruling["errors"][0]["message"]
    this_round = await _move(
        api.unit, task_id, "request_closure", version, evidence=["查控报告.pdf"],
        closureMethod="TERMINATION_THIS_ROUND", grounds="经网络查控无可供执行财产",
    )  # fmt: skip
    assert "never treated as unable to pay" in this_round["errors"][0]["message"]

    # with the ruling it is asked, the court confirms, the office approves
    asked = await _move(
        api.unit, task_id, "request_closure", version, evidence=["裁定书.pdf"],
        closureMethod="TERMINATION", grounds="申请执行人主体资格消灭",
        rulingNumber="(2026)豫02执恢88号",
    )  # fmt: skip
    assert asked["errors"] == []
    version = asked["task"]["version"]
    confirmed = await _move(api.court, task_id, "confirm_performance", version)
    assert confirmed["errors"] == []
    closed = await _move(api.coordinator, task_id, "approve_closure", confirmed["task"]["version"])
    assert closed["task"]["state"] == "CLOSED"

    node = (await api.coordinator.data(CASE, id=case_id))["node"]
    assert node["closureMethod"] == node["requestedClosureMethod"] == "TERMINATION"
    assert node["confirmedClosureMethod"] == "TERMINATION"
    assert node["closureRulingNumber"] == "（2026）豫02执恢88号"
    assert node["closureGrounds"] == "申请执行人主体资格消灭"
    assert node["closedOn"] is not None

    # a payment on the closed case is refused
    late = await _pay(api.court, case_id, "1000.00")
    assert late["errors"][0]["code"] == "CASE_CLOSED"
    assert late["performanceRecord"] is None
