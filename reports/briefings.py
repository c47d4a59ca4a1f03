"""Coordination briefings (工作通报): generate a draft, edit its 下一步工作要求, issue it.

The lifecycle of a ``store.models.Briefing`` row; the GraphQL mutations
(``schema.mutations.briefings``), the downloads (``api.downloads``) and the
command line (``fuyuan briefing``) call it. It lives beside the documents it
renders, above the store it writes through (``store.operations.common``'s
counters and checks): the store never imports a report.

A draft holds the figures as of its period's end (``Briefing.statistics``,
see ``reports.snapshot.Snapshot``) and its rendered files. Issuing numbers it
— the next serial of its year, from a gapless counter taken inside the
issuing transaction — and freezes it: nothing of an issued briefing changes
afterwards but the files rendered once with its number.

Rendering (matplotlib, python-docx) takes a fraction of a second of CPU: it
runs in a worker thread and never inside a transaction (SQLite holds one lock
for as long as a transaction lasts).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from reports.chart import closure_rate_chart
from reports.docx_layout import render_docx
from reports.html_layout import render_html
from reports.markdown_layout import render_markdown
from reports.snapshot import Snapshot, collect, end_of_day, issuer_name
from reports.words import BriefingText, default_title, lagging_units, placeholder_next_steps
from store.enums import BriefingStatus
from store.errors import BriefingIssued, BriefingNotDeletable, NotFound, ValidationError
from store.idempotency import Idempotency, once, remember
from store.inputs import (
    MAX_MULTILINE_LENGTH,
    bounded_list,
    column_length,
    multi_line,
    optional_single_line,
    single_line,
)
from store.models import Account, Briefing, IdempotencyKey, Unit
from store.notifications import notify_briefing
from store.operations.common import check_date, next_number
from workflow.clock import SHANGHAI
from workflow.clocks import ClockLimits
from workflow.i18n import _

MAX_NEXT_STEPS = MAX_MULTILINE_LENGTH
"""下一步工作要求 longer than this is not a briefing section any more."""

IMPRINT_FIELDS = {"reportTo": "report_to", "sendTo": "send_to", "distributeTo": "distribute_to"}
"""The 版记's 报/送/发 lines: the input field and the column of each."""


@dataclass(frozen=True)
class Rendered:
    """A briefing's three files."""

    markdown: str
    html: str
    docx: bytes


def counter_key(year: int) -> str:
    """The gapless counter of a year's serials (``store.models.Counter``)."""
    return f"briefing:{year}"


def number_of(briefing: Briefing) -> str:
    """2023年第5期, or 2023年草稿 for a draft."""
    if briefing.serial is None:
        return f"{briefing.year}年草稿"
    return f"{briefing.year}年第{briefing.serial}期"


def text_of(briefing: Briefing) -> BriefingText:
    """The words a briefing's files are rendered from, besides its figures."""
    snapshot = Snapshot.from_json(briefing.statistics)
    issued_on = briefing.issued_at.astimezone(SHANGHAI).date() if briefing.issued_at else None
    return BriefingText(
        title=briefing.title,
        year=briefing.year,
        serial=briefing.serial,
        next_steps=briefing.next_steps,
        issuer=snapshot.issuer,
        issued_on=issued_on,
        report_to=briefing.report_to,
        send_to=briefing.send_to,
        distribute_to=briefing.distribute_to,
    )


def render(snapshot: Snapshot, text: BriefingText) -> Rendered:
    """All three files (CPU only; call it from a worker thread)."""
    chart = closure_rate_chart(lagging_units(snapshot.by_unit))
    return Rendered(
        markdown=render_markdown(snapshot, text),
        html=render_html(snapshot, text, chart_png=chart),
        docx=render_docx(snapshot, text, chart_png=chart),
    )


async def render_briefing(briefing: Briefing) -> Rendered:
    """The files of ``briefing``, rendered now from its stored figures and words."""
    snapshot = Snapshot.from_json(briefing.statistics)
    return await asyncio.to_thread(render, snapshot, text_of(briefing))


def check_period(
    period_start: dt.date | str, period_end: dt.date | str, *, today: dt.date
) -> tuple[dt.date, dt.date]:
    """A briefing's period: two dates, in order, ending today at the latest.

    The one rule for generateBriefing and ``fuyuan briefing``.

    Raises:
        ValidationError: ``periodStart``/``periodEnd`` not a date or after
            today, or the period ending before it starts.
    """
    start = check_date(period_start, field="periodStart", not_after=today)
    end = check_date(period_end, field="periodEnd", not_after=today)
    if start > end:
        raise ValidationError("periodEnd", "period.order", _("the period ends before it starts"))
    return start, end


