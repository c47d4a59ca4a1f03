"""The ASGI application: routes declared, the database owned by the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.types.unset import UnsetType
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from api.auth import bearer_token, viewer_of
from api.downloads import briefing_file, ledger_file, ledger_template
from api.files import MULTIPART_OVERHEAD, download_file, upload_file
from api.graphiql import asset_files, local_page
from api.http import GraphQLOverHTTP
from api.middleware import BodySizeLimit, Language, SecurityHeaders
from api.notifier import run_worker, worker_enabled
from api.settings import Settings
from schema.context import Context
from schema.loaders import Loaders
from schema.schema import build_schema, schema
from store import notify
from store.blobs import open_blob_store
from store.calendars import load_calendar, refresh_calendar
from store.db import tortoise_config
from workflow.i18n import N_, _

logger = logging.getLogger("fuyuan")

DASHBOARD = Path(__file__).resolve().parent.parent / "frontend_stub"
"""The dashboard's static files: index.html at /, the rest under /app."""


@dataclass
class WebSocketContext(Context):
    """The context of a websocket: strawberry puts the connection_init payload here."""

    connection_params: dict[str, object] | None = None


class FuyuanGraphQL(GraphQLOverHTTP[Context, None]):
    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.ide_page, self.ide_assets = (
            local_page(self.graphql_ide_html) if self.graphql_ide else ("", {})
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.ide_page)

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | None = None
    ) -> Context:
        await _load_calendar(refresh=True)  # another worker may have entered a year
        viewer, auth_error = await viewer_of(bearer_token(request), secret=self.settings.secret_key)
        return (WebSocketContext if isinstance(request, WebSocket) else Context)(
            request=request,
            response=response,
            viewer=viewer,
            auth_error=auth_error,
            secret_key=self.settings.secret_key,
            clock_limits=self.settings.clock_limits,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Sign in with the connection_init payload's token, if the handshake had none.

        Browsers cannot set headers on a websocket handshake, so clients send
        ``{"Authorization": "Bearer …"}`` in connection_init. A missing or bad
        token does not close the connection: each subscription then fails with
        UNAUTHENTICATED, saying why.
        """
        params = getattr(context, "connection_params", None)
        if context.viewer is None and context.auth_error is None and params:
            assert context.request is not None
            token = bearer_token(context.request, params)
            context.viewer, context.auth_error = await viewer_of(
                token, secret=self.settings.secret_key
            )
            context.loaders = Loaders(context.viewer)  # they filter by what the viewer sees
        return await super().on_ws_connect(context)


GC_FREEZE = True
GC_THRESHOLD = (5000, 10, 10)
"""The collector's settings while the app serves (:func:`tuned_gc`), chosen with
bench/gc_threshold.py on the province dataset: the task page spent about 14 ms
per request in the collector with Python's defaults (700, 10, 10), 5 with the
objects of start-up frozen, 3 with a first generation of 5,000 as well; larger
ones (10,000) made each collection long enough to show in p95."""


@contextlib.contextmanager
def tuned_gc() -> Iterator[None]:
    """Freeze what start-up made (modules, the schema, the workflow graphs: they
    live as long as the process) so no collection walks it again, and collect the
    first generation less often; both undone when the app stops."""
    previous = gc.get_threshold()
    gc.collect()
    if GC_FREEZE:
        gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


async def _load_calendar(*, refresh: bool = False) -> None:
    """The official calendar as stored (entered years included) as the process's calendar.

    A database that does not answer yet leaves the package's calendar in
    place: the app still starts (and /healthz says what is wrong); the next
    request tries again.
    """
    try:
        await (refresh_calendar() if refresh else load_calendar())
    except Exception as err:  # any failure to read the rows: keep what we have, retry later
        logger.warning("official calendar not loaded: %s", err)


async def healthz(request: Request) -> JSONResponse:
    """Whether the database answers: 200 with ``{"status": "ok"}``, else 503."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as err:  # any failure to reach the database is "unavailable"
        logger.warning("health check: database unreachable: %s", err)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "reachable"})


async def index(request: Request) -> FileResponse:
    """The dashboard; it routes itself (``/#/tasks`` …) and talks only to /graphql."""
    return FileResponse(DASHBOARD / "index.html", headers={"Cache-Control": "no-cache"})


_HTTP_ERRORS = {
    404: ("NOT_FOUND", N_("nothing is served at {path}")),
    405: ("METHOD_NOT_ALLOWED", N_("{path} does not answer {method}")),
}


async def http_error(request: Request, exc: Exception) -> Response:
    """An HTTP error of the routing (no such page, a method the page does not answer) as
    JSON with a code and a message in the request's language, like the downloads'."""
    assert isinstance(exc, HTTPException)
    code, template = _HTTP_ERRORS.get(
        exc.status_code, ("BAD_REQUEST" if exc.status_code < 500 else "INTERNAL", "")
    )
    message = _(template, path=request.url.path, method=request.method) if template else exc.detail
    return JSONResponse(
        {"code": code, "message": message}, status_code=exc.status_code, headers=exc.headers
    )


def middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: headers on every answer (413s and preflights too), then CORS
    (only with an allow-list: a 413 must still be readable cross-origin), then the cap."""
    stack = [
        Middleware(SecurityHeaders, hsts=not settings.debug),
        Middleware(Language),
    ]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language"],
                max_age=600,
            )
        )
    stack.append(
        Middleware(
            BodySizeLimit,
            max_bytes=settings.max_body_bytes,
            max_upload_bytes=settings.max_upload_bytes,
            path_caps={"/files": settings.max_file_bytes + MULTIPART_OVERHEAD},
        )
    )
    return stack


def create_served_app() -> Starlette:
    """The app ``fuyuan serve`` runs: with the delivery worker inside unless FUYUAN_NOTIFY=off."""
    return create_app(delivery_worker=worker_enabled())


def create_app(settings: Settings | None = None, *, delivery_worker: bool = False) -> Starlette:
    """Build the app; the database opens when the lifespan starts."""
    settings = settings or Settings.from_env()
    graphql = FuyuanGraphQL(
        schema if settings.debug else build_schema(production=True),
        graphql_ide="graphiql" if settings.debug else None,
        settings=settings,
        # importLedger's file. Multipart requests are "simple" ones a browser sends
        # cross-site, but every mutation needs the bearer token, which no other site
        # has: a forged upload is UNAUTHENTICATED.
        multipart_uploads_enabled=True,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            await _load_calendar()
            stop = asyncio.Event()
            worker = asyncio.create_task(run_worker(stop=stop)) if delivery_worker else None
            try:
                with tuned_gc():
                    yield
            finally:
                stop.set()
                if worker is not None:
                    await worker
                await notify.close()  # ends subscriptions, closes the LISTEN connection

    app = Starlette(
        debug=False,
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/graphiql/assets/{path:path}", asset_files(graphql.ide_assets)),
            Route("/briefings/{briefing_id:int}.{format}", briefing_file),
            Route("/ledgers/{kind}.xlsx", ledger_file),
            Route("/ledgers/templates/{kind}.xlsx", ledger_template),
            Route("/files", upload_file, methods=["POST"]),
            Route("/files/{file_id}", download_file),
            Mount("/app", StaticFiles(directory=DASHBOARD), name="dashboard"),
        ],
        lifespan=lifespan,
        middleware=middleware(settings),
        exception_handlers={HTTPException: http_error},
    )
    app.state.settings = settings
    app.state.blobs = open_blob_store(
        settings.files_url, settings.files_dir, endpoint_url=settings.s3_endpoint_url
    )
    return app
