"""Case numbers, bases and USCCs through createEnforcementCase and createBankruptcyCase.

Given the demo data, when a coordinator creates a case with a basis of each
kind (or a wrong one), then the stored form or the rule broken comes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from strawberry.relay import to_base64

from store.models import Unit
from tests.schema.conftest import Api, Clients

CREATE_CASE = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) {
    enforcementCase { caseNumber basis }
    errors { field code message }
  }
}
"""

CREATE_BANKRUPTCY_CASE = """
mutation ($input: CreateBankruptcyCaseInput!) {
  createBankruptcyCase(input: $input) {
    bankruptcyCase { caseNumber debtorUscc }
    errors { field code message }
  }
}
"""

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
"""The API judges dates against the real today (in Asia/Shanghai): cases are filed on it."""
YEAR = TODAY.year


async def _unit_id(code: str) -> str:
    unit = await Unit.get(code=code)
    return to_base64("Unit", unit.id)


async def _create_case(client: Api, query: str = CREATE_CASE, **changes: Any) -> dict[str, Any]:
    case_input = {
        "caseNumber": f"（{YEAR}）豫02执9301号",
        "courtId": await _unit_id("KF-ZY"),
        "applicantName": "开封市宏达建筑工程有限公司",
        "applicantKind": "ENTERPRISE",
        "respondentId": await _unit_id("KF-CZJ"),
        "basis": "（2022）豫02民终3021号",
        "cause": "建设工程施工合同纠纷",
        "amountDue": "860000.00",
        "filedOn": TODAY.isoformat(),
        "source": "COURT_REFERRED",
    } | changes
    data = await client.data(query, input=case_input)
    payload: dict[str, Any] = data["createEnforcementCase"]
    return payload


@pytest.mark.parametrize(
    ("changes", "case_number", "basis"),
    [
        pytest.param({"basis": "(2012)汴民初字第45号"}, f"（{YEAR}）豫02执9301号",
                     "（2012）汴民初字第45号", id="old-judgment"),
        pytest.param({"basis": "(2023)豫0202民督12号"}, f"（{YEAR}）豫02执9301号",
                     "（2023）豫0202民督12号", id="payment-order"),
        pytest.param({"basis": "汴仲裁字〔2023〕第12号"}, f"（{YEAR}）豫02执9301号",
                     "汴仲裁字〔2023〕第12号", id="arbitration-award"),
        pytest.param({"basis": "汴劳人仲案字[2023]第88号"}, f"（{YEAR}）豫02执9301号",
                     "汴劳人仲案字〔2023〕第88号", id="labour-award"),
        pytest.param({"basis": "(2023)豫汴证经字第1234号"}, f"（{YEAR}）豫02执9301号",
                     "（2023）豫汴证经字第1234号", id="notarised-debt"),
        pytest.param({"caseNumber": f"（{YEAR}）豫０２执 ９３０２号"}, f"（{YEAR}）豫02执9302号",
                     "（2022）豫02民终3021号", id="full-width-digits-and-spaces"),
        pytest.param({"caseNumber": f"({YEAR})豫02执督3号"}, f"（{YEAR}）豫02执督3号",
                     "（2022）豫02民终3021号", id="执督"),
    ],
)  # fmt: skip
async def test_a_case_is_created_with_its_basis_in_the_normal_form(
    api: Clients, changes: dict[str, Any], case_number: str, basis: str
) -> None:
    payload = await _create_case(api.coordinator, **changes)
    assert payload["errors"] == []
    assert payload["enforcementCase"] == {"caseNumber": case_number, "basis": basis}


