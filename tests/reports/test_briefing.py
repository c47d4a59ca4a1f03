"""Briefing documents on the Kaifeng demo: the snapshot and its three layouts.

reports/snapshot.py, reports/words.py, reports/markdown_layout.py,
reports/html_layout.py, reports/docx_layout.py.

The figures are checked against ``reports.progress`` as of the period's end and
the overdue list against the tasks RED at that moment; the DOCX is opened
with python-docx and its XML read for the fonts and the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from tortoise import Tortoise

from reports.chart import closure_rate_chart
from reports.docx_layout import render_docx
from reports.html_layout import render_html
from reports.markdown_layout import render_markdown
from reports.progress import Scope, compute_progress
from reports.snapshot import GroupRow, Snapshot, collect, end_of_day
from reports.words import MAX_CHART_BARS, SECTIONS, BriefingText, lagging_units, percent
from store.enums import TaskState
from store.models import Task, TaskEvent
from tests.conftest import open_database
from workflow.calendar import default_calendar

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
TEXT = BriefingText(
    title="开封市府院联动工作通报",
    year=2026,
    serial=5,
    next_steps="一是压实责任。\n二是<script>alert('x')</script>加大督办力度。",
    issuer="开封市府院联动联席会议办公室",
    issued_on=dt.date(2026, 11, 3),
)


T = TypeVar("T")


def _present(value: T | None) -> T:
    """``value``, which python-docx types as optional: the document sets every one read here."""
    assert value is not None
    return value


@pytest.fixture
async def snapshot(demo_database_url: str) -> AsyncIterator[Snapshot]:
    await open_database(demo_database_url)
    try:
        yield await collect(START, END)
    finally:
        await Tortoise.close_connections()


async def _red_at(moment: dt.datetime) -> list[str]:
    """The tasks RED at ``moment``, replayed from each task's events one by one."""
    today = moment.astimezone(end_of_day(END).tzinfo).date()
    codes = []
    for task in await Task.all():
        events = await TaskEvent.filter(
            task_id=task.id, occurred_at__lte=moment, to_state__isnull=False
        ).order_by("-seq")
        if not events:
            continue
        latest = events[0]
        # finished, or paused (workflow.warnings.PAUSED_STATES): a task waiting on the
        # office's review of its closure request is not RED — the demo has late closures
        # (issue 18), some of them requested after their due date and approved later
        finished = {TaskState.CLOSED, TaskState.CANCELLED, TaskState.SUSPENDED,
                    TaskState.CLOSURE_REQUESTED}  # fmt: skip
        if latest.to_state not in finished and latest.due_on and latest.due_on < today:
            codes.append(task.code)
    return sorted(codes)


async def test_the_figures_are_the_progress_figures_as_of_the_period_end(
    snapshot: Snapshot,
) -> None:
    moment = end_of_day(END)
    progress = await compute_progress(Scope(end=END, as_of=moment))

    o = snapshot.overall
    assert (o.total, o.closed, o.open, o.cancelled, o.overdue) == (
        progress.total,
        progress.closed,
        progress.open,
        progress.cancelled,
        progress.overdue,
    )
    assert (o.closure_rate, o.on_time_rate) == (progress.closure_rate, progress.on_time_rate)
    assert snapshot.enforcement.performance_rate == progress.performance_rate
    assert snapshot.enforcement.amount_rate == progress.amount_rate
    assert [(row.name, row.total, row.closed) for row in snapshot.by_unit] == [
        (group.name, group.total, group.closed) for group in progress.by_unit
    ]
    in_period = await compute_progress(Scope(start=START, end=END, as_of=moment))
    assert snapshot.new_in_period == in_period.total
    assert sorted(item.code for item in snapshot.overdue) == await _red_at(moment)
    assert len(snapshot.overdue) == snapshot.overdue_total == progress.overdue > 0


