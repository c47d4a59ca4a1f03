"""exportLedger: a download URL for a 台账 of what the viewer may see; importLedger: a
filled-in 清单 uploaded (清单式交办), checked row by row, stored all or nothing."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from reports.ledger_import import MAX_PROBLEMS, import_ledger
from schema.context import Info
from schema.errors import UserError
from schema.ledgers import LedgerFilter, LedgerKind, check_ledger, download_path
from schema.mutations.base import MutationInput, errors_field, mutate
from schema.types.imports import ImportBatchType, LedgerImportKind
from store.errors import ValidationError
from store.models import Account
from workflow.errors import ErrorCode
from workflow.i18n import _

MAX_FILE_BYTES = 16 * 1024 * 1024
"""The largest ledger file importLedger reads (a 5,000-row 清单 is about 300 KiB)."""


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


# --------------------------------------------------------------------------- importLedger


@strawberry.input(description="A filled-in ledger (清单) to import, or to check first.")
class ImportLedgerInput:
    kind: LedgerImportKind = strawberry.field(description="Which 清单 the file is.")
    file: Upload = strawberry.field(
        description="The .xlsx (the template of `kind`, or an exported case ledger), sent "
        "as a multipart request (the GraphQL multipart request specification)."
    )
    dry_run: bool = strawberry.field(
        default=False,
        description="Check every row and report every problem, storing nothing.",
    )


@strawberry.type(
    name="LedgerProblem",
    description="One thing wrong with an imported file: where it is and which rule it breaks.",
)
class LedgerProblemType:
    code: ErrorCode = strawberry.field(description="The kind of problem.")
    message: str = strawberry.field(
        description="In Chinese, naming the row, the column and the rule, e.g. "
        "第4321行「案号」：法院代字与法院不符."
    )
    sheet: str | None = strawberry.field(description="The worksheet; null for the whole file.")
    row: int | None = strawberry.field(
        description="The row number as Excel shows it; null for the whole file."
    )
    column: str | None = strawberry.field(description="The column's header; null for a row.")


@strawberry.type(description="The result of importLedger.")
class ImportLedgerPayload:
    batch: ImportBatchType | None = strawberry.field(
        description="The import batch, with every case and task of the file; null for a dry "
        "run or when anything was refused (then nothing was stored)."
    )
    rows: int | None = strawberry.field(description="Data rows read from the file.")
    created: int | None = strawberry.field(
        description="Records (cases and tasks) created, or that the import would create."
    )
    problem_count: int | None = strawberry.field(
        description="How many problems the file has in all; 0 when it can be imported."
    )
    problems: list[LedgerProblemType] | None = strawberry.field(
        description=f"The first {MAX_PROBLEMS} problems, in the file's order."
    )
    errors: list[UserError] = errors_field(
        'The problems as UserErrors (field ["input", "file"]); empty on success.'
    )


async def resolve_import_ledger(
    info: Info, input: MutationInput[ImportLedgerInput]
) -> ImportLedgerPayload:
    async def perform(viewer: Account) -> ImportLedgerPayload:
        upload = input.file
        data = await upload.read() if hasattr(upload, "read") else bytes(upload)
        name = str(getattr(upload, "filename", None) or "ledger.xlsx")
        if len(data) > MAX_FILE_BYTES:
            raise ValidationError(
                "file",
                "file.size",
                _("the file is over {value} MiB", value=MAX_FILE_BYTES // 1024 // 1024),
            )
        result = await import_ledger(
            str(input.kind.value), data, name[:255], dry_run=input.dry_run, imported_by=viewer
        )
        return ImportLedgerPayload(
            batch=ImportBatchType.from_model(result.batch) if result.batch else None,
            rows=result.rows,
            created=result.created,
            problem_count=result.problem_count,
            problems=[
                LedgerProblemType(
                    code=problem.code,
                    message=problem.message,
                    sheet=problem.sheet,
                    row=problem.row,
                    column=problem.column,
                )
                for problem in result.problems
            ],
            errors=[
                UserError(field=["input", "file"], code=problem.code, message=problem.message)
                for problem in result.problems
            ],
        )

    return await mutate(info, ImportLedgerPayload, perform)
