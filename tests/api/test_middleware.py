"""HTTP hardening (api/middleware.py, CORS in api/app.py): headers, body cap, CORS."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.middleware import GRAPHIQL_CONTENT_SECURITY_POLICY
from api.settings import Environment
from tests.api.conftest import running, settings_for

QUERY = {"query": "{ __typename }"}
DASHBOARD = "https://dash.example.gov.cn"


@pytest.fixture
async def client(empty_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings_for(empty_database_url, max_body_bytes=2048)) as test_client:
        yield test_client


def _assert_security_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        pytest.param("GET", "/healthz", {}, id="healthz"),
        pytest.param("POST", "/graphql", {"json": QUERY}, id="graphql-post"),
        pytest.param("GET", "/graphql?query={__typename}", {}, id="graphql-get"),
        pytest.param("GET", "/no-such-page", {}, id="not-found"),
    ],
)
async def test_every_response_has_the_strict_security_headers(
    client: httpx.AsyncClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = await client.request(method, path, **kwargs)
    _assert_security_headers(response)
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert "strict-transport-security" not in response.headers  # development: plain http


async def test_graphiql_gets_a_policy_that_lets_it_load(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert "GraphiQL" in page.text
    _assert_security_headers(page)
    csp = page.headers["content-security-policy"]
    assert csp == GRAPHIQL_CONTENT_SECURITY_POLICY
    # its scripts are inline, its files served here ('self') or, without the npm
    # packages, from unpkg.com: the policy admits both
    assert "/graphiql/assets/graphiql/" in page.text or "https://unpkg.com/graphiql" in page.text
    assert "script-src 'self' 'unsafe-inline' https://unpkg.com" in csp


async def test_production_adds_strict_transport_security(empty_database_url: str) -> None:
    async with running(settings_for(empty_database_url, env=Environment.PRODUCTION)) as client:
        response = await client.get("/healthz")
    _assert_security_headers(response)
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_a_body_over_the_cap_is_refused_with_413(client: httpx.AsyncClient) -> None:
    # given a query padded past the 2 KiB cap
    padded = {"query": "{ __typename }" + " " * 4096}
    # when it is posted
    response = await client.post("/graphql", json=padded)
    # then it is refused, in JSON, with the security headers
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {
        "code": "PAYLOAD_TOO_LARGE",
        "maxBytes": 2048,
    }
    _assert_security_headers(response)
    # and a small request goes through
    assert (await client.post("/graphql", json=QUERY)).json() == {
        "data": {"__typename": "Query"},
        "extensions": {"cost": {"requested": 0, "maximum": 5000}},
    }


async def test_a_chunked_body_over_the_cap_is_refused_with_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }'
        for _ in range(10):
            yield b" " * 1024
        yield b'"}'

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_file_upload_has_its_own_larger_cap(empty_database_url: str) -> None:
    # given a 2 KiB cap on requests and an 8 KiB cap on multipart ones (importLedger's file)
    settings = settings_for(empty_database_url, max_body_bytes=2048, max_upload_bytes=8192)
    operations = json.dumps({"query": "{ __typename }", "variables": {}})

    async with running(settings) as client:

        async def upload(size: int) -> httpx.Response:
            return await client.post(
                "/graphql",
                data={"operations": operations, "map": "{}"},
                files={"0": ("x.xlsx", b"x" * size, "application/octet-stream")},
            )

        # when a 4 KiB file is sent, and a 16 KiB one
        small, large = await upload(4096), await upload(16384)
    # then the first is read, the second refused with the upload's cap
    assert small.status_code == 200, small.text
    assert small.json()["data"] == {"__typename": "Query"}
    assert large.status_code == 413
    assert large.json()["errors"][0]["extensions"] == {
        "code": "PAYLOAD_TOO_LARGE",
        "maxBytes": 8192,
    }


async def test_cors_is_closed_without_an_allow_list(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=QUERY, headers={"origin": DASHBOARD})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        pytest.param(DASHBOARD, True, id="allowed"),
        pytest.param("https://evil.example.com", False, id="other"),
    ],
)
async def test_cors_answers_only_the_allowed_origins(
    empty_database_url: str, origin: str, allowed: bool
) -> None:
    async with running(settings_for(empty_database_url, cors_origins=(DASHBOARD,))) as client:
        preflight = await client.options(
            "/graphql",
            headers={
                "origin": origin,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        post = await client.post("/graphql", json=QUERY, headers={"origin": origin})
    if allowed:
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == DASHBOARD
        assert post.headers["access-control-allow-origin"] == DASHBOARD
    else:
        assert preflight.status_code == 400
        assert "access-control-allow-origin" not in preflight.headers
        assert "access-control-allow-origin" not in post.headers
    _assert_security_headers(preflight)
