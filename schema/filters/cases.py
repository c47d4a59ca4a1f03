"""Filters and order of the enforcement cases (执行案件) and bankruptcy cases (破产案件)."""

from __future__ import annotations

from enum import Enum

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from schema.arguments import search, text_filter
from schema.filters.ordering import OrderDirection, ordered, unit_id
from store import models
from store.enums import BankruptcyProcedure, CaseSource
from store.inputs import column_length

__all__ = [
    "BankruptcyCaseFilter",
    "EnforcementCaseFilter",
    "EnforcementCaseOrder",
    "EnforcementCaseOrderField",
    "filter_bankruptcy_cases",
    "filter_enforcement_cases",
    "order_enforcement_cases",
]


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


_COLUMNS = {
    EnforcementCaseOrderField.FILED_ON: "filed_on",
    EnforcementCaseOrderField.CASE_NUMBER: "case_number",
    EnforcementCaseOrderField.AMOUNT_DUE: "amount_due_fen",
}


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


def filter_enforcement_cases(
    query: QuerySet[models.EnforcementCase], spec: EnforcementCaseFilter, *, personal_data: bool
) -> QuerySet[models.EnforcementCase]:
    """Apply an EnforcementCaseFilter, its texts checked first.

    ``personal_data``: whether the viewer sees applicants' names (and may search them).
    """
    batch = text_filter(
        spec.batch,
        argument="filter.batch",
        max_length=column_length(models.EnforcementCase, "batch"),
    )
    text = search(spec.search, argument="filter.search")
    if (court_id := unit_id(spec.court_id, "filter.courtId")) is not None:
        query = query.filter(court_id=court_id)
    if (organ_id := unit_id(spec.respondent_id, "filter.respondentId")) is not None:
        query = query.filter(respondent_id=organ_id)
    if spec.source is not None:
        query = query.filter(source=spec.source)
    if batch is not None:
        query = query.filter(batch=batch)
    if spec.closed is not None:
        query = query.filter(closed_on__isnull=not spec.closed)
    if text is not None:
        matches = Q(case_number__icontains=text) | Q(cause__icontains=text)
        if personal_data:
            # Others see applicants' names masked: searching them would unmask.
            matches |= Q(applicant_name__icontains=text)
        query = query.filter(matches)
    return query


def order_enforcement_cases(
    query: QuerySet[models.EnforcementCase], order: EnforcementCaseOrder | None
) -> QuerySet[models.EnforcementCase]:
    """Newest filing first, unless ``order`` says otherwise."""
    if order is None:
        return query.order_by("-filed_on", "-id")
    return ordered(query, _COLUMNS[order.field], order.direction)


def filter_bankruptcy_cases(
    query: QuerySet[models.BankruptcyCase], spec: BankruptcyCaseFilter
) -> QuerySet[models.BankruptcyCase]:
    """Apply a BankruptcyCaseFilter, its text checked first."""
    text = search(spec.search, argument="filter.search")
    if (court_id := unit_id(spec.court_id, "filter.courtId")) is not None:
        query = query.filter(court_id=court_id)
    if spec.procedure is not None:
        query = query.filter(procedure=spec.procedure)
    if text is not None:
        query = query.filter(
            Q(case_number__icontains=text)
            | Q(debtor_name__icontains=text)
            | Q(debtor_uscc__icontains=text)
        )
    return query
