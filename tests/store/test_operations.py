"""Creating records: good input is stored; bad input names the field and rule, stores nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from store.enums import MatterType, TaskKind, TaskState, UnitKind
from store.errors import Duplicate, NotFound, StoreError, ValidationError
from store.identifiers import BasisKind, basis_kind
from store.models import (
    Account,
    BankruptcyCase,
    Counter,
    EnforcementCase,
    JointMeeting,
    Task,
    TaskEvent,
    Unit,
)
from store.operations.cases import (
    BankruptcyCaseInput,
    EnforcementCaseInput,
    create_bankruptcy_case,
    create_enforcement_case,
    record_performance,
)
from store.operations.meetings import AgendaItemInput, JointMeetingInput, create_joint_meeting
from store.operations.tasks import TaskInput, create_task
from store.operations.units import create_account, create_unit

TODAY = dt.date(2026, 11, 26)


async def _units() -> None:
    await create_unit(code="KF-ZY", name="开封市中级人民法院", kind="COURT", court_code="豫02")
    await create_unit(code="KF-LXB", name="开封市府院联动联席会议办公室", kind="OFFICE")
    await create_unit(code="KF-CZJ", name="开封市财政局", kind="DEPARTMENT", region="市本级")
    await create_unit(code="KF-RSJ", name="开封市人力资源和社会保障局", kind="DEPARTMENT")


def _case_input(**changes: Any) -> EnforcementCaseInput:
    good = EnforcementCaseInput(
        case_number="(2023)豫02执15号",
        court="KF-ZY",
        applicant_name="开封市宏达建筑工程有限公司",
        applicant_kind="ENTERPRISE",
        respondent="KF-CZJ",
        basis="（2022）豫02民终3021号",
        cause="建设工程施工合同纠纷",
        amount_due="1200000.00",
        filed_on="2023-02-15",
        source="PROVINCE_ASSIGNED",
        batch="省联席办2023年第1批",
    )
    return dataclasses.replace(good, **changes)


async def test_an_enforcement_case_is_stored_with_exact_money_and_full_width_brackets(
    db: str,
) -> None:
    await _units()
    case = await create_enforcement_case(_case_input(), today=TODAY)
    stored = await EnforcementCase.get(id=case.id).prefetch_related("court", "respondent")
    assert stored.case_number == "（2023）豫02执15号"
    assert stored.amount_due_fen == 120000000
    assert stored.court.name == "开封市中级人民法院"
    assert stored.respondent.name == "开封市财政局"


@pytest.mark.parametrize(
    ("changes", "error", "field", "words"),
    [
        pytest.param({"case_number": "（2023）豫02执015号"}, ValidationError, "caseNumber",
                     "leading zero", id="bad-case-number"),
        pytest.param({"case_number": "（2023）豫02民初15号"}, ValidationError, "caseNumber",
                     "民初", id="judgment-number-as-case"),
        pytest.param({"case_number": "（2023）豫0202执15号"}, ValidationError, "caseNumber",
                     "豫02", id="number-of-another-court"),
        pytest.param({"basis": "（2022）豫02执1号"}, ValidationError, "basis", "执",
                     id="basis-not-a-judgment"),
        pytest.param({"amount_due": "-1"}, ValidationError, "amountDue", "negative",
                     id="negative-amount"),
        pytest.param({"amount_due": "一百二十万"}, ValidationError, "amountDue", "not a number",
                     id="non-numeric-amount"),
        pytest.param({"filed_on": "2031-01-01"}, ValidationError, "filedOn", "after",
                     id="filed-in-the-future"),
        pytest.param({"filed_on": "1985-01-01"}, ValidationError, "filedOn", "before",
                     id="filed-before-1990"),
        pytest.param({"filed_on": "2023-02-30"}, ValidationError, "filedOn", "2023-05-31",
                     id="not-a-date"),
        pytest.param({"respondent": "KF-NOPE"}, NotFound, "respondentId", "KF-NOPE",
                     id="unknown-respondent"),
        pytest.param({"respondent": "KF-ZY"}, ValidationError, "respondentId", "法院",
                     id="court-as-respondent"),
        pytest.param({"court": "KF-CZJ"}, ValidationError, "courtId", "政府部门",
                     id="department-as-court"),
        pytest.param({"applicant_kind": "ALIEN"}, ValidationError, "applicantKind", "PERSON",
                     id="unknown-applicant-kind"),
        pytest.param({"applicant_name": "  "}, ValidationError, "applicantName", "empty",
                     id="blank-applicant"),
    ],
)  # fmt: skip
async def test_bad_enforcement_input_names_the_field_and_stores_nothing(
    db: str, changes: dict[str, Any], error: type[StoreError], field: str, words: str
) -> None:
    await _units()
    with pytest.raises(error) as caught:
        await create_enforcement_case(_case_input(**changes), today=TODAY)
    assert caught.value.field == field
    assert words in caught.value.message
    assert await EnforcementCase.all().count() == 0


async def test_a_case_number_cannot_be_registered_twice(db: str) -> None:
    await _units()
    await create_enforcement_case(_case_input(), today=TODAY)
    # the same number typed with half-width brackets is still the same case
    with pytest.raises(Duplicate) as caught:
        await create_enforcement_case(_case_input(case_number="（2023）豫02执15号"), today=TODAY)
    assert caught.value.code == "DUPLICATE"
    assert await EnforcementCase.all().count() == 1


async def test_performance_cannot_predate_the_case_or_be_zero(db: str) -> None:
    await _units()
    case = await create_enforcement_case(_case_input(), today=TODAY)
    with pytest.raises(ValidationError, match="before 2023-02-15"):
        await record_performance(case, paid_on="2023-01-01", amount="100", method="TRANSFER")
    with pytest.raises(ValidationError, match="greater than zero"):
        await record_performance(case, paid_on="2023-03-01", amount="0", method="TRANSFER")
    record = await record_performance(
        case, paid_on="2023-03-01", amount="600000.00", method="FISCAL_ALLOCATION", today=TODAY
    )
    assert record.amount_fen == 60000000


def _bankruptcy_input(**changes: Any) -> BankruptcyCaseInput:
    good = BankruptcyCaseInput(
        case_number="（2023）豫02破3号",
        debtor_name="开封市汴京重型机械有限公司",
        debtor_uscc="91350100M000100Y43",
        court="KF-ZY",
        administrator="河南大宋律师事务所",
        procedure="REORGANIZATION",
        accepted_on="2023-04-10",
        employees_affected=412,
        claims_total="560000000.00",
        assets_total="210000000.00",
    )
    return dataclasses.replace(good, **changes)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        pytest.param({"debtor_uscc": "91350100M000100Y44"}, "debtorUscc", "uscc.check",
                     id="wrong-check-character"),
        pytest.param({"case_number": "（2023）豫02执3号"}, "caseNumber", "case_number.type_code",
                     id="enforcement-number"),
        pytest.param({"employees_affected": -3}, "employeesAffected", "integer.negative",
                     id="negative-employees"),
        pytest.param({"claims_total": "abc"}, "claimsTotal", "amount.format", id="claims-text"),
        pytest.param({"procedure": "MERGER"}, "procedure", "enum", id="unknown-procedure"),
    ],
)  # fmt: skip
async def test_bad_bankruptcy_input_names_the_rule(
    db: str, changes: dict[str, Any], field: str, rule: str
) -> None:
    await _units()
    with pytest.raises(ValidationError) as caught:
        await create_bankruptcy_case(_bankruptcy_input(**changes), today=TODAY)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert await BankruptcyCase.all().count() == 0


@pytest.mark.parametrize(
    ("changes", "case_number", "basis", "kind"),
    [
        pytest.param({"basis": "(2012)汴民初字第45号"}, "（2023）豫02执15号",
                     "（2012）汴民初字第45号", BasisKind.JUDGMENT, id="old-judgment"),
        pytest.param({"basis": "（2010）豫法民一终字第12号"}, "（2023）豫02执15号",
                     "（2010）豫法民一终字第12号", BasisKind.JUDGMENT, id="old-high-court"),
        pytest.param({"basis": "(2023)豫0202民督12号"}, "（2023）豫02执15号",
                     "（2023）豫0202民督12号", BasisKind.PAYMENT_ORDER, id="payment-order"),
        pytest.param({"basis": "汴劳人仲案字〔2023〕第88号"}, "（2023）豫02执15号",
                     "汴劳人仲案字〔2023〕第88号", BasisKind.ARBITRATION, id="labour-award"),
        pytest.param({"basis": "汴仲裁字[2022]第12号"}, "（2023）豫02执15号",
                     "汴仲裁字〔2022〕第12号", BasisKind.ARBITRATION, id="award-square-brackets"),
        pytest.param({"basis": "(2023)豫汴证经字第1234号"}, "（2023）豫02执15号",
                     "（2023）豫汴证经字第1234号", BasisKind.NOTARIAL, id="notarised-debt"),
        pytest.param({"case_number": "（２０２３）豫０２执 １５号",
                      "basis": "（２０２２）豫０２民终 ３０２１号"},
                     "（2023）豫02执15号", "（2022）豫02民终3021号", BasisKind.JUDGMENT,
                     id="full-width-and-spaces"),
        pytest.param({"case_number": "（2023）豫02执督3号"}, "（2023）豫02执督3号",
                     "（2022）豫02民终3021号", BasisKind.JUDGMENT, id="执督"),
    ],
)  # fmt: skip
async def test_an_enforcement_case_stores_its_basis_in_the_normal_form(
    db: str, changes: dict[str, Any], case_number: str, basis: str, kind: BasisKind
) -> None:
    await _units()
    case = await create_enforcement_case(_case_input(**changes), today=TODAY)
    stored = await EnforcementCase.get(id=case.id)
    assert (stored.case_number, stored.basis) == (case_number, basis)
    assert basis_kind(stored.basis) is kind


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        pytest.param({"basis": "（2016）汴民初字第45号"}, "basis", "case_number.old_format_year",
                     id="old-format-after-2015"),
        pytest.param({"basis": "（2012）汴执字第45号"}, "basis", "case_number.type_code",
                     id="old-enforcement-number"),
        pytest.param({"basis": "汴仲裁字〔2023）第12号"}, "basis", "basis.brackets",
                     id="award-brackets"),
        pytest.param({"basis": "民事判决书"}, "basis", "basis.format", id="no-number"),
        pytest.param({"case_number": "(2014)汴执字第12号"}, "caseNumber",
                     "case_number.old_format", id="old-format-case-number"),
        pytest.param({"basis": "（2024）豫02民终1号"}, "basis", "basis.after_case",
                     id="basis-after-the-case"),
        pytest.param({"basis": "汴仲裁字〔2024〕第3号"}, "basis", "basis.after_case",
                     id="award-after-the-case"),
        pytest.param({"filed_on": "2022-12-30"}, "caseNumber", "case_number.after_filing",
                     id="numbered-after-filing"),
    ],
)  # fmt: skip
async def test_a_bad_basis_or_years_out_of_order_store_nothing(
    db: str, changes: dict[str, Any], field: str, rule: str
) -> None:
    await _units()
    with pytest.raises(ValidationError) as caught:
        await create_enforcement_case(_case_input(**changes), today=TODAY)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert await EnforcementCase.all().count() == 0


@pytest.mark.parametrize(
    "uscc",
    [
        pytest.param("91410200MA44ABCD51", id="enterprise-开封"),
        pytest.param("N2410212MF1234567X", id="village-collective"),
        pytest.param("12410203MB0X31253M", id="public-institution-顺河区"),
    ],
)
async def test_a_debtor_uscc_of_any_authority_is_stored(db: str, uscc: str) -> None:
    await _units()
    case = await create_bankruptcy_case(_bankruptcy_input(debtor_uscc=uscc), today=TODAY)
    assert (await BankruptcyCase.get(id=case.id)).debtor_uscc == uscc


@pytest.mark.parametrize(
    ("uscc", "rule"),
    [
        pytest.param("000000000000000000", "uscc.authority", id="all-zeros"),
        pytest.param("A1410200MA4ABCDE1Q", "uscc.organisation_code", id="authority-A-bad-org-code"),
        pytest.param("94410200MA44ABCD1B", "uscc.category", id="工商-category-4"),
        pytest.param("91990000MA44ABCD1W", "uscc.region", id="province-99"),
        pytest.param("91412000MA44ABCD13", "uscc.region", id="河南-prefecture-20"),
    ],
)
async def test_a_debtor_uscc_is_checked_part_by_part(db: str, uscc: str, rule: str) -> None:
    await _units()
    with pytest.raises(ValidationError) as caught:
        await create_bankruptcy_case(_bankruptcy_input(debtor_uscc=uscc), today=TODAY)
    assert (caught.value.field, caught.value.rule) == ("debtorUscc", rule)
    assert await BankruptcyCase.all().count() == 0


async def test_a_coordination_matter_goes_to_its_default_department(db: str) -> None:
    await _units()
    case = await create_bankruptcy_case(_bankruptcy_input(), today=TODAY)
    task = await create_task(
        TaskInput(
            kind=TaskKind.BANKRUPTCY_MATTER,
            title="职工安置协调",
            bankruptcy_case=case,
            matter_type=MatterType.EMPLOYEE_SETTLEMENT,
        )
    )
    await task.fetch_related("responsible_unit")
    assert task.responsible_unit.code == "KF-RSJ"
    assert task.state is TaskState.DRAFT
    events = await TaskEvent.filter(task=task).values_list("seq", "action", "to_state")
    assert events == [(1, "create", TaskState.DRAFT)]


async def test_task_codes_are_numbered_per_year_without_gaps(db: str) -> None:
    await _units()
    case = await create_enforcement_case(_case_input(), today=TODAY)
    at = dt.datetime(2023, 3, 1, 2, 0, tzinfo=dt.UTC)
    first = await create_task(
        TaskInput(kind="ENFORCEMENT", title="督促履行", enforcement_case=case), at=at
    )
    # a refused task takes no number
    with pytest.raises(ValidationError):
        await create_task(TaskInput(kind="ENFORCEMENT", title="  ", enforcement_case=case), at=at)
    second = await create_task(
        TaskInput(kind="OTHER", title="其他事项", responsible_unit="KF-CZJ"), at=at
    )
    assert (first.code, second.code) == ("FY-2023-0001", "FY-2023-0002")
    assert (await Counter.get(key="task:2023")).value == 2
    await first.fetch_related("responsible_unit")
    assert first.responsible_unit.code == "KF-CZJ"  # the respondent organ by default


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"kind": "ENFORCEMENT"}, "enforcementCaseId", id="enforcement-without-case"),
        pytest.param({"kind": "BANKRUPTCY_MATTER"}, "bankruptcyCaseId", id="matter-without-case"),
        pytest.param({"matter_type": "TAX"}, "matterType", id="matter-type-on-other"),
        pytest.param({"responsible_unit": "KF-XXX"}, "responsibleUnitId", id="unknown-unit"),
        pytest.param({"assisting_units": ["KF-CZJ"]}, "assistingUnitIds", id="assists-itself"),
        pytest.param({"assisting_units": ["KF-RSJ", "NOPE"]}, "assistingUnitIds.1",
                     id="unknown-assisting-unit"),
        pytest.param({"due_on": "1999-12-31"}, "dueOn", id="due-date-out-of-range"),
    ],
)  # fmt: skip
async def test_bad_task_input_stores_nothing(db: str, changes: dict[str, Any], field: str) -> None:
    await _units()
    data = dataclasses.replace(
        TaskInput(kind="OTHER", title="其他事项", responsible_unit="KF-CZJ"), **changes
    )
    with pytest.raises(StoreError) as caught:
        await create_task(data)
    assert caught.value.field == field
    assert await Task.all().count() == 0
    assert await TaskEvent.all().count() == 0


async def test_a_meeting_and_its_agenda_are_written_together_or_not_at_all(db: str) -> None:
    await _units()
    good = JointMeetingInput(
        level="CITY",
        number=5,
        title="开封市府院联动联席会议第5次会议",
        held_on="2023-06-20",
        convener="KF-LXB",
        attending_units=["KF-ZY", "KF-CZJ"],
        minutes_number="汴府院纪〔2023〕5号",
        agenda=[AgendaItemInput(title="通报执行案件清理进展")],
    )
    meeting = await create_joint_meeting(good, today=TODAY)
    assert [u.code for u in await meeting.attending_units.all().order_by("code")] == [
        "KF-CZJ",
        "KF-ZY",
    ]
    bad = dataclasses.replace(
        good,
        number=6,
        minutes_number="汴府院纪〔2023〕6号",
        agenda=[AgendaItemInput(title="议题一"), AgendaItemInput(title=" ")],
    )
    with pytest.raises(ValidationError) as caught:
        await create_joint_meeting(bad, today=TODAY)
    assert caught.value.field == "agenda.1.title"
    assert await JointMeeting.all().count() == 1
    with pytest.raises(Duplicate):
        await create_joint_meeting(dataclasses.replace(good, minutes_number=None), today=TODAY)


async def test_accounts_store_an_argon2_hash_and_fit_their_unit(db: str) -> None:
    await _units()
    account = await create_account(
        username="czj-liaison", password="a-long-password", role="UNIT_LIAISON", unit="KF-CZJ"
    )
    stored = await Account.get(id=account.id)
    assert stored.password_hash.startswith("$argon2id$")
    assert "a-long-password" not in stored.password_hash
    with pytest.raises(ValidationError) as caught:
        await create_account(username="x", password="a-long-password", role="COURT_LIAISON",
                             unit="KF-CZJ")  # fmt: skip
    assert caught.value.field == "unitId"
    with pytest.raises(ValidationError, match="at least 10"):
        await create_account(username="y", password="short", role="LEADER", unit="KF-LXB")


async def test_units_refuse_a_court_without_its_code(db: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await create_unit(code="KF-X", name="某法院", kind=UnitKind.COURT)
    assert caught.value.field == "courtCode"
    assert await Unit.all().count() == 0


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        pytest.param("zh_CN", "2026年12月1日晚于2026年11月30日", id="chinese"),
        pytest.param("en", "2026-12-01 is after 2026-11-30", id="english"),
    ],
)
def test_a_date_out_of_range_is_named_as_the_reader_writes_dates(lang: str, said: str) -> None:
    import datetime as _dt

    from store.errors import ValidationError as _ValidationError
    from store.operations.common import check_date
    from workflow.i18n import language

    with language(lang), pytest.raises(_ValidationError) as refused:
        check_date("2026-12-01", field="dueOn", not_after=_dt.date(2026, 11, 30))
    assert said in refused.value.message