async def test_overdue_items_name_their_unit_and_working_days_late(snapshot: Snapshot) -> None:
    calendar = default_calendar()
    for item in snapshot.overdue:
        task = await Task.get(code=item.code).prefetch_related("responsible_unit")
        assert item.unit == task.responsible_unit.name
        expected = calendar.working_days_between(dt.date.fromisoformat(item.due_on), END)
        assert item.working_days_overdue == expected > 0
    # most late first
    lates = [item.working_days_overdue or 0 for item in snapshot.overdue]
    assert lates == sorted(lates, reverse=True)


async def test_the_snapshot_survives_json(snapshot: Snapshot) -> None:
    import json

    assert Snapshot.from_json(json.loads(json.dumps(snapshot.to_json()))) == snapshot


async def test_the_same_inputs_give_the_same_markdown_bytes(snapshot: Snapshot) -> None:
    again = Snapshot.from_json(snapshot.to_json())

    first = render_markdown(snapshot, TEXT).encode()
    assert render_markdown(again, TEXT).encode() == first
    text = first.decode()
    assert text.startswith("**开封市府院联动联席会议办公室**\n\n2026年第5期\n\n")
    assert "\n# 开封市府院联动工作通报\n" in text
    positions = [text.index(f"## {section}") for section in SECTIONS]
    assert positions == sorted(positions)


async def test_html_escapes_user_text_and_is_laid_out_for_print(snapshot: Snapshot) -> None:
    page = render_html(snapshot, TEXT)

    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in page
    assert 'src="data:image/png;base64,' in page


async def test_the_docx_has_the_official_layout_and_every_figure(snapshot: Snapshot) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, TEXT)))

    section = document.sections[0]
    # stored in twips (1/1440 inch): equal to the millimetre within a hundredth
    sizes = (section.page_width, section.page_height, section.top_margin,
             section.bottom_margin, section.left_margin, section.right_margin)  # fmt: skip
    assert [round(_present(size).mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]
    lines = [paragraph.text for paragraph in document.paragraphs]
    office = "开封市府院联动联席会议办公室"
    header = [office, "2026年第5期", f"{office}\t2026年11月3日", "", "开封市府院联动工作通报"]
    assert lines[:5] == header
    assert _present(document.paragraphs[4].runs[0].font.size).pt == 22
    for heading in SECTIONS:
        assert heading in lines
    body = "\n".join(lines)
    o = snapshot.overall
    for figure in (f"共{o.total}件", f"已办结{o.closed}件", f"办结率{percent(o.closure_rate)}",
                   f"超期（红色预警）{o.overdue}件", f"新增交办事项{snapshot.new_in_period}件",
                   f"履行率{percent(snapshot.enforcement.performance_rate)}"):  # fmt: skip
        assert figure in body
    # Issue 14 adds 表4, the tasks not accepted within the 签收时限, when there are any.
    units, regions, overdue, *late, imprint = document.tables
    assert imprint.rows[-1].cells[0].text == "开封市府院联动联席会议办公室\t2026年11月3日印发"
    assert [[row.cells[1].text for row in table.rows[1:]] for table in late] == (
        [[item.code for item in snapshot.late_acceptances]] if snapshot.late_acceptances else []
    )
    assert [row.cells[1].text for row in units.rows[1:]] == [r.name for r in snapshot.by_unit]
    assert [row.cells[7].text for row in units.rows[1:]] == [
        percent(r.closure_rate) for r in snapshot.by_unit
    ]
    assert len(regions.rows) == len(snapshot.by_region) + 1
    assert [(row.cells[1].text, row.cells[3].text, row.cells[5].text) for row in overdue.rows[1:]] \
        == [(i.code, i.unit, str(i.working_days_overdue)) for i in snapshot.overdue]  # fmt: skip
    for table in document.tables[:-1]:  # the header row repeats on every page
        assert _present(table.rows[0]._tr.trPr).find(qn("w:tblHeader")) is not None


async def test_every_run_and_style_of_the_docx_names_an_east_asian_font(
    snapshot: Snapshot,
) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, TEXT)))

    parts = [document.element, document.sections[0].footer._element]
    for part in parts:
        for run in part.iter(qn("w:r")):
            fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")), run.xml
    xml = document.element.xml + document.styles.element.xml
    assert 'w:eastAsia="方正小标宋简体"' in xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml
    assert 'w:eastAsia="黑体"' in xml
    assert 'w:eastAsia="楷体_GB2312"' in xml
    assert "eastAsiaTheme" not in xml
    for style in document.styles:
        rpr = style.element.find(qn("w:rPr"))
        if style.element.get(qn("w:type")) in {"paragraph", "character", "table"}:
            assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")), style.name
    footer = document.sections[0].footer._element.xml
    assert re.search(r"— .*PAGE.* —", re.sub(r"<[^>]+>", "", footer).replace("\n", " "))
    assert 'w:fldCharType="begin"' in footer


