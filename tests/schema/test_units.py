"""createUnit, updateUnit and deactivateUnit over the API (issue 15), on the demo data."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from strawberry.relay import to_base64

from store.enums import UnitChangeAction
from store.models import Task, Unit, UnitChange
from tests.schema.conftest import Api, Clients

UNIT_FIELDS = "id code name kind region courtCode active deactivatedAt parent { code }"

CREATE_UNIT = f"""
mutation ($input: CreateUnitInput!) {{
  createUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} errors {{ field code message }} }}
}}
"""

UPDATE_UNIT = f"""
mutation ($input: UpdateUnitInput!) {{
  updateUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} errors {{ field code message }} }}
}}
"""

DEACTIVATE_UNIT = f"""
mutation ($input: DeactivateUnitInput!) {{
  deactivateUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} errors {{ field code message }} }}
}}
"""

CREATE_CASE = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) {
    enforcementCase { caseNumber court { name courtCode } respondent { code } }
    errors { field code message }
  }
}
"""

CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { code } errors { field code message } }
}
"""

UNITS = """
query ($filter: UnitFilter) { units(filter: $filter, first: 100) { nodes { code active } } }
"""

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()

PINGLI = {
    "code": "SX-PLFY",
    "name": "平利县人民法院",
    "kind": "COURT",
    "region": "610926",
    "courtCode": "陕0926",
}


async def _unit_id(code: str) -> str:
    return to_base64("Unit", (await Unit.get(code=code)).id)


async def _create(api: Api, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(CREATE_UNIT, input=PINGLI | changes))["createUnit"]
    return payload


async def test_a_case_of_a_court_outside_kaifeng_is_registered_once_the_admin_adds_it(
    api: Clients,
) -> None:
    case_input = {
        "caseNumber": "(2024)陕0926执280号之一",
        "courtId": None,
        "applicantName": "平利县某某建材有限公司",
        "applicantKind": "ENTERPRISE",
        "respondentId": await _unit_id("KF-CZJ"),
        "basis": "（2023）陕0926民初1024号",
        "cause": "买卖合同纠纷",
        "amountDue": "356000.00",
        "filedOn": "2024-06-03",
        "source": "COURT_REFERRED",
    }
    # given no court 陕0926 among the demo units: nothing to choose as the case's court
    assert await Unit.filter(court_code="陕0926").count() == 0
    # when the administrator creates it
    created = await _create(api.admin)
    assert created["errors"] == []
    unit = created["unit"]
    assert unit == {"id": unit["id"], "code": "SX-PLFY", "name": "平利县人民法院",
                    "kind": "COURT", "region": "610926", "courtCode": "陕0926",
                    "active": True, "deactivatedAt": None, "parent": None}  # fmt: skip
    # then the coordinator registers its case against 开封市财政局
    data = await api.coordinator.data(CREATE_CASE, input=case_input | {"courtId": unit["id"]})
    payload = data["createEnforcementCase"]
    assert payload["errors"] == []
    assert payload["enforcementCase"] == {
        "caseNumber": "（2024）陕0926执280号之一",
        "court": {"name": "平利县人民法院", "courtCode": "陕0926"},
        "respondent": {"code": "KF-CZJ"},
    }
    # and the unit's creation is recorded with the administrator
    change = await UnitChange.get(unit__code="SX-PLFY").prefetch_related("changed_by")
    assert change.action is UnitChangeAction.CREATE
    assert change.changed_by is not None
    assert change.changed_by.username == "demo-admin"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"courtCode": "陕926"}, "courtCode", "court_code.format", id="court-code"),
        pytest.param({"courtCode": None}, "courtCode", "court_code.required",
                     id="court-without-code"),
        pytest.param({"region": "安康"}, "region", "unit.region", id="region"),
        pytest.param({"region": "410202"}, "region", "unit.region_court_code",
                     id="region-of-another-province"),
        pytest.param({"courtCode": "豫02", "region": "410200"}, "courtCode", "exists already",
                     id="court-code-of-中院"),
        pytest.param({"parentId": to_base64("Task", 1)}, "parentId", "id.type",
                     id="parent-not-a-unit"),
    ],
)  # fmt: skip
async def test_a_wrong_unit_is_refused_naming_the_field(
    api: Clients, changes: dict[str, Any], field: str, words: str
) -> None:
    payload = await _create(api.admin, **changes)
    assert payload["unit"] is None
    (error,) = payload["errors"]
    assert error["field"] == ["input", field]
    assert words in error["message"]
    assert not await Unit.filter(code="SX-PLFY").exists()


async def test_an_update_keeps_what_it_leaves_out_and_clears_what_it_nulls(
    api: Clients,
) -> None:
    unit_id = (await _create(api.admin))["unit"]["id"]
    # when the name is changed and the region cleared, the court code left out
    data = await api.admin.data(
        UPDATE_UNIT, input={"id": unit_id, "name": "陕西省平利县人民法院", "region": None}
    )
    unit = data["updateUnit"]["unit"]
    assert (unit["name"], unit["region"], unit["courtCode"]) == (
        "陕西省平利县人民法院", None, "陕0926",
    )  # fmt: skip
    # a name cannot be cleared; a court cannot lose its court code
    for changes, field in (({"name": None}, "name"), ({"courtCode": None}, "courtCode")):
        refused = await api.admin.data(UPDATE_UNIT, input={"id": unit_id, **changes})
        (error,) = refused["updateUnit"]["errors"]
        assert error["field"] == ["input", field]
    change = await UnitChange.get(unit__code="SX-PLFY", action=UnitChangeAction.UPDATE)
    assert change.changes == {
        "name": ["平利县人民法院", "陕西省平利县人民法院"],
        "region": ["610926", None],
    }


async def test_a_deactivated_unit_is_listed_marked_and_offered_for_no_new_task(
    api: Clients,
) -> None:
    # given a unit created and deactivated by the administrator
    unit_id = (await _create(api.admin, kind="DEPARTMENT", courtCode=None, region="市本级",
                             code="KF-TEST", name="开封市测试局"))["unit"]["id"]  # fmt: skip
    data = await api.admin.data(DEACTIVATE_UNIT, input={"id": unit_id})
    unit = data["deactivateUnit"]["unit"]
    assert unit["active"] is False
    assert dt.datetime.fromisoformat(unit["deactivatedAt"]).date() == TODAY
    # then lists show it marked, a picker for new work (active: true) leaves it out
    listed = {n["code"]: n["active"] for n in (await api.coordinator.data(UNITS))["units"]["nodes"]}
    assert listed["KF-TEST"] is False
    assert listed["KF-CZJ"] is True
    active = await api.coordinator.data(UNITS, filter={"active": True})
    assert "KF-TEST" not in {n["code"] for n in active["units"]["nodes"]}
    inactive = await api.coordinator.data(UNITS, filter={"active": False})
    assert [n["code"] for n in inactive["units"]["nodes"]] == ["KF-TEST"]
    # and a task for it is refused, saying why
    refused = await api.coordinator.data(
        CREATE_TASK, input={"kind": "OTHER", "title": "清理欠款", "responsibleUnitId": unit_id}
    )
    (error,) = refused["createTask"]["errors"]
    assert error["field"] == ["input", "responsibleUnitId"]
    assert "deactivated" in error["message"]
    assert "[unit.inactive]" in error["message"]
    # a second deactivation is refused too
    again = await api.admin.data(DEACTIVATE_UNIT, input={"id": unit_id})
    assert again["deactivateUnit"]["errors"][0]["code"] == "VALIDATION"


TASK_ACTIONS = """
query ($id: ID!) { node(id: $id) { ... on Task { state availableActions { action } } } }
"""


async def test_a_draft_of_a_deactivated_unit_is_not_offered_for_assignment(
    api: Clients,
) -> None:
    # given a draft task of a new unit, which the coordinator could assign
    unit_id = (await _create(api.admin, kind="DEPARTMENT", courtCode=None, region="市本级",
                             code="KF-TEST", name="开封市测试局"))["unit"]["id"]  # fmt: skip
    created = await api.coordinator.data(
        CREATE_TASK, input={"kind": "OTHER", "title": "清理欠款", "responsibleUnitId": unit_id}
    )
    code = created["createTask"]["task"]["code"]
    task_id = to_base64("Task", (await Task.get(code=code)).id)
    before = await api.coordinator.data(TASK_ACTIONS, id=task_id)
    assert "assign" in {a["action"] for a in before["node"]["availableActions"]}
    # when the administrator deactivates the unit
    await api.admin.data(DEACTIVATE_UNIT, input={"id": unit_id})
    # then the draft stays, and is no longer offered for assignment (only cancelling it)
    after = await api.coordinator.data(TASK_ACTIONS, id=task_id)
    assert after["node"]["state"] == "DRAFT"
    actions = {a["action"] for a in after["node"]["availableActions"]}
    assert "assign" not in actions
    assert actions
