"""The official working-day calendar of a year, as every signed-in role reads it."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from store.calendars import CalendarNotice
from store.enums import CalendarOrigin
from store.models import Account, OfficialCalendar


@strawberry.type(
    name="OfficialCalendar",
    description="One year of the PRC official calendar (国务院办公厅 节假日安排): the days "
    "off and the make-up working days deadlines are counted by.",
)
class OfficialCalendarType:
    row: strawberry.Private[OfficialCalendar]
    year: int = strawberry.field(description="The year.")
    source: str = strawberry.field(
        description="Where it comes from: the notice (国办发明电〔2025〕N号), or the calendar "
        "package for the years it shipped."
    )
    holidays: list[dt.date] = strawberry.field(
        description="Every day off of the holiday periods, weekends inside a period included."
    )
    workdays: list[dt.date] = strawberry.field(
        description="The make-up working days (调休上班): Saturdays and Sundays worked."
    )
    origin: CalendarOrigin = strawberry.field(
        description="PACKAGE (seeded from the calendar package) or ADMIN (entered by hand)."
    )
    entered_by: str | None = strawberry.field(
        description="The administrator who entered it (display name); null for the package "
        "and for the command line."
    )
    entered_at: dt.datetime = strawberry.field(description="When it was entered (UTC).")

    @classmethod
    def from_model(cls, row: OfficialCalendar) -> Self:
        # Loaded by the caller (prefetch_related); a package row has none.
        account = row.entered_by if isinstance(row.entered_by, Account) else None
        return cls(
            row=row,
            year=row.year,
            source=row.source,
            holidays=[dt.date.fromisoformat(day) for day in row.holidays],
            workdays=[dt.date.fromisoformat(day) for day in row.workdays],
            origin=row.origin,
            entered_by=account.display_name if account is not None else None,
            entered_at=row.entered_at,
        )


@strawberry.type(
    name="CalendarNotice",
    description="A year of the official calendar that is not entered while open tasks need it: "
    "this year, or from 1 November next year.",
)
class CalendarNoticeType:
    missing_year: int = strawberry.field(description="The year to enter, e.g. 2027.")
    affected_tasks: int = strawberry.field(
        description="Open tasks due or assigned in that year or later: their warnings and "
        "working-day figures cannot be worked out until it is entered."
    )
    message: str = strawberry.field(
        description="The notice as the dashboard and `fuyuan sweep` say it: "
        "2027年节假日安排尚未录入：N项事项的预警与用时无法判定."
    )

    @classmethod
    def from_notice(cls, notice: CalendarNotice) -> Self:
        return cls(
            missing_year=notice.missing_year,
            affected_tasks=notice.affected_tasks,
            message=notice.message,
        )
