"""GraphQL over HTTP: media types, status codes and methods at /graphql."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.http import GRAPHQL_RESPONSE_JSON, JSON, dumps, negotiate
from api.settings import Environment, Settings

UNKNOWN_FIELD = "{ noSuchField }"
TYPENAME = "{ __typename }"


def test_a_response_is_utf8_json_whatever_its_integers() -> None:
    # Chinese as it is (not \\uXXXX); an integer beyond 64 bits, which orjson refuses
    # (a fragment bomb's refusal counts 2**91 fields), through the standard library
    small = {"message": "案号有误", "count": 3}
    huge = {"message": "查询字段过多", "fields": 2**91}
    assert dumps(small) == '{"message":"案号有误","count":3}'.encode()
    assert json.loads(dumps(huge)) == huge
    assert "查询字段过多".encode() in dumps(huge)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        pytest.param(None, JSON, id="missing"),
        pytest.param("", JSON, id="empty"),
        pytest.param("*/*", JSON, id="anything"),
        pytest.param("application/*", JSON, id="any-application"),
        pytest.param("application/json", JSON, id="json"),
        pytest.param(GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON, id="graphql-response"),
        pytest.param(
            f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON, id="both"
        ),
        pytest.param(
            f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON, id="both-equal"
        ),
        pytest.param(f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON, id="json-preferred"),
        pytest.param(f"{GRAPHQL_RESPONSE_JSON};charset=utf-8, */*", GRAPHQL_RESPONSE_JSON, id="cs"),
        pytest.param("text/html,application/xhtml+xml,*/*;q=0.8", JSON, id="browser"),
        pytest.param("application/json;q=0, */*", GRAPHQL_RESPONSE_JSON, id="json-refused"),
        pytest.param("text/html", None, id="html-only"),
        pytest.param("application/json;q=0", None, id="nothing"),
    ],
)
def test_the_response_media_type_follows_the_accept_header(
    accept: str | None, media_type: str | None
) -> None:
    assert negotiate(accept) == media_type


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The app without its database: these requests never reach a resolver."""
    settings = Settings(
        database_url="sqlite://:memory:", env=Environment.PRODUCTION, secret_key="x" * 32
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://fuyuan.test") as client:
        yield client


async def test_a_request_error_is_400_as_graphql_response_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": UNKNOWN_FIELD}, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert "noSuchField" in body["errors"][0]["message"]


async def test_a_request_error_is_200_as_application_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ unclosed"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("语法错误：")  # Chinese by default


async def test_an_executed_query_is_200_as_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql", params={"query": TYPENAME}, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert response.json()["data"] == {"__typename": "Query"}


async def test_a_mutation_over_get_is_405(client: httpx.AsyncClient) -> None:
    query = {"query": "mutation { __typename }"}
    response = await client.get("/graphql", params=query, headers={"accept-language": "en"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "send mutations with POST" in response.text
    chinese = await client.get("/graphql", params=query)
    assert chinese.json()["errors"][0]["message"] == (
        "请求方法不允许：变更操作不能用 GET 发送，请用 POST"
    )


async def test_an_unacceptable_accept_header_is_406(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": TYPENAME}, headers={"accept": "text/html"}
    )
    assert response.status_code == 406
    assert GRAPHQL_RESPONSE_JSON in response.headers["accept"]
