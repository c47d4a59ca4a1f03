"""The Query root: lists with filters, and node lookup."""

from __future__ import annotations

import strawberry
from strawberry import relay
from tortoise.expressions import Q

import schema.enums  # noqa: F401  (registers the enums with strawberry)
from schema.context import Info
from schema.ids import decode_id
from schema.relay import Connection, paginate
from schema.types import EnforcementCaseType, TaskType, UnitType
from store import models
from store.enums import CaseSource, TaskKind, TaskState, UnitKind


@strawberry.input(description="Which units to list.")
class UnitFilter:
    kind: UnitKind | None = strawberry.field(default=None, description="Only units of this kind.")
    region: str | None = strawberry.field(default=None, description="Only units of this 县区.")
    search: str | None = strawberry.field(default=None, description="Text within the name or code.")


@strawberry.input(description="Which enforcement cases to list.")
class EnforcementCaseFilter:
    court_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only cases of this court."
    )
    respondent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only cases against this organ."
    )
    source: CaseSource | None = strawberry.field(
        default=None, description="Only cases from this source."
    )
    batch: str | None = strawberry.field(default=None, description="Only cases of this 交办批次.")
    closed: bool | None = strawberry.field(
        default=None, description="Closed (true) or open (false) cases."
    )


@strawberry.input(description="Which tasks to list.")
class TaskFilter:
    state: list[TaskState] | None = strawberry.field(
        default=None, description="Only tasks in these states."
    )
    kind: TaskKind | None = strawberry.field(default=None, description="Only tasks of this kind.")
    responsible_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only tasks of this responsible unit."
    )


@strawberry.type(description="Everything a liaison can read.")
class Query:
    node: relay.Node = relay.node(description="Any record by its global ID.")

    @strawberry.field(description="Units (单位), by code.")
    async def units(
        self,
        info: Info,
        filter: UnitFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[UnitType]:
        query = models.Unit.all()
        if filter is not None:
            if filter.kind is not None:
                query = query.filter(kind=filter.kind)
            if filter.region is not None:
                query = query.filter(region=filter.region)
            if filter.search:
                query = query.filter(
                    Q(name__icontains=filter.search) | Q(code__icontains=filter.search)
                )
        return await paginate(
            query.order_by("code"), UnitType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(description="涉党政机关执行案件, newest filing first.")
    async def enforcement_cases(
        self,
        info: Info,
        filter: EnforcementCaseFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[EnforcementCaseType]:
        query = models.EnforcementCase.all()
        if filter is not None:
            if filter.court_id is not None:
                query = query.filter(
                    court_id=decode_id(filter.court_id, expected="Unit", argument="filter.courtId")
                )
            if filter.respondent_id is not None:
                query = query.filter(
                    respondent_id=decode_id(
                        filter.respondent_id, expected="Unit", argument="filter.respondentId"
                    )
                )
            if filter.source is not None:
                query = query.filter(source=filter.source)
            if filter.batch is not None:
                query = query.filter(batch=filter.batch)
            if filter.closed is not None:
                query = query.filter(closed_on__isnull=not filter.closed)
        return await paginate(
            query.order_by("-filed_on", "-id"), EnforcementCaseType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(description="交办事项, soonest due first.")
    async def tasks(
        self,
        info: Info,
        filter: TaskFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TaskType]:
        query = models.Task.all()
        if filter is not None:
            if filter.state:
                query = query.filter(state__in=list(filter.state))
            if filter.kind is not None:
                query = query.filter(kind=filter.kind)
            if filter.responsible_unit_id is not None:
                query = query.filter(
                    responsible_unit_id=decode_id(
                        filter.responsible_unit_id,
                        expected="Unit",
                        argument="filter.responsibleUnitId",
                    )
                )
        return await paginate(
            query.order_by("due_on", "id"), TaskType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip
