"""A briefing's words: its title and numbering, and the prose and tables every format shares.

The formats (``reports.markdown_layout``, ``reports.html_layout``,
``reports.docx_layout``) lay out the same sentences and the same table rows,
made here from a :class:`~reports.snapshot.Snapshot` and a :class:`BriefingText`
(the words a snapshot does not hold: title, serial, 下一步工作要求, issuer).
Nothing here reads a database or a clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reports.snapshot import Figures, GroupRow, LateAcceptanceItem, OverdueItem, Snapshot
from store.money import format_fen

__all__ = [
    "DEFAULT_TITLE",
    "GROUP_WIDTHS_MM",
    "LATE_ACCEPTANCE_HEADER",
    "LATE_ACCEPTANCE_WIDTHS_MM",
    "OVERDUE_HEADER",
    "OVERDUE_WIDTHS_MM",
    "REGION_HEADER",
    "SECTIONS",
    "UNIT_HEADER",
    "BriefingText",
    "byline",
    "chinese_date",
    "clocks_paragraphs",
    "default_title",
    "group_rows",
    "late_acceptance_rows",
    "next_steps_paragraphs",
    "overdue_intro",
    "overdue_rows",
    "paragraphs",
    "percent",
    "summons_paragraph",
    "yuan",
]

SECTIONS = (
    "一、总体情况",
    "二、涉党政机关执行案件",
    "三、企业破产协调事项",
    "四、联席会议议定事项落实",
    "五、超期未办结事项",
    "六、下一步工作要求",
)

DEFAULT_TITLE = "府院联动工作通报"

NO_NEXT_STEPS = "（待联席会议办公室填写。）"


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


def default_title(issuer: str) -> str:
    """开封市府院联动工作通报 for an office of 开封市; the plain title otherwise."""
    city, found, _ = issuer.partition("市")
    return f"{city}市{DEFAULT_TITLE}" if found and city else DEFAULT_TITLE


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


def _unknown(figures: Figures) -> str:
    """What could not be judged and why (a year without an official calendar), or nothing."""
    parts = []
    if figures.unknown:
        parts.append(f"{figures.unknown}项事项因{figures.unknown_reason}无法判定预警")
    if figures.handling_unknown:
        parts.append(
            f"{figures.handling_unknown}项办结事项因{figures.unknown_reason}无法计算办理用时，"
            "未计入平均用时"
        )
    return "另有" + "；".join(parts) + "。" if parts else ""


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
        f"办结事项平均办理用时{_days(o.average_handling_days)}个工作日。{_unknown(o)}",
        f"本期（{period}）新增交办事项{s.new_in_period}件，办结{s.closed_in_period}件。"
        "各责任单位、各县区办理情况见表1、表2（按办结率排序）。",
    ]
    e, et = s.enforcement, s.enforcement_tasks
    enforcement = [
        f"纳入统计的涉党政机关执行案件{e.cases}件（撤回执行申请结案的不计），其中执行完毕或和解履行"
        f"{e.performed}件，履行率{percent(e.performance_rate)}；执行标的合计{yuan(e.amount_due_fen)}，"
        f"已履行到位{yuan(e.amount_performed_fen)}，执行到位率{percent(e.amount_rate)}。"
        "以终结执行、不予执行结案的案件不计为已履行，对党政机关不适用终结本次执行。",
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
    reasons = sorted({item.working_days_unknown_reason or "" for item in snapshot.overdue} - {""})
    unknown = f"标“—”的事项因{'，'.join(reasons)}，超期工作日无法计算。" if reasons else ""
    return (
        f"截至{chinese_date(snapshot.period_end)}，超期未办结事项{count}件"
        f"（超期天数按工作日计），{listed}。{unknown}请各责任单位抓紧办理并向联席会议办公室报告进展。"
    )


def clocks_paragraphs(snapshot: Snapshot) -> list[str]:
    """审核用时 and 未按时签收 (``workflow.clocks``), after the overdue list."""
    c = snapshot.clocks
    review = (
        f"联席会议办公室审核销号申请平均用时{_days(c.average_review_days)}个工作日"
        f"（自申请销号至作出销号或驳回决定），其中超过{c.review_warn_working_days}个工作日的{c.reviews_late}件；"
        f"尚在审核且已超过{c.review_warn_working_days}个工作日的{c.reviews_open_late}件。"
        "责任单位申请销号后至审核期间不计入其办理时限，按期办结以最终获准的销号申请日期认定。"
    )
    count = max(c.accepted_late, len(snapshot.late_acceptances))
    if count == 0:
        accept = f"无超过签收时限（{c.accept_within_working_days}个工作日）未签收的事项。"
    else:
        listed = (
            "逐项列明如下"
            if count == len(snapshot.late_acceptances)
            else (f"以下列出等待最久的{len(snapshot.late_acceptances)}件")
        )
        accept = (
            f"超过签收时限（交办后{c.accept_within_working_days}个工作日）未签收或退回的事项"
            f"{count}件（未按时签收），{listed}。"
        )
    return [review, accept]


LATE_ACCEPTANCE_HEADER = ("序号", "事项编号", "事项", "责任单位", "交办日期", "已等待工作日")
LATE_ACCEPTANCE_WIDTHS_MM = (11, 29, 44, 32, 22, 18)


def summons_paragraph(snapshot: Snapshot) -> str:
    """约谈: the units whose leaders the office summoned in the period (追责)."""
    if not snapshot.summons:
        return "本期未约谈责任单位。"
    units: dict[str, list[str]] = {}
    for item in snapshot.summons:
        units.setdefault(item.unit, []).append(
            f"{item.task_code}，{chinese_date(item.summoned_on)}"
        )
    named = "；".join(f"{unit}（{'、'.join(held)}）" for unit, held in units.items())
    return f"本期约谈责任单位{len(units)}家：{named}。"


def late_acceptance_rows(items: Sequence[LateAcceptanceItem]) -> Iterator[tuple[str, ...]]:
    for index, item in enumerate(items, start=1):
        yield (
            str(index),
            item.code,
            item.title,
            item.unit,
            item.assigned_on,
            str(item.working_days_waited),
        )


UNIT_HEADER = ("序号", "责任单位", "交办", "办结", "超期", "退回", "办结率", "按期办结率")
REGION_HEADER = ("序号", "县区", *UNIT_HEADER[2:])
OVERDUE_HEADER = ("序号", "事项编号", "事项", "责任单位", "办结时限", "超期工作日", "催办次数")
#: Column widths in millimetres, on the 156 mm 版心 (DOCX) and as shares of the page (HTML).
GROUP_WIDTHS_MM = (12, 46, 14, 14, 14, 14, 19, 23)
OVERDUE_WIDTHS_MM = (11, 27, 38, 30, 20, 16, 14)


def group_rows(rows: Sequence[GroupRow]) -> Iterator[tuple[str, ...]]:
    for index, row in enumerate(rows, start=1):
        yield (
            str(index),
            row.name,
            str(row.total),
            str(row.closed),
            str(row.overdue),
            str(row.returned),
            percent(row.closure_rate),
            percent(row.on_time_rate),
        )


def overdue_rows(items: Sequence[OverdueItem]) -> Iterator[tuple[str, ...]]:
    for index, item in enumerate(items, start=1):
        late = "—" if item.working_days_overdue is None else str(item.working_days_overdue)
        yield (
            str(index),
            item.code,
            item.title,
            item.unit,
            item.due_on,
            late,
            str(item.urge_count),
        )


def next_steps_paragraphs(text: str) -> list[str]:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return [line for line in lines if line] or [NO_NEXT_STEPS]


def byline(text: BriefingText) -> str:
    when = chinese_date(text.issued_on) if text.issued_on is not None else "（未印发）"
    return f"{text.issuer}　{when}" if text.issuer else when