async def generate_briefing(
    *,
    period_start: dt.date | str,
    period_end: dt.date | str,
    title: str | None = None,
    region: str | None = None,
    unit_ids: tuple[int, ...] | None = None,
    generated_by: Account | None = None,
    now: dt.datetime | None = None,
    idempotency: Idempotency | None = None,
    limits: ClockLimits | None = None,
) -> Briefing:
    """A DRAFT briefing for the period, with the figures as of the period's end.

    ``limits`` are the 签收时限 and the office's review limit the clocks are
    judged by (default: ``workflow.clocks``'; the app passes its settings').

    With ``idempotency``, a retry of the same request returns the first draft
    (without computing or rendering anything again).

    Raises:
        ValidationError: a bad date, a period that ends before it starts or
            after today, an empty or overlong title, too many units.
    """
    now = now or dt.datetime.now(dt.UTC)
    start, end = check_period(period_start, period_end, today=now.astimezone(SHANGHAI).date())
    if region is not None:
        region = single_line(region, field="scope.region", max_length=column_length(Unit, "region"))
    units = bounded_list(unit_ids, field="scope.unitIds")
    scope_units = tuple(units) if units is not None else None
    title_length = column_length(Briefing, "title")
    given_title = (
        single_line(title, field="title", max_length=title_length) if title is not None else None
    )

    async def create() -> Briefing:
        unit_id = generated_by.unit_id if generated_by is not None else None  # type: ignore[attr-defined]
        issuer = await issuer_name(unit_id)
        text_title = given_title or default_title(issuer)
        # The figures as of the end of the period, or as of now for a period ending today.
        as_of = min(end_of_day(end), now)
        snapshot = await collect(
            start,
            end,
            as_of=as_of,
            region=region,
            unit_ids=scope_units,
            issuer=issuer,
            limits=limits,
        )
        text = BriefingText(
            title=text_title, year=end.year, serial=None, next_steps="", issuer=issuer
        )
        files = await asyncio.to_thread(render, snapshot, text)
        async with in_transaction() as conn:
            briefing = await Briefing.create(
                year=end.year,
                title=text_title,
                period_start=start,
                period_end=end,
                as_of=as_of,
                status=BriefingStatus.DRAFT,
                generated_by=generated_by,
                statistics=snapshot.to_json(),
                next_steps="",
                markdown=files.markdown,
                html=files.html,
                docx=files.docx,
                using_db=conn,
            )
            await remember(idempotency, briefing, using_db=conn)
        return briefing

    return await once(idempotency, Briefing, create)


async def _get(briefing_id: int) -> Briefing:
    briefing = await Briefing.get_or_none(id=briefing_id)
    if briefing is None:
        raise NotFound("briefingId", "briefing", briefing_id)
    return briefing


async def update_next_steps(briefing_id: int, next_steps: str) -> Briefing:
    """Replace the 下一步工作要求 of a draft and render its files again (see update_draft)."""
    return await update_draft(briefing_id, next_steps=next_steps)


async def update_draft(
    briefing_id: int,
    *,
    next_steps: str | None = None,
    report_to: str | None = None,
    send_to: str | None = None,
    distribute_to: str | None = None,
) -> Briefing:
    """Replace what is given of a draft's words and render its files again.

    ``next_steps`` is 六、下一步工作要求 (one paragraph a line); ``report_to``,
    ``send_to`` and ``distribute_to`` are the 版记's 报、送、发 lines (one line
    each; empty leaves the line out). What is not given is kept.

    Raises:
        NotFound: no such briefing.
        BriefingIssued: it is issued (also when it was issued while rendering).
        ValidationError: a text too long, or a 版记 line of several lines.
    """
    briefing = await _get(briefing_id)
    if briefing.status is BriefingStatus.ISSUED:
        raise BriefingIssued("briefingId", number_of(briefing))
    changes: dict[str, str] = {}
    if next_steps is not None:
        changes["next_steps"] = multi_line(next_steps, field="nextSteps", max_length=MAX_NEXT_STEPS)
    given = {"reportTo": report_to, "sendTo": send_to, "distributeTo": distribute_to}
    for field, value in given.items():
        if value is None:
            continue
        column = IMPRINT_FIELDS[field]
        length = column_length(Briefing, column)
        changes[column] = optional_single_line(value, field=field, max_length=length) or ""
    for column, value in changes.items():
        setattr(briefing, column, value)
    files = await render_briefing(briefing)
    # Conditional: a briefing issued meanwhile keeps the words it was issued with.
    updated = await Briefing.filter(id=briefing_id, status=BriefingStatus.DRAFT).update(
        **changes, markdown=files.markdown, html=files.html, docx=files.docx
    )
    if updated == 0:
        raise BriefingIssued("briefingId", number_of(await _get(briefing_id)))
    return await _get(briefing_id)


