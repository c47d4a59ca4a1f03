"""Evidence files (issue 19) as GraphQL: ``attachments { … url }`` on the records."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from schema.context import Info
from schema.types.base import fk, local_time
from schema.types.units import AccountType, load_account
from store import models

TYPE_NAME = "Attachment"
"""The type name in an attachment's global ID (what POST /files answers)."""


@strawberry.type(
    name="Attachment",
    description="An evidence file (证明材料): a scan, a ruling, minutes … uploaded at POST "
    "/files and attached to a record; never deleted once attached, only superseded.",
)
class AttachmentType:
    row: strawberry.Private[models.StoredFile]
    id: strawberry.ID = strawberry.field(
        description="The ID POST /files answered, as evidenceFileIds and fileIds take it."
    )
    name: str = strawberry.field(description="The file's name as uploaded, e.g. 执行款收据.pdf.")
    size: int = strawberry.field(description="Bytes.")
    content_type: str = strawberry.field(
        description="The type judged by the file's bytes: application/pdf, image/jpeg, "
        "image/png, application/ofd, DOCX or XLSX."
    )
    sha256: str = strawberry.field(description="SHA-256 of the bytes, hex.")

    @classmethod
    def from_model(cls, row: models.StoredFile) -> Self:
        return cls(
            row=row,
            id=strawberry.ID(relay.to_base64(TYPE_NAME, row.id)),
            name=row.name,
            size=row.size,
            content_type=row.content_type,
            sha256=row.sha256,
        )

    @strawberry.field(description="Who uploaded it.")
    async def uploaded_by(self, info: Info) -> AccountType:
        account = await load_account(info, fk(self.row, "uploaded_by"))
        assert account is not None
        return account

    @strawberry.field(description="When it was uploaded, in Beijing time.")
    def uploaded_at(self) -> dt.datetime:
        moment = local_time(self.row.uploaded_at)
        assert moment is not None
        return moment

    @strawberry.field(
        description="Where to download it (GET, with the bearer token): the same "
        "visibility as its record."
    )
    def url(self) -> str:
        return f"/files/{self.id}"


async def load_attachments(
    loader: DataLoader[int, list[models.StoredFile]], key: int
) -> list[AttachmentType]:
    return [AttachmentType.from_model(row) for row in await loader.load(key)]
