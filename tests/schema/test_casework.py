"""改派, 催办, 不予延期, 约谈 and 挂牌 through the API (issue 15), on the demo data.

demo-unit is 开封市财政局 (KF-CZJ), demo-unit2 开封市祥符区人民政府 (KF-XFQ).
"""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from store.models import Unit
from tests.schema.conftest import Api, Clients

CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { id version } errors { field code message } }
}
"""

TRANSITION = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) {
    task { state version urgeCount pendingExtensionDueOn responsibleUnit { code } }
    event { action payload actionLabel }
    errors { field code message }
  }
}
"""

TASK = """
query ($id: ID!) {
  node(id: $id) {
    ... on Task {
      urgeCount pendingExtensionDueOn supervisionLevel responsibleUnit { code }
      availableActions { action requires }
      events(first: 3) { nodes { action actionLabel comment } }
    }
  }
}
"""

CANDIDATES = "{ listingCandidates { workingDaysOverdue supervisionLevel dueOn task { code } } }"

BY_UNIT = """
query ($scope: ProgressScope) {
  progress(scope: $scope) { total byUnit { unit { code } total returned } }
}
"""


async def _unit_id(code: str) -> str:
    return to_base64("Unit", (await Unit.get(code=code)).id)


async def _move(client: Api, task_id: str, action: str, version: int, **extra: Any) -> Any:
    data = await client.data(
        TRANSITION,
        input={"taskId": task_id, "action": action, "expectedVersion": version, **extra},
    )
    return data["transitionTask"]


async def _task(api: Clients, *steps: tuple[Api, str, dict[str, Any]]) -> tuple[str, int]:
    """A new task of 财政局, taken through ``steps``."""
    task = (
        await api.coordinator.data(
            CREATE_TASK,
            input={
                "kind": "OTHER",
                "title": "核实拖欠款项",
                "responsibleUnitId": await _unit_id("KF-CZJ"),
                "dueOn": "2027-06-30",
            },
        )
    )["createTask"]["task"]
    version = task["version"]
    for client, action, extra in steps:
        moved = await _move(client, task["id"], action, version, **extra)
        assert moved["errors"] == [], moved
        version = moved["task"]["version"]
    return task["id"], version


@pytest.mark.parametrize(
    ("target", "field", "code", "words"),
    [
        pytest.param("KF-XFQ", None, None, None, id="another-active-unit"),
        pytest.param(
            "deactivated", "responsibleUnitId", "VALIDATION", "deactivated", id="inactive"
        ),
        pytest.param("unknown", "responsibleUnitId", "NOT_FOUND", "no unit", id="unknown"),
        pytest.param("a-task", "responsibleUnitId", "VALIDATION", "not of a Unit", id="not-a-unit"),
    ],
)
async def test_reassign_moves_the_task_and_its_visibility_to_the_new_unit(
    api: Clients, target: str, field: str | None, code: str | None, words: str | None
) -> None:
    # Given a task 财政局 returned
    task_id, version = await _task(
        api,
        (api.coordinator, "assign", {}),
        (api.unit, "return", {"comment": "不属于本单位职责"}),
    )
    if target == "deactivated":
        closed = await Unit.create(code="T-CLOSED-15", name="已撤并单位", kind="DEPARTMENT")
        await Unit.filter(id=closed.id).update(is_active=False)
        unit_id = to_base64("Unit", closed.id)
    elif target == "unknown":
        unit_id = to_base64("Unit", 987654)
    elif target == "a-task":
        unit_id = task_id
    else:
        unit_id = await _unit_id(target)

    # When the office reassigns it (改派)
    moved = await _move(
        api.coordinator, task_id, "reassign", version, responsibleUnitId=unit_id, comment="改派"
    )

    if code is not None:
        # Then a bad unit is refused, naming the box, and the task stays with 财政局
        (error,) = moved["errors"]
        assert (error["field"], error["code"]) == (["input", field], code)
        assert words in error["message"]
        assert moved["task"]["state"] == "RETURNED"
        assert moved["task"]["responsibleUnit"]["code"] == "KF-CZJ"
        return
    # Then it is 祥符区's, assigned, and the event names both units
    assert moved["errors"] == []
    assert moved["task"]["responsibleUnit"]["code"] == "KF-XFQ"
    assert moved["event"]["actionLabel"] == "改派"
    payload = moved["event"]["payload"]
    assert payload["previousResponsibleUnitId"] == (await Unit.get(code="KF-CZJ")).id
    assert payload["responsibleUnitId"] == (await Unit.get(code="KF-XFQ")).id
    # and 祥符区's liaison sees it and may accept it; 财政局's no longer sees it
    assert (await api.unit2.data(TASK, id=task_id))["node"] is not None
    assert (await api.unit.data(TASK, id=task_id))["node"] is None
    accepted = await _move(api.unit2, task_id, "accept", moved["task"]["version"])
    assert accepted["errors"] == []


