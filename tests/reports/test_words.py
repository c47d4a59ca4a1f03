"""The briefing's words (reports/words.py): how figures, dates and money are written."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from reports.snapshot import Enforcement, Figures, GroupRow, Snapshot
from reports.words import (
    MAX_CHART_BARS,
    BriefingText,
    chart_caption,
    fit_widths,
    lagging_units,
    paragraphs,
    placeholder_next_steps,
    rated_units,
    short_date,
    text_width_mm,
    yuan,
)

FIGURES = Figures(total=10, open=5, closed=4, cancelled=1, overdue=2, yellow=1, blue=0,
                  closed_on_time=3, closure_rate=4 / 9, on_time_rate=0.75,
                  average_handling_days=12.0)  # fmt: skip
SNAPSHOT = Snapshot(
    period_start="2026-10-01",
    period_end="2026-10-31",
    as_of="2026-10-31T23:59:59+08:00",
    scope="全市",
    overall=FIGURES,
    new_in_period=3,
    closed_in_period=1,
    enforcement_tasks=FIGURES,
    enforcement=Enforcement(
        cases=6,
        performed=2,
        performance_rate=1 / 3,
        amount_due_fen=9_379_500_000,
        amount_performed_fen=123_456_789,
        amount_rate=0.01,
    ),
    bankruptcy=FIGURES,
    meeting_decisions=FIGURES,
    meetings_held=0,
)


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        pytest.param(9_379_500_000, "9379.50万元", id="no-thousands-separator"),
        pytest.param(123_456_789, "123.46万元", id="rounded-half-up"),
        pytest.param(1_000_000, "1.00万元", id="one-wan"),
        pytest.param(999_999_999_999_999, "1000000000.00万元", id="the-largest-amount"),
        pytest.param(999_999, "9999.99元", id="under-one-wan-in-yuan"),
        pytest.param(0, "0.00元", id="nothing"),
    ],
)
def test_money_is_written_in_wan_yuan_without_separators(fen: int, shown: str) -> None:
    assert yuan(fen) == shown


@pytest.mark.parametrize(
    ("day", "year", "shown"),
    [
        pytest.param("2026-10-12", 2026, "10月12日", id="same-year"),
        pytest.param(dt.date(2026, 1, 5), 2026, "1月5日", id="no-leading-zeros"),
        pytest.param("2025-11-17", 2026, "2025年11月17日", id="another-year-keeps-it"),
    ],
)
def test_dates_are_written_as_a_notice_writes_them(
    day: str | dt.date, year: int, shown: str
) -> None:
    assert short_date(day, year) == shown


def test_the_prose_writes_the_year_once_and_money_and_meetings_as_a_notice_does() -> None:
    prose = paragraphs(SNAPSHOT)
    text = "".join(line for lines in prose.values() for line in lines)

    assert "本期（2026年10月1日至10月31日）" in text
    assert "2026-" not in text
    assert "执行标的合计9379.50万元，已履行到位123.46万元" in text
    assert "本期未召开联席会议。" in text
    assert "召开联席会议0次" not in text
    # 二、 says how many tasks were cancelled, so its figures add up
    assert "交办事项10件，已办结4件，已撤销1件，办结率44.4%" in "".join(
        prose["二、涉党政机关执行案件"]
    )
    held = paragraphs(dataclasses.replace(SNAPSHOT, meetings_held=2))
    assert held["四、联席会议议定事项落实"][0].startswith("本期召开联席会议2次。")


@pytest.mark.parametrize(
    ("text", "unwritten"),
    [
        pytest.param("", True, id="empty"),
        pytest.param("  \n\t\n", True, id="blank-lines"),
        pytest.param("（待联席会议办公室填写。）", True, id="the-placeholder-itself"),
        pytest.param("一是压实责任。", False, id="written"),
    ],
)
def test_next_steps_are_unwritten_while_empty_or_the_placeholder(
    text: str, unwritten: bool
) -> None:
    assert placeholder_next_steps(text) is unwritten


def _row(name: str, total: int, closed: int, cancelled: int = 0) -> GroupRow:
    rate = closed / (total - cancelled) if total > cancelled else None
    return GroupRow(key=name, name=name, total=total, closed=closed, overdue=0,
                    closure_rate=rate, on_time_rate=None, cancelled=cancelled)  # fmt: skip


def test_the_lagging_units_are_the_lowest_rates_zero_included_more_open_first() -> None:
    rows = [_row("甲", 4, 4), _row("乙", 2, 0), _row("丙", 5, 0), _row("丁", 3, 1),
            _row("戊", 2, 0, cancelled=2)]  # fmt: skip

    assert [row.name for row in lagging_units(rows, limit=3)] == ["丙", "乙", "丁"]
    assert "戊" not in [row.name for row in lagging_units(rows)]  # no rate: all cancelled


@pytest.mark.parametrize(
    ("rows", "caption"),
    [
        pytest.param([], "图1　各责任单位办结率", id="none"),
        pytest.param([_row(f"单位{i}", 2, i % 3) for i in range(MAX_CHART_BARS)],
                     "图1　各责任单位办结率", id="all-fit"),
        pytest.param([_row(f"单位{i}", 2, i % 3) for i in range(MAX_CHART_BARS + 1)],
                     f"图1　办结率靠后的{MAX_CHART_BARS}个责任单位", id="more-than-fit"),
        pytest.param([_row(f"单位{i}", 2, i % 3) for i in range(MAX_CHART_BARS)]
                     + [_row("全撤销", 2, 0, cancelled=2)],
                     "图1　各责任单位办结率", id="unrated-not-counted"),
    ],
)  # fmt: skip
def test_the_chart_caption_takes_the_rated_units(rows: list[GroupRow], caption: str) -> None:
    rated = rated_units(rows)
    assert all(row.closure_rate is not None for row in rated)
    assert chart_caption(rated) == caption
    # the chart draws the lagging ones of the same list
    assert len(lagging_units(rated)) == min(len(rated), MAX_CHART_BARS)


def test_a_one_line_column_is_widened_from_the_text_column_and_the_total_kept() -> None:
    header = ("序号", "事项", "交办日期")
    rows = [("1", "督促履行", "2025年11月17日")]

    widths = fit_widths((10, 60, 17), header, rows, frozenset({1}), 10.5)

    assert sum(widths) == pytest.approx(87)
    assert widths[2] >= text_width_mm("2025年11月17日", 10.5) + 3
    assert widths[1] < 60


@pytest.mark.parametrize(
    ("header", "rows", "text", "check"),
    [
        pytest.param(("序号", "事项", "责任单位", "超期工作日"),
                     [("1", "督促" * 20, "开封市财政局", "12")], {1, 2},
                     lambda w: w[1] > 2 * w[2], id="the-long-title-gets-more"),
        pytest.param(("序号", "事项", "责任单位", "超期工作日"),
                     [("1", "短", "开封市人民政府国有资产监督管理委员会", "12")], {1, 2},
                     lambda w: w[2] > 5 * w[1], id="room-to-spare-shared-by-need"),
        pytest.param(("序号", "事项", "超期工作日"), [("1", "督促履行", "5")], {1},
                     lambda w: w[2] == pytest.approx(text_width_mm("超期工", 10.5) + 3.5, abs=0.1),
                     id="a-long-heading-takes-two-lines"),
        pytest.param(("序号", "事项", "日期"), [], {1},
                     lambda w: w[0] == pytest.approx(text_width_mm("序号", 10.5) + 3.5, abs=0.1),
                     id="no-rows"),
    ],
)  # fmt: skip
def test_the_text_columns_get_what_the_one_line_columns_leave(
    header: tuple[str, ...], rows: list[tuple[str, ...]], text: set[int], check: Any
) -> None:
    given = (10.0, 80.0, 30.0, 36.0)[: len(header)]
    widths = fit_widths(given, header, rows, frozenset(text), 10.5)
    assert sum(widths) == pytest.approx(sum(given), abs=0.01)
    assert check(widths), widths


def test_a_draft_text_reads_draft_and_not_printed() -> None:
    draft = BriefingText(title="通报", year=2026, serial=None, next_steps="")

    assert (draft.issue_number, draft.issued_label) == ("2026年 草稿", "（未印发）")
    assert draft.masthead == "开封市府院联动联席会议办公室"
    assert draft.distribution() == []
    assert draft.printed_line() == ("开封市府院联动联席会议办公室", "（未印发）")
