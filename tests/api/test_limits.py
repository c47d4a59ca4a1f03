"""Query limits (schema/limits.py) as a client meets them over HTTP, and production mode."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Environment
from schema.limits import MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_TOKENS
from store.demo import DEMO_PASSWORD
from tests.api.conftest import running, settings_for

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token errors { code } }
}
"""

# The dashboard's task page, written with Relay edges as a Relay client would.
TASK_PAGE = """
query TaskPage($first: Int!) {
  tasks(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id code title state kind dueOn warning supervisionLevel version
      responsibleUnit { id name }
      subject {
        __typename
        ... on EnforcementCase { id caseNumber }
        ... on BankruptcyCase { id caseNumber }
        ... on JointMeeting { id title }
      }
      availableActions { action label }
      progress { percent stepsRemaining }
      events(first: 3) { edges { node {
        id action actionLabel occurredAt comment actor { id displayName unit { name } }
      } } }
    } }
  }
}
"""

NORMAL = "{ viewer { username } __typename }"

TOO_DEEP = (
    "{ tasks(first: 1) { nodes { "
    + "dependsOn { " * MAX_DEPTH
    + "code"
    + " }" * MAX_DEPTH
    + " } } }"
)
TOO_MANY_ALIASES = "{ " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1)) + " }"
TOO_MANY_TOKENS = "{ " + "__typename " * MAX_TOKENS + "}"
# 100 tasks × 100 events each, and each task's dependencies: 100 × (1 + 1 + 100 × 2 + 20) + 1
TOO_COSTLY = """
{ tasks(first: 100) { nodes {
  code
  events(first: 100) { nodes { action actor { username } } }
  dependsOn { code }
} } }
"""


async def _post(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("query", "code", "numbers"),
    [
        pytest.param(TOO_DEEP, "QUERY_TOO_DEEP", {"maxDepth": MAX_DEPTH}, id="depth"),
        pytest.param(TOO_MANY_ALIASES, "TOO_MANY_ALIASES", {"aliases": 21}, id="aliases"),
        pytest.param(TOO_MANY_TOKENS, "TOO_MANY_TOKENS", {"maxTokens": MAX_TOKENS}, id="tokens"),
        pytest.param(TOO_COSTLY, "QUERY_TOO_COSTLY", {"cost": 22201}, id="cost"),
    ],
)
async def test_a_document_over_a_limit_is_refused_with_its_code(
    client: httpx.AsyncClient, query: str, code: str, numbers: dict[str, int]
) -> None:
    # when a document over the limit is sent
    body = await _post(client, query)
    # then nothing runs, and a readable error names the limit and the numbers
    assert "data" not in body
    errors = {error["extensions"]["code"]: error for error in body["errors"]}
    assert code in errors, body
    assert numbers.items() <= errors[code]["extensions"].items()
    assert errors[code]["message"] != "Unexpected error."
    # and the server goes on serving
    after = await _post(client, NORMAL)
    assert after["data"] == {"viewer": None, "__typename": "Query"}


async def test_a_too_costly_query_names_its_cost_and_the_maximum(
    client: httpx.AsyncClient,
) -> None:
    body = await _post(client, TOO_COSTLY)
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 22201, "maxCost": MAX_COST}
    assert "22201" in error["message"]


async def test_the_page_size_sent_as_a_variable_is_costed(client: httpx.AsyncClient) -> None:
    # given the task page asked with a page size in a variable
    small = await _post(client, TASK_PAGE, first=3)
    large = await _post(client, TASK_PAGE, first=100)
    # then the cost follows the variable (each task costs the same)
    small_cost = small["extensions"]["cost"]["requested"]
    large_cost = large["extensions"]["cost"]["requested"]
    assert (large_cost - 2) == (small_cost - 2) * 100 // 3


async def test_the_graphql_response_media_type_refuses_with_400(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TOO_COSTLY},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_the_dashboard_task_page_passes_and_reports_its_cost(
    demo_database_url: str,
) -> None:
    # given the demo data and a signed-in coordinator
    async with running(settings_for(demo_database_url)) as client:
        login = await _post(client, LOGIN, username="demo-coordinator", password=DEMO_PASSWORD)
        token = login["data"]["login"]["token"]
        # when the dashboard asks for its page of 50 tasks
        response = await client.post(
            "/graphql",
            json={"query": TASK_PAGE, "variables": {"first": 50}},
            headers={"authorization": f"Bearer {token}"},
        )
    body = response.json()
    # then it is answered in full, with its cost well under the maximum
    assert "errors" not in body, body["errors"]
    assert len(body["data"]["tasks"]["edges"]) == 50
    cost = body["extensions"]["cost"]
    assert cost["maximum"] == MAX_COST
    assert 1000 < cost["requested"] < MAX_COST / 2


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_development_allows_introspection(client: httpx.AsyncClient) -> None:
    body = await _post(client, INTROSPECTION)
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_production_refuses_introspection_and_serves_no_graphiql(
    empty_database_url: str,
) -> None:
    async with running(settings_for(empty_database_url, env=Environment.PRODUCTION)) as client:
        introspection = await _post(client, INTROSPECTION)
        page = await client.get("/graphql", headers={"accept": "text/html"})
        normal = await _post(client, NORMAL)
    assert "data" not in introspection
    assert "introspection has been disabled" in introspection["errors"][0]["message"]
    assert "GraphiQL" not in page.text
    assert page.status_code != 200
    # while ordinary queries (with __typename) still work
    assert normal["data"] == {"viewer": None, "__typename": "Query"}


@pytest.mark.parametrize(
    ("query", "chinese", "english"),
    [
        pytest.param(TOO_DEEP, f"最多允许{MAX_DEPTH}层",
                     f"fields deep; at most {MAX_DEPTH} are allowed", id="depth"),
        pytest.param(TOO_MANY_ALIASES, f"查询使用了21个别名；最多允许{MAX_ALIASES}个",
                     f"the query uses 21 aliases; at most {MAX_ALIASES} are allowed",
                     id="aliases"),
        pytest.param(TOO_MANY_TOKENS, f"语法错误：查询文档超过{MAX_TOKENS}个记号，已停止解析",
                     f"Syntax Error: Document contains more than {MAX_TOKENS} tokens.",
                     id="tokens"),
        pytest.param(TOO_COSTLY, f"查询的开销为22201，超过允许的{MAX_COST}：请减小每页条数",
                     f"the query would cost 22201, more than the {MAX_COST} allowed",
                     id="cost"),
    ],
)  # fmt: skip
async def test_a_refusal_of_the_limits_is_chinese_by_default_and_english_on_request(
    client: httpx.AsyncClient, query: str, chinese: str, english: str
) -> None:
    said = {}
    for language in ("zh-CN", "en"):
        response = await client.post(
            "/graphql", json={"query": query}, headers={"accept-language": language}
        )
        said[language] = response.json()["errors"][0]["message"]
    assert chinese in said["zh-CN"]
    assert english in said["en"]
