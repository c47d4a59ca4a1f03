"""清单式交办: the ledger templates, and importing a filled-in ledger (.xlsx).

Three kinds of ledger (:data:`KINDS`): 涉党政机关执行案件 (``cases``: each row a
case and its enforcement task), 破产协调事项 (``matters``: coordination matters
of registered bankruptcy cases, with dependencies by row number) and
联席会议议定事项 (``decisions``: the decisions of a recorded meeting).

:func:`write_template` writes a kind's template: a title row, the Chinese
headers, a 填写说明 sheet, drop-down lists (the units, sources, kinds, matter
types) from a hidden 选项 sheet, and date and money formats on the columns.
The exported case ledger (``reports.ledgers.write_case_ledger``) has the same
headers, so it can be imported again as it is; columns the import does not
know (序号, 已履行金额 …) are ignored.

:func:`import_ledger` reads a file and checks every row with the rules of the
API's own operations (``store.operations.cases.check_case_fields``,
``store.operations.tasks.check_task_fields`` …), naming each problem by sheet,
row, column header and rule in Chinese (第4321行「案号」：…). A dry run
stops there; a real import stores nothing unless every row is right, then
stores every row in one transaction (``store.operations.imports``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from store.enums import CaseSource, MatterType, PartyKind, TaskKind, UnitKind
from store.errors import StoreError
from store.identifiers import BANKRUPTCY_TYPES, parse_case_number
from store.models import (
    Account,
    BankruptcyCase,
    EnforcementCase,
    ImportBatch,
    JointMeeting,
    Task,
    Unit,
)
from store.operations.cases import (
    ORGAN_KINDS,
    EnforcementCaseInput,
    check_case_fields,
    check_case_units,
)
from store.operations.common import Checks
from store.operations.imports import NewTask, write_import
from store.operations.tasks import (
    TASK_UNIT_KINDS,
    TaskInput,
    check_task_fields,
    check_task_units,
    default_responsible,
)
from workflow.clock import local_today, utcnow
from workflow.errors import ErrorCode
from workflow.i18n import N_, _, join, message_of

__all__ = [
    "KINDS",
    "MAX_PROBLEMS",
    "ImportResult",
    "LedgerProblem",
    "import_ledger",
    "write_template",
]

MAX_PROBLEMS = 200
"""Problems listed in a result; the total is always given."""

INSTRUCTIONS = "填写说明"
OPTIONS = "选项"
TEMPLATE_ROWS = 5000
"""Rows of a template that carry the drop-downs and formats."""


@dataclass(frozen=True)
class Col:
    """A column of a ledger: its header, the input field it feeds, how to read it."""

    header: str
    field: str
    read: str = "text"
    """text, date, money, enum, unit, units (several, 、-separated), rows (row numbers)."""
    required: bool = True
    note: str = ""
    options: str | None = None
    """Which list of the 选项 sheet its drop-down offers."""
    width: float = 16


@dataclass(frozen=True)
class LedgerSpec:
    kind: str
    title: str
    sheet: str
    columns: tuple[Col, ...]

    def by_field(self) -> dict[str, Col]:
        return {column.field: column for column in self.columns}


CASES = LedgerSpec(
    "cases",
    "涉党政机关执行案件交办清单",
    "执行案件",
    (
        Col("案号", "caseNumber", note="如（2023）豫0202执123号，法院代字须与执行法院一致",
            width=24),
        Col("执行法院", "courtId", "unit", note="单位名称或编码", options="法院", width=20),
        Col("申请执行人", "applicantName", width=18),
        Col("申请执行人类型", "applicantKind", "enum", note="自然人、企业或其他组织",
            options="申请执行人类型", width=12),
        Col("被执行人", "respondentId", "unit", note="被执行的党政机关：单位名称或编码",
            options="被执行单位", width=22),
        Col("执行依据", "basis", note="生效裁判文书的案号", width=24),
        Col("案由", "cause", width=14),
        Col("执行标的（元）", "amountDue", "money", note="金额（元），最多两位小数", width=14),
        Col("立案日期", "filedOn", "date", note="日期，如2023-05-31", width=12),
        Col("案件来源", "source", "enum", options="案件来源", width=14),
        Col("交办批次", "batch", required=False, note="如省联席办2023年第1批", width=22),
        Col("办结时限", "dueOn", "date", required=False, note="交办事项的办结时限，可不填",
            width=12),
    ),
)  # fmt: skip
MATTERS = LedgerSpec(
    "matters",
    "破产协调事项交办清单",
    "破产协调事项",
    (
        Col("破产案件案号", "bankruptcyCaseId", note="已登记的破产案件", width=24),
        Col("事项类型", "matterType", "enum", options="事项类型", width=14),
        Col("协调事项", "title", width=36),
        Col("责任单位", "responsibleUnitId", "unit", required=False,
            note="不填则为该事项类型的牵头部门", options="单位", width=22),
        Col("协办单位", "assistingUnitIds", "units", required=False, note="多个单位以、分隔",
            width=22),
        Col("办结时限", "dueOn", "date", required=False, width=12),
        Col("前置事项（行号）", "dependsOnId", "rows", required=False,
            note="本表中须先办结的事项所在行号，多个以、分隔", width=16),
    ),
)  # fmt: skip
DECISIONS = LedgerSpec(
    "decisions",
    "联席会议议定事项交办清单",
    "议定事项",
    (
        Col("会议", "meetingId", note="已登记会议的纪要号，或（只有一次会议叫这个名称时）会议名称",
            width=30),
        Col("议定事项", "title", width=40),
        Col("责任单位", "responsibleUnitId", "unit", options="单位", width=22),
        Col("协办单位", "assistingUnitIds", "units", required=False, note="多个单位以、分隔",
            width=22),
        Col("办结时限", "dueOn", "date", required=False, width=12),
    ),
)  # fmt: skip
KINDS = {spec.kind: spec for spec in (CASES, MATTERS, DECISIONS)}

_ENUMS: dict[str, type[Enum]] = {
    "applicantKind": PartyKind,
    "source": CaseSource,
    "matterType": MatterType,
}

RULES = {
    "case_number.court_mismatch": N_("the court code does not match the court"),
    "case_number.court_code": N_("the court code is wrong"),
    "case_number.format": N_(
        "the case number is malformed; it should read like （2023）豫0202执123号"
    ),
    "case_number.type_code": N_("the case type code is wrong"),
    "case_number.required": N_("required"),
    "case_number.year": N_("the case number's year is wrong"),
    "case_number.after_filing": N_("the case number's year is after the filing date"),
    "case_number.brackets": N_("the case number's brackets are wrong"),
    "case_number.serial": N_("the case number's serial is wrong"),
    "basis.format": N_("the basis is not the case number of a judgment"),
    "basis.after_case": N_("the basis is later than the enforcement case"),
    "amount.type": N_("not an amount"),
    "amount.format": N_("not an amount (like 1234.56)"),
    "amount.precision": N_("an amount has at most two decimals (to the fen)"),
    "amount.negative": N_("an amount cannot be negative"),
    "amount.positive": N_("an amount must be more than zero"),
    "amount.range": N_("the amount is too large"),
    "date.format": N_("not a date (like 2023-05-31)"),
    "date.range": N_("the date is out of range"),
    "text.required": N_("required"),
    "required": N_("required"),
    "text.length": N_("too long"),
    "text.single_line": N_("must be one line"),
    "text.control": N_("holds an invisible control character"),
    "enum": N_("not a value of the drop-down list"),
    "unit.kind": N_("the unit is of the wrong kind"),
    "unit.unknown": N_("no such unit"),
    "unit.inactive": N_("the unit is deactivated and takes no new tasks"),
    "assisting.responsible": N_("the responsible unit cannot also be an assisting unit"),
    "list.length": N_("too many units"),
    "duplicate": N_("a duplicate"),
    "rows.format": N_("should be row numbers of this sheet"),
    "rows.cycle": N_("the prerequisites form a cycle"),
    "subject.unknown": N_("no such record"),
}
"""The wording of each rule a problem names (translated with ``_``); the store's reason
follows."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LedgerProblem:
    """One thing wrong with the file: where (sheet, row, column header) and which rule."""

    code: ErrorCode
    rule: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass
