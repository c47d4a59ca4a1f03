"""The briefing in Markdown: the words of ``reports.words`` as headings, paragraphs, tables."""

from __future__ import annotations

from reports.snapshot import Snapshot
from reports.words import (
    SECTIONS,
    BriefingText,
    Table,
    chinese_date,
    clocks_paragraphs,
    late_acceptance_table,
    next_steps_paragraphs,
    overdue_intro,
    overdue_table,
    paragraphs,
    region_table,
    summons_paragraph,
    unit_table,
)

__all__ = ["render_markdown"]


def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(spec: Table) -> list[str]:
    lines = [f"**{spec.caption}**", ""]
    lines += ["| " + " | ".join(spec.header) + " |", "|" + "---|" * len(spec.header)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in spec.rows]
    return lines


def render_markdown(snapshot: Snapshot, text: BriefingText) -> str:
    """The briefing in Markdown; deterministic (no clock, no database, stable order)."""
    prose = paragraphs(snapshot)
    out = [f"**{text.masthead}**", "", text.issue_number, "",
           f"{text.masthead}　　{text.issued_label}", "", "---", ""]  # fmt: skip
    out += [f"# {text.title}", ""]
    for section in SECTIONS[:4]:
        out += [f"## {section}", ""]
        for paragraph in prose[section]:
            out += [paragraph, ""]
        if section == SECTIONS[0]:
            out += [*_md_table(unit_table(snapshot)), ""]
            out += [*_md_table(region_table(snapshot)), ""]
    out += [f"## {SECTIONS[4]}", "", overdue_intro(snapshot), ""]
    if snapshot.overdue:
        out += [*_md_table(overdue_table(snapshot)), ""]
    for paragraph in clocks_paragraphs(snapshot):
        out += [paragraph, ""]
    if snapshot.late_acceptances:
        out += [*_md_table(late_acceptance_table(snapshot)), ""]
    out += [summons_paragraph(snapshot), ""]
    out += [f"## {SECTIONS[5]}", ""]
    for paragraph in next_steps_paragraphs(text.next_steps):
        out += [paragraph, ""]
    out += [f"统计截至{chinese_date(snapshot.period_end)}24时；比率为小数点后一位的百分数。", ""]
    out += ["---", ""]
    out += [f"{label}：{value}" + "  " for label, value in text.distribution()]
    printer, printed_on = text.printed_line()
    out += [f"{printer}　　{printed_on}", ""]
    return "\n".join(out)
