"""Units an administrator keeps (issue 15): created, changed and deactivated with their
fields checked, every change recorded with who made it; a deactivated unit keeps its
history and is given no new work; a court outside 开封 can then have its cases entered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from store.enums import Role, TaskState, UnitChangeAction, UnitKind
from store.errors import Duplicate, NotFound, StoreError, ValidationError
from store.models import Account, EnforcementCase, Task, TaskEvent, Unit, UnitChange
from store.operations.cases import EnforcementCaseInput, create_enforcement_case
from store.operations.meetings import JointMeetingInput, create_joint_meeting
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import transition_task
from store.operations.units import (
    create_account,
    create_unit,
    deactivate_unit,
    update_unit,
)

TODAY = dt.date(2026, 11, 26)
PASSWORD = "a-good-long-password"


async def _kaifeng() -> Account:
    """The court, the office, two departments and a district; the administrator's account."""
    await create_unit(code="KF-ZY", name="开封市中级人民法院", kind="COURT", court_code="豫02",
                      region="市本级")  # fmt: skip
    await create_unit(code="KF-LXB", name="开封市府院联动联席会议办公室", kind="OFFICE")
    await create_unit(code="KF-CZJ", name="开封市财政局", kind="DEPARTMENT", region="市直单位")
    await create_unit(code="KF-XFQ", name="开封市祥符区人民政府", kind="DISTRICT_GOV",
                      region="祥符区")  # fmt: skip
    return await create_account(username="admin", password=PASSWORD, role=Role.ADMIN,
                                unit="KF-LXB")  # fmt: skip


def _case(**changes: Any) -> EnforcementCaseInput:
    good: dict[str, Any] = {
        "case_number": "(2024)陕0926执280号之一",
        "court": "SX-PLFY",
        "applicant_name": "平利县某某建材有限公司",
        "applicant_kind": "ENTERPRISE",
        "respondent": "KF-CZJ",
        "basis": "（2023）陕0926民初1024号",
        "cause": "买卖合同纠纷",
        "amount_due": "356000.00",
        "filed_on": "2024-06-03",
        "source": "COURT_REFERRED",
    }
    return EnforcementCaseInput(**(good | changes))


# --- a court outside 开封, end to end -------------------------------------------------


async def test_a_case_of_a_court_outside_kaifeng_is_entered_once_its_court_exists(
    db: str,
) -> None:
    admin = await _kaifeng()
    # given no unit with the court code 陕0926: the case cannot be entered
    with pytest.raises(NotFound) as missing:
        await create_enforcement_case(_case(), today=TODAY)
    assert missing.value.field == "courtId"
    # when the administrator creates 平利县人民法院 (陕西 安康, 610926)
    court = await create_unit(
        code="SX-PLFY", name="平利县人民法院", kind="COURT", region="610926",
        court_code="陕０９２６", actor=admin,
    )  # fmt: skip
    # then its case against 开封市财政局 is registered, with its task for 财政局
    case = await create_enforcement_case(_case(), today=TODAY)
    task = await create_task(TaskInput(kind="ENFORCEMENT", title="督促履行", enforcement_case=case))
    assert court.court_code == "陕0926"
    assert case.case_number == "（2024）陕0926执280号之一"
    assert (
        await Task.get(id=task.id).prefetch_related("responsible_unit")
    ).responsible_unit.code == ("KF-CZJ")
    # and the creation is recorded with the administrator
    (change,) = await UnitChange.filter(unit_id=court.id).prefetch_related("changed_by")
    assert change.action is UnitChangeAction.CREATE
    assert change.changed_by is not None
    assert change.changed_by.username == "admin"
    assert change.changes["court_code"] == [None, "陕0926"]
    assert change.changes["region"] == [None, "610926"]


async def test_a_supreme_court_case_is_entered_once_the_court_exists(db: str) -> None:
    await _kaifeng()
    await create_unit(code="ZGF", name="最高人民法院", kind="COURT", court_code="最高法",
                      region="110000")  # fmt: skip
    case = await create_enforcement_case(
        _case(case_number="(2019)最高法执监12号", court="ZGF",
              basis="（2018）最高法民终88号", filed_on="2019-04-01"),
        today=TODAY,
    )  # fmt: skip
    assert case.case_number == "（2019）最高法执监12号"


