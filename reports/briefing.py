"""Coordination briefings (府院联动工作通报): the figures, and the text in three formats.

A briefing is made in two steps, so that an issued one never changes:

1. :func:`collect` reads the figures of DESIGN.md §4 (``reports.progress``) as
   of the end of the period, and the overdue (RED) tasks at that moment, into
   a :class:`Snapshot`: plain data, stored with the briefing as JSON.
2. :func:`render_markdown`, :func:`render_html` and :func:`render_docx`
   (``reports.docx_layout``) turn a snapshot and the briefing's own words
   (title, serial, 下一步工作要求) into a document. They read no database and
   no clock: the same inputs give the same bytes.

Which figures: the totals are cumulative (every task registered up to the
period's end, as of its last moment); "本期新增" counts the tasks registered
within the period and "本期办结" the closures within it (closed at the end
less closed at the start). The overdue list is the RED tasks at that moment
with the working days each is late (``workflow.calendar.default_calendar``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from reports.chart import closure_rate_chart
from reports.progress import (
    GroupProgress,
    ProgressReport,
    Scope,
    SqlParams,
    compute_progress,
    in_force,
)
from store.enums import SupervisionLevel, TaskKind
from store.models import JointMeeting, Unit
from store.money import format_fen
from workflow.calendar import default_calendar
from workflow.errors import CalendarUnavailable

__all__ = [
    "SECTIONS",
    "BriefingText",
    "Figures",
    "GroupRow",
    "OverdueItem",
    "Snapshot",
    "collect",
    "end_of_day",
    "percent",
    "render_html",
    "render_markdown",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

SECTIONS = (
    "一、总体情况",
    "二、涉党政机关执行案件",
    "三、企业破产协调事项",
    "四、联席会议议定事项落实",
    "五、超期未办结事项",
    "六、下一步工作要求",
)

DEFAULT_TITLE = "府院联动工作通报"

MAX_OVERDUE_LISTED = 200
"""Overdue items named one by one (the most overdue first); the rest are counted.

A province may have thousands: a briefing of hundreds of pages helps no
reader, and table 1 gives every unit's overdue count anyway."""
NO_NEXT_STEPS = "（待联席会议办公室填写。）"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Figures:
    """The closure figures of one group of tasks (all, or one kind)."""

    total: int
    open: int
    closed: int
    cancelled: int
    overdue: int
    yellow: int
    blue: int
    closed_on_time: int
    closure_rate: float | None
    on_time_rate: float | None
    average_handling_days: float | None

    @classmethod
    def of(cls, report: ProgressReport) -> Figures:
        return cls(
            total=report.total,
            open=report.open,
            closed=report.closed,
            cancelled=report.cancelled,
            overdue=report.overdue,
            yellow=report.warnings["YELLOW"],
            blue=report.warnings["BLUE"],
            closed_on_time=report.closed_on_time,
            closure_rate=report.closure_rate,
            on_time_rate=report.on_time_rate,
            average_handling_days=report.average_handling_days,
        )


@dataclass(frozen=True)
class GroupRow:
    """One row of the ranking by unit or by region."""

    key: str
    name: str
    total: int
    closed: int
    overdue: int
    closure_rate: float | None
    on_time_rate: float | None

    @classmethod
    def of(cls, group: GroupProgress) -> GroupRow:
        return cls(
            key=group.key,
            name=group.name or "（未划分县区）",
            total=group.total,
            closed=group.closed,
            overdue=group.overdue,
            closure_rate=group.closure_rate,
            on_time_rate=group.on_time_rate,
        )


@dataclass(frozen=True)
class OverdueItem:
    """A task overdue (RED) at the moment, with the working days it is late."""

    code: str
    title: str
    kind: str
    unit: str
    region: str
    due_on: str
    working_days_overdue: int | None
    supervision_level: str


