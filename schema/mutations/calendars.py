"""setOfficialCalendar: an administrator enters a year of the official calendar."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import MutationInput, errors_field, mutate
from schema.types.calendars import OfficialCalendarType
from store.calendars import set_official_calendar
from store.inputs import bounded_list, column_length, single_line
from store.models import Account, OfficialCalendar

MAX_DAYS = 366


@strawberry.input(description="A year of the State Council's notice (节假日安排).")
class SetOfficialCalendarInput:
    year: int = strawberry.field(description="The year, e.g. 2027.")
    source: str = strawberry.field(description="The notice, e.g. 国办发明电〔2026〕N号.")
    holidays: list[dt.date] = strawberry.field(
        description="Every day off of the holiday periods, weekends inside a period included; "
        "1 January (元旦) among them."
    )
    workdays: list[dt.date] = strawberry.field(
        description="The make-up working days (调休上班): Saturdays or Sundays only."
    )
    replace: bool = strawberry.field(
        default=False,
        description="Needed to replace a year that is entered already and has tasks with "
        "dates in it; the change is kept with the lists before and after.",
    )


@strawberry.type(description="The result of setOfficialCalendar.")
class SetOfficialCalendarPayload:
    official_calendar: OfficialCalendarType | None = strawberry.field(
        description="The year as stored; null when refused."
    )
    errors: list[UserError] = errors_field(
        "Why it was refused, one error per date at fault; empty on success."
    )


async def resolve_set_official_calendar(
    info: Info, input: MutationInput[SetOfficialCalendarInput]
) -> SetOfficialCalendarPayload:
    async def perform(viewer: Account) -> SetOfficialCalendarPayload:
        source = single_line(
            input.source, field="source", max_length=column_length(OfficialCalendar, "source")
        )
        row = await set_official_calendar(
            year=input.year,
            source=source,
            holidays=bounded_list(input.holidays, field="holidays", max_items=MAX_DAYS) or [],
            workdays=bounded_list(input.workdays, field="workdays", max_items=MAX_DAYS) or [],
            replace=input.replace,
            entered_by=viewer,
        )
        await row.fetch_related("entered_by")
        return SetOfficialCalendarPayload(
            official_calendar=OfficialCalendarType.from_model(row), errors=[]
        )

    return await mutate(info, SetOfficialCalendarPayload, perform)
