"""Candidates for 挂牌督办: the overdue tasks the office may decide to list."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from schema.types.tasks import TaskType
from store.enums import SupervisionLevel
from store.operations.sweep import Candidate
from workflow.warnings import LISTED_AFTER_WORKING_DAYS, missing_reason


@strawberry.type(
    name="ListingCandidate",
    description="An open task overdue by at least "
    f"{LISTED_AFTER_WORKING_DAYS} working days and not yet 挂牌: the sweep names it, "
    "a coordinator decides (supervise, with a comment). The same list as `fuyuan sweep` prints.",
)
class ListingCandidateType:
    candidate: strawberry.Private[Candidate]
    working_days_overdue: int = strawberry.field(
        description="Working days past the due date (at least this many when "
        "`missingCalendarReason` is set)."
    )
    supervision_level: SupervisionLevel = strawberry.field(description="督办等级 now.")
    due_on: dt.date = strawberry.field(description="办结时限.")

    @classmethod
    def from_candidate(cls, candidate: Candidate) -> Self:
        judged = candidate.judgement
        return cls(
            candidate=candidate,
            working_days_overdue=judged.working_days_overdue,
            supervision_level=SupervisionLevel(judged.supervision_level.value),
            due_on=judged.due_on,
        )

    @strawberry.field(description="The task.")
    def task(self) -> TaskType:
        return TaskType.from_model(self.candidate.task)

    @strawberry.field(
        description="Why the days overdue are a lower bound (a year whose official holidays "
        "are not entered yet); null when they are counted in full."
    )
    def missing_calendar_reason(self) -> str | None:
        missing = self.candidate.judgement.missing
        return missing_reason(missing) if missing else None
