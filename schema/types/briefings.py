"""Coordination briefings (工作通报): the Briefing node.

The files themselves are downloads (``/briefings/{id}.docx``, ``.md``,
``.html``, served by ``api.downloads`` with the same bearer token); the type
gives their addresses.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry import relay

import schema.enums  # noqa: F401  (registers BriefingStatus)
from reports.briefings import number_of
from schema.types.base import ModelNode, local_time
from store import models
from store.enums import BriefingStatus


@strawberry.type(description="Where to download a briefing's files (send the bearer token).")
class BriefingFiles:
    docx: str = strawberry.field(description="Path of the DOCX (official-document layout).")
    markdown: str = strawberry.field(description="Path of the Markdown text.")
    html: str = strawberry.field(description="Path of the HTML page, ready to print.")


@strawberry.type(
    name="Briefing",
    description="工作通报: a coordination briefing on a period, numbered when issued.",
)
class BriefingType(ModelNode):
    model = models.Briefing
    row: strawberry.Private[models.Briefing]
    id: relay.NodeID[int]
    year: int = strawberry.field(
        description=(
            "The year it is numbered in: the year it was issued (a draft: its period's end)."
        )
    )
    serial: int | None = strawberry.field(
        description="第N期 within the year, without gaps; null until issued."
    )
    number: str = strawberry.field(description="2023年第5期, or 2023年草稿 for a draft.")
    title: str = strawberry.field(description="Title, e.g. 开封市府院联动工作通报.")
    status: BriefingStatus = strawberry.field(description="Draft or issued.")
    period_start: dt.date = strawberry.field(description="First day of the period covered.")
    period_end: dt.date = strawberry.field(description="Last day of the period covered.")
    as_of: dt.datetime = strawberry.field(description="The moment its figures describe.")
    generated_at: dt.datetime = strawberry.field(description="When the draft was generated.")
    issued_at: dt.datetime | None = strawberry.field(description="When it was issued (印发).")
    next_steps: str = strawberry.field(description="六、下一步工作要求: the editable text.")
    report_to: str = strawberry.field(description="版记 报：the offices above; empty if none.")
    send_to: str = strawberry.field(description="版记 送：the offices beside; empty if none.")
    distribute_to: str = strawberry.field(description="版记 发：the offices below; empty if none.")
    files: BriefingFiles = strawberry.field(description="Where to download it.")

    @classmethod
    def from_model(cls, row: models.Briefing) -> Self:
        as_of = local_time(row.as_of)
        generated_at = local_time(row.generated_at)
        assert as_of is not None
        assert generated_at is not None
        base = f"/briefings/{row.id}"
        return cls(
            row=row,
            id=row.id,
            year=row.year,
            serial=row.serial,
            number=number_of(row),
            title=row.title,
            status=row.status,
            period_start=row.period_start,
            period_end=row.period_end,
            as_of=as_of,
            generated_at=generated_at,
            issued_at=local_time(row.issued_at),
            next_steps=row.next_steps,
            report_to=row.report_to,
            send_to=row.send_to,
            distribute_to=row.distribute_to,
            files=BriefingFiles(docx=f"{base}.docx", markdown=f"{base}.md", html=f"{base}.html"),
        )