# --- the fields, checked --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        pytest.param({"kind": "TRIBUNAL"}, "kind", "enum", id="unknown-kind"),
        pytest.param({"court_code": None}, "courtCode", "court_code.required",
                     id="court-without-code"),
        pytest.param({"kind": "DEPARTMENT"}, "courtCode", "court_code.court_only",
                     id="department-with-court-code"),
        pytest.param({"court_code": "陕926"}, "courtCode", "court_code.format",
                     id="court-code-3-digits"),
        pytest.param({"court_code": "0926"}, "courtCode", "court_code.format",
                     id="court-code-no-province"),
        pytest.param({"court_code": "X0926"}, "courtCode", "court_code.format",
                     id="court-code-latin-letter"),
        pytest.param({"court_code": "最高院"}, "courtCode", "court_code.format",
                     id="court-code-最高院"),
        pytest.param({"region": "990926"}, "region", "unit.region", id="region-province-99"),
        pytest.param({"region": "61092"}, "region", "unit.region", id="region-five-digits"),
        pytest.param({"region": "Pingli"}, "region", "unit.region", id="region-latin"),
        pytest.param({"region": "安康"}, "region", "unit.region", id="region-no-county-word"),
        pytest.param({"region": "410202"}, "region", "unit.region_court_code",
                     id="region-in-another-province"),
        pytest.param({"parent": "KF-NOPE"}, "parentId", "not_found", id="unknown-parent"),
        pytest.param({"name": " "}, "name", "text.required", id="blank-name"),
        pytest.param({"code": "平利"}, "code", "unit.code", id="code-not-latin"),
        pytest.param({"code": "SX PLFY"}, "code", "identifier.format", id="code-with-space"),
    ],
)  # fmt: skip
async def test_a_unit_with_a_wrong_field_names_it_and_is_not_created(
    db: str, fields: dict[str, Any], field: str, rule: str
) -> None:
    await _kaifeng()
    good: dict[str, Any] = {"code": "SX-PLFY", "name": "平利县人民法院", "kind": "COURT",
                            "region": "610926", "court_code": "陕0926"}  # fmt: skip
    if fields.get("kind") == "DEPARTMENT":
        good["region"] = None
    before = (await Unit.all().count(), await UnitChange.all().count())
    with pytest.raises(StoreError) as caught:
        await create_unit(**(good | fields))
    assert caught.value.field == field
    if isinstance(caught.value, ValidationError):
        assert caught.value.rule == rule
    else:
        assert caught.value.code == "NOT_FOUND"
    assert (await Unit.all().count(), await UnitChange.all().count()) == before


@pytest.mark.parametrize(
    ("region", "court_code"),
    [
        pytest.param("610926", "陕0926", id="division-code-of-平利县"),
        pytest.param("610900", "陕09", id="division-code-of-安康市"),
        pytest.param("610000", "陕", id="high-court-of-陕西"),
        pytest.param("平利县", "陕0926", id="county-name"),
        pytest.param(None, "豫71", id="railway-court-no-region"),
        pytest.param("650100", "兵", id="兵团-courts-are-in-新疆"),
    ],
)
async def test_good_regions_and_court_codes_are_stored(
    db: str, region: str | None, court_code: str
) -> None:
    unit = await create_unit(
        code="C1", name="某人民法院", kind="COURT", region=region, court_code=court_code
    )
    stored = await Unit.get(id=unit.id)
    assert (stored.region, stored.court_code, stored.is_active) == (region, court_code, True)


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        pytest.param({"code": "KF-ZY"}, Duplicate, "code", id="same-code"),
        pytest.param({"name": "开封市中级人民法院"}, Duplicate, "name", id="same-name"),
        pytest.param({"court_code": "豫02", "region": None}, Duplicate, "courtCode",
                     id="same-court-code"),
    ],
)  # fmt: skip
async def test_a_unit_is_unique_by_code_name_and_court_code(
    db: str, fields: dict[str, Any], error: type[StoreError], field: str
) -> None:
    await _kaifeng()
    good: dict[str, Any] = {"code": "SX-PLFY", "name": "平利县人民法院", "kind": "COURT",
                            "region": "610926", "court_code": "陕0926"}  # fmt: skip
    with pytest.raises(error) as caught:
        await create_unit(**(good | fields))
    assert caught.value.field == field


