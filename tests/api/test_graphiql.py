"""GraphiQL works without internet: its files are served by fuyuan itself."""

from __future__ import annotations

import base64
import hashlib
import os
import re

import httpx
import pytest

from api.graphiql import NODE_MODULES

pytestmark = pytest.mark.skipif(
    not (NODE_MODULES / "graphiql").is_dir() and not os.environ.get("FUYUAN_REQUIRE_POSTGRES"),
    reason="GraphiQL's npm packages are not installed (`make setup` installs them)",
)


async def test_the_graphiql_page_loads_its_files_from_this_server(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers={"accept": "text/html"})).text
    assert "unpkg.com" not in page
    scripts = re.findall(r'src="(/graphiql/assets/[^"]+)"\s+integrity="([^"]+)"', page)
    names = {src.rsplit("/", 1)[-1] for src, _ in scripts}
    assert {"graphiql.min.js", "react.production.min.js", "react-dom.production.min.js"} <= names
    for src, integrity in scripts:
        # the browser refuses a file whose hash differs from the page's integrity attribute
        body = (await client.get(src)).content
        digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert integrity == f"sha384-{digest}", src


async def test_only_the_files_graphiql_needs_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/graphiql/assets/graphiql/package.json")).status_code == 404
    assert (await client.get("/graphiql/assets/../../store/db.py")).status_code == 404