async def test_reassigned_task_counts_for_the_new_unit_and_as_returned_for_the_old(
    api: Clients,
) -> None:
    task_id, version = await _task(
        api,
        (api.coordinator, "assign", {}),
        (api.unit, "return", {"comment": "不属于本单位职责"}),
    )
    before = (await api.coordinator.data(BY_UNIT))["progress"]["byUnit"]
    await _move(
        api.coordinator, task_id, "reassign", version, responsibleUnitId=await _unit_id("KF-XFQ")
    )
    after = (await api.coordinator.data(BY_UNIT))["progress"]["byUnit"]

    def row(rows: list[dict[str, Any]], code: str) -> tuple[int, int]:
        (found,) = [r for r in rows if r["unit"]["code"] == code]
        return found["total"], found["returned"]

    assert row(after, "KF-CZJ") == (row(before, "KF-CZJ")[0] - 1, row(before, "KF-CZJ")[1] + 1)
    assert row(after, "KF-XFQ") == (row(before, "KF-XFQ")[0] + 1, row(before, "KF-XFQ")[1])


async def test_urge_is_counted_and_shown_in_the_history(api: Clients) -> None:
    task_id, version = await _task(api, (api.coordinator, "assign", {}))
    refused = await _move(api.coordinator, task_id, "urge", version)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        (["input", "comment"], "VALIDATION")
    ]
    urged = await _move(api.coordinator, task_id, "urge", version, comment="请于三日内签收")
    assert urged["task"]["state"] == "ASSIGNED"
    assert urged["task"]["urgeCount"] == 1
    shown = (await api.unit.data(TASK, id=task_id))["node"]
    assert shown["urgeCount"] == 1
    assert shown["events"]["nodes"][0] == {
        "action": "urge",
        "actionLabel": "催办",
        "comment": "请于三日内签收",
    }


async def test_a_pending_extension_is_shown_until_refused(api: Clients) -> None:
    task_id, version = await _task(
        api, (api.coordinator, "assign", {}), (api.unit, "accept", {}), (api.unit, "start", {})
    )

    def offered(node: dict[str, Any]) -> list[str]:
        return [a["action"] for a in node["availableActions"]]

    # nothing pending: no 不予延期 button, and the action is refused with a clear message
    shown = (await api.coordinator.data(TASK, id=task_id))["node"]
    assert shown["pendingExtensionDueOn"] is None
    assert "refuse_extension" not in offered(shown)
    refused = await _move(api.coordinator, task_id, "refuse_extension", version, comment="不予延期")
    assert refused["errors"][0]["code"] == "GUARD_FAILED"
    assert "no extension" in refused["errors"][0]["message"]

    asked = await _move(
        api.unit, task_id, "request_extension", version, dueOn="2027-09-30", comment="待审计"
    )
    assert asked["task"]["pendingExtensionDueOn"] == "2027-09-30"
    shown = (await api.coordinator.data(TASK, id=task_id))["node"]
    assert "refuse_extension" in offered(shown)
    answered = await _move(
        api.coordinator, task_id, "refuse_extension", asked["task"]["version"], comment="理由不足"
    )
    assert answered["errors"] == []
    assert answered["task"]["pendingExtensionDueOn"] is None
    assert answered["event"]["payload"]["requestedDueOn"] == "2027-09-30"


async def test_summon_needs_its_day(api: Clients) -> None:
    task_id, version = await _task(api, (api.coordinator, "assign", {}))
    refused = await _move(api.coordinator, task_id, "summon", version, comment="约谈")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        (["input", "summonedOn"], "VALIDATION")
    ]
    summoned = await _move(
        api.coordinator, task_id, "summon", version, comment="约谈分管负责同志",
        summonedOn="2026-11-20",
    )  # fmt: skip
    assert summoned["event"]["payload"]["summonedOn"] == "2026-11-20"
    assert summoned["event"]["actionLabel"] == "约谈"


async def test_listing_is_a_coordinators_decision_with_a_comment(api: Clients) -> None:
    task_id, version = await _task(
        api, (api.coordinator, "assign", {}), (api.coordinator, "supervise", {})
    )
    shown = (await api.coordinator.data(TASK, id=task_id))["node"]
    assert shown["supervisionLevel"] == "KEY"
    supervise = [a for a in shown["availableActions"] if a["action"] == "supervise"]
    assert supervise == [{"action": "supervise", "requires": ["comment"]}]
    refused = await _move(api.coordinator, task_id, "supervise", version)
    assert refused["errors"][0]["field"] == ["input", "comment"]
    assert "挂牌" in refused["errors"][0]["message"]
    listed = await _move(api.coordinator, task_id, "supervise", version, comment="经市领导批示挂牌")
    assert listed["errors"] == []

    # the candidates for 挂牌 are open, at least 10 working days late, never listed yet
    for client in (api.coordinator, api.leader):
        candidates = (await client.data(CANDIDATES))["listingCandidates"]
        assert all(c["workingDaysOverdue"] >= 10 for c in candidates)
        assert all(c["supervisionLevel"] != "LISTED" for c in candidates)
        days = [c["workingDaysOverdue"] for c in candidates]
        assert days == sorted(days, reverse=True)