# --- changes, recorded --------------------------------------------------------------


async def test_an_update_records_the_fields_before_and_after(db: str) -> None:
    admin = await _kaifeng()
    unit = await create_unit(code="KF-XF-JYJ", name="祥符区教育局", kind="DEPARTMENT",
                             region="祥符区", actor=admin)  # fmt: skip
    # when the administrator renames it and puts it under the district, region unchanged
    updated = await update_unit(
        "KF-XF-JYJ", {"name": "开封市祥符区教育局", "parent": "KF-XFQ"}, actor=admin
    )
    # then only what changed is recorded, the parent by its code
    assert (updated.name, updated.region) == ("开封市祥符区教育局", "祥符区")
    change = await UnitChange.filter(unit_id=unit.id, action=UnitChangeAction.UPDATE).get()
    assert change.changes == {
        "name": ["祥符区教育局", "开封市祥符区教育局"],
        "parent": [None, "KF-XFQ"],
    }
    assert change.changed_by_id == admin.id  # type: ignore[attr-defined]
    # and clearing the region (None) is a change too; repeating a value is none
    await update_unit("KF-XF-JYJ", {"region": None, "name": "开封市祥符区教育局"})
    changes = await UnitChange.filter(unit_id=unit.id).order_by("id")
    assert [c.action for c in changes] == [UnitChangeAction.CREATE, UnitChangeAction.UPDATE,
                                           UnitChangeAction.UPDATE]  # fmt: skip
    assert changes[-1].changes == {"region": ["祥符区", None]}
    assert changes[-1].changed_by_id is None  # type: ignore[attr-defined]  # the command line


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        pytest.param({"parent": "KF-CZJ-SUB"}, "parentId", "unit.parent_cycle",
                     id="under-its-own-unit"),
        pytest.param({"parent": "KF-CZJ"}, "parentId", "unit.parent_cycle", id="under-itself"),
        pytest.param({"court_code": "豫0299"}, "courtCode", "court_code.court_only",
                     id="court-code-for-a-department"),
        pytest.param({"code": "KF-X"}, "code", "unit.field", id="the-code-never-changes"),
        pytest.param({"region": "Kaifeng"}, "region", "unit.region", id="bad-region"),
    ],
)  # fmt: skip
async def test_a_wrong_update_names_the_field_and_changes_nothing(
    db: str, changes: dict[str, Any], field: str, rule: str
) -> None:
    await _kaifeng()
    await create_unit(code="KF-CZJ-SUB", name="开封市财政局国库支付中心", kind="DEPARTMENT",
                      parent="KF-CZJ")  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        await update_unit("KF-CZJ", changes)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    stored = await Unit.get(code="KF-CZJ")
    assert (stored.parent_id, stored.region) == (None, "市直单位")  # type: ignore[attr-defined]
    assert await UnitChange.filter(action=UnitChangeAction.UPDATE).count() == 0


async def test_a_unit_with_cases_keeps_its_kind(db: str) -> None:
    await _kaifeng()
    await create_unit(code="SX-PLFY", name="平利县人民法院", kind="COURT", court_code="陕0926")
    await create_enforcement_case(_case(), today=TODAY)
    with pytest.raises(ValidationError) as caught:
        await update_unit("KF-CZJ", {"kind": UnitKind.DISTRICT_GOV})
    assert caught.value.rule == "unit.kind_in_use"
    assert "enforcement cases" in caught.value.message
    # a unit nothing rests on may change its kind
    assert (await update_unit("KF-XFQ", {"kind": "PARTY_GOV_ORGAN"})).kind is (
        UnitKind.PARTY_GOV_ORGAN
    )


# --- deactivation -------------------------------------------------------------------


