"""台账: the task, enforcement-case, bankruptcy-matter and per-unit ledgers as .xlsx.

Each writer takes rows already scoped and filtered by the caller (the GraphQL
mutation's download and the command line build the query the lists build),
reads them in pages of :data:`PAGE` rows and streams them into an openpyxl
write-only workbook, so 50,000 tasks take the memory of one page.

The workbook is what an office prints: a title row with the scope and the
as-of moment (Beijing time), a frozen header row in Chinese, column widths,
dates as dates, money as numbers in 元 with two decimals, identifiers as
text, the warning colour as a cell fill, A4 landscape with the title and
header rows repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from tortoise.queryset import QuerySet

from reports.progress import GroupProgress, ProgressReport
from store.enums import (
    CaseSource,
    ClosureMethod,
    MatterType,
    PartyKind,
    PaymentMethod,
    SupervisionLevel,
    TaskKind,
    TaskState,
)
from store.models import EnforcementCase, PerformanceRecord, Task, TaskEvent, Unit
from store.visibility import mask_name
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.registry import get_definition
from workflow.warnings import Judgement, judge_warning

__all__ = [
    "MEDIA_TYPE",
    "PAGE",
    "LedgerHeading",
    "write_case_ledger",
    "write_matter_ledger",
    "write_task_ledger",
    "write_unit_ledger",
]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 1000
"""Rows read from the database at a time."""

WARNING_LABELS = {
    "RED": "红色预警（超期）",
    "YELLOW": "黄色预警（滞后）",
    "BLUE": "蓝色预警（临期）",
    "NONE": "无预警",
    "UNKNOWN": "无法判定",
}
"""As the dashboard shows them (frontend_stub/format.js)."""

WARNING_FILLS = {
    "RED": PatternFill("solid", start_color="FFFF9999", end_color="FFFF9999"),
    "YELLOW": PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699"),
    "BLUE": PatternFill("solid", start_color="FF9DC3E6", end_color="FF9DC3E6"),
}

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "0.00"
TEXT_FORMAT = "@"
RATE_FORMAT = "0.0%"
_FORMATS = {
    "date": DATE_FORMAT,
    "money": MONEY_FORMAT,
    "rate": RATE_FORMAT,
    "id": TEXT_FORMAT,
    "text": TEXT_FORMAT,
    "long": TEXT_FORMAT,
}

_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="宋体", size=14, bold=True)
_HEADER_FONT = Font(name="宋体", size=11, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_HEADER_FILL = PatternFill("solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="center")
_MIDDLE = Alignment(vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class LedgerHeading:
    """What the title row says: which ledger, whose rows, as of when."""

    title: str
    scope: str
    as_of: dt.datetime

    def text(self) -> str:
        moment = self.as_of.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return f"{self.title}（范围：{self.scope}；截至{moment} 北京时间）"


@dataclass(frozen=True)
class Column:
    """A column: its Chinese header, its width in characters, and what its cells hold."""

    header: str
    width: float
    kind: str = "text"
    """text, id (identifiers, kept as text), date, money, int, rate, or long (wrapped)."""


class _Sheet:
    """One write-only worksheet with the print setup of an office ledger."""

    def __init__(
        self, book: Workbook, name: str, heading: LedgerHeading, columns: Sequence[Column]
    ):
        created = book.create_sheet(name)
        assert isinstance(created, WriteOnlyWorksheet)
        self.sheet = created
        self.columns = columns
        # A write-only sheet hands its print setup to a Worksheet it proxies, which
        # types-openpyxl does not know: set it through Any.
        sheet: Any = created
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A3"  # below the title and the header
        sheet.print_title_rows = "1:2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        self.dimensions = sheet.row_dimensions
        self.dimensions[1].height = 24
        title = WriteOnlyCell(created, value=heading.text())
        title.font = _TITLE_FONT
        created.append([title])
        header = []
        for column in columns:
            cell = WriteOnlyCell(created, value=column.header)
            cell.font, cell.fill, cell.border, cell.alignment = (
                _HEADER_FONT,
                _HEADER_FILL,
                _BORDER,
                _CENTRE,
            )
            header.append(cell)
        created.append(header)
        self.rows = 0
        self.book = book
        self.styles: set[str] = set()

    def _style(self, kind: str, colour: str | None) -> str:
        """The named style of a body cell holding ``kind``, filled with ``colour``.

        One named style per combination, set by name: setting a cell's font, border,
        alignment and format one by one hashes each style object for every cell,
        which took most of a large export's time.
        """
        name = f"ledger-{kind}-{colour or 'plain'}"
        if name not in self.styles:
            style = NamedStyle(
                name=name,
                font=_BODY_FONT,
                border=_BORDER,
                alignment=_WRAP if kind == "long" else _MIDDLE,
                number_format=_FORMATS.get(kind, "General"),
            )
            if colour is not None:
                style.fill = WARNING_FILLS[colour]
            self.book.add_named_style(style)
            self.styles.add(name)
        return name

    def append(self, values: Sequence[object], fills: dict[int, str] | None = None) -> None:
        """One row; ``fills`` gives a warning colour to some of its cells, by index."""
        row = []
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            cell = WriteOnlyCell(self.sheet, value=_cell_value(column.kind, value))
            cell.style = self._style(column.kind, fills.get(index) if fills else None)
            row.append(cell)
        # A write-only sheet cannot fit a row to its wrapped text, nor can most
        # viewers on opening: the row gets the height of its longest text.
        number = self.rows + 3
        texts = zip(self.columns, values, strict=True)
        lines = max(
            (_lines(str(value), column.width) for column, value in texts
             if column.kind == "long" and value),
            default=1,
        )  # fmt: skip
        if lines > 1:
            self.dimensions[number].height = LINE_HEIGHT * lines
        self.sheet.append(row)
        self.dimensions.pop(number, None)  # written: nothing to keep per row
        self.rows += 1


LINE_HEIGHT = 13.5
"""Points per line of 10-point text."""


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (a column's
    width counts digits of the default font; a Chinese character takes about 1.7).

    Example:
        >>> _lines("督促开封市教育局履行判决", 12)
        2
    """
    room = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        size = sum(1.7 if ord(char) > 0x2E7F else 1 for char in paragraph)
        lines += max(math.ceil(size / room), 1)
    return lines


