"""The bytes of evidence files, content-addressed by SHA-256 (issue 19).

Two backends behind one small interface (:class:`BlobStore`):

* :class:`DiskBlobs`, the embedded default, under FUYUAN_FILES_DIR (``var/files``):
  a blob lives at ``ab/cd/abcd…`` (its hash, sharded twice). An upload is
  streamed to a temporary file in the same directory while it is hashed, the
  file is fsynced, renamed into place, and the directory fsynced: once
  :meth:`BlobStore.put_stream` returns, the bytes survive a crash, so the row
  that references them can commit.
* :class:`S3Blobs`, for deployments on several machines: FUYUAN_FILES_URL
  ``s3://bucket/prefix``, FUYUAN_S3_ENDPOINT_URL for a server that is not AWS
  (MinIO, Ceph …), credentials from the standard AWS variables. The upload is
  spooled to a local temporary file while hashed, then sent in parts of
  :data:`PART_BYTES`, so memory stays flat whatever the file's size.

The same content uploaded twice is stored once. A blob no row references is
removed by ``fuyuan files gc`` only after :data:`GC_AGE` (a put of content
already stored refreshes its time, so a second upload in flight is safe).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

CHUNK_BYTES = 64 * 1024
PART_BYTES = 8 * 1024 * 1024
"""The part size of a multipart upload to S3 (the protocol's minimum is 5 MiB)."""
PARTS_IN_FLIGHT = 2
"""How many parts (or small objects) one process sends to S3 at once: each is held in
memory while it goes, so this bounds the memory of any number of concurrent uploads."""
GC_AGE = dt.timedelta(hours=24)
"""How old an unreferenced blob must be before gc removes it."""
DEFAULT_FILES_DIR = Path("var") / "files"

_SHA256 = re.compile(r"[0-9a-f]{64}")


class BlobError(Exception):
    """A blob could not be stored or read (the disk, the object store)."""


@dataclass(frozen=True)
class Blob:
    """A stored blob: its hash, its size in bytes, when it was last written."""

    sha256: str
    size: int
    modified: dt.datetime | None = None


Check = Callable[[Path], None]
"""Called with the spooled file before it is stored; raises to refuse it."""


class BlobStore(Protocol):
    """Where the bytes of evidence files are kept."""

    description: str

    async def put_stream(self, chunks: AsyncIterable[bytes], *, check: Check | None = None) -> Blob:
        """Store the bytes of ``chunks``; return their hash and size. ``check`` sees the
        complete file first (the type sniffing); what it raises propagates and nothing
        is stored."""
        ...

    def open_stream(self, sha256: str) -> AsyncIterator[bytes]:
        """The bytes of a blob, in chunks; BlobError if there is none."""
        ...

    async def exists(self, sha256: str) -> bool: ...

    async def delete(self, sha256: str) -> None: ...

    def iter_blobs(self) -> AsyncIterator[Blob]:
        """Every blob stored, with its size and modification time."""
        ...


def _check_hash(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise BlobError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


async def _spool(chunks: AsyncIterable[bytes], target: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DiskBlobs:
    """Blobs as files under ``root``: ``root/ab/cd/abcd…``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = str(root)

    def path_of(self, sha256: str) -> Path:
        _check_hash(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def put_stream(self, chunks: AsyncIterable[bytes], *, check: Check | None = None) -> Blob:
        self.root.mkdir(parents=True, exist_ok=True)
        temp = self.root / f".upload-{os.getpid()}-{secrets.token_hex(8)}"
        try:
            with temp.open("xb") as out:
                sha256, size = await _spool(chunks, out)
                out.flush()
                await asyncio.to_thread(os.fsync, out.fileno())
            if check is not None:
                check(temp)
            await asyncio.to_thread(self._place, temp, sha256)
        finally:
            temp.unlink(missing_ok=True)
        return Blob(sha256, size)

    def _place(self, temp: Path, sha256: str) -> None:
        final = self.path_of(sha256)
        if final.exists():
            os.utime(final)  # the same content again: stored once, young again for gc
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)

    async def open_stream(self, sha256: str) -> AsyncIterator[bytes]:
        try:
            source = self.path_of(sha256).open("rb")
        except FileNotFoundError as err:
            raise BlobError(f"no blob {sha256}") from err
        with source:
            while chunk := await asyncio.to_thread(source.read, CHUNK_BYTES):
                yield chunk

    async def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    async def delete(self, sha256: str) -> None:
        self.path_of(sha256).unlink(missing_ok=True)

    async def iter_blobs(self) -> AsyncIterator[Blob]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if not _SHA256.fullmatch(path.name):
                continue
            stat = path.stat()
            yield Blob(path.name, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC))

    async def stale_uploads(self, older_than: dt.datetime) -> list[Path]:
        """Temporary files of uploads that never finished (a process killed mid-upload)."""
        if not self.root.is_dir():
            return []
        return [
            path
            for path in self.root.glob(".upload-*")
            if dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC) < older_than
        ]


class S3Blobs:
    """Blobs as objects ``prefix/ab/cd/abcd…`` of an S3 bucket (aiobotocore)."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None) -> None:
        from aiobotocore.session import get_session

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.description = f"s3://{bucket}/{self.prefix}" + (
            f" at {endpoint_url}" if endpoint_url else ""
        )
        self._session = get_session()
        self._in_flight: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _sending(self) -> asyncio.Semaphore:
        """The process's (the event loop's) limit on parts in memory at once."""
        loop = asyncio.get_running_loop()
        if self._in_flight is None or self._in_flight[0] is not loop:
            self._in_flight = (loop, asyncio.Semaphore(PARTS_IN_FLIGHT))
        return self._in_flight[1]

    def key_of(self, sha256: str) -> str:
        _check_hash(sha256)
        path = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix}/{path}" if self.prefix else path

    @contextlib.asynccontextmanager
    async def _client(self) -> AsyncIterator[Any]:
        region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
        async with self._session.create_client(
            "s3", endpoint_url=self.endpoint_url, region_name=region
        ) as client:
            yield client

    async def put_stream(self, chunks: AsyncIterable[bytes], *, check: Check | None = None) -> Blob:
        with tempfile.NamedTemporaryFile(prefix="fuyuan-upload-") as spool:
            sha256, size = await _spool(chunks, spool)
            spool.flush()
            if check is not None:
                check(Path(spool.name))
            spool.seek(0)
            key = self.key_of(sha256)
            async with self._client() as client:
                if size <= PART_BYTES:
                    async with self._sending():
                        await client.put_object(Bucket=self.bucket, Key=key, Body=spool.read())
                else:
                    await self._multipart(client, key, spool)
        return Blob(sha256, size)

    async def _multipart(self, client: Any, key: str, source: Any) -> None:
        started = await client.create_multipart_upload(Bucket=self.bucket, Key=key)
        upload_id = started["UploadId"]
        parts = []
        try:
            number = 1
            while True:
                async with self._sending():
                    part = source.read(PART_BYTES)
                    if not part:
                        break
                    answer = await client.upload_part(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=part,
                    )
                    del part
                parts.append({"ETag": answer["ETag"], "PartNumber": number})
                number += 1
            await client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            await client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

    async def open_stream(self, sha256: str) -> AsyncIterator[bytes]:
        from botocore.exceptions import ClientError

        async with self._client() as client:
            try:
                answer = await client.get_object(Bucket=self.bucket, Key=self.key_of(sha256))
            except ClientError as err:
                raise BlobError(f"no blob {sha256}: {err}") from err
            async with answer["Body"] as body:
                while chunk := await body.read(CHUNK_BYTES):
                    yield chunk

    async def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        async with self._client() as client:
            try:
                await client.head_object(Bucket=self.bucket, Key=self.key_of(sha256))
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                    return False
                raise
        return True

    async def delete(self, sha256: str) -> None:
        async with self._client() as client:
            await client.delete_object(Bucket=self.bucket, Key=self.key_of(sha256))

    async def iter_blobs(self) -> AsyncIterator[Blob]:
        async with self._client() as client:
            paginator = client.get_paginator("list_objects_v2")
            prefix = f"{self.prefix}/" if self.prefix else ""
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    name = item["Key"].rsplit("/", 1)[-1]
                    if _SHA256.fullmatch(name):
                        yield Blob(name, int(item["Size"]), item["LastModified"])


def open_blob_store(
    files_url: str | None, files_dir: Path = DEFAULT_FILES_DIR, *, endpoint_url: str | None = None
) -> BlobStore:
    """The store FUYUAN_FILES_URL names (``s3://bucket/prefix``), else the disk under
    ``files_dir``.

    Raises:
        ValueError: a URL that is not ``s3://bucket[/prefix]``.
    """
    if not files_url:
        return DiskBlobs(files_dir)
    parts = urlsplit(files_url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"{files_url!r} is not an s3://bucket/prefix URL")
    return S3Blobs(parts.netloc, parts.path, endpoint_url=endpoint_url)