async def test_a_deactivated_unit_keeps_its_history_and_takes_no_new_work(db: str) -> None:
    admin = await _kaifeng()
    coordinator = await create_account(username="coord", password=PASSWORD,
                                       role=Role.COORDINATOR, unit="KF-LXB")  # fmt: skip
    liaison = await create_account(username="xfq", password=PASSWORD, role=Role.UNIT_LIAISON,
                                   unit="KF-XFQ")  # fmt: skip
    # given a task of 祥符区 in progress, and a draft one
    working = await create_task(
        TaskInput(kind="OTHER", title="化解积案", responsible_unit="KF-XFQ")
    )
    draft = await create_task(TaskInput(kind="OTHER", title="清理欠款", responsible_unit="KF-XFQ"))
    step = await transition_task(working.id, "assign", coordinator, expected_version=1)
    # when the administrator deactivates 祥符区人民政府
    at = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
    unit = await deactivate_unit("KF-XFQ", actor=admin, at=at)
    assert (unit.is_active, unit.deactivated_at) == (False, at)
    # then it keeps its task, which its liaison still works on
    accepted = await transition_task(
        working.id, "accept", liaison, expected_version=step.task.version
    )
    assert accepted.task.state is TaskState.ACCEPTED
    assert await TaskEvent.filter(task_id=working.id).count() == 3
    # but no new task, draft assignment, case, account or meeting is given to it
    refusals: list[tuple[str, Any]] = [
        ("responsibleUnitId", create_task(
            TaskInput(kind="OTHER", title="新事项", responsible_unit="KF-XFQ"))),
        ("assistingUnitIds.0", create_task(
            TaskInput(kind="OTHER", title="新事项", responsible_unit="KF-CZJ",
                      assisting_units=["KF-XFQ"]))),
        ("action", transition_task(draft.id, "assign", coordinator, expected_version=1)),
        ("respondentId", create_enforcement_case(
            _case(court="KF-ZY", case_number="(2024)豫02执280号", basis="（2023）豫02民终1号",
                  respondent="KF-XFQ"), today=TODAY)),
        ("unitId", create_account(username="xfq2", password=PASSWORD, role=Role.UNIT_LIAISON,
                                  unit="KF-XFQ")),
        ("attendingUnitIds.0", create_joint_meeting(JointMeetingInput(
            level="CITY", number=9, title="第九次联席会议", held_on="2026-11-20",
            convener="KF-LXB", attending_units=["KF-XFQ"]))),
        ("parentId", create_unit(code="KF-XF-NEW", name="新单位", kind="PARTY_GOV_ORGAN",
                                 parent="KF-XFQ")),
    ]  # fmt: skip
    for field, attempt in refusals:
        with pytest.raises(ValidationError) as caught:
            await attempt
        assert (caught.value.field, caught.value.rule) == (field, "unit.inactive"), field
        assert "祥符区人民政府" in caught.value.message
    assert (await Task.get(id=draft.id)).state is TaskState.DRAFT
    assert await EnforcementCase.all().count() == 0
    # and the deactivation is recorded with the administrator; a second one is refused
    change = await UnitChange.get(unit_id=unit.id, action=UnitChangeAction.DEACTIVATE)
    assert change.changed_by_id == admin.id  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as again:
        await deactivate_unit("KF-XFQ", actor=admin)
    assert again.value.rule == "unit.inactive"


async def test_a_unit_with_active_units_under_it_is_not_deactivated(db: str) -> None:
    await _kaifeng()
    await create_unit(code="KF-XF-CLZ", name="开封市祥符区陈留镇人民政府", kind="PARTY_GOV_ORGAN",
                      region="祥符区", parent="KF-XFQ")  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        await deactivate_unit("KF-XFQ")
    assert caught.value.rule == "unit.active_children"
    assert "陈留镇" in caught.value.message
    # once the unit under it is deactivated, it can be
    await deactivate_unit("KF-XF-CLZ")
    assert (await deactivate_unit("KF-XFQ")).is_active is False


async def test_a_region_kept_is_not_judged_again(db: str) -> None:
    # given a unit whose region was stored before regions were checked
    unit = await Unit.create(code="KF-OLD", name="旧单位", kind="DEPARTMENT", region="老城")
    # when it is renamed, its region left alone, the rename goes through
    renamed = await update_unit("KF-OLD", {"name": "新单位"})
    assert (renamed.name, renamed.region) == ("新单位", "老城")
    # but a region given is checked
    with pytest.raises(ValidationError) as caught:
        await update_unit(unit.code, {"region": "老城"})
    assert caught.value.rule == "unit.region"
