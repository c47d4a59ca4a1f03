"""The briefing in Markdown: the words of ``reports.words`` as headings, paragraphs, tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from reports.snapshot import Snapshot
from reports.words import (
    LATE_ACCEPTANCE_HEADER,
    OVERDUE_HEADER,
    REGION_HEADER,
    SECTIONS,
    UNIT_HEADER,
    BriefingText,
    byline,
    chinese_date,
    clocks_paragraphs,
    group_rows,
    late_acceptance_rows,
    next_steps_paragraphs,
    overdue_intro,
    overdue_rows,
    paragraphs,
    summons_paragraph,
)

__all__ = ["render_markdown"]


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
    for paragraph in clocks_paragraphs(snapshot):
        out += [paragraph, ""]
    if snapshot.late_acceptances:
        out += ["**表4　未按时签收事项**", ""]
        rows = late_acceptance_rows(snapshot.late_acceptances)
        out += [*_md_table(LATE_ACCEPTANCE_HEADER, rows), ""]
    out += [summons_paragraph(snapshot), ""]
    out += [f"## {SECTIONS[5]}", ""]
    for paragraph in next_steps_paragraphs(text.next_steps):
        out += [paragraph, ""]
    out += [f"统计截至{chinese_date(snapshot.period_end)}24时；比率为小数点后一位的百分数。", ""]
    return "\n".join(out)