def _cell_value(kind: str, value: object) -> Any:
    if value is None or value == "":
        return None
    if kind == "money":
        assert isinstance(value, int)
        return fen_to_yuan(value)
    if kind in {"id", "text", "long"}:
        return str(value)
    return value


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen as exact 元: 123456 → Decimal('1234.56').

    Example:
        >>> fen_to_yuan(123456)
        Decimal('1234.56')
    """
    return Decimal(fen).scaleb(-2)


def _save(book: Workbook, out: IO[bytes]) -> None:
    book.save(out)


def _label(enum: type[Any], value: str | None) -> str:
    return enum(value).label if value else ""


def _beijing_day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def _judgement(row: dict[str, Any], today: dt.date) -> Judgement:
    return judge_warning(
        str(row["state"]),
        row["assigned_on"],
        row["due_on"],
        today,
        default_calendar(),
        definition=get_definition(row["workflow_key"], row["workflow_version"]),
    )


def warning_of(row: dict[str, Any], today: dt.date) -> str:
    """The task's colour as the task list shows it (``schema.types.tasks.warning_of``):
    the engine's, or UNKNOWN where it depends on a year without an official calendar."""
    colour = _judgement(row, today).colour
    return "UNKNOWN" if colour is None else colour.value


def warning_label(row: dict[str, Any], today: dt.date) -> tuple[str, str]:
    """The colour (:func:`warning_of`) and the ledger's words for it, an UNKNOWN with
    its reason: 无法判定（2027年节假日安排尚未录入）."""
    judgement = _judgement(row, today)
    if judgement.colour is None:
        return "UNKNOWN", f"{WARNING_LABELS['UNKNOWN']}（{judgement.reason}）"
    return judgement.colour.value, WARNING_LABELS[judgement.colour.value]