@dataclass(frozen=True)
class Enforcement:
    """涉党政机关执行案件: the cases and the money."""

    cases: int
    performed: int
    performance_rate: float | None
    amount_due_fen: int
    amount_performed_fen: int
    amount_rate: float | None


@dataclass(frozen=True)
class Snapshot:
    """Every figure a briefing shows, as stored with it (``Briefing.statistics``)."""

    period_start: str
    period_end: str
    as_of: str
    scope: str
    overall: Figures
    new_in_period: int
    closed_in_period: int
    enforcement_tasks: Figures
    enforcement: Enforcement
    bankruptcy: Figures
    meeting_decisions: Figures
    meetings_held: int
    issuer: str = ""
    overdue_total: int = 0
    by_unit: list[GroupRow] = field(default_factory=list)
    by_region: list[GroupRow] = field(default_factory=list)
    overdue: list[OverdueItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            **{
                **data,
                "overall": Figures(**data["overall"]),
                "enforcement_tasks": Figures(**data["enforcement_tasks"]),
                "enforcement": Enforcement(**data["enforcement"]),
                "bankruptcy": Figures(**data["bankruptcy"]),
                "meeting_decisions": Figures(**data["meeting_decisions"]),
                "by_unit": [GroupRow(**row) for row in data["by_unit"]],
                "by_region": [GroupRow(**row) for row in data["by_region"]],
                "overdue": [OverdueItem(**item) for item in data["overdue"]],
            }
        )


@dataclass(frozen=True)
class BriefingText:
    """The briefing's own words and numbering: what a snapshot does not hold."""

    title: str
    year: int
    serial: int | None
    next_steps: str
    issuer: str = ""
    issued_on: dt.date | None = None

    @property
    def number(self) -> str:
        """（2023年第5期）, or （2023年 草稿） before it is issued."""
        if self.serial is None:
            return f"（{self.year}年 草稿）"
        return f"（{self.year}年第{self.serial}期）"


