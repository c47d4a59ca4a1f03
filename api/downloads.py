"""Downloads: a briefing's ``/briefings/{id}.docx``, ``.md`` and ``.html``, the
台账 ``/ledgers/{kind}.xlsx?filter=…`` and the 清单 templates
``/ledgers/templates/{kind}.xlsx``.

Authorized like the GraphQL API: a bearer token of an active account, and
the same visibility (``store.visibility.briefing_scope``): a missing or bad
token is 401, a role that sees no briefing at all is 403, and a briefing that
does not exist (or that the viewer may not see) is 404 — an id too large for
the column (``/briefings/99999999999999999999.docx``) included, which the
database would refuse with an overflow. Errors are JSON with the same ``code``
as GraphQL's ``extensions.code``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.auth import bearer_token, viewer_of
from reports.briefings import briefing_files, number_of
from reports.html_layout import PREVIOUS_PRINT_CSS_HASHES, PRINT_CSS
from reports.ledger_import import KINDS, write_template
from reports.ledgers import MEDIA_TYPE as XLSX
from schema.errors import CodedError
from schema.ledgers import LedgerKind, decode_filter, file_name, write_ledger
from schema.permissions import SIGN_IN
from store.models import Account, Briefing
from store.visibility import NOTHING, briefing_scope
from workflow.i18n import _

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

MAX_ID = 2**31 - 1
"""The largest id a briefing can have: its primary key is an IntField (PostgreSQL ``integer``)."""

_STYLE_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()
HTML_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        # the print CSS, and nothing else (a stored briefing carries its version's)
        "style-src " + " ".join(f"'sha256-{h}'" for h in (_STYLE_HASH, *PREVIOUS_PRINT_CSS_HASHES)),
        "img-src data:",  # the chart
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
"""The briefing page runs no script at all: its only style is its own print CSS."""


def _error(status: int, code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


async def _signed_in(request: Request) -> Account | Response:
    """The active account of the request's bearer token, or the 401 to answer."""
    settings = request.app.state.settings
    viewer, auth_error = await viewer_of(bearer_token(request), secret=settings.secret_key)
    if viewer is None or not viewer.is_active:
        why = _("sign in again: {auth_error}", auth_error=auth_error) if auth_error else _(SIGN_IN)
        return _error(401, "UNAUTHENTICATED", why)
    return viewer


async def briefing_file(request: Request) -> Response:
    """One file of a briefing, as an attachment named after its title and number."""
    fmt = request.path_params["format"]
    if fmt not in MEDIA_TYPES:
        return _error(
            404,
            "NOT_FOUND",
            _("no briefing file of type .{format}: use .docx, .md or .html", format=fmt),
        )
    viewer = await _signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    scope = briefing_scope(viewer)
    if scope is NOTHING:
        return _error(403, "FORBIDDEN", _("your role may not read briefings"))
    briefing_id: int = request.path_params["briefing_id"]
    briefing = None
    if briefing_id <= MAX_ID:  # the route's int matches digits only: never negative
        briefing = await Briefing.filter(scope, id=briefing_id).first()
    if briefing is None:
        return _error(404, "NOT_FOUND", _("no such briefing"))
    files = await briefing_files(briefing)
    body: str | bytes = files.docx
    if fmt != "docx":
        body = files.markdown if fmt == "md" else files.html
    name = f"{briefing.title}（{number_of(briefing)}）.{fmt}"
    headers = {
        "Content-Disposition": f'attachment; filename="briefing-{briefing.id}.{fmt}"; '
        f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store",
    }
    if fmt == "html":
        headers["Content-Security-Policy"] = HTML_CONTENT_SECURITY_POLICY
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


async def ledger_file(request: Request) -> Response:
    """A 台账 as .xlsx, made now for the viewer: the rows its list would show it.

    ``filter`` is exportLedger's filter as JSON (the URL exportLedger gives
    carries it); it is applied again here, within what this viewer may see,
    so a URL passed on shows the next viewer only its own rows. An unknown
    kind is 404, a filter the list would refuse 400 with the list's code.
    """
    # str(): strawberry.enum_value makes each value a str at run time, not in the stubs
    kinds = {str(kind.value): kind for kind in LedgerKind}
    kind = kinds.get(request.path_params["kind"])
    if kind is None:
        return _error(
            404,
            "NOT_FOUND",
            _(
                "no ledger {kind!r}: use {kinds}",
                kind=request.path_params["kind"],
                kinds=", ".join(kinds),
            ),
        )
    viewer = await _signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    out = io.BytesIO()
    try:
        await write_ledger(
            kind, decode_filter(request.query_params.get("filter")), out, viewer=viewer
        )
    except CodedError as err:
        code = (err.extensions or {}).get("code", "BAD_REQUEST")
        return _error(400, str(code), err.message)
    name = file_name(kind, dt.datetime.now(dt.UTC))
    headers = {
        "Content-Disposition": f'attachment; filename="ledger-{kind.value}.xlsx"; '
        f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store",
    }
    return Response(out.getvalue(), media_type=XLSX, headers=headers)


async def ledger_template(request: Request) -> Response:
    """The template of a 清单 (``cases``, ``matters``, ``decisions``) to fill in and import,
    with the units as they are now in its drop-downs; for any signed-in account."""
    kind = request.path_params["kind"]
    if kind not in KINDS:
        return _error(
            404,
            "NOT_FOUND",
            _("no ledger template {kind!r}: use {kinds}", kind=kind, kinds=", ".join(KINDS)),
        )
    viewer = await _signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    out = io.BytesIO()
    await write_template(kind, out)
    name = f"{KINDS[kind].title}（模板）.xlsx"
    headers = {
        "Content-Disposition": f'attachment; filename="template-{kind}.xlsx"; '
        f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store",
    }
    return Response(out.getvalue(), media_type=XLSX, headers=headers)