async def delete_briefing(briefing_id: int) -> int:
    """Delete a draft (a mistaken or repeated one) with the idempotency key that made it.

    Nothing refers to a draft: it has no serial, and its key goes with it, so a
    retry of the request that generated it makes a new draft instead of
    answering with one that is gone. The DELETE is conditional, so a draft
    issued meanwhile stays.

    Raises:
        NotFound: no such briefing.
        BriefingNotDeletable: it is issued.
    """
    async with in_transaction() as conn:
        briefing = await Briefing.get_or_none(id=briefing_id, using_db=conn)
        if briefing is None:
            raise NotFound("briefingId", "briefing", briefing_id)
        if briefing.status is BriefingStatus.ISSUED:
            raise BriefingNotDeletable("briefingId", number_of(briefing))
        deleted = (
            await Briefing.filter(id=briefing_id, status=BriefingStatus.DRAFT)
            .using_db(conn)
            .delete()
        )
        if deleted == 0:
            raise BriefingNotDeletable("briefingId", number_of(await _get(briefing_id)))
        await (
            IdempotencyKey.filter(operation="generateBriefing", record_id=briefing_id)
            .using_db(conn)
            .delete()
        )
    return briefing_id


async def issue_briefing(
    briefing_id: int, *, issued_by: Account | None = None, now: dt.datetime | None = None
) -> Briefing:
    """Number and freeze a draft: the next serial of the year of issue, without gaps.

    A briefing is numbered in the year it is issued (印发), whatever period it
    covers: December's, issued in January, is the new year's 第1期. It is
    refused while 六、下一步工作要求 is unwritten — an office never sends a
    通报 without them.

    The serial comes from ``next_number`` inside the transaction that marks the
    briefing ISSUED: on PostgreSQL the counter row's UPDATE makes a second
    issuer wait until the first commits, and a briefing issued twice is
    refused by the conditional UPDATE (its rollback gives the number back).
    The files, which show the number, are rendered after the commit.

    Raises:
        NotFound: no such briefing.
        BriefingIssued: it is issued already.
        ValidationError: 六、下一步工作要求 is not written yet (``briefing.next_steps``).
    """
    now = now or dt.datetime.now(dt.UTC)
    year = now.astimezone(SHANGHAI).year
    async with in_transaction() as conn:
        briefing = await Briefing.get_or_none(id=briefing_id, using_db=conn)
        if briefing is None:
            raise NotFound("briefingId", "briefing", briefing_id)
        if briefing.status is BriefingStatus.ISSUED:
            raise BriefingIssued("briefingId", number_of(briefing))
        if placeholder_next_steps(briefing.next_steps):
            raise ValidationError(
                "briefingId",
                "briefing.next_steps",
                _(
                    "section 六 (next steps) is not written yet, so the briefing cannot be "
                    "issued: write the next steps in the draft first, then issue it"
                ),
            )
        serial = await next_number(counter_key(year), using_db=conn)
        updated = (
            await Briefing.filter(id=briefing_id, status=BriefingStatus.DRAFT)
            .using_db(conn)
            .update(
                status=BriefingStatus.ISSUED,
                year=year,
                serial=serial,
                issued_by_id=issued_by.id if issued_by is not None else None,
                issued_at=now,
                markdown=None,
                html=None,
                docx=None,
            )
        )
        if updated == 0:
            # Issued by someone else since we read it: roll back, returning the number.
            raise BriefingIssued("briefingId", f"{year}年")
        # The leaders hear of it with the issue itself (issue 20).
        await notify_briefing(briefing, at=now, using_db=conn)
    briefing = await _get(briefing_id)
    files = await render_briefing(briefing)
    await Briefing.filter(id=briefing_id, status=BriefingStatus.ISSUED, serial=serial).update(
        markdown=files.markdown, html=files.html, docx=files.docx
    )
    return await _get(briefing_id)


async def briefing_files(briefing: Briefing) -> Rendered:
    """The stored files, or (when rendering after issuing did not finish) rendered now."""
    if briefing.markdown is not None and briefing.html is not None and briefing.docx is not None:
        return Rendered(briefing.markdown, briefing.html, bytes(briefing.docx))
    return await render_briefing(briefing)
