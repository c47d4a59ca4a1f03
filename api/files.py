"""Evidence files over HTTP (issue 19): ``POST /files`` uploads one, ``GET /files/{id}``
downloads it.

Both take the bearer token like /graphql. The upload is ``multipart/form-data``
with one part named ``file``; starlette spools it to a temporary file as it
arrives (memory stays flat), and it is hashed and stored from there. A body
larger than FUYUAN_MAX_FILE_MB is refused with 413 from its Content-Length
before anything is read (the BodySizeLimit middleware), or as soon as it
passes the limit while streaming. The answer is
``{id, name, size, sha256, contentType}``; the id is then given to a mutation
(``evidenceFileIds``, ``fileIds``) that attaches the file to its record.

A download has the visibility of the record the file is attached to
(``store.visibility.stored_file_scope``): another unit's file answers 404,
exactly like one that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from strawberry import relay

from api.downloads import MAX_ID, _error, _signed_in
from store.blobs import BlobError, BlobStore
from store.enums import Role
from store.errors import FileTooLarge, StoreError, ValidationError
from store.models import StoredFile
from store.operations.files import store_upload
from store.visibility import stored_file_scope
from workflow.i18n import _

logger = logging.getLogger("fuyuan.files")

TYPE_NAME = "Attachment"
"""The GraphQL type of an evidence file; its ids are global IDs of this type."""

MULTIPART_OVERHEAD = 64 * 1024
"""What the multipart envelope may add to a file of the largest size allowed."""

UPLOAD_CHUNK = 64 * 1024

UPLOADERS = frozenset({Role.COORDINATOR, Role.COURT_LIAISON, Role.UNIT_LIAISON})
"""The roles that write records, and so attach files to them; leaders and admins do not."""


def file_id(row_id: int) -> str:
    """The global ID of a stored file, as POST /files answers and mutations take it."""
    return relay.to_base64(TYPE_NAME, row_id)


def file_url(row_id: int) -> str:
    return f"/files/{file_id(row_id)}"


def _row_id(value: str) -> int | None:
    try:
        type_name, raw = relay.from_base64(value)
    except Exception:  # strawberry raises several kinds for garbage
        return None
    if type_name != TYPE_NAME or not raw.isdigit():
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None


def _blobs(request: Request) -> BlobStore:
    blobs: BlobStore = request.app.state.blobs
    return blobs


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(UPLOAD_CHUNK):
        yield chunk


def _too_large(max_bytes: int) -> JSONResponse:
    return JSONResponse(
        {
            "code": "PAYLOAD_TOO_LARGE",
            "message": FileTooLarge(max_bytes).message,
            "maxBytes": max_bytes,
        },
        status_code=413,
    )


async def upload_file(request: Request) -> Response:
    """``POST /files``: store one evidence file, unattached, for its uploader."""
    viewer = await _signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    if viewer.role not in UPLOADERS:
        return _error(403, "FORBIDDEN", _("your role may not upload files: it writes nothing"))
    max_bytes: int = request.app.state.settings.max_file_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        return _too_large(max_bytes)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return _error(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            _("send the file as multipart/form-data, in a part named file"),
        )
    try:
        async with request.form(max_files=1, max_fields=4) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                return _error(
                    400,
                    "VALIDATION",
                    _("send the file as multipart/form-data, in a part named file"),
                )
            stored = await store_upload(
                _blobs(request),
                _chunks(upload),
                name=upload.filename,
                uploader=viewer,
                max_bytes=max_bytes,
            )
    except FileTooLarge:
        return _too_large(max_bytes)
    except MultiPartException as err:
        return _error(400, "BAD_REQUEST", str(err.message))
    except ValidationError as err:
        return _error(400, str(err.code.value), err.reason)  # the sentence, without the rule
    except StoreError as err:
        return _error(400, str(err.code.value), err.message)
    return JSONResponse(
        {
            "id": file_id(stored.id),
            "name": stored.name,
            "size": stored.size,
            "sha256": stored.sha256,
            "contentType": stored.content_type,
            "url": file_url(stored.id),
        },
        status_code=201,
    )


def content_disposition(name: str) -> str:
    """``attachment`` with the original (Chinese) name in RFC 5987 form, and an ASCII
    fallback for clients that read only ``filename``."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


async def download_file(request: Request) -> Response:
    """``GET /files/{id}``: the bytes, streamed, if the viewer may see the file's record."""
    viewer = await _signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    row_id = _row_id(request.path_params["file_id"])
    stored = None
    if row_id is not None:
        stored = await StoredFile.filter(stored_file_scope(viewer), id=row_id).first()
    if stored is None:
        return _error(404, "NOT_FOUND", _("no such file"))
    blobs = _blobs(request)
    stream = blobs.open_stream(stored.sha256)
    try:
        first = await anext(stream)
    except StopAsyncIteration:
        first = b""
    except BlobError as err:
        logger.error("file %s: its blob %s is missing: %s", stored.id, stored.sha256, err)
        return _error(503, "UNAVAILABLE", _("the file's bytes cannot be read now: try again later"))

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in stream:
            yield chunk

    return StreamingResponse(
        body(),
        media_type=stored.content_type,
        headers={
            "Content-Disposition": content_disposition(stored.name),
            "Content-Length": str(stored.size),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
