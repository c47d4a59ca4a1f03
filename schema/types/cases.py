"""Enforcement cases (涉党政机关执行案件), their performance, and bankruptcy cases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay
from strawberry.relay import to_base64

from schema.context import Info
from schema.types.base import ModelNode, fk, fk_or_none, local_time
from schema.types.files import AttachmentType, load_attachments
from schema.types.imports import ImportBatchType, load_import_batch
from schema.types.units import UnitType, load_unit
from store import models
from store.enums import BankruptcyProcedure, CaseSource, ClosureMethod, PartyKind, PaymentMethod
from store.errors import ValidationError
from store.identifiers import BasisKind, basis_kind
from store.money import format_fen
from store.visibility import mask_name, sees_personal_data

if TYPE_CHECKING:
    from schema.types.tasks import TaskType

TaskRef = Annotated["TaskType", strawberry.lazy("schema.types.tasks")]


@strawberry.type(name="PerformanceRecord", description="履行记录: one payment towards a case.")
class PerformanceRecordType(ModelNode):
    model = models.PerformanceRecord
    row: strawberry.Private[models.PerformanceRecord]
    id: relay.NodeID[int]
    paid_on: dt.date = strawberry.field(description="Day the money (or asset) was delivered.")
    method: PaymentMethod = strawberry.field(description="How it was paid.")
    note: str = strawberry.field(description="Free note, e.g. 分期履行.")
    reason: str = strawberry.field(
        description="Why: the reason an excess payment was confirmed, or a reversal's (冲正)."
    )

    @classmethod
    def from_model(cls, row: models.PerformanceRecord) -> Self:
        return cls(
            row=row,
            id=row.id,
            paid_on=row.paid_on,
            method=row.method,
            note=row.note,
            reason=row.reason,
        )

    @strawberry.field(description="The files proving the payment (a receipt, a transfer voucher).")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        return await load_attachments(
            info.context.loaders.attachments_by_performance_record_id, self.row.id
        )

    @strawberry.field(
        description="Amount paid, in yuan with two decimals; negative for a reversal (冲正)."
    )
    def amount(self) -> str:
        return format_fen(self.row.amount_fen)

    @strawberry.field(description="冲正: the PerformanceRecord this entry reverses, if it is one.")
    def reverses_id(self) -> strawberry.ID | None:
        reversed_id = fk_or_none(self.row, "reverses")
        return strawberry.ID(to_base64("PerformanceRecord", reversed_id)) if reversed_id else None


@strawberry.type(
    name="EnforcementCase",
    description="涉党政机关执行案件: a judgment that a party or government organ must perform.",
)
class EnforcementCaseType(ModelNode):
    model = models.EnforcementCase
    row: strawberry.Private[models.EnforcementCase]
    id: relay.NodeID[int]
    case_number: str = strawberry.field(description="案号, e.g. （2022）豫0202执1234号.")
    applicant_kind: PartyKind = strawberry.field(
        description="Whether the applicant is a person, an enterprise or another organisation."
    )
    basis: str = strawberry.field(
        description="执行依据: the number of the document enforced (a judgment's 案号, a "
        "payment order's, an arbitration award's or a notarised debt instrument's)."
    )
    cause: str = strawberry.field(description="案由.")
    filed_on: dt.date = strawberry.field(description="立案日期.")
    source: CaseSource = strawberry.field(description="Where the case came from.")
    batch: str | None = strawberry.field(description="交办批次, e.g. 省联席办2023年第1批.")
    closure_method: ClosureMethod | None = strawberry.field(description="结案方式, once closed.")
    closed_on: dt.date | None = strawberry.field(description="Day the case was closed.")

    @classmethod
    def from_model(cls, row: models.EnforcementCase) -> Self:
        return cls(
            row=row,
            id=row.id,
            case_number=row.case_number,
            applicant_kind=row.applicant_kind,
            basis=row.basis,
            cause=row.cause,
            filed_on=row.filed_on,
            source=row.source,
            batch=row.batch,
            closure_method=row.closure_method if row.closed_on is not None else None,
            closed_on=row.closed_on,
        )

    @strawberry.field(description="The case's documents: the judgment (执行依据) and others.")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        return await load_attachments(
            info.context.loaders.attachments_by_enforcement_case_id, self.row.id
        )

    @strawberry.field(
        description="申请执行人. A natural person's name is masked (张**) for roles that do "
        "not need it; courts and the joint-meeting office see it."
    )
    def applicant_name(self, info: Info) -> str:
        name = self.row.applicant_name
        if self.row.applicant_kind is PartyKind.PERSON and not sees_personal_data(
            info.context.viewer
        ):
            return mask_name(name)
        return name

    @strawberry.field(description="执行标的: the amount due, in yuan with two decimals.")
    def amount_due(self) -> str:
        return format_fen(self.row.amount_due_fen)

    @strawberry.field(description="已履行金额: the sum of the performance records, in yuan.")
    async def amount_performed(self, info: Info) -> str:
        return format_fen(await info.context.loaders.amount_performed_by_case_id.load(self.row.id))

    @strawberry.field(
        description="What kind of document the basis is, read from its number; null for a "
        "basis stored before its number was checked that no rule reads."
    )
    def basis_kind(self) -> BasisKind | None:
        try:
            return basis_kind(self.row.basis)
        except ValidationError:
            return None

    @strawberry.field(
        description="The 结案方式 the latest request for closure names (the final one once closed)."
    )
    def requested_closure_method(self) -> ClosureMethod | None:
        return self.row.closure_method

    @strawberry.field(description="The grounds of the closure method asked for.")
    def closure_grounds(self) -> str | None:
        return self.row.closure_grounds

    @strawberry.field(description="执行和解: the amount the settlement requires, in yuan.")
    def settlement_amount(self) -> str | None:
        amount = self.row.settlement_amount_fen
        return format_fen(amount) if amount is not None else None

    @strawberry.field(description="案号 of the court's ruling (终结执行, 不予执行).")
    def closure_ruling_number(self) -> str | None:
        return self.row.closure_ruling_number

    @strawberry.field(description="The 结案方式 the court confirmed (确认), if it has.")
    def confirmed_closure_method(self) -> ClosureMethod | None:
        return self.row.closure_confirmed_method

    @strawberry.field(description="When the court confirmed the performance (确认履行).")
    def performance_confirmed_at(self) -> dt.datetime | None:
        return local_time(self.row.performance_confirmed_at)

    @strawberry.field(description="The court enforcing the judgment.")
    async def court(self, info: Info) -> UnitType:
        return await load_unit(info, fk(self.row, "court"))

    @strawberry.field(description="被执行单位: the organ that must perform.")
    async def respondent(self, info: Info) -> UnitType:
        return await load_unit(info, fk(self.row, "respondent"))

    @strawberry.field(description="Payments towards the case, oldest first.")
    async def performance_records(self, info: Info) -> list[PerformanceRecordType]:
        rows = await info.context.loaders.performance_records_by_case_id.load(self.row.id)
        return [PerformanceRecordType.from_model(row) for row in rows]

    @strawberry.field(
        description="The ledger import (清单式交办) that created it; null when registered "
        "one at a time."
    )
    async def import_batch(self, info: Info) -> ImportBatchType | None:
        return await load_import_batch(info, self.row)

    @strawberry.field(description="The tasks (交办事项) that work on this case.")
    async def tasks(self, info: Info) -> list[TaskRef]:
        from schema.types.tasks import TaskType

        rows = await info.context.loaders.tasks_by_enforcement_case_id.load(self.row.id)
        return [TaskType.from_model(row) for row in rows]


@strawberry.type(name="BankruptcyCase", description="破产案件 of an enterprise, with its matters.")
class BankruptcyCaseType(ModelNode):
    model = models.BankruptcyCase
    row: strawberry.Private[models.BankruptcyCase]
    id: relay.NodeID[int]
    case_number: str = strawberry.field(description="案号, e.g. （2023）豫02破3号.")
    debtor_name: str = strawberry.field(description="The debtor enterprise.")
    debtor_uscc: str = strawberry.field(description="统一社会信用代码 of the debtor.")
    administrator: str = strawberry.field(description="管理人.")
    procedure: BankruptcyProcedure = strawberry.field(description="清算, 重整 or 和解.")
    accepted_on: dt.date = strawberry.field(description="受理日期.")
    employees_affected: int = strawberry.field(description="Employees whose jobs are affected.")

    @classmethod
    def from_model(cls, row: models.BankruptcyCase) -> Self:
        return cls(
            row=row,
            id=row.id,
            case_number=row.case_number,
            debtor_name=row.debtor_name,
            debtor_uscc=row.debtor_uscc,
            administrator=row.administrator,
            procedure=row.procedure,
            accepted_on=row.accepted_on,
            employees_affected=row.employees_affected,
        )

    @strawberry.field(description="The case's documents: the ruling accepting it and others.")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        return await load_attachments(
            info.context.loaders.attachments_by_bankruptcy_case_id, self.row.id
        )

    @strawberry.field(description="Total of the declared claims, in yuan.")
    def claims_total(self) -> str:
        return format_fen(self.row.claims_total_fen)

    @strawberry.field(description="Total of the debtor's assets, in yuan.")
    def assets_total(self) -> str:
        return format_fen(self.row.assets_total_fen)

    @strawberry.field(description="The court that accepted the case.")
    async def court(self, info: Info) -> UnitType:
        return await load_unit(info, fk(self.row, "court"))

    @strawberry.field(description="协调事项: the coordination matters of the case.")
    async def matters(self, info: Info) -> list[TaskRef]:
        from schema.types.tasks import TaskType

        rows = await info.context.loaders.tasks_by_bankruptcy_case_id.load(self.row.id)
        return [TaskType.from_model(row) for row in rows]
