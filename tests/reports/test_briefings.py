"""The briefing lifecycle (reports/briefings.py): drafts, edits, gapless issuing.

On the Kaifeng demo, on SQLite and PostgreSQL: on PostgreSQL two issuers
really run at once (each transaction on its own connection), so the test of
concurrent issuing exercises the counter row's lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from reports.briefings import (
    counter_key,
    generate_briefing,
    issue_briefing,
    update_draft,
    update_next_steps,
)
from reports.progress import Scope, compute_progress
from reports.snapshot import end_of_day
from store.enums import BriefingStatus
from store.errors import BriefingIssued, NotFound, ValidationError
from store.models import Account, Briefing, Counter
from tests.conftest import open_database
from workflow.i18n import language

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
async def demo(demo_database_url: str) -> AsyncIterator[Account]:
    """The demo database opened; yields the demo coordinator."""
    from tortoise import Tortoise

    await open_database(demo_database_url)
    try:
        yield await Account.get(username="demo-coordinator")
    finally:
        await Tortoise.close_connections()


async def _draft(coordinator: Account, month: int = 10, *, written: bool = True) -> Briefing:
    """A draft for a month of 2026, with its 下一步工作要求 written unless ``written`` is False."""
    start = dt.date(2026, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    draft = await generate_briefing(
        period_start=start, period_end=end, generated_by=coordinator, now=NOW
    )
    return await update_next_steps(draft.id, "一是压实责任。") if written else draft


async def test_generate_makes_a_draft_with_the_figures_as_of_the_period_end(
    demo: Account,
) -> None:
    briefing = await _draft(demo, written=False)

    expected = await compute_progress(Scope(end=OCTOBER[1], as_of=end_of_day(OCTOBER[1])))
    assert briefing.status is BriefingStatus.DRAFT
    assert briefing.serial is None
    assert briefing.year == 2026
    assert briefing.title == "开封市府院联动工作通报"
    overall = briefing.statistics["overall"]
    assert (overall["total"], overall["closed"], overall["overdue"]) == (
        expected.total,
        expected.closed,
        expected.overdue,
    )
    assert briefing.markdown is not None
    assert "\n2026年 草稿\n" in briefing.markdown
    assert briefing.docx is not None
    assert bytes(briefing.docx[:2]) == b"PK"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        pytest.param("2026-10-31", "2026-10-01", "periodEnd", id="ends-before-it-starts"),
        pytest.param("2026-11-01", "2026-12-31", "periodEnd", id="ends-in-the-future"),
        pytest.param("2026-13-01", "2026-12-31", "periodStart", id="not-a-date"),
    ],
)
async def test_generate_refuses_a_bad_period(
    demo: Account, start: str, end: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await generate_briefing(period_start=start, period_end=end, now=NOW)
    assert caught.value.field == field
    assert await Briefing.all().count() == 0


async def test_a_draft_takes_new_next_steps_and_renders_them(demo: Account) -> None:
    briefing = await _draft(demo, written=False)

    edited = await update_next_steps(briefing.id, "一是压实责任。\n二是加大督办力度。")

    assert edited.next_steps == "一是压实责任。\n二是加大督办力度。"
    assert edited.markdown is not None
    assert "二是加大督办力度。" in edited.markdown
    assert edited.html is not None
    assert "二是加大督办力度。" in edited.html


async def test_issuing_numbers_and_freezes_the_briefing(demo: Account) -> None:
    briefing = await _draft(demo)
    await update_next_steps(briefing.id, "一是压实责任。")

    issued = await issue_briefing(briefing.id, issued_by=demo, now=NOW)

    assert (issued.status, issued.serial) == (BriefingStatus.ISSUED, 1)
    assert issued.issued_at == NOW
    assert issued.markdown is not None
    assert "\n2026年第1期\n" in issued.markdown
    assert "2026年11月20日印发" in issued.markdown
    with pytest.raises(BriefingIssued, match="2026年第1期 is issued"):
        await update_next_steps(briefing.id, "改写")
    with pytest.raises(BriefingIssued):
        await issue_briefing(briefing.id, issued_by=demo)
    unchanged = await Briefing.get(id=briefing.id)
    assert (unchanged.next_steps, unchanged.serial) == ("一是压实责任。", 1)
    assert unchanged.markdown == issued.markdown


async def test_two_coordinators_issuing_at_once_get_consecutive_serials(demo: Account) -> None:
    first, second = await _draft(demo, 9), await _draft(demo, 10)

    issued = await asyncio.gather(issue_briefing(first.id), issue_briefing(second.id))

    assert sorted(briefing.serial or 0 for briefing in issued) == [1, 2]
    assert (await Counter.get(key=counter_key(2026))).value == 2


async def test_issuing_one_draft_twice_at_once_issues_it_once_without_a_gap(
    demo: Account,
) -> None:
    first, second = await _draft(demo, 9), await _draft(demo, 10)

    outcomes = await asyncio.gather(
        issue_briefing(first.id), issue_briefing(first.id), return_exceptions=True
    )
    later = await issue_briefing(second.id)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Briefing", "BriefingIssued"]
    assert (await Briefing.get(id=first.id)).serial == 1
    assert later.serial == 2  # the refused attempt's number was given back


@pytest.mark.parametrize(
    "next_steps",
    [
        pytest.param(None, id="never-written"),
        pytest.param("  \n \n", id="blank"),
        pytest.param("（待联席会议办公室填写。）", id="the-placeholder"),
    ],
)
async def test_issuing_without_next_steps_is_refused_and_takes_no_number(
    demo: Account, next_steps: str | None
) -> None:
    draft = await _draft(demo, written=False)
    if next_steps is not None:
        await update_next_steps(draft.id, next_steps)

    with language("zh_CN"), pytest.raises(ValidationError) as caught:
        await issue_briefing(draft.id, issued_by=demo, now=NOW)

    assert (caught.value.field, caught.value.rule) == ("briefingId", "briefing.next_steps")
    assert "“六、下一步工作要求”尚未填写，不能印发" in caught.value.message
    with language("en"), pytest.raises(ValidationError) as caught:
        await issue_briefing(draft.id, issued_by=demo, now=NOW)
    assert "section 六 (next steps) is not written yet" in caught.value.message
    still = await Briefing.get(id=draft.id)
    assert (still.status, still.serial) == (BriefingStatus.DRAFT, None)
    assert await Counter.filter(key=counter_key(2026)).count() == 0
    # once written, it is issued as the year's 第1期: the refusal used no number
    await update_next_steps(draft.id, "一是压实责任。")
    assert (await issue_briefing(draft.id, issued_by=demo, now=NOW)).serial == 1


async def test_a_briefing_is_numbered_in_the_year_it_is_issued(demo: Account) -> None:
    december = await generate_briefing(
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        now=NOW.replace(month=12, day=1),
    )
    await update_next_steps(december.id, "一是压实责任。")
    january = dt.datetime(2027, 1, 4, 2, tzinfo=dt.UTC)

    issued = await issue_briefing(december.id, now=january)

    assert (issued.year, issued.serial) == (2027, 1)
    assert (await Counter.get(key=counter_key(2027))).value == 1
    assert await Counter.filter(key=counter_key(2026)).count() == 0
    assert issued.markdown is not None
    assert "2027年第1期" in issued.markdown
    assert "2027年1月4日印发" in issued.markdown


async def test_a_draft_takes_its_imprint_lines_and_keeps_what_is_not_given(demo: Account) -> None:
    draft = await _draft(demo)

    edited = await update_draft(draft.id, report_to=" 河南省府院联动联席会议办公室 ",
                                distribute_to="各县区人民政府")  # fmt: skip
    again = await update_draft(edited.id, distribute_to="")

    assert (edited.report_to, edited.send_to, edited.distribute_to) == (
        "河南省府院联动联席会议办公室", "", "各县区人民政府")  # fmt: skip
    assert edited.markdown is not None
    assert "报：河南省府院联动联席会议办公室" in edited.markdown
    assert (again.report_to, again.distribute_to, again.next_steps) == (
        "河南省府院联动联席会议办公室", "", "一是压实责任。")  # fmt: skip
    assert again.markdown is not None
    assert "发：" not in again.markdown


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        pytest.param(
            {"report_to": "省联席办\n市委政法委"}, "reportTo", "text.single_line", id="two-lines"
        ),
        pytest.param({"send_to": "法" * 501}, "sendTo", "text.length", id="too-long"),
        pytest.param(
            {"distribute_to": "各县区\x07"}, "distributeTo", "text.control", id="control-character"
        ),
    ],
)
async def test_bad_imprint_lines_are_refused_naming_the_field(
    demo: Account, changes: dict[str, str], field: str, rule: str
) -> None:
    draft = await _draft(demo)

    with pytest.raises(ValidationError) as caught:
        await update_draft(draft.id, **changes)

    assert (caught.value.field, caught.value.rule) == (field, rule)
    unchanged = await Briefing.get(id=draft.id)
    assert (unchanged.report_to, unchanged.send_to, unchanged.distribute_to) == ("", "", "")


async def test_a_missing_briefing_is_not_found(demo: Account) -> None:
    with pytest.raises(NotFound):
        await issue_briefing(999_999)
    with pytest.raises(NotFound):
        await update_next_steps(999_999, "x")
