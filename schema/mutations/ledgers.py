"""exportLedger: a download URL for a 台账 of what the viewer may see."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.ledgers import LedgerFilter, LedgerKind, check_ledger, download_path
from schema.mutations.base import MutationInput, errors_field, mutate
from store.models import Account


@strawberry.input(description="Which ledger to export, and which of its rows.")
class ExportLedgerInput:
    kind: LedgerKind = strawberry.field(description="The ledger.")
    filter: LedgerFilter | None = strawberry.field(
        default=None, description="The list's filter; every row you may see when not given."
    )


@strawberry.type(description="The result of exportLedger: where to download the workbook.")
class ExportLedgerPayload:
    url: str | None = strawberry.field(
        description="GET it with your bearer token: the .xlsx, made at download time from "
        "what you may see then. Null when refused."
    )
    errors: list[UserError] = errors_field()


async def resolve_export_ledger(
    info: Info, input: MutationInput[ExportLedgerInput]
) -> ExportLedgerPayload:
    async def perform(viewer: Account) -> ExportLedgerPayload:
        await check_ledger(input.kind, input.filter, viewer)
        return ExportLedgerPayload(url=download_path(input.kind, input.filter), errors=[])

    return await mutate(info, ExportLedgerPayload, perform)
