"""Filter and order of the tasks (交办事项) list, warning colours included."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from tortoise import connections
from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from schema.arguments import items, search, text_filter
from schema.filters.ordering import OrderDirection, ordered, unit_id
from schema.types.tasks import TaskWarning
from store import models
from store.enums import SupervisionLevel, TaskKind, TaskState
from store.inputs import column_length
from store.intervals import SqlParams
from store.warning_sql import TASK_COLUMNS, WarningSql
from workflow.calendar import default_calendar
from workflow.warnings import WarningColor, warning_windows

__all__ = ["TaskFilter", "TaskOrder", "TaskOrderField", "filter_tasks", "order_tasks"]


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
    OPEN_FIRST = strawberry.enum_value(
        "OPEN_FIRST",
        description="Open work first (not 已销号 or 已撤销), each part by 办结时限; the default.",
    )


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
    """Open work first, soonest due first, unless ``order`` says otherwise."""
    if order is None or order.field is TaskOrderField.OPEN_FIRST:
        # a literal CASE (PostgreSQL types the parameters of Case/When as text), the
        # expression the index idx_task_open_first holds: a page is an index range
        finished = RawSQL(models.open_first_sql("task"))
        prefix = "-" if order is not None and order.direction is OrderDirection.DESC else ""
        return query.annotate(finished_last=finished).order_by(
            "finished_last", f"{prefix}due_on", f"{prefix}id"
        )
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
    windows = warning_windows(today, default_calendar())
    sqlite = connections.get("default").capabilities.dialect == "sqlite"
    rule = WarningSql(SqlParams(sqlite=sqlite, inline=True), windows, TASK_COLUMNS)
    if spec.overdue is not None:
        query = _where(query, "overdue", rule.is_colour(WarningColor.RED), holds=spec.overdue)
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
        query = _filter_warning(query, spec.warning, rule)
    return query


def _filter_warning(
    query: QuerySet[models.Task], colour: TaskWarning, rule: WarningSql
) -> QuerySet[models.Task]:
    """The tasks of one colour, by the engine's rule in SQL (``store.warning_sql``).

    UNKNOWN lists only the tasks whose colour depends on a year without an
    official calendar; every other task keeps its colour.
    """
    if colour is TaskWarning.UNKNOWN:
        return _where(query, "warning", rule.unknowable())
    return _where(query, "warning", rule.is_colour(WarningColor(colour.value)))


def _where(
    query: QuerySet[models.Task], name: str, condition: str, *, holds: bool = True
) -> QuerySet[models.Task]:
    """The rows of ``query`` for which the SQL ``condition`` holds (or does not).

    tortoise filters by an annotation's value: the condition goes into the
    WHERE clause as a CASE, with its constants inlined (``SqlParams(inline=True)``).
    """
    case = RawSQL(f"CASE WHEN {condition} THEN 1 ELSE 0 END")
    column = f"{name}_holds"
    return query.annotate(**{column: case}).filter(**{column: int(holds)})
