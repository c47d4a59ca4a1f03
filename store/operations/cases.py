"""Creating enforcement and bankruptcy cases and recording performance.

Each function validates every input first (``store.inputs``), naming the
field and the rule, then writes inside one transaction: on any error nothing
is stored. Each takes an optional :class:`~store.idempotency.Idempotency`: a
retry of the same request returns the first record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Sum

from store.enums import BankruptcyProcedure, CaseSource, PartyKind, PaymentMethod, UnitKind
from store.errors import CaseClosed, Duplicate, ValidationError
from store.idempotency import Idempotency, create_once
from store.identifiers import (
    BANKRUPTCY_TYPES,
    ENFORCEMENT_TYPES,
    CaseNumber,
    check_case_years,
    parse_basis,
    parse_case_number,
    validate_uscc,
)
from store.inputs import column_length, money, multi_line, optional_single_line, single_line
from store.models import Account, BankruptcyCase, EnforcementCase, PerformanceRecord, Unit
from store.operations.common import (
    Checks,
    UnitRef,
    check_active,
    check_date,
    check_unit_kind,
    parse_enum,
    resolve_unit,
)
from store.operations.files import Attach
from workflow.clock import utcnow
from workflow.engine import ORGAN_KINDS as engine_organ_kinds
from workflow.i18n import _
from workflow.money import format_fen

ORGAN_KINDS = (
    UnitKind.PARTY_GOV_ORGAN,
    UnitKind.DEPARTMENT,
    UnitKind.DISTRICT_GOV,
    UnitKind.OFFICE,
)
"""Kinds of unit that can be the judgment debtor of an enforcement case."""

assert {kind.value for kind in ORGAN_KINDS} == engine_organ_kinds, "the engine's organs differ"


@dataclass
class EnforcementCaseInput:
    case_number: str
    court: UnitRef
    applicant_name: str
    applicant_kind: PartyKind | str
    respondent: UnitRef
    basis: str
    cause: str
    amount_due: str | int | Decimal
    filed_on: dt.date | str
    source: CaseSource | str
    batch: str | None = None


async def create_enforcement_case(
    data: EnforcementCaseInput,
    *,
    today: dt.date | None = None,
    created_by: Account | None = None,
    idempotency: Idempotency | None = None,
    files: Attach | None = None,
) -> EnforcementCase:
    """Validate and store a 涉党政机关执行案件, with its documents (``files``: the judgment)."""
    today = today or dt.date.today()
    checks = Checks()
    checked = check_case_fields(data, today=today, checks=checks)
    assert checked is not None  # the checks raise on the first failure
    court = await resolve_unit(
        data.court, field="courtId", kinds=(UnitKind.COURT,), active_only=True
    )
    respondent = await resolve_unit(
        data.respondent, field="respondentId", kinds=ORGAN_KINDS, active_only=True
    )
    columns = check_case_units(checked, court=court, respondent=respondent, checks=checks)
    case_number = columns["case_number"]

    async def write(conn: BaseDBAsyncClient) -> EnforcementCase:
        if await EnforcementCase.filter(case_number=case_number).using_db(conn).exists():
            raise Duplicate("caseNumber", "enforcement case", case_number)
        case = await EnforcementCase.create(**columns, created_by=created_by, using_db=conn)
        if files is not None:
            await files.to(conn, utcnow(), enforcement_case_id=case.id)
        return case

    return await create_once(idempotency, EnforcementCase, write)


@dataclass(frozen=True)
class CheckedCase:
    """An enforcement case's inputs once checked, before its units are known."""

    number: CaseNumber
    columns: dict[str, Any]


def check_case_fields(
    data: EnforcementCaseInput, *, today: dt.date, checks: Checks
) -> CheckedCase | None:
    """Every rule of a case's own fields (createEnforcementCase's and a ledger row's);
    None when one failed and ``checks`` collects the failures."""
    before = len(checks.failures)
    parsed = checks(
        lambda: parse_case_number(
            data.case_number, field="caseNumber", allowed_types=ENFORCEMENT_TYPES, today=today
        )
    )
    basis = checks(lambda: parse_basis(data.basis, field="basis", today=today))
    applicant_kind = checks(
        lambda: parse_enum(PartyKind, data.applicant_kind, field="applicantKind")
    )
    source = checks(lambda: parse_enum(CaseSource, data.source, field="source"))
    amount_due_fen = checks(lambda: money(data.amount_due, field="amountDue", allow_zero=False))
    filed_on = checks(lambda: check_date(data.filed_on, field="filedOn", not_after=today))
    if parsed is not None and basis is not None and filed_on is not None:
        number, judgment, filed = parsed, basis, filed_on
        checks(lambda: check_case_years(number, judgment, filed))
    applicant_name = checks(
        lambda: single_line(
            data.applicant_name,
            field="applicantName",
            max_length=column_length(EnforcementCase, "applicant_name"),
        )
    )
    cause = checks(
        lambda: single_line(
            data.cause, field="cause", max_length=column_length(EnforcementCase, "cause")
        )
    )
    batch = checks(
        lambda: optional_single_line(
            data.batch, field="batch", max_length=column_length(EnforcementCase, "batch")
        )
    )
    if len(checks.failures) > before or parsed is None or basis is None:
        return None
    return CheckedCase(
        parsed,
        {
            "case_number": parsed.canonical(),
            "applicant_name": applicant_name,
            "applicant_kind": applicant_kind,
            "basis": basis.text,
            "cause": cause,
            "amount_due_fen": amount_due_fen,
            "filed_on": filed_on,
            "source": source,
            "batch": batch,
        },
    )


def check_case_units(
    checked: CheckedCase, *, court: Unit, respondent: Unit, checks: Checks
) -> dict[str, Any]:
    """The rules between a case and its units: a court, an organ as the respondent, both
    active, and the court's code inside the 案号; the case's columns with its units."""
    checks(lambda: check_unit_kind(court, field="courtId", kinds=(UnitKind.COURT,)))
    checks(lambda: check_active(court, field="courtId"))
    checks(lambda: check_unit_kind(respondent, field="respondentId", kinds=ORGAN_KINDS))
    checks(lambda: check_active(respondent, field="respondentId"))
    if court.kind is UnitKind.COURT:
        checks(lambda: _check_court_matches(checked.number, court.court_code))
    return {**checked.columns, "court": court, "respondent": respondent}


def _check_court_matches(number: CaseNumber, court_code: str | None) -> None:
    """The court code inside the 案号 must be the chosen court's own code."""
    if court_code and number.court_code != court_code:
        raise ValidationError(
            "caseNumber",
            "case_number.court_mismatch",
            _(
                "{canonical} carries the court code {court_code}, but the chosen "
                "court's code is {court_code2}",
                canonical=number.canonical(),
                court_code=number.court_code,
                court_code2=court_code,
            ),
        )


async def record_performance(
    case: EnforcementCase,
    *,
    paid_on: dt.date | str,
    amount: str | int | Decimal,
    method: PaymentMethod | str,
    note: str = "",
    confirm_excess: bool = False,
    reason: str | None = None,
    recorded_by: Account | None = None,
    today: dt.date | None = None,
    idempotency: Idempotency | None = None,
    files: Attach | None = None,
) -> PerformanceRecord:
    """Record one payment (履行记录) towards ``case``, with the files proving it (``files``).

    A payment beyond the amount outstanding (due less performed) is refused
    unless ``confirm_excess`` is given with a ``reason``; a payment on a
    closed case is refused. The case row is locked (PostgreSQL) while the
    outstanding amount is read, so two payments cannot both fit the same gap.

    Raises:
        ValidationError: an input breaks its rule; ``performance.excess`` (the
            excess is not confirmed) or ``text.required`` on ``reason``.
        CaseClosed: the case is closed.
    """
    today = today or dt.date.today()
    amount_fen = money(amount, field="amount", allow_zero=False)
    paid = check_date(paid_on, field="paidOn", not_after=today, not_before=case.filed_on)
    payment_method = parse_enum(PaymentMethod, method, field="method")
    note_text = multi_line(note, field="note")
    reason_text = multi_line(reason, field="reason")
    if confirm_excess and not reason_text:
        raise ValidationError(
            "reason", "text.required", _("give the reason the excess payment is confirmed")
        )

    async def write(conn: BaseDBAsyncClient) -> PerformanceRecord:
        current = await _locked_case(case.id, conn)
        if current.closed_on is not None:
            raise CaseClosed(current.case_number, current.closed_on, "a payment")
        performed = await amount_performed(case.id, conn)
        outstanding = current.amount_due_fen - performed
        if amount_fen > outstanding and not confirm_excess:
            raise ValidationError(
                "confirmExcess",
                "performance.excess",
                _(
                    "{format_fen} is more than the {format_fen2} outstanding ({format_fen3} "
                    "due, {format_fen4} performed): give confirmExcess: true with a reason "
                    "to record it",
                    format_fen=format_fen(amount_fen),
                    format_fen2=format_fen(max(outstanding, 0)),
                    format_fen3=format_fen(current.amount_due_fen),
                    format_fen4=format_fen(performed),
                ),
            )
        record = await PerformanceRecord.create(
            case=case,
            paid_on=paid,
            amount_fen=amount_fen,
            method=payment_method,
            note=note_text,
            reason=reason_text,
            recorded_by=recorded_by,
            using_db=conn,
        )
        if files is not None:
            await files.to(conn, utcnow(), performance_record_id=record.id)
        return record

    return await create_once(idempotency, PerformanceRecord, write)


async def reverse_performance(
    record: PerformanceRecord,
    *,
    reason: str,
    recorded_by: Account | None = None,
    today: dt.date | None = None,
    idempotency: Idempotency | None = None,
) -> PerformanceRecord:
    """冲正: record the negative of ``record``, naming it and why; history is never edited.

    The reversal is dated ``today``: the amount performed as of an earlier
    moment keeps counting the record, from the reversal on it does not. A
    record is reversed at most once (a unique column), a reversal never.

    Raises:
        ValidationError: a blank reason (``text.required``); ``reversal.of_reversal``.
        Duplicate: the record is reversed already.
        CaseClosed: the case is closed.
    """
    today = today or dt.date.today()
    reason_text = multi_line(reason, field="reason")
    if not reason_text:
        raise ValidationError("reason", "text.required", _("give the reason for the reversal"))
    if record.reverses_id is not None:  # type: ignore[attr-defined]
        raise ValidationError(
            "recordId",
            "reversal.of_reversal",
            _(
                "performance record {id} is itself a reversal (冲正) and cannot be "
                "reversed; record the payment again instead",
                id=record.id,
            ),
        )
    case_id: int = record.case_id  # type: ignore[attr-defined]

    async def write(conn: BaseDBAsyncClient) -> PerformanceRecord:
        current = await _locked_case(case_id, conn)
        if current.closed_on is not None:
            raise CaseClosed(current.case_number, current.closed_on, "a reversal")
        if await PerformanceRecord.filter(reverses_id=record.id).using_db(conn).exists():
            raise Duplicate("recordId", "reversal of performance record", record.id)
        # The case row's lock serialises reversals, so the test above holds
        # until commit; the unique ``reverses_id`` backs it.
        return await PerformanceRecord.create(
            case_id=case_id,
            paid_on=max(today, record.paid_on),
            amount_fen=-record.amount_fen,
            method=record.method,
            note="",
            reason=reason_text,
            reverses_id=record.id,
            recorded_by=recorded_by,
            using_db=conn,
        )

    return await create_once(idempotency, PerformanceRecord, write)


async def _locked_case(case_id: int, conn: BaseDBAsyncClient) -> EnforcementCase:
    """The case row, locked until the transaction ends (PostgreSQL; SQLite's
    write lock already serialises writers)."""
    return await EnforcementCase.filter(id=case_id).using_db(conn).select_for_update().get()


async def amount_performed(case_id: int, conn: BaseDBAsyncClient | None = None) -> int:
    """The sum of the case's performance records, reversals included, in fen."""
    query = PerformanceRecord.filter(case_id=case_id)
    if conn is not None:
        query = query.using_db(conn)
    rows = await query.annotate(total=Sum("amount_fen")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


@dataclass
class BankruptcyCaseInput:
    case_number: str
    debtor_name: str
    debtor_uscc: str
    court: UnitRef
    administrator: str
    procedure: BankruptcyProcedure | str
    accepted_on: dt.date | str
    employees_affected: int = 0
    claims_total: str | int | Decimal = 0
    assets_total: str | int | Decimal = 0


async def create_bankruptcy_case(
    data: BankruptcyCaseInput,
    *,
    today: dt.date | None = None,
    created_by: Account | None = None,
    idempotency: Idempotency | None = None,
    files: Attach | None = None,
) -> BankruptcyCase:
    """Validate and store a 破产案件, with its documents (``files``)."""
    today = today or dt.date.today()
    parsed = parse_case_number(
        data.case_number, field="caseNumber", allowed_types=BANKRUPTCY_TYPES, today=today
    )
    case_number = parsed.canonical()
    uscc = validate_uscc(data.debtor_uscc, field="debtorUscc")
    procedure = parse_enum(BankruptcyProcedure, data.procedure, field="procedure")
    accepted_on = check_date(data.accepted_on, field="acceptedOn", not_after=today)
    if isinstance(data.employees_affected, bool) or not isinstance(data.employees_affected, int):
        raise ValidationError("employeesAffected", "integer", _("must be a whole number"))
    if data.employees_affected < 0:
        raise ValidationError("employeesAffected", "integer.negative", _("must not be negative"))
    claims = money(data.claims_total, field="claimsTotal")
    assets = money(data.assets_total, field="assetsTotal")
    debtor_name = single_line(
        data.debtor_name,
        field="debtorName",
        max_length=column_length(BankruptcyCase, "debtor_name"),
    )
    administrator = single_line(
        data.administrator,
        field="administrator",
        max_length=column_length(BankruptcyCase, "administrator"),
    )
    court = await resolve_unit(
        data.court, field="courtId", kinds=(UnitKind.COURT,), active_only=True
    )
    _check_court_matches(parsed, court.court_code)

    async def write(conn: BaseDBAsyncClient) -> BankruptcyCase:
        if await BankruptcyCase.filter(case_number=case_number).using_db(conn).exists():
            raise Duplicate("caseNumber", "bankruptcy case", case_number)
        bankruptcy = await BankruptcyCase.create(
            case_number=case_number,
            debtor_name=debtor_name,
            debtor_uscc=uscc,
            court=court,
            administrator=administrator,
            procedure=procedure,
            accepted_on=accepted_on,
            employees_affected=data.employees_affected,
            claims_total_fen=claims,
            assets_total_fen=assets,
            created_by=created_by,
            using_db=conn,
        )
        if files is not None:
            await files.to(conn, utcnow(), bankruptcy_case_id=bankruptcy.id)
        return bankruptcy

    return await create_once(idempotency, BankruptcyCase, write)
