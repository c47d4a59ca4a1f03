"""ImportBatch: one ledger import (清单式交办), shown on every case and task it created."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Self

import strawberry

from schema.context import Info
from schema.types.base import fk_or_none, local_time
from schema.types.units import AccountType, load_account
from store import models


@strawberry.enum(
    description="Which 清单 to import: CASES 涉党政机关执行案件 (each row a case and its task), "
    "MATTERS 破产协调事项 (of registered bankruptcy cases), DECISIONS 联席会议议定事项 (of a "
    "recorded meeting)."
)
class LedgerImportKind(Enum):
    CASES = strawberry.enum_value(
        "cases", description="涉党政机关执行案件: each row a case and its enforcement task."
    )
    MATTERS = strawberry.enum_value(
        "matters", description="破产协调事项: coordination matters of registered bankruptcy cases."
    )
    DECISIONS = strawberry.enum_value(
        "decisions", description="联席会议议定事项: the decisions of a recorded joint meeting."
    )


@strawberry.type(
    name="ImportBatch",
    description="One ledger import (清单式交办): who imported which file, and what it created.",
)
class ImportBatchType:
    row: strawberry.Private[models.ImportBatch]
    id: int = strawberry.field(description="The batch's number.")
    kind: LedgerImportKind = strawberry.field(description="Which 清单 the file was.")
    file_name: str = strawberry.field(description="The file's name as uploaded.")
    sha256: str = strawberry.field(description="SHA-256 of the file's bytes, in hex.")
    rows: int = strawberry.field(description="Data rows in the file.")
    created: int = strawberry.field(description="Records created: cases and tasks.")

    @classmethod
    def from_model(cls, row: models.ImportBatch) -> Self:
        return cls(
            row=row,
            id=row.id,
            kind=LedgerImportKind(row.kind),
            file_name=row.file_name,
            sha256=row.sha256,
            rows=row.rows,
            created=row.created,
        )

    @strawberry.field(description="When it was imported, in Beijing time.")
    def imported_at(self) -> dt.datetime:
        moment = local_time(self.row.imported_at)
        assert moment is not None
        return moment

    @strawberry.field(description="Who imported it; null for the command line.")
    async def imported_by(self, info: Info) -> AccountType | None:
        return await load_account(info, fk_or_none(self.row, "imported_by"))


async def load_import_batch(
    info: Info, row: models.EnforcementCase | models.Task
) -> ImportBatchType | None:
    """The batch that created ``row`` (a case or task), or None."""
    batch_id = fk_or_none(row, "import_batch")
    if batch_id is None:
        return None
    batch = await info.context.loaders.import_batch_by_id.load(batch_id)
    return ImportBatchType.from_model(batch) if batch else None