CREATE_CASE_WITH_KIND = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) {
    enforcementCase { id basis basisKind }
    errors { field code message }
  }
}
"""

BASIS_KIND_QUERY = """
query ($id: ID!) { node(id: $id) { ... on EnforcementCase { basisKind } } }
"""


@pytest.mark.parametrize(
    ("basis", "kind"),
    [
        pytest.param("（2022）豫02民终3021号", "JUDGMENT", id="judgment"),
        pytest.param("(2012)汴民初字第45号", "JUDGMENT", id="old-judgment"),
        pytest.param("(2023)豫0202民督12号", "PAYMENT_ORDER", id="payment-order"),
        pytest.param("（2014）汴民督字第3号", "PAYMENT_ORDER", id="old-payment-order"),
        pytest.param("汴仲裁字〔2023〕第12号", "ARBITRATION", id="arbitration-award"),
        pytest.param("汴劳人仲案字[2023]第88号", "ARBITRATION", id="labour-award"),
        pytest.param("(2023)豫汴证经字第1234号", "NOTARIAL", id="notarised-debt"),
    ],
)
async def test_a_case_shows_the_kind_of_its_basis(api: Clients, basis: str, kind: str) -> None:
    # given a case created on a basis of each kind
    created = await _create_case(api.coordinator, CREATE_CASE_WITH_KIND, basis=basis)
    assert created["errors"] == []
    # when the court reads it back
    read = await api.court.data(BASIS_KIND_QUERY, id=created["enforcementCase"]["id"])
    # then both show the kind of 执行依据
    assert created["enforcementCase"]["basisKind"] == kind
    assert read["node"]["basisKind"] == kind


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        pytest.param({"basis": "（2016）汴民初字第45号"}, "basis", "case_number.old_format_year",
                     id="old-format-after-2015"),
        pytest.param({"basis": "（2012）汴执字第45号"}, "basis", "case_number.type_code",
                     id="old-enforcement-number"),
        pytest.param({"basis": "汴仲裁字〔2023）第12号"}, "basis", "basis.brackets",
                     id="award-brackets"),
        pytest.param({"caseNumber": "(2014)汴执字第12号"}, "caseNumber", "case_number.old_format",
                     id="old-format-case-number"),
        pytest.param({"caseNumber": f"（{YEAR - 1}）豫02执9301号",
                      "basis": f"（{YEAR}）豫02民终1号"}, "basis", "basis.after_case",
                     id="basis-after-the-case"),
        pytest.param({"filedOn": f"{YEAR - 1}-12-30"}, "caseNumber", "case_number.after_filing",
                     id="numbered-after-filing"),
    ],
)  # fmt: skip
async def test_a_wrong_basis_or_year_is_a_user_error_naming_the_rule(
    api: Clients, changes: dict[str, Any], field: str, rule: str
) -> None:
    payload = await _create_case(api.coordinator, **changes)
    assert payload["enforcementCase"] is None
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (["input", field], "VALIDATION")
    assert error["message"].endswith(f"[{rule}]")


async def _create_bankruptcy_case(client: Api, uscc: str) -> dict[str, Any]:
    data = await client.data(
        CREATE_BANKRUPTCY_CASE,
        input={
            "caseNumber": f"（{YEAR}）豫02破91号",
            "debtorName": "开封市鼎盛机械制造有限公司",
            "debtorUscc": uscc,
            "courtId": await _unit_id("KF-ZY"),
            "administrator": "河南大宋律师事务所",
            "procedure": "LIQUIDATION",
            "acceptedOn": TODAY.isoformat(),
        },
    )
    payload: dict[str, Any] = data["createBankruptcyCase"]
    return payload


@pytest.mark.parametrize(
    "uscc",
    [
        pytest.param("91410200MA44ABCD51", id="enterprise-开封"),
        pytest.param("N2410212MF1234567X", id="village-collective"),
    ],
)
async def test_a_debtor_uscc_of_any_authority_is_stored(api: Clients, uscc: str) -> None:
    payload = await _create_bankruptcy_case(api.coordinator, uscc)
    assert payload["errors"] == []
    assert payload["bankruptcyCase"]["debtorUscc"] == uscc


@pytest.mark.parametrize(
    ("uscc", "rule"),
    [
        pytest.param("000000000000000000", "uscc.authority", id="all-zeros"),
        pytest.param("A1410200MA4ABCDE1Q", "uscc.organisation_code", id="authority-A-bad-org-code"),
        pytest.param("94410200MA44ABCD1B", "uscc.category", id="工商-category-4"),
        pytest.param("91412000MA44ABCD13", "uscc.region", id="河南-prefecture-20"),
    ],
)
async def test_a_debtor_uscc_is_checked_part_by_part(api: Clients, uscc: str, rule: str) -> None:
    payload = await _create_bankruptcy_case(api.coordinator, uscc)
    assert payload["bankruptcyCase"] is None
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (["input", "debtorUscc"], "VALIDATION")
    assert error["message"].endswith(f"[{rule}]")
