"""Joint meetings (联席会议) with their agenda items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient

from store.enums import MeetingLevel
from store.errors import Duplicate, ValidationError
from store.idempotency import Idempotency, create_once
from store.inputs import bounded_list, column_length, optional_single_line, single_line
from store.models import Account, AgendaItem, BankruptcyCase, EnforcementCase, JointMeeting
from store.operations.common import UnitRef, check_date, parse_enum, resolve_unit, resolve_units
from store.operations.files import Attach
from workflow.clock import utcnow
from workflow.i18n import _


@dataclass
class AgendaItemInput:
    title: str
    enforcement_case: EnforcementCase | None = None
    bankruptcy_case: BankruptcyCase | None = None


@dataclass
class JointMeetingInput:
    level: MeetingLevel | str
    number: int
    title: str
    held_on: dt.date | str
    convener: UnitRef
    attending_units: Sequence[UnitRef] = field(default_factory=tuple)
    minutes_number: str | None = None
    agenda: Sequence[AgendaItemInput] = field(default_factory=tuple)


async def create_joint_meeting(
    data: JointMeetingInput,
    *,
    today: dt.date | None = None,
    created_by: Account | None = None,
    idempotency: Idempotency | None = None,
    files: Attach | None = None,
) -> JointMeeting:
    """Store a meeting, its attending units, agenda items and documents (``files``: the
    minutes 纪要) in one transaction.

    With ``idempotency``, a retry of the same request returns the first meeting.
    """
    today = today or dt.date.today()
    level = parse_enum(MeetingLevel, data.level, field="level")
    if isinstance(data.number, bool) or not isinstance(data.number, int) or data.number < 1:
        raise ValidationError(
            "number", "number.positive", _("the meeting number (第N次) starts at 1")
        )
    title = single_line(data.title, field="title", max_length=column_length(JointMeeting, "title"))
    held_on = check_date(data.held_on, field="heldOn", not_after=today)
    attending_refs = bounded_list(data.attending_units, field="attendingUnitIds") or []
    agenda = bounded_list(data.agenda, field="agenda") or []
    item_length = column_length(AgendaItem, "title")
    items = [
        (single_line(item.title, field=f"agenda.{index}.title", max_length=item_length), item)
        for index, item in enumerate(agenda)
    ]
    minutes = optional_single_line(
        data.minutes_number,
        field="minutesNumber",
        max_length=column_length(JointMeeting, "minutes_number"),
    )
    convener = await resolve_unit(data.convener, field="convenerId", active_only=True)
    attending = await resolve_units(attending_refs, field="attendingUnitIds", active_only=True)

    async def write(conn: BaseDBAsyncClient) -> JointMeeting:
        clash = JointMeeting.filter(level=level, convener=convener, number=data.number)
        if await clash.using_db(conn).exists():
            raise Duplicate("number", f"{level.label} meeting of {convener.name} no.", data.number)
        if minutes and await JointMeeting.filter(minutes_number=minutes).using_db(conn).exists():
            raise Duplicate("minutesNumber", "minutes number", minutes)
        meeting = await JointMeeting.create(
            level=level,
            number=data.number,
            title=title,
            held_on=held_on,
            convener=convener,
            minutes_number=minutes,
            created_by=created_by,
            using_db=conn,
        )
        if attending:
            await meeting.attending_units.add(*attending, using_db=conn)
        if files is not None:
            await files.to(conn, utcnow(), meeting_id=meeting.id)
        for seq, (item_title, item) in enumerate(items, start=1):
            await AgendaItem.create(
                meeting=meeting,
                seq=seq,
                title=item_title,
                enforcement_case=item.enforcement_case,
                bankruptcy_case=item.bankruptcy_case,
                using_db=conn,
            )
        return meeting

    return await create_once(idempotency, JointMeeting, write)