# --------------------------------------------------------------------------- issue 18
# The 通报 as an office sends it (GB/T 9704): 版头, 版记, tables, the chart.

ISSUED = dataclasses.replace(
    TEXT,
    report_to="河南省府院联动联席会议办公室",
    send_to="开封市中级人民法院",
    distribute_to="各县区人民政府，市直各有关单位",
)


def _colour(run: object) -> str | None:
    rpr = run._r.find(qn("w:rPr"))  # type: ignore[attr-defined]
    color = rpr.find(qn("w:color")) if rpr is not None else None
    return color.get(qn("w:val")) if color is not None else None


def _bottom_rule(paragraph: object) -> dict[str, str] | None:
    ppr = paragraph._p.find(qn("w:pPr"))  # type: ignore[attr-defined]
    bottom = ppr.find(qn("w:pBdr") + "/" + qn("w:bottom")) if ppr is not None else None
    if bottom is None:
        return None
    return {key.split("}")[1]: value for key, value in bottom.attrib.items()}


async def test_the_header_is_a_red_masthead_over_the_number_and_a_red_rule(
    snapshot: Snapshot,
) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, ISSUED)))

    mark, number, line, _, title = document.paragraphs[:5]
    # the 发文机关标志: the issuer in red 方正小标宋简体, centred, no wider than the 版心
    assert mark.text == "开封市府院联动联席会议办公室"
    assert [_colour(run) for run in mark.runs] == ["C00000"]
    fonts = _present(_present(mark.runs[0]._r.rPr).rFonts)
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    size = _present(mark.runs[0].font.size).pt
    assert size > 22
    assert size * len(mark.text) <= 156 / 25.4 * 72
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # the 期号 under it, centred
    assert (number.text, number.alignment) == ("2026年第5期", WD_ALIGN_PARAGRAPH.CENTER)
    # issuer on the left, date at a right tab on the 版心's right edge, a red rule under them
    assert line.text == "开封市府院联动联席会议办公室\t2026年11月3日"
    tab = _present(_present(line._p.pPr).find(qn("w:tabs") + "/" + qn("w:tab")))
    assert tab.get(qn("w:val")) == "right"
    assert abs(int(tab.get(qn("w:pos"))) - round(156 / 25.4 * 1440)) <= 1
    assert _bottom_rule(line) == {"val": "single", "sz": "12", "space": "4", "color": "C00000"}
    assert [_colour(run) for run in line.runs] == [None]  # the words are black
    # then the title, black, below the rule
    assert title.text == "开封市府院联动工作通报"
    assert [_colour(run) for run in title.runs] == [None]


@pytest.mark.parametrize(
    ("text", "masthead", "number", "dated"),
    [
        pytest.param(
            TEXT, "开封市府院联动联席会议办公室", "2026年第5期", "2026年11月3日", id="issued"
        ),
        pytest.param(
            dataclasses.replace(TEXT, serial=None, issued_on=None),
            "开封市府院联动联席会议办公室",
            "2026年 草稿",
            "（未印发）",
            id="draft",
        ),
        pytest.param(
            dataclasses.replace(TEXT, issuer="兰考县府院联动联席会议办公室"),
            "兰考县府院联动联席会议办公室",
            "2026年第5期",
            "2026年11月3日",
            id="another-issuer",
        ),
        pytest.param(
            dataclasses.replace(TEXT, issuer=""),
            "开封市府院联动联席会议办公室",
            "2026年第5期",
            "2026年11月3日",
            id="no-issuer-the-command-line",
        ),
    ],
)
async def test_the_masthead_names_the_issuer_and_the_number_in_every_format(
    snapshot: Snapshot, text: BriefingText, masthead: str, number: str, dated: str
) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, text)))
    page = render_html(snapshot, text)
    markdown = render_markdown(snapshot, text)

    assert [p.text for p in document.paragraphs[:3]] == [masthead, number, f"{masthead}\t{dated}"]
    assert f'<p class="masthead">{masthead}</p>' in page
    assert f'<p class="number">{number}</p>' in page
    assert f"<span>{dated}</span>" in page
    assert markdown.startswith(f"**{masthead}**\n\n{number}\n\n{masthead}　　{dated}\n")


async def test_the_imprint_closes_the_document_with_its_lines_and_the_printing_date(
    snapshot: Snapshot,
) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, ISSUED)))
    markdown = render_markdown(snapshot, ISSUED)
    page = render_html(snapshot, ISSUED)

    imprint = document.tables[-1]
    # the last thing in the body: nothing follows the 版记 but the empty paragraph it
    # is anchored to
    body = document.element.body
    assert [child.tag for child in body][-3:] == [qn("w:tbl"), qn("w:p"), qn("w:sectPr")]
    assert document.paragraphs[-1].text == ""
    assert [row.cells[0].text for row in imprint.rows] == [
        "报：河南省府院联动联席会议办公室",
        "送：开封市中级人民法院",
        "发：各县区人民政府，市直各有关单位",
        "开封市府院联动联席会议办公室\t2026年11月3日印发",
    ]
    borders = imprint._tbl.tblPr.find(qn("w:tblBorders"))
    rules = {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}
    assert rules == {"top": "single", "bottom": "single", "insideH": "single", "left": "nil",
                     "right": "nil", "insideV": "nil"}  # fmt: skip
    for row in imprint.rows:  # 4号 仿宋, never split
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert {_present(run.font.size).pt for run in row.cells[0].paragraphs[0].runs} == {14}
    assert markdown.rstrip().endswith(
        "报：河南省府院联动联席会议办公室  \n送：开封市中级人民法院  \n"
        "发：各县区人民政府，市直各有关单位  \n开封市府院联动联席会议办公室　　2026年11月3日印发"
    )
    assert '<div class="imprint">' in page
    assert "<p>送：开封市中级人民法院</p>" in page


async def test_the_imprint_sits_at_the_foot_of_the_last_page(snapshot: Snapshot) -> None:
    # GB/T 9704 §7.4: the 版记 on the last page, its last rule on the 版心's bottom edge
    document = Document(io.BytesIO(render_docx(snapshot, ISSUED)))

    tbl_pr = document.tables[-1]._tbl.tblPr
    position = tbl_pr.find(qn("w:tblpPr"))
    assert position is not None, "the 版记 floats"
    attributes = {key.split("}")[1]: value for key, value in position.attrib.items()}
    assert {key: attributes[key] for key in ("vertAnchor", "tblpYSpec", "horzAnchor",
            "tblpXSpec")} == {"vertAnchor": "margin", "tblpYSpec": "bottom",
                              "horzAnchor": "margin", "tblpXSpec": "center"}  # fmt: skip
    assert attributes["bottomFromText"] == "0"
    assert tbl_pr.find(qn("w:tblOverlap")).get(qn("w:val")) == "never"
    # in CT_TblPr's order: the position before the width and the borders
    tags = [child.tag for child in tbl_pr]
    assert tags.index(qn("w:tblpPr")) < tags.index(qn("w:tblW"))
    # the 版心's width less the few millimetres LibreOffice needs to float it
    width = sum(_grid_mm(document.tables[-1]))
    assert 150 <= width < 156
    # only the 版记 floats: the other tables stay in the text
    assert all(t._tbl.tblPr.find(qn("w:tblpPr")) is None for t in document.tables[:-1])


