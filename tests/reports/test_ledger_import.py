"""清单式交办 (reports/ledger_import.py): templates, checking every row, all or nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import shutil
import uuid
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from tortoise import Tortoise

from reports.ledger_import import import_ledger, write_template
from reports.ledgers import LedgerHeading, write_case_ledger
from store.enums import TaskKind, UnitKind
from store.models import (
    BankruptcyCase,
    EnforcementCase,
    ImportBatch,
    JointMeeting,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from tests.conftest import (
    _admin_execute,
    dialect,
    drop_database,
    open_database,
    postgres_url,
    with_database,
)
from workflow.i18n import set_default_language

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
HEADERS = [
    "案号", "执行法院", "申请执行人", "申请执行人类型", "被执行人", "执行依据", "案由",
    "执行标的（元）", "立案日期", "案件来源", "交办批次", "办结时限",
]  # fmt: skip


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """The problems as a liaison reads them: in Chinese (the tests of the rest run in
    English; tests/schema/test_ledger_import.py reads the English through the API)."""
    set_default_language("zh_CN")
    try:
        yield
    finally:
        set_default_language("en")


@pytest.fixture
async def demo(demo_database_url: str) -> AsyncIterator[None]:
    await open_database(demo_database_url)
    try:
        yield
    finally:
        await Tortoise.close_connections()


def _book(rows: list[list[Any]], *, title: bool = True) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "执行案件"
    if title:
        sheet.append(["涉党政机关执行案件交办清单"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    return book


def _bytes(book: Workbook, *, numbers: dict[str, str] | None = None) -> bytes:
    """The .xlsx of ``book``; ``numbers`` rewrites numeric cells' stored text, as Excel
    or WPS stores an 18-digit number in full (openpyxl itself writes a float)."""
    out = io.BytesIO()
    book.save(out)
    if not numbers:
        return out.getvalue()
    patched = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(out.getvalue())) as source,
        zipfile.ZipFile(patched, "w") as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for stored, exact in numbers.items():
                    text = text.replace(f"<v>{stored}</v>", f"<v>{exact}</v>")
                content = text.encode()
            target.writestr(item, content)
    return patched.getvalue()


async def _units() -> tuple[Unit, Unit, Unit]:
    courts = await Unit.filter(kind=UnitKind.COURT, court_code__isnull=False).order_by("id")
    organ = await Unit.filter(kind=UnitKind.DEPARTMENT).order_by("id").first()
    assert organ is not None
    assert len(courts) >= 2
    return courts[0], courts[1], organ


def _case_row(court: Unit, organ: Unit, serial: int, **changes: Any) -> list[Any]:
    row = {
        "案号": f"（2024）{court.court_code}执{serial}号",
        "执行法院": court.name,
        "申请执行人": "开封某建设工程有限公司",
        "申请执行人类型": "企业",
        "被执行人": organ.code,
        "执行依据": f"（2023）{court.court_code}民初{serial}号",
        "案由": "建设工程施工合同纠纷",
        "执行标的（元）": 123456.78,
        "立案日期": dt.datetime(2024, 3, 1),
        "案件来源": "省联席办交办",
        "交办批次": "省联席办2024年第1批",
        "办结时限": "2024/6/30",
    }
    row.update(changes)
    return [row[header] for header in HEADERS]


async def test_five_thousand_rows_with_one_bad_case_number_store_nothing_and_name_the_row(
    demo: None,
) -> None:
    # given 5,000 rows (the header in row 2), the one in Excel row 4,321 carrying
    # another court's code in its case number
    court, other, organ = await _units()
    rows = [_case_row(court, organ, 70000 + n) for n in range(5000)]
    rows[4321 - 3][0] = f"（2024）{other.court_code}执99999号"
    data = _bytes(_book(rows))
    cases, tasks = await EnforcementCase.all().count(), await Task.all().count()

    result = await import_ledger("cases", data, "批次.xlsx", dry_run=False, imported_by=None,
                                 now=NOW)  # fmt: skip

    assert result.rows == 5000
    assert result.batch is None
    assert result.problem_count == 1
    assert result.problems[0].row == 4321
    assert result.problems[0].column == "案号"
    assert result.problems[0].message.startswith("第4321行「案号」：法院代字与法院不符")
    assert await EnforcementCase.all().count() == cases
    assert await Task.all().count() == tasks
    assert await ImportBatch.all().count() == 0


async def test_an_import_stores_cases_and_draft_tasks_once_and_refuses_the_same_file_again(
    demo: None,
) -> None:
    # given two good rows: an 18-digit batch number Excel stored as a number, money as
    # text with separators, a full-width-bracketed case number
    court, _, organ = await _units()
    rows: list[list[Any]] = [
        _case_row(
            court, organ, 80001, 交办批次=913302001234567890, **{"执行标的（元）": "1,234.56元"}
        ),
        _case_row(court, organ, 80002, 立案日期="2024年3月2日", 办结时限=None),
    ]
    data = _bytes(_book(rows), numbers={"9.133020012345679e+17": "913302001234567890"})

    dry = await import_ledger("cases", data, "a.xlsx", dry_run=True, imported_by=None, now=NOW)
    assert (dry.problem_count, dry.rows, dry.created, dry.batch) == (0, 2, 4, None)
    assert await ImportBatch.all().count() == 0

    result = await import_ledger("cases", data, "a.xlsx", dry_run=False, imported_by=None,
                                 now=NOW)  # fmt: skip

    assert result.problem_count == 0
    assert result.batch is not None
    first = await EnforcementCase.get(case_number=f"（2024）{court.court_code}执80001号")
    assert first.batch == "913302001234567890"
    assert first.amount_due_fen == 123456
    assert first.import_batch_id == result.batch.id  # type: ignore[attr-defined]
    second = await EnforcementCase.get(case_number=f"（2024）{court.court_code}执80002号")
    assert second.filed_on == dt.date(2024, 3, 2)
    task = await Task.get(enforcement_case_id=first.id)
    assert task.import_batch_id == result.batch.id  # type: ignore[attr-defined]
    assert task.responsible_unit_id == organ.id  # type: ignore[attr-defined]
    assert task.due_on == dt.date(2024, 6, 30)
    assert await TaskEvent.filter(task_id=task.id).values_list("seq", "action") == [(1, "create")]
    batch = await ImportBatch.get(id=result.batch.id)
    assert (batch.kind, batch.file_name, batch.rows, batch.created) == ("cases", "a.xlsx", 2, 4)

    # when the same file comes again, and again with a byte changed (a new file name)
    again = await import_ledger("cases", data, "a.xlsx", dry_run=False, imported_by=None,
                                now=NOW)  # fmt: skip
    assert again.batch is None
    assert {p.code.value for p in again.problems} == {"DUPLICATE"}
    assert [p.row for p in again.problems] == [None, 3, 4]
    assert await ImportBatch.all().count() == 1


async def test_an_unknown_unit_is_a_problem_with_the_closest_names(demo: None) -> None:
    court, _, organ = await _units()
    rows = [_case_row(court, organ, 80003, 被执行人=organ.name[:-1] + "厅")]
    before = await Unit.all().count()

    result = await import_ledger("cases", _bytes(_book(rows)), "b.xlsx", dry_run=True,
                                 imported_by=None, now=NOW)  # fmt: skip

    assert result.problem_count == 1
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.code.value) == (3, "被执行人", "NOT_FOUND")
    assert organ.name in problem.message
    assert await Unit.all().count() == before


async def test_the_template_opens_and_its_drop_downs_list_the_units(demo: None) -> None:
    out = io.BytesIO()
    await write_template("cases", out)

    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["执行案件", "选项", "填写说明"]
    sheet = book["执行案件"]
    assert [cell.value for cell in sheet[2]] == HEADERS
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        sheet_name, cells = validation.formula1.split("!")
        start, end = cells.replace("$", "").split(":")
        values = [row[0].value for row in book[sheet_name][start:end]]
        lists[str(validation.sqref).split(":")[0][0]] = values
    courts = await Unit.filter(kind=UnitKind.COURT).order_by("id").values_list("name", flat=True)
    assert lists["B"] == courts
    assert "开封市教育局" in lists["E"] or len(lists["E"]) > 5
    assert lists["J"] == ["省联席办交办", "市联席办交办", "法院移送", "自查"]
    assert sheet.column_dimensions["H"].number_format == "0.00"
    assert sheet.column_dimensions["I"].number_format == "yyyy-mm-dd"


def _merged() -> bytes:
    book = _book([], title=False)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.merge_cells("A1:B1")
    return _bytes(book)


def _extra_sheet() -> bytes:
    book = _book([])
    book.create_sheet("Sheet2")
    return _bytes(book)


def _missing_column() -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append([header for header in HEADERS if header != "立案日期"])
    return _bytes(book)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(_missing_column, "缺少列「立案日期」", id="missing-column"),
        pytest.param(_extra_sheet, "多余的工作表「Sheet2」", id="extra-sheet"),
        pytest.param(_merged, "合并单元格（A1:B1）", id="merged-header"),
        pytest.param(lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "（.xls）",
                     id="xls"),
        pytest.param(lambda: "案号,执行法院\n".encode(), "CSV", id="csv"),
    ],
)  # fmt: skip
async def test_a_file_that_is_not_the_ledger_gets_a_clear_error(
    db: str, make: Any, words: str
) -> None:
    result = await import_ledger("cases", make(), "x.xlsx", dry_run=False, imported_by=None,
                                 now=NOW)  # fmt: skip

    assert result.problem_count == 1
    assert result.batch is None
    assert words in result.problems[0].message


async def _export_cases() -> list[tuple[Any, ...]]:
    out = io.BytesIO()
    heading = LedgerHeading("涉党政机关执行案件台账", "全部", NOW)
    await write_case_ledger(
        EnforcementCase.all().order_by("id"), out, heading=heading, personal_data=True
    )
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert isinstance(sheet, Worksheet)
    # the columns a case is imported from: 案号 … 执行标的, 立案日期 … 交办批次, 申请执行人类型
    return sorted(
        (*row[1:8], *row[10:13], row[16]) for row in sheet.iter_rows(min_row=3, values_only=True)
    )


@pytest.fixture
def empty_url(
    demo_database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A fresh migrated empty database of the demo database's backend, beside it."""
    if dialect(demo_database_url) == "sqlite":
        path = tmp_path / "empty.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite://{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"fuyuan_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = postgres_url()
    assert url is not None
    yield with_database(url, name)
    asyncio.run(drop_database(name))


