"""importLedger over HTTP: a multipart upload, its dry run, the batch on what it created,
who may import, and the templates' download."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from store.models import EnforcementCase, ImportBatch, Unit
from tests.schema.conftest import Api, Clients

IMPORT = """
mutation ($input: ImportLedgerInput!) {
  importLedger(input: $input) {
    batch { id kind fileName sha256 rows created importedBy { username } importedAt }
    rows created problemCount
    problems { code message sheet row column }
    errors { field code message }
  }
}
"""
CASE = """
query ($q: String) {
  enforcementCases(filter: {search: $q}) {
    nodes { caseNumber importBatch { id fileName importedBy { username } }
            tasks { code state importBatch { id kind } } }
  }
}
"""
HEADERS = [
    "案号", "执行法院", "申请执行人", "申请执行人类型", "被执行人", "执行依据", "案由",
    "执行标的（元）", "立案日期", "案件来源", "交办批次",
]  # fmt: skip


def cases_file(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "执行案件"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def case_row(
    serial: int, respondent: str = "KF-CZJ", court: str = "开封市中级人民法院"
) -> list[Any]:
    return [
        f"（2024）豫02执{serial}号", court, "某公司", "企业", respondent,
        f"（2023）豫02民初{serial}号", "合同纠纷", "1000.50", dt.date(2024, 3, 1), "市联席办交办",
        "市联席办2024年第2批",
    ]  # fmt: skip


async def test_a_coordinator_checks_then_imports_and_the_batch_shows_on_case_and_task(
    api: Clients,
) -> None:
    court = await Unit.get(code="KF-ZY")
    assert court.court_code == "豫02"
    bad = cases_file(case_row(91001), case_row(91002, respondent="开封市财政厅"))

    dry = (await api.coordinator.upload(IMPORT, bad, input={"kind": "CASES", "dryRun": True}))[
        "data"
    ]["importLedger"]

    assert dry["batch"] is None
    assert dry["problemCount"] == 1
    assert dry["problems"] == [
        {
            "code": "NOT_FOUND",
            "message": dry["problems"][0]["message"],
            "sheet": "执行案件",
            "row": 3,
            "column": "被执行人",
        }
    ]
    assert dry["problems"][0]["message"].startswith(
        "row 3, column 「被执行人」: no unit is named or coded 「开封市财政厅」"
    )
    assert "开封市财政局" in dry["problems"][0]["message"]
    assert dry["errors"][0]["field"] == ["input", "file"]

    good = cases_file(case_row(91001), case_row(91002, respondent="开封市财政局"))
    body = await api.coordinator.upload(IMPORT, good, name="第2批.xlsx", input={"kind": "CASES"})
    payload = body["data"]["importLedger"]

    assert payload["errors"] == []
    assert payload["problemCount"] == 0
    batch = payload["batch"]
    assert (batch["kind"], batch["fileName"], batch["rows"], batch["created"]) == (
        "CASES", "第2批.xlsx", 2, 4,
    )  # fmt: skip
    assert batch["importedBy"] == {"username": "demo-coordinator"}
    assert len(batch["sha256"]) == 64
    node = (await api.coordinator.data(CASE, q="（2024）豫02执91001号"))["enforcementCases"][
        "nodes"
    ][0]
    assert node["importBatch"]["id"] == batch["id"]
    assert node["tasks"][0]["state"] == "DRAFT"
    assert node["tasks"][0]["importBatch"] == {"id": batch["id"], "kind": "CASES"}

    again = (await api.coordinator.upload(IMPORT, good, input={"kind": "CASES"}))["data"][
        "importLedger"
    ]
    assert again["batch"] is None
    assert {problem["code"] for problem in again["problems"]} == {"DUPLICATE"}
    assert await EnforcementCase.filter(case_number="（2024）豫02执91001号").count() == 1
    assert await ImportBatch.all().count() == 1


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", True), ("court", False), ("unit", False), ("leader", False),
])  # fmt: skip
async def test_only_the_office_and_administrators_import(
    api: Clients, role: str, allowed: bool
) -> None:
    client: Api = getattr(api, role)
    dry_run = {"kind": "CASES", "dryRun": True}
    body = await client.upload(IMPORT, cases_file(case_row(91003)), input=dry_run)
    if allowed:
        assert body["data"]["importLedger"]["problemCount"] == 0
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_templates_download_for_a_signed_in_account(
    api: Clients, http: httpx.AsyncClient
) -> None:
    await api.unit("{ viewer { username } }")
    headers = {"authorization": f"Bearer {api.unit.token}"}
    for kind, sheet in (
        ("cases", "执行案件"),
        ("matters", "破产协调事项"),
        ("decisions", "议定事项"),
    ):
        response = await http.get(f"/ledgers/templates/{kind}.xlsx", headers=headers)
        assert response.status_code == 200, response.text
        assert f'filename="template-{kind}.xlsx"' in response.headers["content-disposition"]
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[0] == sheet
        assert "填写说明" in book.sheetnames
    assert (await http.get("/ledgers/templates/cases.xlsx")).status_code == 401
    assert (await http.get("/ledgers/templates/units.xlsx", headers=headers)).status_code == 404