async def test_an_imprint_without_lines_keeps_the_printing_line_and_a_draft_is_not_printed(
    snapshot: Snapshot,
) -> None:
    draft = dataclasses.replace(TEXT, serial=None, issued_on=None, send_to="开封市中级人民法院")
    document = Document(io.BytesIO(render_docx(snapshot, draft)))

    assert [row.cells[0].text for row in document.tables[-1].rows] == [
        "送：开封市中级人民法院",
        "开封市府院联动联席会议办公室\t（未印发）",
    ]


def _grid_mm(table: object) -> list[float]:
    grid = table._tbl.find(qn("w:tblGrid"))  # type: ignore[attr-defined]
    return [int(col.get(qn("w:w"))) / 1440 * 25.4 for col in grid.iter(qn("w:gridCol"))]


def _one_line_mm(text: str, size_pt: float) -> float:
    """The width a text needs on one line: generous (CJK 1 em, capitals and % 0.75, the rest
    0.5, a quarter em where Chinese meets Latin) — measured from LibreOffice's pages."""
    width, previous = 0.0, None
    for char in text:
        cjk = ord(char) >= 0x2E80
        width += 1 if cjk else 0.75 if char.isupper() or char in "%—" else 0.5
        width += 0.25 if previous is not None and previous != cjk else 0
        previous = cjk
    return width * size_pt * 25.4 / 72


async def test_tables_rows_never_split_and_codes_dates_and_counts_stay_on_one_line(
    snapshot: Snapshot,
) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, TEXT)))

    units, regions, overdue, *late, _ = document.tables
    wrapping = {id(units): {1}, id(regions): {1}, id(overdue): {2, 3}}
    wrapping.update({id(table): {2, 3} for table in late})
    assert overdue.rows[0].cells[4].text == "办结时限"
    assert any("年" not in row.cells[4].text for row in overdue.rows[1:])
    for table in (units, regions, overdue, *late):
        widths = _grid_mm(table)
        assert abs(sum(widths) - 156) < 0.5  # the 版心
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        padding = sum(
            int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right")
        )
        for number, row in enumerate(table.rows):
            assert row._tr.trPr.find(qn("w:cantSplit")).get(qn("w:val")) == "true"
            for index, cell in enumerate(row.cells):
                if index in wrapping[id(table)]:
                    continue
                size = _present(cell.paragraphs[0].runs[0].font.size).pt
                # a heading of four characters or more may take two lines (超期/工作日)
                line = (
                    cell.text
                    if number or len(cell.text) < 4
                    else cell.text[: (len(cell.text) + 1) // 2]
                )
                needed = _one_line_mm(line, size) + padding / 1440 * 25.4
                assert needed <= widths[index], (cell.text, widths[index])
                tcw = int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / 1440 * 25.4
                assert abs(tcw - widths[index]) < 0.1  # Word reads the cells, LibreOffice the grid


async def test_the_titles_of_tables_3_and_4_get_the_width_the_one_line_columns_leave(
    snapshot: Snapshot,
) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, TEXT)))

    _, _, overdue, *late, _ = document.tables
    assert late, "the snapshot has late acceptances"
    for table in (overdue, late[0]):
        widths = _grid_mm(table)
        header = [cell.text for cell in table.rows[0].cells]
        title = header.index("事项")
        # the title column is the widest, and no one-line column has more than it needs
        assert widths[title] == max(widths)
        size = _present(table.rows[1].cells[0].paragraphs[0].runs[0].font.size).pt
        for index, name in enumerate(header):
            if name in ("事项", "责任单位"):
                continue
            line = name if len(name) < 4 else name[: (len(name) + 1) // 2]
            cells = [line, *(row.cells[index].text for row in table.rows[1:])]
            needed = max(_one_line_mm(cell, size) for cell in cells) + 3
            assert widths[index] - needed < 1.5, (name, widths[index], needed)
        # by the generous estimate (LibreOffice sets the demo's titles in 2 or 3 lines, the
        # two longest, with two case numbers each, in 4), where the column was 22 mm wide
        # and titles took 5 to 8 lines
        assert widths[title] >= 45
        assert _one_line_mm("督" * 36, size) / (widths[title] - 3) <= 3
        for row in table.rows[1:]:
            assert _one_line_mm(row.cells[title].text, size) / (widths[title] - 3) <= 4


async def test_table_1_adds_up_with_its_cancelled_column(snapshot: Snapshot) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, TEXT)))

    units = document.tables[0]
    header = [cell.text for cell in units.rows[0].cells]
    assert header == [
        "序号",
        "责任单位",
        "交办",
        "撤销",
        "办结",
        "超期",
        "退回",
        "办结率",
        "按期办结率",
    ]
    cancelled = 0
    for row, group in zip(units.rows[1:], snapshot.by_unit, strict=True):
        total, gone, closed = (int(row.cells[i].text) for i in (2, 3, 4))
        assert (total, gone, closed) == (group.total, group.cancelled, group.closed)
        if total > gone:
            assert row.cells[7].text == percent(closed / (total - gone))
        cancelled += gone
    assert cancelled == snapshot.overall.cancelled > 0