async def test_the_exported_case_ledger_imports_into_an_empty_database_as_the_same_rows(
    demo_database_url: str, empty_url: str
) -> None:
    # given the demo's case ledger, and its units
    await open_database(demo_database_url)
    try:
        exported = await _export_cases()
        units = await Unit.all().order_by("id").values("code", "name", "kind", "court_code")
        out = io.BytesIO()
        await write_case_ledger(
            EnforcementCase.all().order_by("id"),
            out,
            heading=LedgerHeading("涉党政机关执行案件台账", "全部", NOW),
            personal_data=True,
        )
    finally:
        await Tortoise.close_connections()
    # when it is imported into an empty database holding the same units
    await open_database(empty_url)
    try:
        await Unit.bulk_create([Unit(**unit) for unit in units])
        result = await import_ledger("cases", out.getvalue(), "台账.xlsx", dry_run=False,
                                     imported_by=None, now=NOW)  # fmt: skip
        assert result.problems == []
        assert result.rows == len(exported)
        # then exported again it holds the same rows
        assert await _export_cases() == exported
    finally:
        await Tortoise.close_connections()


def _tasks_book(sheet_name: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_name
    sheet.append(["清单"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return _bytes(book)


MATTER_HEADERS = ["破产案件案号", "事项类型", "协调事项", "责任单位", "协办单位", "办结时限",
                  "前置事项（行号）"]  # fmt: skip


async def test_matters_wait_for_the_rows_they_name_and_default_to_the_types_department(
    demo: None,
) -> None:
    case = await BankruptcyCase.all().order_by("id").first()
    assert case is not None
    rows: list[list[Any]] = [
        [case.case_number, "职工安置", "核查职工债权清册", None, None, "2026-12-31", None],
        [case.case_number, "税收", "核定欠缴税款", "KF-SWJ", "KF-RSJ、KF-CZJ", None, 3],
        [case.case_number, "资产处置", "评估拍卖厂房设备", "KF-GZW", None, None, "3、4"],
    ]

    result = await import_ledger("matters", _tasks_book("破产协调事项", MATTER_HEADERS, rows),
                                 "m.xlsx", dry_run=False, imported_by=None, now=NOW)  # fmt: skip

    assert result.problems == []
    assert result.batch is not None
    tasks = await Task.filter(import_batch_id=result.batch.id).order_by("id")
    assert [task.title for task in tasks] == [
        "核查职工债权清册",
        "核定欠缴税款",
        "评估拍卖厂房设备",
    ]
    first, second, third = tasks
    assert (await Unit.get(id=first.responsible_unit_id)).code == "KF-RSJ"  # type: ignore[attr-defined]
    assert first.kind is TaskKind.BANKRUPTCY_MATTER
    assert first.bankruptcy_case_id == case.id  # type: ignore[attr-defined]
    assisting = sorted(unit.code for unit in await second.assisting_units.all())
    assert assisting == ["KF-CZJ", "KF-RSJ"]
    links = await TaskDependency.filter(task_id__in=[t.id for t in tasks]).values_list(
        "task_id", "depends_on_id"
    )
    assert sorted(links) == sorted(
        [(second.id, first.id), (third.id, first.id), (third.id, second.id)]
    )


async def test_a_cycle_of_matters_or_an_unknown_case_stores_nothing(demo: None) -> None:
    case = await BankruptcyCase.all().order_by("id").first()
    assert case is not None
    rows: list[list[Any]] = [
        [case.case_number, "职工安置", "甲", None, None, None, 4],
        [case.case_number, "税收", "乙", None, None, None, 3],
        ["（2026）豫02破99号", "税收", "丙", None, None, None, None],
        [case.case_number, "税收", "丁", "KF-SWJ", "KF-SWJ", None, 9],
    ]
    tasks = await Task.all().count()

    result = await import_ledger("matters", _tasks_book("破产协调事项", MATTER_HEADERS, rows),
                                 "m.xlsx", dry_run=False, imported_by=None, now=NOW)  # fmt: skip

    found = {(p.row, p.column, p.code.value) for p in result.problems}
    assert found == {
        (5, "破产案件案号", "NOT_FOUND"),
        (6, "协办单位", "VALIDATION"),  # the responsible unit cannot also assist
        (6, "前置事项（行号）", "VALIDATION"),  # no row 9
        (3, "前置事项（行号）", "CYCLE"),
    }
    cycle = next(p for p in result.problems if p.code.value == "CYCLE")
    assert "第3行→第4行→第3行" in cycle.message
    assert await Task.all().count() == tasks


async def test_meeting_decisions_name_their_meeting_by_its_minutes_number(demo: None) -> None:
    meeting = await JointMeeting.filter(minutes_number__isnull=False).order_by("id").first()
    assert meeting is not None
    assert meeting.minutes_number is not None
    headers = ["会议", "议定事项", "责任单位", "协办单位", "办结时限"]
    rows: list[list[Any]] = [
        [meeting.minutes_number, "建立涉党政机关案件月报制度", "KF-CZJ", "开封市中级人民法院",
         dt.datetime(2027, 1, 15)],
        ["第99次会议", "某事项", "KF-CZJ", None, None],
    ]  # fmt: skip
    data = _tasks_book("议定事项", headers, rows)

    refused = await import_ledger("decisions", data, "d.xlsx", dry_run=False, imported_by=None,
                                  now=NOW)  # fmt: skip
    assert [(p.row, p.column) for p in refused.problems] == [(4, "会议")]
    result = await import_ledger("decisions", _tasks_book("议定事项", headers, rows[:1]),
                                 "d.xlsx", dry_run=False, imported_by=None, now=NOW)  # fmt: skip

    assert result.problems == []
    assert result.batch is not None
    task = await Task.get(import_batch_id=result.batch.id)
    assert task.kind is TaskKind.MEETING_DECISION
    assert task.meeting_id == meeting.id  # type: ignore[attr-defined]
    assert task.due_on == dt.date(2027, 1, 15)


async def test_the_same_file_imported_twice_at_once_is_stored_once(demo: None) -> None:
    court, _, organ = await _units()
    data = _bytes(_book([_case_row(court, organ, 80100 + n) for n in range(50)]))

    results = await asyncio.gather(
        *(
            import_ledger("cases", data, "c.xlsx", dry_run=False, imported_by=None, now=NOW)
            for _ in range(2)
        )
    )

    stored = [result for result in results if result.batch is not None]
    refused = [result for result in results if result.batch is None]
    assert len(stored) == 1
    assert len(refused) == 1
    assert {problem.code.value for problem in refused[0].problems} == {"DUPLICATE"}
    assert await ImportBatch.all().count() == 1
    numbers = [f"（2024）{court.court_code}执{80100 + n}号" for n in range(50)]
    assert await EnforcementCase.filter(case_number__in=numbers).count() == 50


async def test_a_deactivated_unit_takes_no_case_from_a_list(demo: None) -> None:
    court, _, organ = await _units()
    await Unit.filter(id=organ.id).update(is_active=False)

    result = await import_ledger("cases", _bytes(_book([_case_row(court, organ, 80200)])),
                                 "i.xlsx", dry_run=True, imported_by=None, now=NOW)  # fmt: skip

    found = [(p.row, p.column, p.rule) for p in result.problems]
    assert found == [(3, "被执行人", "unit.inactive")]
    assert result.problems[0].message.startswith("第3行「被执行人」：单位已停用")
