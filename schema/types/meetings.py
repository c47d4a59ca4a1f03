"""Joint meetings (联席会议) and their agenda items."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay

from schema.context import Info
from schema.types.base import ModelNode, fk, fk_or_none
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType
from schema.types.files import AttachmentType, load_attachments
from schema.types.units import UnitType, load_unit
from store import models
from store.enums import MeetingLevel

if TYPE_CHECKING:
    from schema.types.tasks import TaskType

TaskRef = Annotated["TaskType", strawberry.lazy("schema.types.tasks")]


@strawberry.type(name="AgendaItem", description="议题 of a joint meeting.")
class AgendaItemType:
    row: strawberry.Private[models.AgendaItem]
    seq: int = strawberry.field(description="Order on the agenda, from 1.")
    title: str = strawberry.field(description="What the item is about.")

    @classmethod
    def from_model(cls, row: models.AgendaItem) -> Self:
        return cls(row=row, seq=row.seq, title=row.title)

    @strawberry.field(description="The enforcement case the item discusses, if any.")
    async def enforcement_case(self, info: Info) -> EnforcementCaseType | None:
        case_id = fk_or_none(self.row, "enforcement_case")
        if case_id is None:
            return None
        case = await info.context.loaders.enforcement_case_by_id.load(case_id)
        return EnforcementCaseType.from_model(case) if case else None

    @strawberry.field(description="The bankruptcy case the item discusses, if any.")
    async def bankruptcy_case(self, info: Info) -> BankruptcyCaseType | None:
        case_id = fk_or_none(self.row, "bankruptcy_case")
        if case_id is None:
            return None
        case = await info.context.loaders.bankruptcy_case_by_id.load(case_id)
        return BankruptcyCaseType.from_model(case) if case else None


@strawberry.type(name="JointMeeting", description="联席会议: a numbered meeting of the mechanism.")
class JointMeetingType(ModelNode):
    model = models.JointMeeting
    row: strawberry.Private[models.JointMeeting]
    id: relay.NodeID[int]
    level: MeetingLevel = strawberry.field(description="省级, 市级 or 县级.")
    number: int = strawberry.field(description="第N次: the meeting's number at its level.")
    title: str = strawberry.field(description="Title of the meeting.")
    held_on: dt.date = strawberry.field(description="Day the meeting was held.")
    minutes_number: str | None = strawberry.field(description="纪要号 of the minutes.")

    @classmethod
    def from_model(cls, row: models.JointMeeting) -> Self:
        return cls(
            row=row,
            id=row.id,
            level=row.level,
            number=row.number,
            title=row.title,
            held_on=row.held_on,
            minutes_number=row.minutes_number,
        )

    @strawberry.field(description="The meeting's documents: its minutes (纪要) and others.")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        return await load_attachments(info.context.loaders.attachments_by_meeting_id, self.row.id)

    @strawberry.field(description="The unit that convened the meeting.")
    async def convener(self, info: Info) -> UnitType:
        return await load_unit(info, fk(self.row, "convener"))

    @strawberry.field(description="Units that attended.")
    async def attending_units(self, info: Info) -> list[UnitType]:
        units = await info.context.loaders.attending_units_by_meeting_id.load(self.row.id)
        return [UnitType.from_model(unit) for unit in units]

    @strawberry.field(description="议题, in agenda order.")
    async def agenda_items(self, info: Info) -> list[AgendaItemType]:
        items = await info.context.loaders.agenda_items_by_meeting_id.load(self.row.id)
        return [AgendaItemType.from_model(item) for item in items]

    @strawberry.field(description="议定事项: the tasks the meeting decided.")
    async def decisions(self, info: Info) -> list[TaskRef]:
        from schema.types.tasks import TaskType

        rows = await info.context.loaders.tasks_by_meeting_id.load(self.row.id)
        return [TaskType.from_model(row) for row in rows]