class ImportResult:
    rows: int = 0
    """Data rows read from the file."""
    created: int = 0
    """Records created (cases and tasks), or that a dry run would create."""
    batch: ImportBatch | None = None
    problems: list[LedgerProblem] = field(default_factory=list)
    """The first :data:`MAX_PROBLEMS` problems."""
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class _Problems:
    def __init__(self, sheet: str | None) -> None:
        self.sheet = sheet
        self.items: list[LedgerProblem] = []
        self.count = 0

    def add(
        self,
        code: ErrorCode,
        rule: str,
        text: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.count += 1
        if len(self.items) >= MAX_PROBLEMS:
            return
        message: str = text
        if row is not None and column is not None:
            message = _("row {row}, column 「{column}」: {text}", row=row, column=column, text=text)
        elif row is not None:
            message = _("row {row}: {text}", row=row, text=text)
        elif column is not None:
            message = _("column 「{column}」: {text}", column=column, text=text)
        self.items.append(LedgerProblem(code, rule, message, self.sheet, row, column))

    def store_error(self, error: StoreError, row: int, columns: dict[str, Col]) -> None:
        name = (error.field or "").split(".")[0]
        column = columns.get(name)
        rule = getattr(error, "rule", error.code.value.lower())
        reason = getattr(error, "reason", error.message)
        words = RULES.get(rule)
        text = (
            _("{words} ({reason})", words=_(words), reason=reason)
            if words
            else _("{reason} ({rule})", reason=reason, rule=rule)
        )
        self.add(error.code, rule, text, row=row, column=column.header if column else None)


class LedgerFileError(Exception):
    """The file cannot be read as this kind of ledger at all; the message says why."""


# --------------------------------------------------------------------------- the template


async def _options(spec: LedgerSpec) -> dict[str, list[str]]:
    units = await Unit.filter(is_active=True).order_by("id").values_list("name", "kind")
    names = {
        "法院": [name for name, kind in units if kind == UnitKind.COURT],
        "被执行单位": [name for name, kind in units if UnitKind(kind) in ORGAN_KINDS],
        "单位": [name for name, kind in units if UnitKind(kind) in TASK_UNIT_KINDS],
        "案件来源": [member.label for member in CaseSource],
        "申请执行人类型": [member.label for member in PartyKind],
        "事项类型": [member.label for member in MatterType],
    }
    wanted = {column.options for column in spec.columns if column.options}
    return {name: values for name, values in names.items() if name in wanted}


async def write_template(kind: str, out: IO[bytes]) -> None:
    """The template of ``kind`` (``cases``, ``matters``, ``decisions``) as .xlsx."""
    spec = KINDS[kind]
    options = await _options(spec)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = spec.sheet
    sheet.append([f"{spec.title}（第2行为表头，请勿改动；从第3行起每行一条）"])
    sheet.append([column.header for column in spec.columns])
    sheet["A1"].font = Font(name="宋体", size=14, bold=True)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(
            name="宋体", size=11, bold=True, color=None if column.required else "FF595959"
        )
        cell.fill = PatternFill("solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        dimension.number_format = {"date": "yyyy-mm-dd", "money": "0.00"}.get(column.read, "@")
    sheet.freeze_panes = "A3"
    lists = book.create_sheet(OPTIONS)
    for index, (name, values) in enumerate(options.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        last = max(len(values) + 1, 2)
        for position, column in enumerate(spec.columns, start=1):
            if column.options != name:
                continue
            target = get_column_letter(position)
            validation = DataValidation(
                type="list",
                formula1=f"{OPTIONS}!${letter}$2:${letter}${last}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"「{column.header}」请从下拉列表中选择",
            )
            validation.add(f"{target}3:{target}{TEMPLATE_ROWS + 2}")
            sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    notes = book.create_sheet(INSTRUCTIONS)
    notes.append(["列", "是否必填", "说明"])
    for column in spec.columns:
        notes.append([column.header, "必填" if column.required else "选填", column.note])
    for line in _general_notes(spec):
        notes.append([line])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 60
    book.save(out)


def _general_notes(spec: LedgerSpec) -> list[str]:
    lines = [
        "",
        "1. 单位按编码或全称匹配；不认识的单位不会自动新建，导入时会列出并提示相近的名称。",
        "2. 日期可填 Excel 日期或文字（2023-05-31、2023/5/31、2023年5月31日）；"
        "金额可填数字或文字，精确到分。",
        "3. 导入前可先“试导入”：列出全部问题而不保存；"
        "正式导入时只要有一行有问题，整份清单都不保存。",
        "4. 同一文件不能重复导入；已存在的案号、事项会被标为重复。",
    ]
    if spec is CASES:
        lines.append("5. 每个案件同时生成一项交办事项（草稿），责任单位为被执行人。")
    return lines


# --------------------------------------------------------------------------- reading the file


def _open(data: bytes) -> Any:
    """The workbook in read-only mode (it reads 5,000 rows in a third of the time)."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise LedgerFileError(
            _(
                "this is an old Excel 97-2003 file (.xls): save it as an Excel workbook (.xlsx) "
                "in Excel, then import it"
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LedgerFileError(
            _(
                "the file is not an Excel workbook (.xlsx): perhaps a CSV or another file "
                "renamed; fill in the template, or save it as .xlsx in Excel"
            )
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged package
        raise LedgerFileError(_("the workbook (.xlsx) cannot be read: {error}", error=err)) from err


_MERGE = re.compile(r'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merged_ranges(data: bytes, sheet: Any) -> list[tuple[str, int]]:
    """The merged ranges of ``sheet`` (a read-only sheet, which does not read them) from
    its XML: each as text and its first row."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read(sheet._worksheet_path).decode("utf-8", "replace")
    ranges = []
    for first, top, last, bottom in _MERGE.findall(xml):
        text = f"{first}{top}:{last}{bottom}" if last else f"{first}{top}"
        ranges.append((text, int(top)))
    return ranges


def _header_row(sheet: Any, spec: LedgerSpec) -> tuple[int, dict[str, int]]:
    key = spec.columns[0].header
    for number, row in enumerate(sheet.iter_rows(min_row=1, max_row=5, values_only=True), 1):
        headers = {_text(value): index for index, value in enumerate(row) if value is not None}
        if key in headers:
            return number, headers
    raise LedgerFileError(
        _(
            "sheet 「{sheet}」 has no header 「{header}」 in its first 5 rows: use the template",
            sheet=sheet.title,
            header=key,
        )
    )


def _read(spec: LedgerSpec, data: bytes) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    book = _open(data)
    try:
        return _read_book(spec, data, book)
    finally:
        book.close()


def _read_book(
    spec: LedgerSpec, data: bytes, book: Any
) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    sheets = [name for name in book.sheetnames if name not in {INSTRUCTIONS, OPTIONS}]
    if not sheets:
        raise LedgerFileError(
            _(
                "the workbook has no data sheet: fill in the list on sheet 「{sheet}」",
                sheet=spec.sheet,
            )
        )
    if len(sheets) > 1:
        extra = "」「".join(sheets[1:])
        raise LedgerFileError(
            _(
                "the workbook has more sheets than one: 「{extra}」; it should hold only "
                "「{sheet}」 (and 「{instructions}」): delete the others or move them to "
                "another file",
                extra=extra,
                sheet=sheets[0],
                instructions=INSTRUCTIONS,
            )
        )
    sheet = book[sheets[0]]
    number, headers = _header_row(sheet, spec)
    merged = [text for text, top in _merged_ranges(data, sheet) if top <= number]
    if merged:
        raise LedgerFileError(
            _(
                "the header of sheet 「{sheet}」 has merged cells ({cells}): unmerge them, "
                "one header per column",
                sheet=sheet.title,
                cells=join(merged, "、", ", "),
            )
        )
    missing = [c.header for c in spec.columns if c.required and c.header not in headers]
    if missing:
        raise LedgerFileError(
            _(
                "sheet 「{sheet}」 lacks the columns 「{columns}」: use the template's headers",
                sheet=sheet.title,
                columns=join(missing, "」「", "」「"),
            )
        )
    positions = {c.field: headers[c.header] for c in spec.columns if c.header in headers}
    rows = []
    for excel_row, values in enumerate(
        sheet.iter_rows(min_row=number + 1, values_only=True), start=number + 1
    ):
        if all(value is None or _text(value) == "" for value in values):
            continue
        rows.append(
            (
                excel_row,
                {name: values[index] if index < len(values) else None
                 for name, index in positions.items()},
            )
        )  # fmt: skip
    return sheet.title, rows


_SPACES = " \t\r\n\u00a0\u3000\ufeff"


def _text(value: object) -> str:
    """A cell as text: a whole number as its digits (an 18-digit USCC Excel stored as a
    number reads back exactly), a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip(_SPACES)


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _date(value: object) -> dt.date | str:
    """A date cell: an Excel date, a serial number, or text (2023-05-31, 2023/5/31,
    2023年5月31日); anything else is returned as text for check_date to refuse."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        moment = from_excel(value)
        return moment.date() if isinstance(moment, dt.datetime) else str(value)
    text = _text(value)
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return text
    return text


def _money(value: object) -> str | Decimal:
    """A money cell: a number exactly as Excel shows it (Decimal(str(v))), or text with
    separators and 元/¥ taken off."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = _text(value)
    for mark in (",", "，", "元", "¥", "￥", " "):
        text = text.replace(mark, "")
    try:
        return Decimal(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
    except InvalidOperation:
        return text


def _enum(name: str, value: object) -> str:
    text = _text(value)
    enum = _ENUMS[name]
    for member in enum:
        if text in (member.value, getattr(member, "label", None)):
            return str(member.value)
    return text


def _split(value: object) -> list[str]:
    return [part for part in re.split(r"[、,，;；\s]+", _text(value)) if part]


# --------------------------------------------------------------------------- checking rows


class _Units:
    """Every unit by code and by exact name; the closest names for one that is neither."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = list(units)
        self.index: dict[str, Unit] = {}
        for unit in self.units:
            self.index[unit.name] = unit
            self.index[unit.code] = unit

    def find(self, value: object, *, row: int, column: Col, problems: _Problems) -> Unit | None:
        text = _text(value)
        if not text:
            problems.add(
                ErrorCode.VALIDATION, "required", _("required"), row=row, column=column.header
            )
            return None
        unit = self.index.get(text)
        if unit is None:
            close = difflib.get_close_matches(text, [u.name for u in self.units], n=3, cutoff=0.4)
            message = (
                _(
                    "no unit is named or coded 「{text}」 (units are not made by an import); "
                    "did you mean {close}?",
                    text=text,
                    close=join(close, "、", ", "),
                )
                if close
                else _(
                    "no unit is named or coded 「{text}」 (units are not made by an import)",
                    text=text,
                )
            )
            problems.add(
                ErrorCode.NOT_FOUND,
                "unit.unknown",
                message,
                row=row,
                column=column.header,
            )
        return unit


@dataclass
class _Checked:
    cases: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[NewTask] = field(default_factory=list)


def _collect(checks: Checks, problems: _Problems, row: int, columns: dict[str, Col]) -> None:
    """A row's failures as problems, each (column, rule) once: a case row's task is
    checked too, and its responsible unit is the case's respondent."""
    seen = set()
    for failure in checks.failures:
        column = columns.get((failure.field or "").split(".")[0])
        key = (column.header if column else failure.field, getattr(failure, "rule", None))
        if key not in seen:
            seen.add(key)
            problems.store_error(failure, row, columns)
    checks.failures.clear()


async def _check_cases(
    rows: list[tuple[int, dict[str, Any]]], problems: _Problems, units: _Units, today: dt.date
) -> _Checked:
    columns = CASES.by_field()
    columns["responsibleUnitId"] = columns["respondentId"]  # the task's: the respondent
    checked = _Checked()
    first_row: dict[str, int] = {}
    pending_case = EnforcementCase()
    for row, cells in rows:
        checks = Checks(collect=True)
        data = EnforcementCaseInput(
            case_number=_text(cells.get("caseNumber")),
            court=_text(cells.get("courtId")),
            applicant_name=_text(cells.get("applicantName")),
            applicant_kind=_enum("applicantKind", cells.get("applicantKind")),
            respondent=_text(cells.get("respondentId")),
            basis=_text(cells.get("basis")),
            cause=_text(cells.get("cause")),
            amount_due=_money(cells.get("amountDue")),
            filed_on=_date(cells.get("filedOn")),
            source=_enum("source", cells.get("source")),
            batch=_text(cells.get("batch")) or None,
        )
        fields = check_case_fields(data, today=today, checks=checks)
        court = units.find(cells.get("courtId"), row=row, column=columns["courtId"],
                           problems=problems)  # fmt: skip
        respondent = units.find(
            cells.get("respondentId"), row=row, column=columns["respondentId"], problems=problems
        )
        case_columns = None
        if fields is not None and court is not None and respondent is not None:
            case_columns = check_case_units(fields, court=court, respondent=respondent,
                                            checks=checks)  # fmt: skip
        due = cells.get("dueOn")
        task_fields = None
        if case_columns is not None and respondent is not None:
            number = case_columns["case_number"]
            task = TaskInput(
                kind=TaskKind.ENFORCEMENT,
                title=f"督促{respondent.name}履行{number}生效判决",
                responsible_unit=respondent,
                # the file's case, stored with the task (its subject); the checks ask
                # only that the task has one
                enforcement_case=pending_case,
                due_on=_date(due) if _text(due) else None,
            )
            task_fields = check_task_fields(task, checks=checks)
            check_task_units(respondent, [], checks=checks)
            if number in first_row:
                problems.add(
                    ErrorCode.DUPLICATE,
                    "duplicate",
                    _("the case number repeats row {row}", row=first_row[number]),
                    row=row,
                    column=columns["caseNumber"].header,
                )
            first_row.setdefault(number, row)
        elif _text(due):
            check_task_fields(
                TaskInput(kind=TaskKind.OTHER, title="督促履行", due_on=_date(due)), checks=checks
            )
        failed = bool(checks.failures)
        _collect(checks, problems, row, columns)
        if failed or case_columns is None or task_fields is None or respondent is None:
            continue
        court_unit, respondent_unit = case_columns.pop("court"), case_columns.pop("respondent")
        checked.cases.append(
            {**case_columns, "court_id": court_unit.id, "respondent_id": respondent_unit.id}
        )
        checked.tasks.append(
            NewTask(
                {**task_fields, "responsible_unit_id": respondent.id},
                case_number=case_columns["case_number"],
            )
        )
    await _existing_cases(first_row, problems, columns["caseNumber"])
    return checked


async def _existing_cases(first_row: dict[str, int], problems: _Problems, column: Col) -> None:
    numbers = list(first_row)
    for start in range(0, len(numbers), 900):
        taken = await EnforcementCase.filter(
            case_number__in=numbers[start : start + 900]
        ).values_list("case_number", flat=True)
        for number in sorted(taken, key=lambda n: first_row[str(n)]):
            problems.add(
                ErrorCode.DUPLICATE,
                "duplicate",
                _(
                    "case number {number} is registered already and cannot be assigned again",
                    number=number,
                ),
                row=first_row[str(number)],
                column=column.header,
            )


def _row_numbers(
    value: object, row: int, rows: dict[int, int], column: Col, problems: _Problems
) -> list[int] | None:
    """The indexes, among the file's rows, of the rows ``value`` names."""
    found = []
    for part in _split(value):
        if not part.isdigit() or int(part) not in rows or int(part) == row:
            problems.add(
                ErrorCode.VALIDATION,
                "rows.format",
                _("「{part}」 is not the row number of another item of this sheet", part=part),
                row=row,
                column=column.header,
            )
            return None
        found.append(rows[int(part)])
    return found


def _find_cycle(depends: dict[int, list[int]]) -> list[int] | None:
    """A cycle among the rows (index → indexes it waits for), or None."""
    state: dict[int, int] = {}
    for start in depends:
        if state.get(start):
            continue
        stack = [(start, iter(depends.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child) :]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(depends.get(child, []))))
    return None


async def _check_tasks(
    spec: LedgerSpec,
    rows: list[tuple[int, dict[str, Any]]],
    problems: _Problems,
    units: _Units,
) -> _Checked:
    columns = spec.by_field()
    checked = _Checked()
    subjects = await _subjects(spec, rows)
    seen: dict[tuple[int, str], int] = {}
    existing = await _existing_titles(spec, subjects)
    index_of = {row: index for index, (row, _cells) in enumerate(rows)}
    planned: list[tuple[int, NewTask | None]] = []
    for row, cells in rows:
        checks = Checks(collect=True)
        subject_column = columns["bankruptcyCaseId" if spec is MATTERS else "meetingId"]
        subject_text = _text(cells.get(subject_column.field))
        subject = subjects.get(subject_text)
        if subject is None:
            missing = (
                _("required")
                if not subject_text
                else _("no registered bankruptcy case 「{text}」", text=subject_text)
                if spec is MATTERS
                else _("no registered meeting 「{text}」", text=subject_text)
            )
            problems.add(
                ErrorCode.VALIDATION if not subject_text else ErrorCode.NOT_FOUND,
                "required" if not subject_text else "subject.unknown",
                missing,
                row=row,
                column=subject_column.header,
            )
        matter_type = _enum("matterType", cells.get("matterType")) if spec is MATTERS else None
        assisting: list[Unit] = []
        assisting_ok = True
        for part in _split(cells.get("assistingUnitIds")):
            unit = units.find(part, row=row, column=columns["assistingUnitIds"], problems=problems)
            assisting_ok = assisting_ok and unit is not None
            if unit is not None:
                assisting.append(unit)
        data = TaskInput(
            kind=TaskKind.BANKRUPTCY_MATTER if spec is MATTERS else TaskKind.MEETING_DECISION,
            title=_text(cells.get("title")),
            bankruptcy_case=subject if isinstance(subject, BankruptcyCase) else None,
            meeting=subject if isinstance(subject, JointMeeting) else None,
            matter_type=matter_type or (None if spec is DECISIONS else ""),
            assisting_units=[unit.code for unit in assisting],
            due_on=_date(cells.get("dueOn")) if _text(cells.get("dueOn")) else None,
        )
        if subject is None:  # the subject's problem is named already
            data.kind = TaskKind.OTHER
            data.matter_type = None
        fields = check_task_fields(data, checks=checks)
        responsible: Unit | None = None
        responsible_cell = cells.get("responsibleUnitId")
        if _text(responsible_cell):
            responsible = units.find(
                responsible_cell, row=row, column=columns["responsibleUnitId"], problems=problems
            )
        elif fields is not None and subject is not None:
            ref = default_responsible(data, fields["kind"], fields["matter_type"])
            responsible = units.index.get(str(ref)) if ref is not None else None
            if responsible is None:
                problems.add(ErrorCode.VALIDATION, "required", _("required"), row=row,
                             column=columns["responsibleUnitId"].header)  # fmt: skip
        if responsible is not None:
            check_task_units(responsible, assisting, checks=checks)
        depends: list[int] | None = []
        if "dependsOnId" in columns:
            depends = _row_numbers(
                cells.get("dependsOnId"), row, index_of, columns["dependsOnId"], problems
            )
        if subject is not None and fields is not None:
            key = (subject.pk, fields["title"])
            if key in existing:
                problems.add(
                    ErrorCode.DUPLICATE,
                    "duplicate",
                    _("this item is assigned already"),
                    row=row,
                    column=columns["title"].header,
                )
            elif key in seen:
                problems.add(
                    ErrorCode.DUPLICATE,
                    "duplicate",
                    _("repeats row {row}", row=seen[key]),
                    row=row,
                    column=columns["title"].header,
                )
            seen.setdefault(key, row)
        failed = bool(checks.failures)
        _collect(checks, problems, row, columns)
        ok = not failed and fields is not None and subject is not None and responsible is not None
        if not (ok and assisting_ok and depends is not None and responsible is not None
                and fields is not None):  # fmt: skip
            planned.append((row, None))
            continue
        columns_of = {
            **fields,
            "responsible_unit_id": responsible.id,
            "bankruptcy_case_id": data.bankruptcy_case.pk if data.bankruptcy_case else None,
            "meeting_id": data.meeting.pk if data.meeting else None,
        }
        planned.append((row, NewTask(columns_of, [u.id for u in assisting], depends_on=depends)))
    cycle = _find_cycle(
        {index: task.depends_on for index, (_row, task) in enumerate(planned) if task}
    )
    if cycle is not None and "dependsOnId" in columns:
        path = join((_("row {row}", row=planned[i][0]) for i in [*cycle, cycle[0]]), "→", " → ")
        problems.add(
            ErrorCode.CYCLE,
            "rows.cycle",
            _("the prerequisites form a cycle: {path}", path=path),
            row=planned[cycle[0]][0],
            column=columns["dependsOnId"].header,
        )
    checked.tasks = [task for _row, task in planned if task is not None]
    return checked


async def _subjects(
    spec: LedgerSpec, rows: list[tuple[int, dict[str, Any]]]
) -> dict[str, BankruptcyCase | JointMeeting]:
    name = "bankruptcyCaseId" if spec is MATTERS else "meetingId"
    texts = {_text(cells.get(name)) for _row, cells in rows} - {""}
    found: dict[str, BankruptcyCase | JointMeeting] = {}
    if spec is MATTERS:
        canonical = {}
        for text in texts:
            try:
                number = parse_case_number(text, field="x", allowed_types=BANKRUPTCY_TYPES)
                canonical[number.canonical()] = text
            except StoreError:
                canonical[text] = text
        for case in await BankruptcyCase.filter(case_number__in=list(canonical)):
            found[canonical[case.case_number]] = case
        return found
    meetings = await JointMeeting.all()
    matches: dict[str, list[JointMeeting]] = {}
    for meeting in meetings:
        for key in {meeting.minutes_number, meeting.title}:
            if key and key in texts:
                matches.setdefault(key, []).append(meeting)
    # a title two meetings share names neither: the row must give the minutes number
    return {key: found[0] for key, found in matches.items() if len(found) == 1}


async def _existing_titles(
    spec: LedgerSpec, subjects: dict[str, BankruptcyCase | JointMeeting]
) -> set[tuple[int, str]]:
    ids = list({subject.pk for subject in subjects.values()})
    if not ids:
        return set()
    column = "bankruptcy_case_id" if spec is MATTERS else "meeting_id"
    pairs = await Task.filter(**{f"{column}__in": ids}).values_list(column, "title")
    return {(int(subject), str(title)) for subject, title in pairs}


# --------------------------------------------------------------------------- importing


async def import_ledger(
    kind: str,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool,
    imported_by: Account | None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Check ``data`` (an .xlsx of ``kind``) and, unless ``dry_run`` or anything is wrong,
    store every row in one transaction. ``imported_by`` None is the command line."""
    spec = KINDS[kind]
    now = now or utcnow()
    today = local_today(now)
    try:
        sheet, rows = _read(spec, data)
    except LedgerFileError as err:
        result = ImportResult()
        result.problems = [LedgerProblem(ErrorCode.VALIDATION, "file", message_of(err))]
        result.problem_count = 1
        return result
    problems = _Problems(sheet)
    digest = hashlib.sha256(data).hexdigest()
    earlier = await ImportBatch.get_or_none(sha256=digest)
    if earlier is not None:
        problems.add(
            ErrorCode.DUPLICATE,
            "duplicate",
            _(
                "this file was imported on {day} (batch {batch} 「{file}」) and cannot be "
                "imported again",
                day=local_today(earlier.imported_at),
                batch=earlier.id,
                file=earlier.file_name,
            ),
        )
    units = _Units(await Unit.all())
    if not rows:
        problems.add(ErrorCode.VALIDATION, "required", _("the list has no rows of data"))
    if spec is CASES:
        checked = await _check_cases(rows, problems, units, today)
    else:
        checked = await _check_tasks(spec, rows, problems, units)
    result = ImportResult(
        rows=len(rows),
        created=len(checked.cases) + len(checked.tasks),
        problems=problems.items,
        problem_count=problems.count,
    )
    if dry_run or problems.count:
        return result
    try:
        result.batch = await write_import(
            kind=kind,
            file_name=file_name,
            sha256=digest,
            rows=len(rows),
            cases=checked.cases,
            tasks=checked.tasks,
            imported_by=imported_by,
            at=now,
        )
    except StoreError as err:  # a concurrent import got there first
        problems.add(
            err.code, "duplicate", _("a duplicate found while saving: {error}", error=err.message)
        )
        result.problems, result.problem_count = problems.items, problems.count
    return result
