"""Evidence files' storage (store/blobs.py), type sniffing (store/sniff.py) and the
operations on them (store/operations/files.py): on disk and on a real S3 server,
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError

from store.blobs import PART_BYTES, BlobStore, DiskBlobs, S3Blobs, open_blob_store
from store.errors import (
    FileAlreadyAttached,
    FileTooLarge,
    FileTypeRefused,
    NotFound,
    ValidationError,
)
from store.models import Account, StoredFile
from store.operations.files import (
    Attach,
    check_attachable,
    check_files,
    collect_garbage,
    store_upload,
)
from store.sniff import DOCX, JPEG, OFD, PDF, PNG, XLSX, sniff_file
from tests.files_fixtures import (
    TINY_JPEG,
    TINY_PDF,
    make_bucket,
    moto_server,
    plain_zip,
    tiny_docx,
    tiny_ofd,
    tiny_png,
    tiny_xlsx,
    zip_of,
)


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["disk", "s3"])
async def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "disk":
        return DiskBlobs(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"fuyuan-{secrets.token_hex(4)}"
    await make_bucket(endpoint, bucket)
    return S3Blobs(bucket, "evidence", endpoint_url=endpoint)


ACCEPTED = [
    pytest.param(TINY_PDF, PDF, id="pdf"),
    pytest.param(TINY_JPEG, JPEG, id="jpeg"),
    pytest.param(tiny_png(), PNG, id="png"),
    pytest.param(tiny_ofd(), OFD, id="ofd"),
    pytest.param(tiny_docx(), DOCX, id="docx"),
    pytest.param(tiny_xlsx(), XLSX, id="xlsx"),
]

REFUSED = [
    pytest.param(b"<!DOCTYPE html><html><body>x</body></html>", "an HTML page", id="html"),
    pytest.param(
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "an SVG image",
        id="svg",
    ),
    pytest.param(b"#!/bin/sh\nrm -rf /\n", "a script", id="shell-script"),
    pytest.param(b"<script>alert(1)</script>", "a script", id="js-in-html-less"),
    pytest.param(b"MZ\x90\x00\x03\x00\x00\x00", "a Windows program (MZ)", id="exe-renamed-pdf"),
    pytest.param(b"\x7fELF\x02\x01\x01", "a Linux program (ELF)", id="elf"),
    pytest.param(plain_zip(), "a ZIP archive", id="plain-zip"),
    pytest.param(zip_of(word__document_DOT_xml=b"<w/>"), "a ZIP archive", id="docx-without-types"),
    pytest.param(b"", "nothing", id="empty"),
    pytest.param(b"hello, world", "unknown bytes (68 65 6c", id="text"),
]


@pytest.mark.parametrize(("data", "content_type"), ACCEPTED)
def test_accepted_types_are_judged_by_their_bytes(
    tmp_path: Path, data: bytes, content_type: str
) -> None:
    path = tmp_path / "upload"
    path.write_bytes(data)
    # the name says nothing: a PNG called 收据.pdf is a PNG
    assert sniff_file(path, "收据.pdf") == content_type


@pytest.mark.parametrize(("data", "found"), REFUSED)
def test_refused_types_name_the_file_and_what_was_found(
    tmp_path: Path, data: bytes, found: str
) -> None:
    path = tmp_path / "upload"
    path.write_bytes(data)
    with pytest.raises(FileTypeRefused) as refused:
        sniff_file(path, "收据.pdf")
    assert "「收据.pdf」" in refused.value.message
    assert found in refused.value.message
    assert "PDF, JPEG, PNG, OFD, DOCX" in refused.value.message


def test_refusal_speaks_chinese(tmp_path: Path) -> None:
    from workflow.i18n import language

    path = tmp_path / "upload"
    path.write_bytes(b"MZ\x90\x00")
    with language("zh_CN"), pytest.raises(FileTypeRefused) as refused:
        sniff_file(path, "收据.pdf")
    assert refused.value.reason == (
        "「收据.pdf」是可执行程序（MZ 格式）：只接受 PDF、JPEG、PNG、OFD、DOCX 和 XLSX 文件"
    )


async def test_the_same_content_twice_is_stored_once(blobs: BlobStore) -> None:
    first = await blobs.put_stream(chunks_of(TINY_PDF))
    second = await blobs.put_stream(chunks_of(TINY_PDF))
    assert first.sha256 == second.sha256 == hashlib.sha256(TINY_PDF).hexdigest()
    assert first.size == len(TINY_PDF)
    assert [blob.sha256 async for blob in blobs.iter_blobs()] == [first.sha256]
    assert b"".join([chunk async for chunk in blobs.open_stream(first.sha256)]) == TINY_PDF


async def test_a_large_file_streams_in_and_out(blobs: BlobStore) -> None:
    data = os.urandom(PART_BYTES + 12345)  # more than one multipart part on S3
    blob = await blobs.put_stream(chunks_of(data))
    assert await blobs.exists(blob.sha256)
    back = b"".join([chunk async for chunk in blobs.open_stream(blob.sha256)])
    assert hashlib.sha256(back).hexdigest() == blob.sha256
    await blobs.delete(blob.sha256)
    assert not await blobs.exists(blob.sha256)


async def test_a_refused_file_leaves_nothing_stored(blobs: BlobStore, tmp_path: Path) -> None:
    def refuse(path: Path) -> None:
        sniff_file(path, "x.pdf")

    with pytest.raises(FileTypeRefused):
        await blobs.put_stream(chunks_of(b"MZ" + bytes(100)), check=refuse)
    assert [blob async for blob in blobs.iter_blobs()] == []
    if isinstance(blobs, DiskBlobs):
        assert list(blobs.root.iterdir()) == []  # no temporary file left behind either


def test_disk_blobs_are_sharded_by_hash(tmp_path: Path) -> None:
    store = DiskBlobs(tmp_path)
    sha = hashlib.sha256(b"x").hexdigest()
    assert store.path_of(sha) == tmp_path / sha[:2] / sha[2:4] / sha


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param(None, DiskBlobs, id="unset-disk"),
        pytest.param("", DiskBlobs, id="empty-disk"),
        pytest.param("s3://bucket/prefix", S3Blobs, id="s3"),
        pytest.param("s3://bucket", S3Blobs, id="s3-no-prefix"),
    ],
)
def test_files_url_chooses_the_backend(url: str | None, kind: type) -> None:
    assert isinstance(open_blob_store(url, Path("var/files")), kind)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://bucket/prefix", id="http"),
        pytest.param("s3:///prefix", id="no-bucket"),
        pytest.param("/var/files", id="a-path"),
    ],
)
def test_files_url_that_is_not_s3_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        open_blob_store(url)


async def _liaison(username: str) -> Account:
    return await Account.get(username=username)


@pytest.fixture
async def demo_db(demo_database_url: str) -> AsyncIterator[str]:
    from tortoise import Tortoise

    from tests.conftest import open_database

    await open_database(demo_database_url)
    try:
        yield demo_database_url
    finally:
        await Tortoise.close_connections()


async def test_upload_attach_gc_and_check(demo_db: str, blobs: BlobStore) -> None:
    unit = await _liaison("demo-unit")
    other = await _liaison("demo-unit2")
    stored = await store_upload(
        blobs, chunks_of(TINY_PDF), name="C:\\扫描\\执行款收据.pdf", uploader=unit, max_bytes=1024
    )
    assert (stored.name, stored.content_type, stored.size) == ("执行款收据.pdf", PDF, len(TINY_PDF))
    # another unit may not attach it: answered as if it did not exist
    with pytest.raises(NotFound, match="QUJD"):
        await check_attachable([stored.id], other, field="fileIds", keys=["QUJD"])
    assert await check_attachable([stored.id], unit, field="fileIds", keys=["x"]) == [stored.id]
    orphan = await blobs.put_stream(chunks_of(TINY_JPEG))  # as if the row never committed
    report = await collect_garbage(blobs, dry_run=True)
    assert report.removed == []
    assert report.kept_young == 1
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    report = await collect_garbage(blobs, now=later, dry_run=True)
    assert report.removed == [orphan.sha256]
    assert await blobs.exists(orphan.sha256)  # a dry run removes nothing
    report = await collect_garbage(blobs, now=later)
    assert report.removed == [orphan.sha256]
    assert not await blobs.exists(orphan.sha256)
    assert await blobs.exists(stored.sha256)  # referenced: never removed
    checked = await check_files(blobs)
    assert checked.ok
    assert checked.rows == 1
    await blobs.delete(stored.sha256)
    assert (await check_files(blobs)).missing == [stored.sha256]


async def test_an_upload_over_the_limit_is_refused_and_stores_no_row(
    demo_db: str, tmp_path: Path
) -> None:
    unit = await _liaison("demo-unit")
    with pytest.raises(FileTooLarge):
        await store_upload(
            DiskBlobs(tmp_path),
            chunks_of(TINY_PDF * 100, 100),
            name="a.pdf",
            uploader=unit,
            max_bytes=1000,
        )
    assert await StoredFile.all().count() == 0


async def test_an_attached_file_cannot_be_attached_again(demo_db: str, tmp_path: Path) -> None:
    from tortoise.transactions import in_transaction

    from store.models import EnforcementCase

    unit = await _liaison("demo-unit")
    stored = await store_upload(
        DiskBlobs(tmp_path), chunks_of(TINY_PDF), name="a.pdf", uploader=unit, max_bytes=10**6
    )
    case = await EnforcementCase.first()
    assert case is not None
    async with in_transaction() as conn:
        await Attach([stored.id], unit).to(
            conn, dt.datetime.now(dt.UTC), enforcement_case_id=case.id
        )
    with pytest.raises(FileAlreadyAttached):
        await check_attachable([stored.id], unit, field="fileIds", keys=["k"])
    with pytest.raises(ValidationError):
        async with in_transaction() as conn:
            await Attach([stored.id], unit).to(conn, dt.datetime.now(dt.UTC), meeting_id=1)
    assert (await StoredFile.get(id=stored.id)).enforcement_case_id == case.id  # type: ignore[attr-defined]


async def test_an_attached_file_is_never_changed_or_deleted(demo_db: str, tmp_path: Path) -> None:
    from tortoise.exceptions import OperationalError
    from tortoise.transactions import in_transaction

    from store.models import Task

    unit = await _liaison("demo-unit")
    blobs = DiskBlobs(tmp_path)
    loose = await store_upload(
        blobs, chunks_of(TINY_PDF), name="a.pdf", uploader=unit, max_bytes=10**6
    )
    kept = await store_upload(
        blobs, chunks_of(TINY_JPEG), name="b.jpg", uploader=unit, max_bytes=10**6
    )
    task = await Task.filter(state="CLOSED").first()
    assert task is not None
    async with in_transaction() as conn:
        await Attach([kept.id], unit).to(conn, dt.datetime.now(dt.UTC), task_id=task.id)
    # an unattached upload may go (nothing refers to it); an attached one never
    await StoredFile.filter(id=loose.id).delete()
    with pytest.raises((OperationalError, IntegrityError), match="never changed or deleted"):
        await StoredFile.filter(id=kept.id).delete()
    with pytest.raises((OperationalError, IntegrityError), match="never changed or deleted"):
        await StoredFile.filter(id=kept.id).update(name="换了.jpg")
    assert (await StoredFile.get(id=kept.id)).name == "b.jpg"
