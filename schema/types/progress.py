"""Closure progress (闭环进度): the ``progress(scope)`` query's input and answer.

The figures are computed by ``reports.progress``; these types only carry them.
Rates are fractions between 0 and 1, or null where there is nothing to divide
by (shown as "—"). docs/glossary.md gives every figure's formula.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from reports.progress import AgeBucket, GroupProgress, ProgressReport, Scope, WeekProgress
from schema.arguments import id_list, text_filter
from schema.context import Info
from schema.errors import BadRequest
from schema.types.base import local_time
from schema.types.units import UnitType, load_unit
from store.enums import TaskKind, TaskState
from store.inputs import column_length
from store.models import Unit
from store.money import format_fen
from workflow.clock import SHANGHAI
from workflow.i18n import _


@strawberry.input(
    name="ProgressScope",
    description="What closure progress covers: a period, units, a region, a kind, a moment.",
)
class ProgressScope:
    from_: dt.date | None = strawberry.field(
        default=None,
        name="from",
        description="Count the tasks created (交办事项 registered) on or after this day.",
    )
    to: dt.date | None = strawberry.field(
        default=None, description="Count the tasks created on or before this day."
    )
    unit_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only the tasks these units are responsible for (责任单位), at most 500.",
    )
    region: str | None = strawberry.field(
        default=None, description="Only the tasks of responsible units in this 县区."
    )
    kind: TaskKind | None = strawberry.field(
        default=None, description="Only the tasks of this kind."
    )
    as_of: dt.datetime | None = strawberry.field(
        default=None,
        description="The moment the figures describe (default: now); a time without a zone "
        "is Asia/Shanghai. Figures as of a past moment never change.",
    )

    def to_scope(self) -> Scope:
        """The reports' scope; a bad ID or an empty period is a BAD_REQUEST, too many
        units or a bad region a VALIDATION error (``schema.arguments``)."""
        if self.from_ is not None and self.to is not None and self.from_ > self.to:
            raise BadRequest(_("`scope.from` is after `scope.to`"))
        unit_ids = id_list(self.unit_ids, expected="Unit", argument="scope.unitIds")
        region = text_filter(
            self.region, argument="scope.region", max_length=column_length(Unit, "region")
        )
        as_of = self.as_of
        if as_of is not None and as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=SHANGHAI)
        return Scope(
            start=self.from_,
            end=self.to,
            unit_ids=unit_ids,
            region=region,
            kind=self.kind,
            as_of=as_of,
        )


@strawberry.type(description="How many tasks were in one state at the moment.")
class ProgressStateCount:
    state: TaskState = strawberry.field(description="The workflow state.")
    count: int = strawberry.field(description="Tasks in it.")


@strawberry.type(description="Open tasks by warning colour (三色预警) at the moment.")
class ProgressWarnings:
    red: int = strawberry.field(description="红: overdue and not closed.")
    yellow: int = strawberry.field(
        description="黄: not started with over two thirds of the allotted working days gone."
    )
    blue: int = strawberry.field(description="蓝: due within 3 working days.")
    unknown: int = strawberry.field(
        description="无法判定: open tasks whose colour depends on a year whose official "
        "holidays are not entered yet (counted in no colour but red, which needs no calendar)."
    )
    unknown_reason: str | None = strawberry.field(
        description="Why `unknown` tasks cannot be judged, e.g. 2027年节假日安排尚未录入; "
        "null when none."
    )


@strawberry.type(description="Open tasks of one age, in calendar days since assignment.")
class ProgressAgeBucket:
    label: str = strawberry.field(description="The range, e.g. 31-90.")
    min_days: int = strawberry.field(description="Youngest age in the bucket, in days.")
    max_days: int | None = strawberry.field(description="Oldest age in the bucket; null: no limit.")
    count: int = strawberry.field(description="Open tasks of that age.")

    @classmethod
    def from_bucket(cls, bucket: AgeBucket) -> Self:
        return cls(
            label=bucket.label,
            min_days=bucket.min_days,
            max_days=bucket.max_days,
            count=bucket.count,
        )


@strawberry.type(description="Tasks created and closed in one week (Monday to Sunday).")
class ProgressWeek:
    week_start: dt.date = strawberry.field(description="The Monday the week starts on.")
    new: int = strawberry.field(description="Tasks created that week.")
    closed: int = strawberry.field(description="Tasks closed (销号) that week.")

    @classmethod
    def from_week(cls, week: WeekProgress) -> Self:
        return cls(week_start=week.week_start, new=week.created, closed=week.closed)


@strawberry.interface(description="The closure figures of one group of tasks.")
class GroupFigures:
    group: strawberry.Private[GroupProgress]

    @strawberry.field(description="Tasks in the group (assigned to it, including drafts).")
    def total(self) -> int:
        return self.group.total

    @strawberry.field(description="Tasks neither closed nor cancelled.")
    def open(self) -> int:
        return self.group.open

    @strawberry.field(description="Tasks closed (已销号).")
    def closed(self) -> int:
        return self.group.closed

    @strawberry.field(description="Tasks cancelled (已撤销).")
    def cancelled(self) -> int:
        return self.group.cancelled

    @strawberry.field(description="Tasks overdue (红).")
    def overdue(self) -> int:
        return self.group.overdue

    @strawberry.field(
        description="退回: tasks the group returned and the office has since reassigned (改派) "
        "to another unit; counted in the new unit's figures, not in this total."
    )
    def returned(self) -> int:
        return self.group.returned

    @strawberry.field(description="办结率: closed ÷ (total − cancelled); null without tasks.")
    def closure_rate(self) -> float | None:
        return self.group.closure_rate

    @strawberry.field(description="按期办结率: closed on time ÷ closed; null when none closed.")
    def on_time_rate(self) -> float | None:
        return self.group.on_time_rate


@strawberry.type(description="The closure figures of one responsible unit.")
class UnitProgress(GroupFigures):
    @strawberry.field(description="The responsible unit (责任单位).")
    async def unit(self, info: Info) -> UnitType:
        assert self.group.unit_id is not None
        return await load_unit(info, self.group.unit_id)


@strawberry.type(description="The closure figures of the responsible units of one 县区.")
class RegionProgress(GroupFigures):
    @strawberry.field(description="The 县区; empty for units without a region.")
    def region(self) -> str:
        return self.group.key


@strawberry.type(
    name="Progress",
    description="Closure progress (闭环进度) of a scope as of a moment, from the event log. "
    "Rates are fractions between 0 and 1, or null where there is nothing to divide by.",
)
class ProgressType:
    report: strawberry.Private[ProgressReport]

    @classmethod
    def from_report(cls, report: ProgressReport) -> Self:
        return cls(report=report)

    @strawberry.field(description="The moment the figures describe (Asia/Shanghai).")
    def as_of(self) -> dt.datetime:
        moment = local_time(self.report.as_of)
        assert moment is not None
        return moment

    @strawberry.field(description="All tasks in scope that existed at the moment.")
    def total(self) -> int:
        return self.report.total

    @strawberry.field(description="Tasks neither closed nor cancelled (drafts included).")
    def open(self) -> int:
        return self.report.open

    @strawberry.field(description="Tasks closed (已销号).")
    def closed(self) -> int:
        return self.report.closed

    @strawberry.field(description="Tasks cancelled (已撤销).")
    def cancelled(self) -> int:
        return self.report.cancelled

    @strawberry.field(description="Overdue tasks: open and past the due date (红).")
    def overdue(self) -> int:
        return self.report.overdue

    @strawberry.field(
        description="Tasks closed on time: the closure finally approved was requested on or "
        "before the due date in force then (the unit's clock stops at the request)."
    )
    def closed_on_time(self) -> int:
        return self.report.closed_on_time

    @strawberry.field(description="办结率: closed ÷ (total − cancelled).")
    def closure_rate(self) -> float | None:
        return self.report.closure_rate

    @strawberry.field(description="按期办结率: closed on time ÷ closed.")
    def on_time_rate(self) -> float | None:
        return self.report.on_time_rate

    @strawberry.field(
        description="履行率: enforcement cases closed by full performance or a performed "
        "settlement ÷ enforcement cases in scope (withdrawn and cancelled ones excluded)."
    )
    def performance_rate(self) -> float | None:
        return self.report.performance_rate

    @strawberry.field(description="执行到位率: amount performed ÷ amount due.")
    def amount_rate(self) -> float | None:
        return self.report.amount_rate

    @strawberry.field(description="Enforcement cases counted by the performance rate.")
    def enforcement_cases(self) -> int:
        return self.report.enforcement_cases

    @strawberry.field(description="Of those, the cases performed (履行完毕).")
    def performed_cases(self) -> int:
        return self.report.performed_cases

    @strawberry.field(description="执行标的 of those cases, in yuan (decimal string).")
    def amount_due(self) -> str:
        return format_fen(self.report.amount_due_fen)

    @strawberry.field(description="已履行金额 of those cases by the moment, in yuan.")
    def amount_performed(self) -> str:
        return format_fen(self.report.amount_performed_fen)

    @strawberry.field(
        description="Average handling time of the closed tasks, in working days from "
        "assignment to closure; null when none is closed."
    )
    def average_handling_days(self) -> float | None:
        days = self.report.average_handling_days
        return round(days, 2) if days is not None else None

    @strawberry.field(
        description="审核用时: the office's average review time, in working days from a "
        "closure request to its decision (approved or rejected), over the decisions made by "
        "the moment; null when there is none (or their days fall in a year without an "
        "official calendar)."
    )
    def average_review_days(self) -> float | None:
        days = self.report.average_review_days
        return round(days, 2) if days is not None else None

    @strawberry.field(
        description="Decisions on closure requests (approved or rejected) by the moment whose "
        "review took the office longer than the configured limit "
        "(FUYUAN_REVIEW_WARN_WORKING_DAYS, default 5 working days)."
    )
    def reviews_late(self) -> int:
        return self.report.reviews_late

    @strawberry.field(
        description="Closure requests still under review at the moment that have waited on "
        "the office longer than the configured limit (审核超时)."
    )
    def reviews_open_late(self) -> int:
        return self.report.reviews_open_late

    @strawberry.field(
        description="未按时签收: tasks still ASSIGNED at the moment, neither accepted nor "
        "returned within the 签收时限 (FUYUAN_ACCEPT_WITHIN_WORKING_DAYS, default 2 working "
        "days) of their assignment."
    )
    def accepted_late(self) -> int:
        return self.report.accepted_late

    @strawberry.field(
        description="Closed tasks whose handling time takes in a year whose official "
        "holidays are not entered yet: left out of averageHandlingDays, never counted as 0."
    )
    def handling_days_unknown(self) -> int:
        return self.report.handling_days_unknown

    @strawberry.field(
        description="Why handlingDaysUnknown tasks cannot be counted, e.g. "
        "2027年节假日安排尚未录入; null when none."
    )
    def handling_days_unknown_reason(self) -> str | None:
        return self.report.handling_days_unknown_reason

    @strawberry.field(description="Tasks by state at the moment (states with none left out).")
    def by_state(self) -> list[ProgressStateCount]:
        return [
            ProgressStateCount(state=state, count=self.report.by_state[state.value])
            for state in TaskState
            if self.report.by_state.get(state.value)
        ]

    @strawberry.field(description="Open tasks by warning colour at the moment.")
    def warnings(self) -> ProgressWarnings:
        counts = self.report.warnings
        return ProgressWarnings(
            red=counts["RED"],
            yellow=counts["YELLOW"],
            blue=counts["BLUE"],
            unknown=self.report.unknown,
            unknown_reason=self.report.unknown_reason,
        )

    @strawberry.field(description="Open tasks by age since assignment.")
    def ageing(self) -> list[ProgressAgeBucket]:
        return [ProgressAgeBucket.from_bucket(bucket) for bucket in self.report.ageing]

    @strawberry.field(description="The responsible units, best closure rate first (no rate last).")
    def by_unit(self) -> list[UnitProgress]:
        return [UnitProgress(group=group) for group in self.report.by_unit]

    @strawberry.field(description="The 县区, best closure rate first (no rate last).")
    def by_region(self) -> list[RegionProgress]:
        return [RegionProgress(group=group) for group in self.report.by_region]

    @strawberry.field(
        description="Tasks created and closed per week over the period up to the moment "
        "(the last 12 weeks when the period has no start)."
    )
    def trend(self) -> list[ProgressWeek]:
        return [ProgressWeek.from_week(week) for week in self.report.trend]
