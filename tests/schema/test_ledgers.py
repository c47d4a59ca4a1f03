"""台账 over HTTP: exportLedger's URL, the .xlsx a viewer downloads, its scope and layout."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.schema.conftest import Api, Clients

EXPORT = """
mutation ($input: ExportLedgerInput!) {
  exportLedger(input: $input) { url errors { field code message } }
}
"""
TASKS = """
query ($filter: TaskFilter, $after: String) {
  list: tasks(filter: $filter, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { code warning }
  }
}
"""
CASES = """
query ($after: String) {
  list: enforcementCases(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { caseNumber applicantName amountDue amountPerformed }
  }
}
"""
PROGRESS = """
query ($s: ProgressScope) { progress(scope: $s) { total byUnit { unit { name } total } } }
"""
WARNINGS = {
    "RED": "红色预警（超期）",
    "YELLOW": "黄色预警（滞后）",
    "BLUE": "蓝色预警（临期）",
    "NONE": "无预警",
    "UNKNOWN": "无法判定",
}
FILLS = {"RED": "FFFF9999", "YELLOW": "FFFFE699", "BLUE": "FF9DC3E6"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _listed(client: Api, query: str, **variables: Any) -> list[dict[str, Any]]:
    """Every node of a list, page by page, in the list's order."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await client.data(query, after=after, **variables))["list"]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def _export(client: Api, kind: str, filter: dict[str, Any] | None = None) -> str:
    data = await client.data(EXPORT, input={"kind": kind, "filter": filter})
    payload = data["exportLedger"]
    assert payload["errors"] == []
    url: str = payload["url"]
    return url


async def _download(http: httpx.AsyncClient, client: Api | None, url: str) -> httpx.Response:
    headers = {}
    if client is not None:
        await client("{ viewer { username } }")  # signs in
        headers["authorization"] = f"Bearer {client.token}"
    return await http.get(url, headers=headers)


async def _sheet(http: httpx.AsyncClient, client: Api, url: str) -> Worksheet:
    response = await _download(http, client, url)
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _body(sheet: Worksheet) -> list[tuple[Any, ...]]:
    """The data rows, below the title row and the header row."""
    return list(sheet.iter_rows(min_row=3, values_only=True))


def _header(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[2]]


async def test_the_coordinators_task_ledger_is_the_task_list_an_office_prints(
    api: Clients, http: httpx.AsyncClient
) -> None:
    url = await _export(api.coordinator, "TASKS")
    sheet = await _sheet(http, api.coordinator, url)
    listed = await _listed(api.coordinator, TASKS)

    assert url == "/ledgers/tasks.xlsx"
    title = sheet["A1"].value
    assert isinstance(title, str)
    assert title.startswith("交办事项台账（范围：全部；截至")
    assert "北京时间" in title
    assert _header(sheet)[:4] == ["序号", "编号", "事项名称", "类别"]
    assert "最新进展" in _header(sheet)
    rows = _body(sheet)
    assert [row[1] for row in rows] == [node["code"] for node in listed]
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    # What a printer and a spreadsheet user see.
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize or 0) == 9  # A4 (Worksheet.PAPERSIZE_A4)
    setup = sheet.sheet_properties.pageSetUpPr
    assert setup is not None
    assert setup.fitToPage  # one page wide
    assert sheet.column_dimensions["C"].width == 36
    first = sheet[3]
    assert first[1].data_type == "s"
    assert first[1].number_format == "@"
    assert isinstance(first[6].value, dt.datetime)
    assert first[6].number_format == "yyyy-mm-dd"
    assert first[8].value in {"草稿", "已交办", "已签收", "办理中", "已销号", "申请销号", "已撤销"}
    assert any(node["warning"] == "RED" for node in listed), "the demo has overdue tasks"
    for cells, node in zip(sheet.iter_rows(min_row=3), listed, strict=True):
        warning, days_overdue = cells[9], cells[11].value
        assert warning.value == WARNINGS[node["warning"]]
        assert warning.fill.fgColor.rgb == FILLS.get(node["warning"], "00000000")
        if node["warning"] == "RED":
            assert isinstance(days_overdue, int)
            assert days_overdue >= 0
        else:
            assert days_overdue is None


async def test_a_unit_liaison_exports_only_its_own_units_tasks(
    api: Clients, http: httpx.AsyncClient
) -> None:
    everything = _body(await _sheet(http, api.coordinator, await _export(api.coordinator, "TASKS")))
    own = await _sheet(http, api.unit, await _export(api.unit, "TASKS"))
    listed = await _listed(api.unit, TASKS)
    unit = (await api.unit.data("{ viewer { unit { name } } }"))["viewer"]["unit"]["name"]

    assert sorted(row[1] for row in _body(own)) == sorted(node["code"] for node in listed)
    assert 0 < len(_body(own)) < len(everything)
    assert f"范围：{unit}；" in str(own["A1"].value)


async def test_the_same_url_downloaded_by_another_viewer_shows_that_viewers_rows(
    api: Clients, http: httpx.AsyncClient
) -> None:
    url = await _export(api.coordinator, "TASKS")
    passed_on = _body(await _sheet(http, api.unit2, url))
    listed = await _listed(api.unit2, TASKS)

    assert sorted(row[1] for row in passed_on) == sorted(node["code"] for node in listed)


