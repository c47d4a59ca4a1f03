"""Filter of the joint meetings (联席会议) list."""

from __future__ import annotations

import datetime as dt

import strawberry
from tortoise.queryset import QuerySet

from store import models
from store.enums import MeetingLevel

__all__ = ["JointMeetingFilter", "filter_joint_meetings"]


@strawberry.input(description="Which joint meetings to list.")
class JointMeetingFilter:
    level: MeetingLevel | None = strawberry.field(
        default=None, description="Only meetings of this level."
    )
    held_after: dt.date | None = strawberry.field(
        default=None, description="Only meetings held on or after this day."
    )
    held_before: dt.date | None = strawberry.field(
        default=None, description="Only meetings held on or before this day."
    )


def filter_joint_meetings(
    query: QuerySet[models.JointMeeting], spec: JointMeetingFilter
) -> QuerySet[models.JointMeeting]:
    """Apply a JointMeetingFilter."""
    if spec.level is not None:
        query = query.filter(level=spec.level)
    if spec.held_after is not None:
        query = query.filter(held_on__gte=spec.held_after)
    if spec.held_before is not None:
        query = query.filter(held_on__lte=spec.held_before)
    return query
