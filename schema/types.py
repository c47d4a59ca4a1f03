"""GraphQL object types. Each holds its ORM row as a private field.

Types are built with ``from_model``; fields that reach another record go
through the request's DataLoaders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Self
from zoneinfo import ZoneInfo

import strawberry
from strawberry import relay
from tortoise.models import Model

import schema.enums  # noqa: F401  (registers the enums with strawberry)
from schema.context import Info
from store import models
from store.enums import (
    CaseSource,
    ClosureMethod,
    MatterType,
    PartyKind,
    SupervisionLevel,
    TaskKind,
    TaskState,
    UnitKind,
)
from store.money import format_fen

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(moment: dt.datetime | None) -> dt.datetime | None:
    """Stored UTC shown in Asia/Shanghai."""
    return moment.astimezone(SHANGHAI) if moment is not None else None


async def _resolve_rows(model: type[Model], node_ids: Iterable[str], required: bool) -> list[Any]:
    ids = []
    for node_id in node_ids:
        ids.append(int(node_id) if node_id.isdigit() else -1)
    rows = {row.pk: row for row in await model.filter(id__in=[i for i in ids if i > 0])}
    found = [rows.get(i) for i in ids]
    if required and any(row is None for row in found):
        raise ValueError("no such record")
    return found


@strawberry.type(
    name="Unit", description="单位: a court, organ, department, district government or the office."
)
class UnitType(relay.Node):
    row: strawberry.Private[models.Unit]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code of the unit, e.g. KF-CZJ.")
    name: str = strawberry.field(description="Full name (单位名称).")
    kind: UnitKind = strawberry.field(description="Kind of unit.")
    region: str | None = strawberry.field(
        description="县区 the unit belongs to; 市本级 for city units."
    )
    court_code: str | None = strawberry.field(description="法院代字 of a court, e.g. 豫0202.")

    @classmethod
    def from_model(cls, row: models.Unit) -> Self:
        return cls(
            row=row,
            id=row.id,
            code=row.code,
            name=row.name,
            kind=row.kind,
            region=row.region,
            court_code=row.court_code,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        rows = await _resolve_rows(models.Unit, node_ids, required)
        return [cls.from_model(row) if row else None for row in rows]


async def load_unit(info: Info, unit_id: int) -> UnitType:
    unit = await info.context.loaders.unit_by_id.load(unit_id)
    assert unit is not None, f"unit {unit_id} referenced but missing"
    return UnitType.from_model(unit)


@strawberry.type(
    name="EnforcementCase",
    description="涉党政机关执行案件: a judgment that a party or government organ must perform.",
)
class EnforcementCaseType(relay.Node):
    row: strawberry.Private[models.EnforcementCase]
    id: relay.NodeID[int]
    case_number: str = strawberry.field(description="案号, e.g. （2022）豫0202执1234号.")
    applicant_name: str = strawberry.field(description="申请执行人.")
    applicant_kind: PartyKind = strawberry.field(
        description="Whether the applicant is a person, enterprise or organisation."
    )
    basis: str = strawberry.field(
        description="执行依据: case number of the judgment being enforced."
    )
    cause: str = strawberry.field(description="案由.")
    filed_on: dt.date = strawberry.field(description="立案日期.")
    source: CaseSource = strawberry.field(description="Where the case came from.")
    batch: str | None = strawberry.field(description="交办批次, e.g. 省联席办2023年第1批.")
    closure_method: ClosureMethod | None = strawberry.field(description="结案方式, once closed.")

    @classmethod
    def from_model(cls, row: models.EnforcementCase) -> Self:
        return cls(
            row=row,
            id=row.id,
            case_number=row.case_number,
            applicant_name=row.applicant_name,
            applicant_kind=row.applicant_kind,
            basis=row.basis,
            cause=row.cause,
            filed_on=row.filed_on,
            source=row.source,
            batch=row.batch,
            closure_method=row.closure_method,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        rows = await _resolve_rows(models.EnforcementCase, node_ids, required)
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="执行标的: the amount due, in yuan with two decimals.")
    def amount_due(self) -> str:
        return format_fen(self.row.amount_due_fen)

    @strawberry.field(description="已履行金额: the sum of the performance records, in yuan.")
    async def amount_performed(self, info: Info) -> str:
        return format_fen(await info.context.loaders.amount_performed_by_case_id.load(self.row.id))

    @strawberry.field(description="The court enforcing the judgment.")
    async def court(self, info: Info) -> UnitType:
        return await load_unit(info, self.row.court_id)  # type: ignore[attr-defined]

    @strawberry.field(description="被执行单位: the organ that must perform.")
    async def respondent(self, info: Info) -> UnitType:
        return await load_unit(info, self.row.respondent_id)  # type: ignore[attr-defined]


@strawberry.type(name="Task", description="交办事项: a piece of work moved from 交办 to 销号.")
class TaskType(relay.Node):
    row: strawberry.Private[models.Task]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Task code, e.g. FY-2023-0001.")
    title: str = strawberry.field(description="What must be done.")
    kind: TaskKind = strawberry.field(description="Kind of task.")
    state: TaskState = strawberry.field(description="Where the task is in its workflow.")
    version: int = strawberry.field(
        description="Changes with every write: send it back as expectedVersion."
    )
    due_on: dt.date | None = strawberry.field(description="办结时限: the date the task is due.")
    supervision_level: SupervisionLevel = strawberry.field(description="督办等级.")
    matter_type: MatterType | None = strawberry.field(
        description="Type of a bankruptcy coordination matter."
    )

    @classmethod
    def from_model(cls, row: models.Task) -> Self:
        return cls(
            row=row,
            id=row.id,
            code=row.code,
            title=row.title,
            kind=row.kind,
            state=row.state,
            version=row.version,
            due_on=row.due_on,
            supervision_level=row.supervision_level,
            matter_type=row.matter_type,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        rows = await _resolve_rows(models.Task, node_ids, required)
        return [cls.from_model(row) if row else None for row in rows]

    @strawberry.field(description="责任单位: the unit that must do the work.")
    async def responsible_unit(self, info: Info) -> UnitType:
        return await load_unit(info, self.row.responsible_unit_id)  # type: ignore[attr-defined]

    @strawberry.field(description="When the task was created, in Beijing time.")
    def created_at(self) -> dt.datetime:
        created = local_time(self.row.created_at)
        assert created is not None
        return created

    @strawberry.field(description="When the task was closed (销号), in Beijing time.")
    def closed_at(self) -> dt.datetime | None:
        return local_time(self.row.closed_at)
