"""Briefing documents on the Kaifeng demo: the snapshot and its three layouts.

reports/snapshot.py, reports/words.py, reports/markdown_layout.py,
reports/html_layout.py, reports/docx_layout.py.

The figures are checked against ``reports.progress`` as of the period's end and
the overdue list against the tasks RED at that moment; the DOCX is opened
with python-docx and its XML read for the fonts and the page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from typing import TypeVar

import pytest
from docx import Document
from docx.oxml.ns import qn
from tortoise import Tortoise

from reports.docx_layout import render_docx
from reports.html_layout import render_html
from reports.markdown_layout import render_markdown
from reports.progress import Scope, compute_progress
from reports.snapshot import Snapshot, collect, end_of_day
from reports.words import SECTIONS, BriefingText, percent
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
        finished = {TaskState.CLOSED, TaskState.CANCELLED}
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
    assert text.startswith("# 开封市府院联动工作通报\n\n（2026年第5期）")
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
    assert lines[0] == "开封市府院联动工作通报"
    assert lines[1] == "（2026年第5期）"
    assert _present(document.paragraphs[0].runs[0].font.size).pt == 22
    for heading in SECTIONS:
        assert heading in lines
    body = "\n".join(lines)
    o = snapshot.overall
    for figure in (f"共{o.total}件", f"已办结{o.closed}件", f"办结率{percent(o.closure_rate)}",
                   f"超期（红色预警）{o.overdue}件", f"新增交办事项{snapshot.new_in_period}件",
                   f"履行率{percent(snapshot.enforcement.performance_rate)}"):  # fmt: skip
        assert figure in body
    # Issue 14 adds 表4, the tasks not accepted within the 签收时限, when there are any.
    units, regions, overdue, *late = document.tables
    assert [[row.cells[1].text for row in table.rows[1:]] for table in late] == (
        [[item.code for item in snapshot.late_acceptances]] if snapshot.late_acceptances else []
    )
    assert [row.cells[1].text for row in units.rows[1:]] == [r.name for r in snapshot.by_unit]
    assert [row.cells[6].text for row in units.rows[1:]] == [
        percent(r.closure_rate) for r in snapshot.by_unit
    ]
    assert len(regions.rows) == len(snapshot.by_region) + 1
    assert [(row.cells[1].text, row.cells[3].text, row.cells[5].text) for row in overdue.rows[1:]] \
        == [(i.code, i.unit, str(i.working_days_overdue)) for i in snapshot.overdue]  # fmt: skip
    for table in document.tables:  # the header row repeats on every page
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