def end_of_day(day: dt.date) -> dt.datetime:
    """The last microsecond of ``day`` in Asia/Shanghai."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    return start - dt.timedelta(microseconds=1)


async def collect(
    period_start: dt.date,
    period_end: dt.date,
    *,
    as_of: dt.datetime | None = None,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    issuer: str = "",
    using_db: BaseDBAsyncClient | None = None,
) -> Snapshot:
    """The figures of a briefing for ``[period_start, period_end]``.

    Args:
        period_start: first day of the period.
        period_end: last day; the figures are as of its end (or ``as_of``).
        as_of: the moment (default: the end of ``period_end``, Asia/Shanghai).
        region: only the tasks of units in this 县区.
        unit_ids: only the tasks of these responsible units.
        issuer: the unit the briefing is issued in the name of.
        using_db: the connection (default: the app's).
    """
    moment = as_of or end_of_day(period_end)
    before = dt.datetime.combine(period_start, dt.time(), tzinfo=SHANGHAI)
    base = Scope(end=period_end, region=region, unit_ids=unit_ids, as_of=moment)

    async def run(scope: Scope) -> ProgressReport:
        return await compute_progress(scope, using_db=using_db)

    overall = await run(base)
    by_kind = {
        kind: await run(dataclasses.replace(base, kind=kind))
        for kind in (TaskKind.ENFORCEMENT, TaskKind.BANKRUPTCY_MATTER, TaskKind.MEETING_DECISION)
    }
    in_period = await run(dataclasses.replace(base, start=period_start))
    at_start = await run(
        dataclasses.replace(base, end=period_start - dt.timedelta(days=1), as_of=before)
    )
    meetings = JointMeeting.filter(held_on__gte=period_start, held_on__lte=period_end)
    if region is not None:
        meetings = meetings.filter(convener__region=region)
    meetings_held = await meetings.using_db(using_db).count() if unit_ids is None else 0
    overdue, overdue_total = await overdue_items(
        moment, region=region, unit_ids=unit_ids, limit=MAX_OVERDUE_LISTED, using_db=using_db
    )
    scope_label = "全市" if region is None and unit_ids is None else (region or "所选单位")
    return Snapshot(
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        as_of=moment.astimezone(SHANGHAI).isoformat(),
        scope=scope_label,
        overall=Figures.of(overall),
        new_in_period=in_period.total,
        closed_in_period=overall.closed - at_start.closed,
        enforcement_tasks=Figures.of(by_kind[TaskKind.ENFORCEMENT]),
        enforcement=Enforcement(
            cases=overall.enforcement_cases,
            performed=overall.performed_cases,
            performance_rate=overall.performance_rate,
            amount_due_fen=overall.amount_due_fen,
            amount_performed_fen=overall.amount_performed_fen,
            amount_rate=overall.amount_rate,
        ),
        bankruptcy=Figures.of(by_kind[TaskKind.BANKRUPTCY_MATTER]),
        meeting_decisions=Figures.of(by_kind[TaskKind.MEETING_DECISION]),
        meetings_held=meetings_held,
        issuer=issuer,
        overdue_total=overdue_total,
        by_unit=[GroupRow.of(group) for group in overall.by_unit],
        by_region=[GroupRow.of(group) for group in overall.by_region],
        overdue=overdue,
    )


async def overdue_items(
    moment: dt.datetime,
    *,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    limit: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> tuple[list[OverdueItem], int]:
    """The tasks RED at ``moment`` (the first ``limit`` of them), and how many there are.

    A task is RED when, in its state interval in force at the moment (as
    ``reports.progress`` reads it), it is neither closed nor cancelled and its
    due date is before the moment's date. Most late first, then by code: the
    working days late only grow as the due date gets earlier, so that is the
    order of the due dates, and the database sorts and cuts the list.
    """
    conn = using_db or connections.get("default")
    p = SqlParams(conn.capabilities.dialect == "sqlite")
    today = moment.astimezone(SHANGHAI).date()
    conditions = [
        *in_force(p, moment),
        "i.state NOT IN ('CLOSED', 'CANCELLED')",
        f"i.due_on < {p(today)}",
    ]
    if region is not None:
        conditions.append(f'"u"."region" = {p(region)}')
    if unit_ids is not None:
        ids = ", ".join(p(unit_id) for unit_id in unit_ids) or "NULL"
        conditions.append(f"i.unit_id IN ({ids})")
    sql = f"""
SELECT "t"."code", "t"."title", "t"."kind", "t"."supervision_level",
       "u"."name" AS unit_name, "u"."region", i.due_on, COUNT(*) OVER () AS total
FROM "task_state_interval" i
JOIN "task" "t" ON "t"."id" = i.task_id
JOIN "unit" "u" ON "u"."id" = i.unit_id
WHERE {" AND ".join(conditions)}
ORDER BY i.due_on, "t"."code"
{f"LIMIT {int(limit)}" if limit is not None else ""}
"""
    _, rows = await conn.execute_query(sql, p.values)
    calendar = default_calendar()
    items = []
    for row in rows:
        due_on = row["due_on"]
        due = due_on if isinstance(due_on, dt.date) else dt.date.fromisoformat(str(due_on)[:10])
        try:
            late: int | None = calendar.working_days_between(due, today)
        except CalendarUnavailable:
            late = None  # a year without an official calendar: say "—", do not guess
        items.append(
            OverdueItem(
                code=str(row["code"]),
                title=str(row["title"]),
                kind=TaskKind(row["kind"]).label,
                unit=str(row["unit_name"]),
                region=str(row["region"] or ""),
                due_on=due.isoformat(),
                working_days_overdue=late,
                supervision_level=SupervisionLevel(row["supervision_level"]).label,
            )
        )
    return items, int(rows[0]["total"]) if rows else 0


async def issuer_name(unit_id: int | None, using_db: BaseDBAsyncClient | None = None) -> str:
    """The unit a briefing is issued in the name of (the generating coordinator's)."""
    if unit_id is None:
        return ""
    unit = await Unit.get_or_none(id=unit_id, using_db=using_db)
    return unit.name if unit is not None else ""


def default_title(issuer: str) -> str:
    """开封市府院联动工作通报 for an office of 开封市; the plain title otherwise."""
    city, found, _ = issuer.partition("市")
    return f"{city}市{DEFAULT_TITLE}" if found and city else DEFAULT_TITLE


# --------------------------------------------------------------------------- words


def percent(value: float | None) -> str:
    """0.8571 → 85.7%; no rate → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


def yuan(fen: int) -> str:
    """Integer fen in 万元 with two decimals: 123456789 → 123.46万元."""
    return f"{fen / 1_000_000:,.2f}万元" if fen >= 1_000_000 else f"{format_fen(fen)}元"


def chinese_date(value: str | dt.date) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def paragraphs(snapshot: Snapshot) -> dict[str, list[str]]:
    """The prose of sections 一 to 四, one list of paragraphs each (shared by every format)."""
    s = snapshot
    o = s.overall
    period = f"{chinese_date(s.period_start)}至{chinese_date(s.period_end)}"
    overall = [
        f"截至{chinese_date(s.period_end)}，{s.scope}纳入府院联动跟踪的交办事项共{o.total}件，"
        f"已办结{o.closed}件，办结率{percent(o.closure_rate)}；按期办结{o.closed_on_time}件，"
        f"按期办结率{percent(o.on_time_rate)}；在办{o.open}件，其中超期（红色预警）{o.overdue}件、"
        f"黄色预警{o.yellow}件、蓝色预警{o.blue}件；已撤销{o.cancelled}件。"
        f"办结事项平均办理用时{_days(o.average_handling_days)}个工作日。",
        f"本期（{period}）新增交办事项{s.new_in_period}件，办结{s.closed_in_period}件。"
        "各责任单位、各县区办理情况见表1、表2（按办结率排序）。",
    ]
    e, et = s.enforcement, s.enforcement_tasks
    enforcement = [
        f"纳入统计的涉党政机关执行案件{e.cases}件（已撤回的不计），其中全部履行或和解履行"
        f"{e.performed}件，履行率{percent(e.performance_rate)}；执行标的合计{yuan(e.amount_due_fen)}，"
        f"已履行到位{yuan(e.amount_performed_fen)}，执行到位率{percent(e.amount_rate)}。"
        "终结本次执行程序的案件不计为已履行。",
        f"涉党政机关执行案件交办事项{et.total}件，已办结{et.closed}件，"
        f"办结率{percent(et.closure_rate)}；超期未办结{et.overdue}件。",
    ]
    b = s.bankruptcy
    bankruptcy = [
        f"企业破产协调事项{b.total}件，已办结{b.closed}件，办结率{percent(b.closure_rate)}，"
        f"按期办结率{percent(b.on_time_rate)}；在办{b.open}件，其中超期{b.overdue}件。",
    ]
    m = s.meeting_decisions
    meetings = [
        f"本期召开联席会议{s.meetings_held}次。联席会议议定事项{m.total}件，已落实办结{m.closed}件，"
        f"办结率{percent(m.closure_rate)}，按期办结率{percent(m.on_time_rate)}；"
        f"尚在落实{m.open}件，其中超期{m.overdue}件。",
    ]
    return {
        SECTIONS[0]: overall,
        SECTIONS[1]: enforcement,
        SECTIONS[2]: bankruptcy,
        SECTIONS[3]: meetings,
    }


def overdue_intro(snapshot: Snapshot) -> str:
    count = max(snapshot.overdue_total, len(snapshot.overdue))
    if count == 0:
        return f"截至{chinese_date(snapshot.period_end)}，无超期未办结事项。"
    listed = (
        f"以下列出超期最久的{len(snapshot.overdue)}件，其余见系统超期清单及表1"
        if count > len(snapshot.overdue)
        else "逐项列明如下"
    )
    return (
        f"截至{chinese_date(snapshot.period_end)}，超期未办结事项{count}件"
        f"（超期天数按工作日计），{listed}。请各责任单位抓紧办理并向联席会议办公室报告进展。"
    )


UNIT_HEADER = ("序号", "责任单位", "交办", "办结", "超期", "办结率", "按期办结率")
REGION_HEADER = ("序号", "县区", *UNIT_HEADER[2:])
OVERDUE_HEADER = ("序号", "事项编号", "事项", "责任单位", "办结时限", "超期工作日")
#: Column widths in millimetres, on the 156 mm 版心 (DOCX) and as shares of the page (HTML).
GROUP_WIDTHS_MM = (14, 50, 15, 15, 15, 21, 26)
OVERDUE_WIDTHS_MM = (11, 29, 44, 32, 22, 18)


def group_rows(rows: Sequence[GroupRow]) -> Iterator[tuple[str, ...]]:
    for index, row in enumerate(rows, start=1):
        yield (
            str(index),
            row.name,
            str(row.total),
            str(row.closed),
            str(row.overdue),
            percent(row.closure_rate),
            percent(row.on_time_rate),
        )


def overdue_rows(items: Sequence[OverdueItem]) -> Iterator[tuple[str, ...]]:
    for index, item in enumerate(items, start=1):
        late = "—" if item.working_days_overdue is None else str(item.working_days_overdue)
        yield (str(index), item.code, item.title, item.unit, item.due_on, late)


def next_steps_paragraphs(text: str) -> list[str]:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return [line for line in lines if line] or [NO_NEXT_STEPS]


def byline(text: BriefingText) -> str:
    when = chinese_date(text.issued_on) if text.issued_on is not None else "（未印发）"
    return f"{text.issuer}　{when}" if text.issuer else when


# --------------------------------------------------------------------------- Markdown


def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Iterator[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def render_markdown(snapshot: Snapshot, text: BriefingText) -> str:
    """The briefing in Markdown; deterministic (no clock, no database, stable order)."""
    prose = paragraphs(snapshot)
    out = [f"# {text.title}", "", text.number, "", byline(text), ""]
    for section in SECTIONS[:4]:
        out += [f"## {section}", ""]
        for paragraph in prose[section]:
            out += [paragraph, ""]
        if section == SECTIONS[0]:
            out += ["**表1　各责任单位办理情况**", ""]
            out += [*_md_table(UNIT_HEADER, group_rows(snapshot.by_unit)), ""]
            out += ["**表2　各县区办理情况**", ""]
            out += [*_md_table(REGION_HEADER, group_rows(snapshot.by_region)), ""]
    out += [f"## {SECTIONS[4]}", "", overdue_intro(snapshot), ""]
    if snapshot.overdue:
        out += [*_md_table(OVERDUE_HEADER, overdue_rows(snapshot.overdue)), ""]
    out += [f"## {SECTIONS[5]}", ""]
    for paragraph in next_steps_paragraphs(text.next_steps):
        out += [paragraph, ""]
    out += [f"统计截至{chinese_date(snapshot.period_end)}24时；比率为小数点后一位的百分数。", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

PRINT_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong",
       "WenQuanYi Micro Hei", serif; font-size: 16pt; line-height: 28pt; color: #000;
       max-width: 156mm; margin: 0 auto; padding: 12mm 0; }
h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体",
     "WenQuanYi Micro Hei", serif; font-size: 22pt; font-weight: normal; text-align: center;
     line-height: 1.4; margin: 0 0 8pt; }
.number, .byline { text-align: center; margin: 0; }
.byline { margin-bottom: 16pt; }
h2 { font-family: "SimHei", "黑体", "WenQuanYi Micro Hei", sans-serif; font-size: 16pt;
     font-weight: normal; margin: 14pt 0 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
.caption { text-indent: 0; text-align: center; font-family: "KaiTi_GB2312", "楷体_GB2312",
           "KaiTi", "楷体", "WenQuanYi Micro Hei", serif; margin-top: 8pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 11pt;
        line-height: 1.4; margin: 4pt 0 10pt; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center;
         overflow-wrap: anywhere; }
td.text { text-align: left; }
figure { margin: 8pt 0; text-align: center; page-break-inside: avoid; }
figure img { max-width: 100%; }
.note { font-size: 12pt; text-indent: 0; margin-top: 16pt; }
@media screen { body { background: #fff; } }
"""

_TEXT_COLUMNS = {1, 2, 3}


def _html_table(caption: str, header: Sequence[str], rows: Iterator[tuple[str, ...]],
                text_columns: set[int], widths_mm: Sequence[int]) -> list[str]:  # fmt: skip
    total = sum(widths_mm)
    # Attributes, not style="": the page's CSP admits its own style sheet only.
    columns = "".join(f'<col width="{width * 100 // total}%">' for width in widths_mm)
    out = [f'<p class="caption">{html.escape(caption)}</p>', "<table>"]
    out += [f"<colgroup>{columns}</colgroup>", "<thead><tr>"]
    out += [f"<th>{html.escape(cell)}</th>" for cell in header]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        cells = "".join(
            f'<td class="text">{html.escape(cell)}</td>'
            if index in text_columns
            else f"<td>{html.escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return out


def render_html(snapshot: Snapshot, text: BriefingText, *, chart_png: bytes | None = None) -> str:
    """The briefing as one HTML page ready to print (A4, GB/T 9704 margins); all text escaped.

    ``chart_png`` (default: drawn now) is embedded as a data: URI, which the
    app's Content-Security-Policy admits (``img-src 'self' data:``).
    """
    import base64

    esc = html.escape
    prose = paragraphs(snapshot)
    png = chart_png if chart_png is not None else closure_rate_chart(snapshot.by_unit)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(text.title)}{esc(text.number)}</title>",
        f"<style>{PRINT_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(text.title)}</h1>",
        f'<p class="number">{esc(text.number)}</p>',
        f'<p class="byline">{esc(byline(text))}</p>',
    ]
    for section in SECTIONS[:4]:
        out.append(f"<h2>{esc(section)}</h2>")
        out += [f"<p>{esc(paragraph)}</p>" for paragraph in prose[section]]
        if section == SECTIONS[0]:
            out += _html_table("表1　各责任单位办理情况", UNIT_HEADER,
                               group_rows(snapshot.by_unit), {1}, GROUP_WIDTHS_MM)  # fmt: skip
            out += _html_table("表2　各县区办理情况", REGION_HEADER,
                               group_rows(snapshot.by_region), {1}, GROUP_WIDTHS_MM)  # fmt: skip
            if png:
                data = base64.b64encode(png).decode("ascii")
                out += [
                    "<figure>",
                    f'<img alt="图1　各责任单位办结率" src="data:image/png;base64,{data}">',
                    '<p class="caption">图1　各责任单位办结率</p>',
                    "</figure>",
                ]
    out += [f"<h2>{esc(SECTIONS[4])}</h2>", f"<p>{esc(overdue_intro(snapshot))}</p>"]
    if snapshot.overdue:
        out += _html_table("表3　超期未办结事项", OVERDUE_HEADER,
                           overdue_rows(snapshot.overdue), _TEXT_COLUMNS,
                           OVERDUE_WIDTHS_MM)  # fmt: skip
    out.append(f"<h2>{esc(SECTIONS[5])}</h2>")
    out += [f"<p>{esc(paragraph)}</p>" for paragraph in next_steps_paragraphs(text.next_steps)]
    out += [
        f'<p class="note">统计截至{esc(chinese_date(snapshot.period_end))}24时；'
        "比率为小数点后一位的百分数。</p>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)