async def _pages(query: QuerySet[Any], fields: Sequence[str]) -> Any:
    """The rows of ``query`` as dicts, :data:`PAGE` at a time, in its order."""
    offset = 0
    while True:
        page = await query.offset(offset).limit(PAGE).values(*fields)
        if not page:
            return
        yield page
        if len(page) < PAGE:
            return
        offset += PAGE


async def _assisting(ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    pairs = await Task.filter(id__in=ids, assisting_units__id__isnull=False).values_list(
        "id", "assisting_units__name"
    )
    for task_id, name in sorted(pairs, key=lambda pair: (pair[0], pair[1])):
        names.setdefault(task_id, []).append(name)
    return names


async def _latest_reports(ids: list[int]) -> dict[int, str]:
    """The latest 报告进展 of each task: its date and words."""
    latest: dict[int, str] = {}
    events = (
        await TaskEvent.filter(task_id__in=ids, action="report")
        .order_by("task_id", "seq")
        .values_list("task_id", "occurred_at", "comment")
    )
    for task_id, occurred_at, comment in events:
        latest[task_id] = f"{_beijing_day(occurred_at)}：{comment}"
    return latest


_TASK_FIELDS = (
    "id",
    "code",
    "title",
    "kind",
    "responsible_unit__name",
    "assigned_on",
    "due_on",
    "state",
    "supervision_level",
    "workflow_key",
    "workflow_version",
    "closed_at",
    "enforcement_case__closure_method",
)

TASK_COLUMNS = (
    Column("序号", 6, "int"),
    Column("编号", 15, "id"),
    Column("事项名称", 36, "long"),
    Column("类别", 16),
    Column("责任单位", 20, "long"),
    Column("协办单位", 20, "long"),
    Column("交办日期", 11, "date"),
    Column("办结时限", 11, "date"),
    Column("办理状态", 10),
    Column("预警", 16),
    Column("督办等级", 8),
    Column("超期天数", 8, "int"),
    Column("销号日期", 11, "date"),
    Column("结案方式", 14),
    Column("最新进展", 40, "long"),
)
_TASK_WARNING = 9  # the index of 预警 in TASK_COLUMNS


def _days_overdue(row: dict[str, Any], colour: str, today: dt.date) -> int | None:
    if colour != "RED" or row["due_on"] is None:
        return None
    due: dt.date = row["due_on"]
    return max((today - due).days, 0)


async def write_task_ledger(
    query: QuerySet[Task], out: IO[bytes], *, heading: LedgerHeading, today: dt.date
) -> int:
    """The task ledger (交办事项台账) of ``query``'s tasks, in its order; the rows written."""
    book = Workbook(write_only=True)
    sheet = _Sheet(book, "交办事项台账", heading, TASK_COLUMNS)
    async for page in _pages(query, _TASK_FIELDS):
        ids = [row["id"] for row in page]
        assisting, reports = await _assisting(ids), await _latest_reports(ids)
        for row in page:
            colour, label = warning_label(row, today)
            sheet.append(
                [
                    sheet.rows + 1,
                    row["code"],
                    row["title"],
                    _label(TaskKind, row["kind"]),
                    row["responsible_unit__name"],
                    "、".join(assisting.get(row["id"], [])),
                    row["assigned_on"],
                    row["due_on"],
                    _label(TaskState, row["state"]),
                    label,
                    _label(SupervisionLevel, row["supervision_level"]),
                    _days_overdue(row, colour, today),
                    _beijing_day(row["closed_at"]),
                    _closure(row),
                    reports.get(row["id"], ""),
                ],
                _fills(colour, _TASK_WARNING),
            )
    _save(book, out)
    return sheet.rows


def _fills(colour: str, column: int) -> dict[int, str] | None:
    return {column: colour} if colour in WARNING_FILLS else None


def _closure(row: dict[str, Any]) -> str:
    """结案方式 of a closed task's case (a request's method is not yet one), else 销号."""
    if row["state"] != TaskState.CLOSED.value:
        return ""
    method = row.get("enforcement_case__closure_method")
    return _label(ClosureMethod, method) if method else "销号"


_MATTER_FIELDS = (
    *_TASK_FIELDS,
    "bankruptcy_case__case_number",
    "bankruptcy_case__debtor_name",
    "bankruptcy_case__court__name",
    "matter_type",
)

MATTER_COLUMNS = (
    Column("序号", 6, "int"),
    Column("编号", 15, "id"),
    Column("破产案件案号", 24, "id"),
    Column("债务人", 24, "long"),
    Column("受理法院", 18, "long"),
    Column("事项类型", 12),
    Column("协调事项", 32, "long"),
    Column("责任单位", 18, "long"),
    Column("交办日期", 11, "date"),
    Column("办结时限", 11, "date"),
    Column("办理状态", 10),
    Column("预警", 16),
    Column("超期天数", 8, "int"),
    Column("销号日期", 11, "date"),
    Column("最新进展", 36, "long"),
)
_MATTER_WARNING = 11


async def write_matter_ledger(
    query: QuerySet[Task], out: IO[bytes], *, heading: LedgerHeading, today: dt.date
) -> int:
    """The bankruptcy matters ledger (破产协调事项台账): ``query``'s tasks of that kind."""
    book = Workbook(write_only=True)
    sheet = _Sheet(book, "破产协调事项台账", heading, MATTER_COLUMNS)
    matters = query.filter(kind=TaskKind.BANKRUPTCY_MATTER)
    async for page in _pages(matters, _MATTER_FIELDS):
        reports = await _latest_reports([row["id"] for row in page])
        for row in page:
            colour, label = warning_label(row, today)
            sheet.append(
                [
                    sheet.rows + 1,
                    row["code"],
                    row["bankruptcy_case__case_number"],
                    row["bankruptcy_case__debtor_name"],
                    row["bankruptcy_case__court__name"],
                    _label(MatterType, row["matter_type"]),
                    row["title"],
                    row["responsible_unit__name"],
                    row["assigned_on"],
                    row["due_on"],
                    _label(TaskState, row["state"]),
                    label,
                    _days_overdue(row, colour, today),
                    _beijing_day(row["closed_at"]),
                    reports.get(row["id"], ""),
                ],
                _fills(colour, _MATTER_WARNING),
            )
    _save(book, out)
    return sheet.rows


_CASE_FIELDS = (
    "id",
    "case_number",
    "court__name",
    "applicant_name",
    "applicant_kind",
    "respondent__name",
    "basis",
    "cause",
    "amount_due_fen",
    "filed_on",
    "source",
    "batch",
    "closure_method",
    "closed_on",
)

CASE_COLUMNS = (
    Column("序号", 6, "int"),
    Column("案号", 24, "id"),
    Column("执行法院", 18, "long"),
    Column("申请执行人", 18, "long"),
    Column("被执行人", 20, "long"),
    Column("执行依据", 24, "id"),
    Column("案由", 14, "long"),
    Column("执行标的（元）", 14, "money"),
    Column("已履行金额（元）", 14, "money"),
    Column("未履行金额（元）", 14, "money"),
    Column("立案日期", 11, "date"),
    Column("案件来源", 13),
    Column("交办批次", 21, "id"),
    Column("结案方式", 14),
    Column("结案日期", 12, "date"),
    Column("履行记录", 40, "long"),
    Column("申请执行人类型", 12),
)
"""The columns a case is imported from (reports/ledger_import.py) have the import's headers,
so an exported case ledger can be imported again as it is."""


async def _payments(ids: list[int]) -> dict[int, list[tuple[dt.date, int, str]]]:
    payments: dict[int, list[tuple[dt.date, int, str]]] = {}
    rows = (
        await PerformanceRecord.filter(case_id__in=ids)
        .order_by("case_id", "paid_on", "id")
        .values_list("case_id", "paid_on", "amount_fen", "method")
    )
    for case_id, paid_on, amount_fen, method in rows:
        payments.setdefault(case_id, []).append((paid_on, amount_fen, method))
    return payments


def _payment_text(payments: Iterable[tuple[dt.date, int, str]]) -> str:
    return "；".join(
        f"{paid_on} {_label(PaymentMethod, method)} {fen_to_yuan(amount):,}元"
        for paid_on, amount, method in payments
    )


async def write_case_ledger(
    query: QuerySet[EnforcementCase],
    out: IO[bytes],
    *,
    heading: LedgerHeading,
    personal_data: bool,
) -> int:
    """The enforcement-case ledger (涉党政机关执行案件台账) with amounts and payments.

    ``personal_data``: whether the viewer reads natural persons' names; if not,
    an applicant who is a person shows as 张** (as ``EnforcementCase.applicantName``).
    """
    book = Workbook(write_only=True)
    sheet = _Sheet(book, "执行案件台账", heading, CASE_COLUMNS)
    async for page in _pages(query, _CASE_FIELDS):
        payments = await _payments([row["id"] for row in page])
        for row in page:
            paid = payments.get(row["id"], [])
            performed = sum(amount for _, amount, _ in paid)
            applicant = row["applicant_name"]
            if row["applicant_kind"] == PartyKind.PERSON.value and not personal_data:
                applicant = mask_name(applicant)
            sheet.append(
                [
                    sheet.rows + 1,
                    row["case_number"],
                    row["court__name"],
                    applicant,
                    row["respondent__name"],
                    row["basis"],
                    row["cause"],
                    row["amount_due_fen"],
                    performed,
                    max(row["amount_due_fen"] - performed, 0),
                    row["filed_on"],
                    _label(CaseSource, row["source"]),
                    row["batch"],
                    # the method asked for is not the case's until it closes
                    _label(ClosureMethod, row["closure_method"]) if row["closed_on"] else "",
                    row["closed_on"],
                    _payment_text(paid),
                    _label(PartyKind, row["applicant_kind"]),
                ]
            )
    _save(book, out)
    return sheet.rows


UNIT_COLUMNS = (
    Column("序号", 6, "int"),
    Column("单位编码", 12, "id"),
    Column("责任单位", 26, "long"),
    Column("交办总数", 10, "int"),
    Column("已销号", 9, "int"),
    Column("已撤销", 9, "int"),
    Column("未办结", 9, "int"),
    Column("超期", 9, "int"),
    Column("按期销号", 10, "int"),
    Column("销号率", 9, "rate"),
    Column("按期销号率", 10, "rate"),
)


def _unit_row(serial: int | None, code: str, name: str, group: GroupProgress) -> list[object]:
    return [
        serial,
        code,
        name,
        group.total,
        group.closed,
        group.cancelled,
        group.open,
        group.overdue,
        group.closed_on_time,
        group.closure_rate,
        group.on_time_rate,
    ]


async def write_unit_ledger(
    report: ProgressReport, out: IO[bytes], *, heading: LedgerHeading
) -> int:
    """The per-unit summary (责任单位闭环进度台账) of ``report``, with a total row."""
    book = Workbook(write_only=True)
    sheet = _Sheet(book, "单位汇总台账", heading, UNIT_COLUMNS)
    ids = [group.unit_id for group in report.by_unit if group.unit_id is not None]
    codes = dict(await Unit.filter(id__in=ids).values_list("id", "code"))
    for group in report.by_unit:
        sheet.append(_unit_row(sheet.rows + 1, codes.get(group.unit_id, ""), group.name, group))
    total = GroupProgress(
        key="total",
        name="合计",
        total=report.total,
        closed=report.closed,
        cancelled=report.cancelled,
        overdue=report.overdue,
        closed_on_time=report.closed_on_time,
    )
    sheet.append(_unit_row(None, "", "合计", total))
    _save(book, out)
    return sheet.rows - 1