async def test_the_filter_means_what_it_means_on_the_task_list(
    api: Clients, http: httpx.AsyncClient
) -> None:
    task_filter = {"state": ["CLOSED"], "dueAfter": "2025-01-01"}
    url = await _export(api.coordinator, "TASKS", {"tasks": task_filter})
    rows = _body(await _sheet(http, api.coordinator, url))
    listed = await _listed(api.coordinator, TASKS, filter=task_filter)

    assert url.startswith("/ledgers/tasks.xlsx?filter=")
    assert [row[1] for row in rows] == [node["code"] for node in listed]
    assert {row[8] for row in rows} == {"已销号"}


async def test_a_filter_of_another_list_is_refused(api: Clients) -> None:
    body = await api.coordinator(
        EXPORT, input={"kind": "CASES", "filter": {"tasks": {"state": ["CLOSED"]}}}
    )

    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "filter.enforcementCases" in body["errors"][0]["message"]


async def test_the_case_ledger_has_amounts_to_the_fen_and_masks_persons_for_a_unit(
    api: Clients, http: httpx.AsyncClient
) -> None:
    coordinator = await _sheet(http, api.coordinator, await _export(api.coordinator, "CASES"))
    listed = await _listed(api.coordinator, CASES)
    unit_rows = _body(await _sheet(http, api.unit, await _export(api.unit, "CASES")))
    unit_listed = await _listed(api.unit, CASES)

    header = _header(coordinator)
    assert header[1] == "案号"
    assert header[7] == "执行标的（元）"
    rows = _body(coordinator)
    by_number = {row[1]: row for row in rows}
    assert set(by_number) == {node["caseNumber"] for node in listed}
    for node in listed:
        row = by_number[node["caseNumber"]]
        assert Decimal(str(row[7])) == Decimal(node["amountDue"])
        assert Decimal(str(row[8])) == Decimal(node["amountPerformed"])
    money = coordinator.cell(row=3, column=8)
    assert money.number_format == "0.00"
    assert money.data_type == "n"
    assert coordinator.cell(row=3, column=2).data_type == "s"
    assert any(row[15] for row in rows), "the demo has payments"
    # A unit liaison: its own cases, applicants as the API shows them to it.
    assert {row[1]: row[3] for row in unit_rows} == {
        node["caseNumber"]: node["applicantName"] for node in unit_listed
    }


async def test_the_matters_and_units_ledgers(api: Clients, http: httpx.AsyncClient) -> None:
    matters = await _sheet(http, api.coordinator, await _export(api.coordinator, "MATTERS"))
    listed = await _listed(api.coordinator, TASKS, filter={"kind": "BANKRUPTCY_MATTER"})
    as_of = "2026-10-31T18:00:00+08:00"
    units = await _sheet(
        http,
        api.coordinator,
        await _export(api.coordinator, "UNITS", {"progress": {"asOf": as_of}}),
    )
    progress = await api.coordinator.data(PROGRESS, s={"asOf": as_of})

    assert [row[1] for row in _body(matters)] == [node["code"] for node in listed]
    assert listed
    assert _header(matters)[2] == "破产案件案号"
    assert "截至2026-10-31 18:00" in str(units["A1"].value)
    body = _body(units)
    assert body[-1][2] == "合计"
    assert body[-1][3] == progress["progress"]["total"]
    assert [(row[2], row[3]) for row in body[:-1]] == [
        (group["unit"]["name"], group["total"]) for group in progress["progress"]["byUnit"]
    ]


async def test_the_download_is_an_attachment_with_a_chinese_name(
    api: Clients, http: httpx.AsyncClient
) -> None:
    response = await _download(http, api.coordinator, await _export(api.coordinator, "CASES"))

    assert response.headers["content-type"] == XLSX
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="ledger-cases.xlsx"; ')
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.startswith("涉党政机关执行案件台账（")
    assert name.endswith("）.xlsx")
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize(
    ("path", "token", "status", "code"),
    [
        pytest.param("/ledgers/tasks.xlsx", None, 401, "UNAUTHENTICATED", id="no-token"),
        pytest.param("/ledgers/tasks.xlsx", "not-a-token", 401, "UNAUTHENTICATED", id="bad-token"),
        pytest.param("/ledgers/accounts.xlsx", "coordinator", 404, "NOT_FOUND", id="no-such-kind"),
        pytest.param(
            "/ledgers/tasks.xlsx?filter=%7Bnope", "coordinator", 400, "BAD_REQUEST", id="not-json"
        ),
        pytest.param(
            '/ledgers/tasks.xlsx?filter={"tasks":{"state":["NOPE"]}}',
            "coordinator",
            400,
            "BAD_REQUEST",
            id="bad-state",
        ),
    ],
)
async def test_bad_downloads_are_refused(
    api: Clients, http: httpx.AsyncClient, path: str, token: str | None, status: int, code: str
) -> None:
    headers = {}
    if token == "coordinator":
        await api.coordinator("{ viewer { username } }")
        token = api.coordinator.token
    if token is not None:
        headers["authorization"] = f"Bearer {token}"

    response = await http.get(path, headers=headers)

    assert response.status_code == status
    assert response.json()["code"] == code


async def test_signed_out_export_is_refused(api: Clients) -> None:
    body = await api.anonymous(EXPORT, input={"kind": "TASKS"})

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
