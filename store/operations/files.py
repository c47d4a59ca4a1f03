"""Evidence files (issue 19): uploads, attaching them to records, gc and check.

The order of writes is what keeps "nothing lost, nothing dangling": the bytes
are stored (and fsynced, on disk) by :meth:`BlobStore.put_stream` before the
``stored_file`` row that names them is inserted. A crash between the two
leaves only a blob no row references, which :func:`collect_garbage` removes
once it is older than :data:`store.blobs.GC_AGE`; a referenced blob is never
removed.

Attaching is a conditional ``UPDATE stored_file SET <record> … WHERE id IN
(…) AND <no record yet> AND <the viewer's unit uploaded it>`` inside the
transaction that writes the record, and a check that every id matched: a file
is attached once, to one record, and never detached (there is no delete).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import PurePosixPath, PureWindowsPath

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from store.blobs import GC_AGE, BlobError, BlobStore, DiskBlobs
from store.errors import FileAlreadyAttached, FileTooLarge, NotFound
from store.inputs import bounded_list, single_line
from store.models import Account, StoredFile
from store.sniff import sniff_file
from workflow.clock import utcnow

logger = logging.getLogger("fuyuan.files")

MAX_NAME_LENGTH = 255

RECORD_COLUMNS = (
    "task_id",
    "event_id",
    "performance_record_id",
    "enforcement_case_id",
    "bankruptcy_case_id",
    "meeting_id",
)
"""The columns that attach a file to its record; all null while it is unattached."""

UNATTACHED = Q(
    task_id__isnull=True,
    event_id__isnull=True,
    performance_record_id__isnull=True,
    enforcement_case_id__isnull=True,
    bankruptcy_case_id__isnull=True,
    meeting_id__isnull=True,
)


def clean_name(name: str | None) -> str:
    """The file's own name, without any folder a browser or client put before it."""
    raw = (name or "").replace("\x00", "")
    base = PureWindowsPath(PurePosixPath(raw).name).name.strip()
    return single_line(base or "file", field="file", max_length=MAX_NAME_LENGTH)


async def limited(chunks: AsyncIterable[bytes], max_bytes: int) -> AsyncIterable[bytes]:
    """``chunks``, refused with :class:`FileTooLarge` once they pass ``max_bytes``."""
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > max_bytes:
            raise FileTooLarge(max_bytes)
        yield chunk


async def store_upload(
    blobs: BlobStore,
    chunks: AsyncIterable[bytes],
    *,
    name: str | None,
    uploader: Account,
    max_bytes: int,
    now: dt.datetime | None = None,
) -> StoredFile:
    """Store an uploaded file's bytes, then its unattached row.

    Raises:
        FileTooLarge: more than ``max_bytes``.
        FileTypeRefused: bytes of no accepted type (store/sniff.py).
        ValidationError: a name that is not one line of at most 255 characters.
    """
    file_name = clean_name(name)
    found: dict[str, str] = {}

    def check(path: object) -> None:
        from pathlib import Path

        assert isinstance(path, Path)
        found["type"] = sniff_file(path, file_name)

    blob = await blobs.put_stream(limited(chunks, max_bytes), check=check)
    return await StoredFile.create(
        name=file_name,
        size=blob.size,
        sha256=blob.sha256,
        content_type=found["type"],
        uploaded_by=uploader,
        uploaded_at=now or utcnow(),
    )


def _uploaded_by_unit_of(viewer: Account) -> Q:
    return Q(uploaded_by_id=viewer.id) | Q(uploaded_by__unit_id=viewer.unit_id)  # type: ignore[attr-defined]


async def check_attachable(
    file_ids: Sequence[int], viewer: Account, *, field: str, keys: Sequence[object]
) -> list[int]:
    """``file_ids`` once each is known to be an unattached upload of the viewer's unit.

    Another unit's file answers like one that does not exist (NOT_FOUND naming
    the id). Checked again, under the transaction, by :func:`attach_files`.
    """
    ids = bounded_list(list(file_ids), field=field) or []
    if not ids:
        return []
    rows = {
        row.id: row
        for row in await StoredFile.filter(_uploaded_by_unit_of(viewer), id__in=set(ids))
    }
    for index, (file_id, key) in enumerate(zip(ids, keys, strict=True)):
        row = rows.get(file_id)
        if row is None:
            raise NotFound(f"{field}.{index}", "attachment", key)
        if any(getattr(row, column) is not None for column in RECORD_COLUMNS):
            raise FileAlreadyAttached(f"{field}.{index}", key)
    return list(dict.fromkeys(ids))