async def test_the_chart_shows_the_units_that_lag_with_one_caption(snapshot: Snapshot) -> None:
    lagging = lagging_units(snapshot.by_unit)
    rated = [row for row in snapshot.by_unit if row.closure_rate is not None]
    rates = [_present(row.closure_rate) for row in lagging]

    # the lowest rates, 0% first; none better than any left out
    assert rates == sorted(rates)
    assert len(lagging) == min(MAX_CHART_BARS, len(rated))
    assert 0 in rates
    left_out = [_present(row.closure_rate) for row in rated if row not in lagging]
    assert all(rate >= rates[-1] for rate in left_out)
    document = Document(io.BytesIO(render_docx(snapshot, TEXT)))
    captions = [p.text for p in document.paragraphs if p.text.startswith("图1")]
    expected = (
        "图1　办结率靠后的20个责任单位" if len(rated) > MAX_CHART_BARS else "图1　各责任单位办结率"
    )
    assert captions == [expected]


def test_the_chart_draws_the_units_it_is_given_and_no_title_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matplotlib.axes

    rows = [GroupRow(key=str(i), name=f"单位{i}", total=3, closed=i, overdue=0,
                     closure_rate=i / 3, on_time_rate=None) for i in range(3)]  # fmt: skip
    drawn: list[list[str]] = []
    titles: list[str] = []
    original = matplotlib.axes.Axes.set_yticks

    def spy(self: Any, ticks: Any, labels: Any = None, **kw: Any) -> Any:
        drawn.append(list(labels or []))
        return original(self, ticks, labels, **kw)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_yticks", spy)
    monkeypatch.setattr(matplotlib.axes.Axes, "set_title", lambda _, t, **__: titles.append(t))

    png = closure_rate_chart(lagging_units(rows))

    assert png.startswith(b"\x89PNG")
    # top to bottom: the lowest first (matplotlib counts its ticks from the bottom)
    assert drawn == [["单位2", "单位1", "单位0"]]
    assert titles == []  # the caption under it is the document's only title


async def test_the_imprint_rows_keep_together(snapshot: Snapshot) -> None:
    document = Document(io.BytesIO(render_docx(snapshot, ISSUED)))

    rows = document.tables[-1].rows
    keeps = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in rows]
    assert keeps == [True, True, True, False]  # never split between two pages
