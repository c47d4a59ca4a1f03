"""The ASGI application: routes declared, the database owned by the lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from api.auth import bearer_token, viewer_of
from api.http import GraphQLOverHTTP
from api.settings import Settings
from schema.context import Context
from schema.schema import schema
from store.db import tortoise_config

logger = logging.getLogger("fuyuan")


class FuyuanGraphQL(GraphQLOverHTTP[Context, None]):
    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | None = None
    ) -> Context:
        viewer, auth_error = await viewer_of(bearer_token(request), secret=self.settings.secret_key)
        return Context(
            request=request,
            response=response,
            viewer=viewer,
            auth_error=auth_error,
            secret_key=self.settings.secret_key,
        )


async def healthz(request: Request) -> JSONResponse:
    """Whether the database answers: 200 with ``{"status": "ok"}``, else 503."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as err:  # any failure to reach the database is "unavailable"
        logger.warning("health check: database unreachable: %s", err)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "reachable"})


async def index(request: Request) -> RedirectResponse:
    return RedirectResponse("/graphql")


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app; the database opens when the lifespan starts."""
    settings = settings or Settings.from_env()
    graphql = FuyuanGraphQL(
        schema, graphql_ide="graphiql" if settings.debug else None, settings=settings
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            yield

    app = Starlette(
        debug=False,
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
