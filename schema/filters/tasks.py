"""Filter and order of the tasks (交办事项) list, warning colours included."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from schema.arguments import items, search, text_filter
from schema.filters.ordering import OrderDirection, ordered, unit_id
from schema.types.tasks import FINISHED_STATES, TaskWarning
from store import models
from store.enums import SupervisionLevel, TaskKind, TaskState
from store.inputs import column_length
from workflow.calendar import default_calendar
from workflow.errors import CalendarUnavailable
from workflow.warnings import BLUE_WITHIN_WORKING_DAYS, NOT_STARTED_STATES, YELLOW_SHARE

__all__ = ["TaskFilter", "TaskOrder", "TaskOrderField", "filter_tasks", "order_tasks"]

OPEN_STATES = [state for state in TaskState if state not in FINISHED_STATES]


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


_COLUMNS = {
    TaskOrderField.DUE_ON: "due_on",
    TaskOrderField.CODE: "code",
    TaskOrderField.CREATED_AT: "created_at",
    TaskOrderField.UPDATED_AT: "updated_at",
    TaskOrderField.SUPERVISION_LEVEL: "supervision_level",
}


def order_tasks(query: QuerySet[models.Task], order: TaskOrder | None) -> QuerySet[models.Task]:
    """Soonest due first, unless ``order`` says otherwise."""
    if order is None:
        return query.order_by("due_on", "id")
    return ordered(query, _COLUMNS[order.field], order.direction)


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
    if (unit := unit_id(spec.responsible_unit_id, "filter.responsibleUnitId")) is not None:
        query = query.filter(responsible_unit_id=unit)
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