async def attachable(
    file_ids: Sequence[int], viewer: Account, *, field: str, keys: Sequence[object]
) -> Attach:
    """The files to attach, checked (:func:`check_attachable`), with their names."""
    ids = await check_attachable(file_ids, viewer, field=field, keys=keys)
    names = dict(await StoredFile.filter(id__in=ids).values_list("id", "name")) if ids else {}
    return Attach(ids, viewer, field, [str(names[i]) for i in ids])


@dataclass
class Attach:
    """Files to attach to the record a write creates, checked beforehand."""

    file_ids: list[int] = dataclass_field(default_factory=list)
    viewer: Account | None = None
    field: str = "fileIds"
    names: list[str] = dataclass_field(default_factory=list)
    """The files' names: what the evidence of a closure request is, when none is typed."""

    async def to(self, conn: BaseDBAsyncClient, now: dt.datetime, **record: int | None) -> None:
        """Attach the files to ``record`` (``task_id=…, event_id=…``) inside ``conn``'s
        transaction; a file attached or taken meanwhile rolls the whole write back."""
        if not self.file_ids:
            return
        assert self.viewer is not None
        query = StoredFile.filter(
            UNATTACHED, _uploaded_by_unit_of(self.viewer), id__in=self.file_ids
        ).using_db(conn)
        changed = await query.update(attached_at=now, **record)
        if changed != len(self.file_ids):
            raise FileAlreadyAttached(self.field, self.file_ids)


async def attachments_of(column: str, keys: Sequence[int]) -> dict[int, list[StoredFile]]:
    """The files attached to each record ``keys`` by ``column`` (``task_id`` …), oldest first."""
    groups: dict[int, list[StoredFile]] = {}
    if not keys:
        return groups
    for row in await StoredFile.filter(**{f"{column}__in": set(keys)}).order_by("id"):
        groups.setdefault(getattr(row, column), []).append(row)
    return groups


@dataclass(frozen=True)
class GcReport:
    """What ``fuyuan files gc`` removed (or would remove, with ``--dry-run``)."""

    blobs: int
    referenced: int
    removed: list[str]
    kept_young: int
    stale_uploads: int


async def collect_garbage(
    blobs: BlobStore, *, now: dt.datetime | None = None, dry_run: bool = False
) -> GcReport:
    """Remove the blobs no row references that are older than :data:`GC_AGE`.

    The references are read after the blobs are listed: a blob whose row
    commits in between is referenced by then, and one put after the listing
    is not looked at.
    """
    now = now or utcnow()
    cutoff = now - GC_AGE
    listed = [blob async for blob in blobs.iter_blobs()]
    hashes = await StoredFile.all().order_by("sha256").distinct().values_list("sha256", flat=True)
    referenced = {str(sha256) for sha256 in hashes}
    removed: list[str] = []
    young = 0
    for blob in listed:
        if blob.sha256 in referenced:
            continue
        if blob.modified is not None and blob.modified > cutoff:
            young += 1
            continue
        removed.append(blob.sha256)
        if not dry_run:
            await blobs.delete(blob.sha256)
    stale = await blobs.stale_uploads(cutoff) if isinstance(blobs, DiskBlobs) else []
    if not dry_run:
        for path in stale:
            path.unlink(missing_ok=True)
    return GcReport(
        blobs=len(listed),
        referenced=len(referenced),
        removed=removed,
        kept_young=young,
        stale_uploads=len(stale),
    )


@dataclass(frozen=True)
class CheckReport:
    """What ``fuyuan files check`` found: every referenced blob present and intact?"""

    rows: int
    blobs: int
    missing: list[str]
    corrupt: list[str]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.corrupt


async def check_files(blobs: BlobStore) -> CheckReport:
    """Read every referenced blob back and compare its SHA-256 and size with its rows."""
    import hashlib

    rows = await StoredFile.all().values_list("sha256", "size")
    sizes: dict[str, set[int]] = {}
    for sha256, size in rows:
        sizes.setdefault(sha256, set()).add(int(size))
    missing: list[str] = []
    corrupt: list[str] = []
    for sha256, expected in sorted(sizes.items()):
        digest = hashlib.sha256()
        size = 0
        try:
            async for chunk in blobs.open_stream(sha256):
                digest.update(chunk)
                size += len(chunk)
        except BlobError:
            missing.append(sha256)
            continue
        if digest.hexdigest() != sha256 or expected != {size}:
            corrupt.append(sha256)
    return CheckReport(rows=len(rows), blobs=len(sizes), missing=missing, corrupt=corrupt)
