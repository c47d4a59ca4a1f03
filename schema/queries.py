"""The Query root: every list with its filter and order, node lookup, the viewer."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, TypeVar

import strawberry
from strawberry import relay
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

import schema.enums  # noqa: F401  (registers the enums with strawberry)
from reports.progress import compute_progress
from schema.arguments import items, search, text_filter
from schema.context import Info
from schema.ids import decode_id
from schema.permissions import IsAuthenticated
from schema.relay import MAX_PAGE_SIZE, After, Before, Connection, First, Last, paginate
from schema.types.base import resolve_global_ids
from schema.types.briefings import BriefingType
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType
from schema.types.meetings import JointMeetingType
from schema.types.progress import ProgressScope, ProgressType
from schema.types.tasks import TaskType, TaskWarning
from schema.types.units import AccountType, UnitType
from schema.types.workflow import WorkflowType
from store import models
from store.enums import (
    FINISHED_STATES,
    BankruptcyProcedure,
    CaseSource,
    MeetingLevel,
    Role,
    SupervisionLevel,
    TaskKind,
    TaskState,
    UnitKind,
)
from store.inputs import column_length
from store.visibility import progress_scope, scope_for, sees_personal_data
from workflow.calendar import default_calendar
from workflow.definition import definition_for
from workflow.errors import CalendarUnavailable
from workflow.warnings import BLUE_WITHIN_WORKING_DAYS, NOT_STARTED_STATES, YELLOW_SHARE

M = TypeVar("M", bound=Model)

OPEN_STATES = [state for state in TaskState if state not in FINISHED_STATES]


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest or earliest first.")
    DESC = strawberry.enum_value("DESC", description="Largest or latest first.")


def _ordered(query: QuerySet[M], field: str, direction: OrderDirection | None) -> QuerySet[M]:
    prefix = "-" if direction is OrderDirection.DESC else ""
    return query.order_by(f"{prefix}{field}", f"{prefix}id")


def _unit_id(value: strawberry.ID | None, argument: str) -> int | None:
    return decode_id(value, expected="Unit", argument=argument) if value is not None else None


# --------------------------------------------------------------------------- filters


@strawberry.input(description="Which units to list.")
class UnitFilter:
    kind: UnitKind | None = strawberry.field(default=None, description="Only units of this kind.")
    region: str | None = strawberry.field(default=None, description="Only units of this 县区.")
    search: str | None = strawberry.field(
        default=None, description="Text within the name or code (at most 100 characters)."
    )


@strawberry.input(description="Which accounts to list.")
class AccountFilter:
    role: Role | None = strawberry.field(default=None, description="Only accounts of this role.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only accounts of this unit."
    )
    active: bool | None = strawberry.field(default=None, description="Active or deactivated.")


@strawberry.input(description="Which enforcement cases to list.")
class EnforcementCaseFilter:
    court_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only cases of this court."
    )
    respondent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only cases against this organ."
    )
    source: CaseSource | None = strawberry.field(
        default=None, description="Only cases from this source."
    )
    batch: str | None = strawberry.field(default=None, description="Only cases of this 交办批次.")
    closed: bool | None = strawberry.field(
        default=None, description="Closed (true) or still open (false) cases."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Text within the case number, applicant or cause (at most 100 characters).",
    )


@strawberry.enum(description="Fields enforcement cases can be sorted by.")
class EnforcementCaseOrderField(Enum):
    FILED_ON = strawberry.enum_value("FILED_ON", description="立案日期.")
    CASE_NUMBER = strawberry.enum_value("CASE_NUMBER", description="案号.")
    AMOUNT_DUE = strawberry.enum_value("AMOUNT_DUE", description="执行标的.")


@strawberry.input(description="How to sort enforcement cases.")
class EnforcementCaseOrder:
    field: EnforcementCaseOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection | None = strawberry.field(
        default=None, description="Which way; ascending when not given."
    )


@strawberry.input(description="Which bankruptcy cases to list.")
class BankruptcyCaseFilter:
    court_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only cases of this court."
    )
    procedure: BankruptcyProcedure | None = strawberry.field(
        default=None, description="Only cases of this procedure."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Text within the case number, debtor name or USCC (at most 100 characters).",
    )


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


@strawberry.input(description="Which tasks to list.")
class TaskFilter:
    state: list[TaskState] | None = strawberry.field(
        default=None, description="Only tasks in one of these states (at most 500 listed)."
    )
    kind: TaskKind | None = strawberry.field(default=None, description="Only tasks of this kind.")
    responsible_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only tasks of this responsible unit (责任单位)."
    )
    region: str | None = strawberry.field(
        default=None, description="Only tasks whose responsible unit is in this 县区."
    )
    warning: TaskWarning | None = strawberry.field(
        default=None, description="Only tasks with this warning colour today."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="Only overdue (true) or not overdue (false) tasks."
    )
    supervision_level: SupervisionLevel | None = strawberry.field(
        default=None, description="Only tasks at this 督办等级."
    )
    due_after: dt.date | None = strawberry.field(
        default=None, description="Only tasks due on or after this day."
    )
    due_before: dt.date | None = strawberry.field(
        default=None, description="Only tasks due on or before this day."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Text within the code, title, case number, applicant or debtor name "
        "(at most 100 characters).",
    )


@strawberry.enum(description="Fields tasks can be sorted by.")
class TaskOrderField(Enum):
    DUE_ON = strawberry.enum_value("DUE_ON", description="办结时限.")
    CODE = strawberry.enum_value("CODE", description="Task code.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the task was created.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When it last changed.")
    SUPERVISION_LEVEL = strawberry.enum_value("SUPERVISION_LEVEL", description="督办等级.")


@strawberry.input(description="How to sort tasks.")
class TaskOrder:
    field: TaskOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection | None = strawberry.field(
        default=None, description="Which way; ascending when not given."
    )


_COLUMNS: dict[Enum, str] = {
    EnforcementCaseOrderField.FILED_ON: "filed_on",
    EnforcementCaseOrderField.CASE_NUMBER: "case_number",
    EnforcementCaseOrderField.AMOUNT_DUE: "amount_due_fen",
    TaskOrderField.DUE_ON: "due_on",
    TaskOrderField.CODE: "code",
    TaskOrderField.CREATED_AT: "created_at",
    TaskOrderField.UPDATED_AT: "updated_at",
    TaskOrderField.SUPERVISION_LEVEL: "supervision_level",
}


async def filter_tasks(
    query: QuerySet[models.Task], spec: TaskFilter, today: dt.date, *, personal_data: bool
) -> QuerySet[models.Task]:
    """Apply a TaskFilter in SQL; warning colours use the working-day calendar.

    The filter's lists and texts are checked first (``schema.arguments``).
    """
    states = items(spec.state, argument="filter.state")
    region = text_filter(
        spec.region, argument="filter.region", max_length=column_length(models.Unit, "region")
    )
    text = search(spec.search, argument="filter.search")
    if states:
        query = query.filter(state__in=sorted(set(states)))
    if spec.kind is not None:
        query = query.filter(kind=spec.kind)
    if (unit_id := _unit_id(spec.responsible_unit_id, "filter.responsibleUnitId")) is not None:
        query = query.filter(responsible_unit_id=unit_id)
    if region is not None:
        query = query.filter(responsible_unit__region=region)
    if spec.supervision_level is not None:
        query = query.filter(supervision_level=spec.supervision_level)
    if spec.due_after is not None:
        query = query.filter(due_on__gte=spec.due_after)
    if spec.due_before is not None:
        query = query.filter(due_on__lte=spec.due_before)
    overdue = Q(state__in=OPEN_STATES, due_on__lt=today)
    if spec.overdue is True:
        query = query.filter(overdue)
    elif spec.overdue is False:
        query = query.filter(~overdue)
    if text is not None:
        matches = (
            Q(code__icontains=text)
            | Q(title__icontains=text)
            | Q(enforcement_case__case_number__icontains=text)
            | Q(bankruptcy_case__case_number__icontains=text)
            | Q(bankruptcy_case__debtor_name__icontains=text)
        )
        if personal_data:  # others see applicants masked: searching them would unmask
            matches |= Q(enforcement_case__applicant_name__icontains=text)
        query = query.filter(matches)
    if spec.warning is not None:
        query = await _filter_warning(query, spec.warning, today)
    return query


async def _filter_warning(
    query: QuerySet[models.Task], colour: TaskWarning, today: dt.date
) -> QuerySet[models.Task]:
    """RED, BLUE and YELLOW as the engine defines them (RED > YELLOW > BLUE).

    RED and the BLUE window are date ranges. YELLOW needs working days between
    each task's own dates: the not-started candidates are few (open, assigned,
    not yet due) and are judged by the engine's rule, then filtered by id.
    """
    calendar = default_calendar()
    open_with_date = query.filter(state__in=OPEN_STATES, due_on__isnull=False)
    if colour is TaskWarning.RED:
        return open_with_date.filter(due_on__lt=today)
    try:
        blue_until = calendar.add_working_days(today, BLUE_WITHIN_WORKING_DAYS)
        yellow_ids = await _yellow_ids(open_with_date, today)
    except CalendarUnavailable:
        return query.filter(id__in=[]) if colour is not TaskWarning.UNKNOWN else open_with_date
    if colour is TaskWarning.YELLOW:
        return query.filter(id__in=yellow_ids)
    if colour is TaskWarning.BLUE:
        return open_with_date.filter(due_on__gte=today, due_on__lte=blue_until).exclude(
            id__in=yellow_ids
        )
    if colour is TaskWarning.UNKNOWN:
        return query.filter(id__in=[])
    return query.exclude(
        Q(state__in=OPEN_STATES, due_on__isnull=False, due_on__lte=blue_until)
    ).exclude(id__in=yellow_ids)


async def _yellow_ids(open_with_date: QuerySet[models.Task], today: dt.date) -> list[int]:
    calendar = default_calendar()
    numerator, denominator = YELLOW_SHARE
    candidates = await open_with_date.filter(
        state__in=sorted(NOT_STARTED_STATES), due_on__gte=today, assigned_on__isnull=False
    ).values_list("id", "assigned_on", "due_on")
    ids = []
    for task_id, assigned_on, due_on in candidates:
        if assigned_on >= due_on:
            continue
        allotted = calendar.working_days_between(assigned_on, due_on)
        gone = calendar.working_days_between(assigned_on, today)
        if gone * denominator > allotted * numerator:
            ids.append(task_id)
    return ids


# --------------------------------------------------------------------------- query


@strawberry.type(description="Everything a liaison can read.")
class Query:
    @strawberry.field(
        description="Any record by its global ID; null for one that does not exist or that "
        "you may not see.",
        permission_classes=[IsAuthenticated],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The record's ID.")],
    ) -> relay.Node | None:
        (found,) = await resolve_global_ids(info, [id], argument="id")
        return found

    @strawberry.field(
        description="Several records by their global IDs, in the same order; null for each "
        "that does not exist or that you may not see.",
        permission_classes=[IsAuthenticated],
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The records' IDs (at most 100).")
        ],
    ) -> list[relay.Node | None]:
        wanted = items(ids, argument="ids", max_items=MAX_PAGE_SIZE) or []
        return await resolve_global_ids(info, wanted, argument="ids")

    @strawberry.field(description="The signed-in account; null when signed out.")
    def viewer(self, info: Info) -> AccountType | None:
        viewer = info.context.viewer
        return AccountType.from_model(viewer) if viewer is not None else None

    @strawberry.field(description="Units (单位), by code.", permission_classes=[IsAuthenticated])
    async def units(
        self,
        info: Info,
        filter: Annotated[
            UnitFilter | None,
            strawberry.argument(description="Which units to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[UnitType]:
        query = models.Unit.all()
        if filter is not None:
            region = text_filter(
                filter.region,
                argument="filter.region",
                max_length=column_length(models.Unit, "region"),
            )
            text = search(filter.search, argument="filter.search")
            if filter.kind is not None:
                query = query.filter(kind=filter.kind)
            if region is not None:
                query = query.filter(region=region)
            if text is not None:
                query = query.filter(Q(name__icontains=text) | Q(code__icontains=text))
        return await paginate(
            query.order_by("code"), UnitType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="Accounts (联络员), by username.", permission_classes=[IsAuthenticated]
    )
    async def accounts(
        self,
        info: Info,
        filter: Annotated[
            AccountFilter | None,
            strawberry.argument(description="Which accounts to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccountType]:
        query = models.Account.filter(scope_for(models.Account, info.context.viewer))
        if filter is not None:
            if filter.role is not None:
                query = query.filter(role=filter.role)
            if (unit_id := _unit_id(filter.unit_id, "filter.unitId")) is not None:
                query = query.filter(unit_id=unit_id)
            if filter.active is not None:
                query = query.filter(is_active=filter.active)
        return await paginate(
            query.order_by("username"), AccountType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="涉党政机关执行案件; newest filing first unless ordered.",
        permission_classes=[IsAuthenticated],
    )
    async def enforcement_cases(
        self,
        info: Info,
        filter: Annotated[
            EnforcementCaseFilter | None,
            strawberry.argument(description="Which cases to list; all when not given."),
        ] = None,
        order_by: Annotated[
            EnforcementCaseOrder | None, strawberry.argument(description="How to sort the cases.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[EnforcementCaseType]:
        query = models.EnforcementCase.filter(
            scope_for(models.EnforcementCase, info.context.viewer)
        )
        if filter is not None:
            batch = text_filter(
                filter.batch,
                argument="filter.batch",
                max_length=column_length(models.EnforcementCase, "batch"),
            )
            text = search(filter.search, argument="filter.search")
            if (court_id := _unit_id(filter.court_id, "filter.courtId")) is not None:
                query = query.filter(court_id=court_id)
            if (organ_id := _unit_id(filter.respondent_id, "filter.respondentId")) is not None:
                query = query.filter(respondent_id=organ_id)
            if filter.source is not None:
                query = query.filter(source=filter.source)
            if batch is not None:
                query = query.filter(batch=batch)
            if filter.closed is not None:
                query = query.filter(closed_on__isnull=not filter.closed)
            if text is not None:
                matches = Q(case_number__icontains=text) | Q(cause__icontains=text)
                if sees_personal_data(info.context.viewer):
                    # Others see applicants' names masked: searching them would unmask.
                    matches |= Q(applicant_name__icontains=text)
                query = query.filter(matches)
        if order_by is None:
            query = query.order_by("-filed_on", "-id")
        else:
            query = _ordered(query, _COLUMNS[order_by.field], order_by.direction)
        return await paginate(
            query, EnforcementCaseType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="破产案件; most recently accepted first.", permission_classes=[IsAuthenticated]
    )
    async def bankruptcy_cases(
        self,
        info: Info,
        filter: Annotated[
            BankruptcyCaseFilter | None,
            strawberry.argument(description="Which cases to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[BankruptcyCaseType]:
        query = models.BankruptcyCase.filter(scope_for(models.BankruptcyCase, info.context.viewer))
        if filter is not None:
            text = search(filter.search, argument="filter.search")
            if (court_id := _unit_id(filter.court_id, "filter.courtId")) is not None:
                query = query.filter(court_id=court_id)
            if filter.procedure is not None:
                query = query.filter(procedure=filter.procedure)
            if text is not None:
                query = query.filter(
                    Q(case_number__icontains=text)
                    | Q(debtor_name__icontains=text)
                    | Q(debtor_uscc__icontains=text)
                )
        return await paginate(
            query.order_by("-accepted_on", "-id"), BankruptcyCaseType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="联席会议; most recent first.", permission_classes=[IsAuthenticated]
    )
    async def joint_meetings(
        self,
        info: Info,
        filter: Annotated[
            JointMeetingFilter | None,
            strawberry.argument(description="Which meetings to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[JointMeetingType]:
        query = models.JointMeeting.filter(scope_for(models.JointMeeting, info.context.viewer))
        if filter is not None:
            if filter.level is not None:
                query = query.filter(level=filter.level)
            if filter.held_after is not None:
                query = query.filter(held_on__gte=filter.held_after)
            if filter.held_before is not None:
                query = query.filter(held_on__lte=filter.held_before)
        return await paginate(
            query.order_by("-held_on", "-id"), JointMeetingType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="交办事项; soonest due first unless ordered.",
        permission_classes=[IsAuthenticated],
    )
    async def tasks(
        self,
        info: Info,
        filter: Annotated[
            TaskFilter | None,
            strawberry.argument(description="Which tasks to list; all when not given."),
        ] = None,
        order_by: Annotated[
            TaskOrder | None, strawberry.argument(description="How to sort the tasks.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TaskType]:
        query = models.Task.filter(scope_for(models.Task, info.context.viewer))
        if filter is not None:
            query = await filter_tasks(
                query,
                filter,
                info.context.today,
                personal_data=sees_personal_data(info.context.viewer),
            )
        if order_by is None:
            query = query.order_by("due_on", "id")
        else:
            query = _ordered(query, _COLUMNS[order_by.field], order_by.direction)
        return await paginate(
            query, TaskType.from_model, first=first, after=after, last=last, before=before
        )

    @strawberry.field(
        description="Closure progress (闭环进度) of the tasks you may see, as of a moment: "
        "totals, rates, warnings, rankings by unit and region, a weekly trend.",
        permission_classes=[IsAuthenticated],
    )
    async def progress(
        self,
        info: Info,
        scope: Annotated[
            ProgressScope | None,
            strawberry.argument(description="What to count; everything as of now if not given."),
        ] = None,
    ) -> ProgressType:
        spec = (scope or ProgressScope()).to_scope()
        report = await compute_progress(spec, visible=progress_scope(info.context.viewer))
        return ProgressType.from_report(report)

    @strawberry.field(
        description="工作通报, newest first; coordinators and leaders only (others: none).",
        permission_classes=[IsAuthenticated],
    )
    async def briefings(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[BriefingType]:
        query = models.Briefing.filter(scope_for(models.Briefing, info.context.viewer))
        return await paginate(
            query.order_by("-generated_at", "-id"), BriefingType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="The workflow a kind of task follows: states, actions, diagram.",
        permission_classes=[IsAuthenticated],
    )
    def workflow(
        self,
        kind: Annotated[TaskKind, strawberry.argument(description="The kind of task.")],
    ) -> WorkflowType:
        return WorkflowType.from_definition(definition_for(kind.value))
