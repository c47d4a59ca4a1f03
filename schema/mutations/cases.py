"""Mutations on cases: createEnforcementCase, recordPerformance, reversePerformance,
createBankruptcyCase, addCoordinationMatter."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import (
    MutationInput,
    errors_field,
    idempotency,
    idempotency_key_field,
    input_id,
    mutate,
    required_id,
)
from schema.mutations.files import file_ids_field, files_to_attach
from schema.types.base import fk
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType, PerformanceRecordType
from schema.types.tasks import TaskType
from store.enums import (
    BankruptcyProcedure,
    CaseSource,
    MatterType,
    PartyKind,
    PaymentMethod,
    Role,
    TaskKind,
)
from store.errors import ValidationError
from store.models import Account, BankruptcyCase, EnforcementCase, PerformanceRecord
from store.operations.cases import (
    BankruptcyCaseInput,
    EnforcementCaseInput,
    create_bankruptcy_case,
    create_enforcement_case,
    record_performance,
    reverse_performance,
)
from store.operations.tasks import TaskInput, create_task
from store.visibility import visible_or_not_found
from workflow.i18n import _


def _court_of_viewer(viewer: Account, court_id: int, field: str) -> None:
    """A court liaison works on the cases of their own court only."""
    if viewer.role is Role.COURT_LIAISON and fk(viewer, "unit") != court_id:
        raise ValidationError(
            field, "court.own", _("a court liaison records cases of their own court")
        )


# --------------------------------------------------------------------------- createEnforcementCase


@strawberry.input(description="A new 涉党政机关执行案件.")
class CreateEnforcementCaseInput:
    case_number: str = strawberry.field(description="案号, e.g. （2022）豫0202执1234号.")
    court_id: strawberry.ID = strawberry.field(description="The enforcing court (a Unit).")
    applicant_name: str = strawberry.field(description="申请执行人.")
    applicant_kind: PartyKind = strawberry.field(description="Person, enterprise or organisation.")
    respondent_id: strawberry.ID = strawberry.field(
        description="被执行单位: the organ that must perform (a Unit)."
    )
    basis: str = strawberry.field(description="执行依据: the judgment's case number.")
    cause: str = strawberry.field(description="案由.")
    amount_due: str = strawberry.field(description='执行标的 in yuan, e.g. "1200000.00".')
    filed_on: dt.date = strawberry.field(description="立案日期.")
    source: CaseSource = strawberry.field(description="Where the case came from.")
    batch: str | None = strawberry.field(default=None, description="交办批次, if assigned in one.")
    file_ids: list[strawberry.ID] | None = file_ids_field(
        "The case's documents: the judgment (执行依据) and others."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of createEnforcementCase.")
class CreateEnforcementCasePayload:
    enforcement_case: EnforcementCaseType | None = strawberry.field(
        description="The new case; null when refused."
    )
    errors: list[UserError] = errors_field()


async def resolve_create_enforcement_case(
    info: Info, input: MutationInput[CreateEnforcementCaseInput]
) -> CreateEnforcementCasePayload:
    async def perform(viewer: Account) -> CreateEnforcementCasePayload:
        court_id = required_id(input.court_id, expected="Unit", field="courtId")
        _court_of_viewer(viewer, court_id, "courtId")
        case = await create_enforcement_case(
            EnforcementCaseInput(
                case_number=input.case_number,
                court=court_id,
                applicant_name=input.applicant_name,
                applicant_kind=input.applicant_kind,
                respondent=required_id(input.respondent_id, expected="Unit", field="respondentId"),
                basis=input.basis,
                cause=input.cause,
                amount_due=input.amount_due,
                filed_on=input.filed_on,
                source=input.source,
                batch=input.batch,
            ),
            today=info.context.today,
            created_by=viewer,
            idempotency=idempotency(viewer, input, "createEnforcementCase"),
            files=await files_to_attach(
                input.file_ids, viewer, field="fileIds", idempotency_key=input.idempotency_key
            ),
        )
        return CreateEnforcementCasePayload(
            enforcement_case=EnforcementCaseType.from_model(case), errors=[]
        )

    return await mutate(info, CreateEnforcementCasePayload, perform)


# --------------------------------------------------------------------------- recordPerformance


@strawberry.input(description="A payment (履行) towards an enforcement case.")
class RecordPerformanceInput:
    case_id: strawberry.ID = strawberry.field(description="The EnforcementCase paid towards.")
    paid_on: dt.date = strawberry.field(description="Day of the payment.")
    amount: str = strawberry.field(description='Amount in yuan, e.g. "600000.00".')
    method: PaymentMethod = strawberry.field(description="How it was paid.")
    note: str = strawberry.field(default="", description="Free note, e.g. 分期履行.")
    confirm_excess: bool = strawberry.field(
        default=False,
        description="Required (true, with a reason) for a payment beyond the amount outstanding "
        "(due less performed); otherwise it is refused.",
    )
    reason: str | None = strawberry.field(
        default=None, description="Why an excess payment is confirmed (with confirmExcess)."
    )
    file_ids: list[strawberry.ID] | None = file_ids_field(
        "Files proving the payment (a receipt, a transfer voucher)."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of recordPerformance.")
class RecordPerformancePayload:
    performance_record: PerformanceRecordType | None = strawberry.field(
        description="The new record; null when refused."
    )
    enforcement_case: EnforcementCaseType | None = strawberry.field(
        description="The case, with its new amount performed."
    )
    errors: list[UserError] = errors_field()


async def resolve_record_performance(
    info: Info, input: MutationInput[RecordPerformanceInput]
) -> RecordPerformancePayload:
    async def perform(viewer: Account) -> RecordPerformancePayload:
        key = idempotency(viewer, input, "recordPerformance")
        case_id = required_id(input.case_id, expected="EnforcementCase", field="caseId")
        case = await visible_or_not_found(
            EnforcementCase,
            viewer,
            case_id,
            field="caseId",
            what="enforcement case",
            key=input.case_id,
        )
        record = await record_performance(
            case,
            paid_on=input.paid_on,
            amount=input.amount,
            method=input.method,
            note=input.note,
            confirm_excess=input.confirm_excess,
            reason=input.reason,
            recorded_by=viewer,
            today=info.context.today,
            idempotency=key,
            files=await files_to_attach(
                input.file_ids, viewer, field="fileIds", idempotency_key=input.idempotency_key
            ),
        )
        return RecordPerformancePayload(
            performance_record=PerformanceRecordType.from_model(record),
            enforcement_case=EnforcementCaseType.from_model(case),
            errors=[],
        )

    return await mutate(info, RecordPerformancePayload, perform)


# --------------------------------------------------------------------------- reversePerformance


@strawberry.input(description="冲正: reverse a wrong performance record by a negative entry.")
class ReversePerformanceInput:
    record_id: strawberry.ID = strawberry.field(
        description="The PerformanceRecord to reverse: a payment, not yet reversed."
    )
    reason: str = strawberry.field(description="Why the record is wrong.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of reversePerformance.")
class ReversePerformancePayload:
    performance_record: PerformanceRecordType | None = strawberry.field(
        description="The reversal: the negative of the record, naming it; null when refused."
    )
    enforcement_case: EnforcementCaseType | None = strawberry.field(
        description="The case, with its amount performed less the reversed record."
    )
    errors: list[UserError] = errors_field()


async def resolve_reverse_performance(
    info: Info, input: MutationInput[ReversePerformanceInput]
) -> ReversePerformancePayload:
    async def perform(viewer: Account) -> ReversePerformancePayload:
        key = idempotency(viewer, input, "reversePerformance")
        record_id = required_id(input.record_id, expected="PerformanceRecord", field="recordId")
        record = await visible_or_not_found(
            PerformanceRecord,
            viewer,
            record_id,
            field="recordId",
            what="performance record",
            key=input.record_id,
        )
        reversal = await reverse_performance(
            record,
            reason=input.reason,
            recorded_by=viewer,
            today=info.context.today,
            idempotency=key,
        )
        case = await EnforcementCase.get(id=fk(record, "case"))
        return ReversePerformancePayload(
            performance_record=PerformanceRecordType.from_model(reversal),
            enforcement_case=EnforcementCaseType.from_model(case),
            errors=[],
        )

    return await mutate(info, ReversePerformancePayload, perform)


# --------------------------------------------------------------------------- createBankruptcyCase


@strawberry.input(description="A new 破产案件.")
class CreateBankruptcyCaseInput:
    case_number: str = strawberry.field(description="案号, e.g. （2023）豫02破3号.")
    debtor_name: str = strawberry.field(description="The debtor enterprise.")
    debtor_uscc: str = strawberry.field(description="统一社会信用代码 (18 characters).")
    court_id: strawberry.ID = strawberry.field(description="The court that accepted the case.")
    administrator: str = strawberry.field(description="管理人.")
    procedure: BankruptcyProcedure = strawberry.field(description="清算, 重整 or 和解.")
    accepted_on: dt.date = strawberry.field(description="受理日期.")
    employees_affected: int = strawberry.field(default=0, description="Employees affected.")
    claims_total: str = strawberry.field(default="0", description="Declared claims, in yuan.")
    assets_total: str = strawberry.field(default="0", description="Assets, in yuan.")
    file_ids: list[strawberry.ID] | None = file_ids_field(
        "The case's documents: the ruling accepting it (受理裁定) and others."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of createBankruptcyCase.")
class CreateBankruptcyCasePayload:
    bankruptcy_case: BankruptcyCaseType | None = strawberry.field(
        description="The new case; null when refused."
    )
    errors: list[UserError] = errors_field()


async def resolve_create_bankruptcy_case(
    info: Info, input: MutationInput[CreateBankruptcyCaseInput]
) -> CreateBankruptcyCasePayload:
    async def perform(viewer: Account) -> CreateBankruptcyCasePayload:
        court_id = required_id(input.court_id, expected="Unit", field="courtId")
        _court_of_viewer(viewer, court_id, "courtId")
        case = await create_bankruptcy_case(
            BankruptcyCaseInput(
                case_number=input.case_number,
                debtor_name=input.debtor_name,
                debtor_uscc=input.debtor_uscc,
                court=court_id,
                administrator=input.administrator,
                procedure=input.procedure,
                accepted_on=input.accepted_on,
                employees_affected=input.employees_affected,
                claims_total=input.claims_total,
                assets_total=input.assets_total,
            ),
            today=info.context.today,
            created_by=viewer,
            idempotency=idempotency(viewer, input, "createBankruptcyCase"),
            files=await files_to_attach(
                input.file_ids, viewer, field="fileIds", idempotency_key=input.idempotency_key
            ),
        )
        return CreateBankruptcyCasePayload(
            bankruptcy_case=BankruptcyCaseType.from_model(case), errors=[]
        )

    return await mutate(info, CreateBankruptcyCasePayload, perform)


# --------------------------------------------------------------------------- addCoordinationMatter


@strawberry.input(description="A coordination matter (协调事项) of a bankruptcy case.")
class AddCoordinationMatterInput:
    bankruptcy_case_id: strawberry.ID = strawberry.field(description="The BankruptcyCase.")
    matter_type: MatterType = strawberry.field(description="Type of matter.")
    title: str | None = strawberry.field(
        default=None, description="What must be done; defaults to the case and matter type."
    )
    description: str = strawberry.field(default="", description="Details.")
    responsible_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The owning department; defaults to the matter type's usual owner.",
    )
    due_on: dt.date | None = strawberry.field(default=None, description="办结时限.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of addCoordinationMatter.")
class AddCoordinationMatterPayload:
    task: TaskType | None = strawberry.field(description="The new matter; null when refused.")
    errors: list[UserError] = errors_field()


async def resolve_add_coordination_matter(
    info: Info, input: MutationInput[AddCoordinationMatterInput]
) -> AddCoordinationMatterPayload:
    async def perform(viewer: Account) -> AddCoordinationMatterPayload:
        key = idempotency(viewer, input, "addCoordinationMatter")
        case_id = required_id(
            input.bankruptcy_case_id, expected="BankruptcyCase", field="bankruptcyCaseId"
        )
        case = await visible_or_not_found(
            BankruptcyCase,
            viewer,
            case_id,
            field="bankruptcyCaseId",
            what="bankruptcy case",
            key=input.bankruptcy_case_id,
        )
        task = await create_task(
            TaskInput(
                kind=TaskKind.BANKRUPTCY_MATTER,
                title=input.title or f"{case.debtor_name}破产案{input.matter_type.label}协调",
                description=input.description,
                bankruptcy_case=case,
                matter_type=input.matter_type,
                responsible_unit=input_id(
                    input.responsible_unit_id, expected="Unit", field="responsibleUnitId"
                ),
                due_on=input.due_on,
            ),
            created_by=viewer,
            idempotency=key,
        )
        return AddCoordinationMatterPayload(task=TaskType.from_model(task), errors=[])

    return await mutate(info, AddCoordinationMatterPayload, perform)
