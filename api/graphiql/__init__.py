"""GraphiQL served by fuyuan itself, so /graphql works on a network without internet.

Strawberry's GraphiQL page loads React, GraphiQL and its explorer plugin from
unpkg.com. A government intranet usually cannot reach it, and the page then
stays at "Loading...". ``make setup`` installs the same versions with npm into
``api/graphiql/node_modules`` (``package.json`` beside this file); when they are
there, the page points at ``/graphiql/assets/…`` on this server instead. The
``integrity`` hashes of strawberry's page stay: the files are byte for byte the
ones unpkg serves, and the browser checks them. Without the packages the page
falls back to unpkg.com (and says so in the log at start).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from workflow.i18n import _

logger = logging.getLogger("fuyuan")

NODE_MODULES = Path(__file__).with_name("node_modules")
ASSET_PREFIX = "/graphiql/assets/"

# unpkg URL in strawberry's page → the file inside node_modules
_UNPKG = re.compile(r"https://unpkg\.com/((?:@[\w.-]+/)?[\w.-]+)@[\w.-]+/([\w./-]+)")


def _assets(page: str) -> dict[str, Path]:
    found = {}
    for package, path in _UNPKG.findall(page):
        found[f"{package}/{path}"] = NODE_MODULES / package / path
    return found


def local_page(page: str) -> tuple[str, dict[str, Path]]:
    """``page`` with unpkg URLs replaced by local ones, and the files they name.

    Returns the page unchanged (and no files) when any file is missing.
    """
    assets = _assets(page)
    missing = [name for name, file in assets.items() if not file.is_file()]
    if missing:
        logger.warning(
            "GraphiQL assets not installed (%s): /graphql loads them from unpkg.com; "
            "run `make setup` (npm) to serve them locally",
            ", ".join(missing),
        )
        return page, {}
    return _UNPKG.sub(lambda m: f"{ASSET_PREFIX}{m.group(1)}/{m.group(2)}", page), assets


def asset_files(assets: dict[str, Path]) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint serving exactly the files the GraphiQL page names, nothing else."""

    async def endpoint(request: Request) -> Response:
        file = assets.get(request.path_params["path"])
        if file is None:
            return PlainTextResponse(_("not found"), status_code=404)
        return FileResponse(file, headers={"cache-control": "public, max-age=86400"})

    return endpoint
