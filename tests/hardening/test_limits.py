"""Documents built to be slow to judge, and requests that must leave nothing behind.

The fragment bomb — ``fragment F0 on Query {...F1 ...F1}`` and so on, 2^n
fields in a few hundred bytes — and wide documents repeating one field are
refused by the limits (schema/limits.py) before graphql-core's validation
sees them; judging them takes time in proportion to their size, never to
what they would expand to. Times are asserted as ratios: to a plain
``{ viewer { id } }`` sent just before, and between documents of different
sizes (a measure that expanded fragments would grow 2^70-fold from 20 to 90
levels).

A request keeps nothing alive once answered: the validation cache holds no
document, error or context, and a document is validated once.
"""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    get_introspection_query,
    parse,
    specified_rules,
    validate,
)

from schema import validation
from schema.limits import MAX_FIELDS, MAX_REPEATS, QueryLimits, measure_shape
from schema.schema import schema
from schema.validation import STRAWBERRY_RULES
from store.demo import DEMO_PASSWORD
from tests.api.conftest import running, settings_for
from tests.hardening.conftest import Attack

SLOWER_THAN_PLAIN = 5
"""A refused bomb may take at most this many plain ``{ viewer { id } }`` requests.

Refusing one is parsing it (under 1,000 tokens) and counting each fragment
once: a few milliseconds. Before the limits counted fragments once, 20 levels
took seconds — hundreds of plain requests.
"""

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token }
}
"""

TASK_PAGE = """
query TaskPage($first: Int!) {
  tasks(first: $first) {
    totalCount
    edges { node {
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
      events(first: 3) { edges { node { id action occurredAt actor { id displayName } } } }
    } }
  }
}
"""


def fragment_bomb(levels: int) -> str:
    """``query Q{...F0} fragment F0 on Query{...F1 ...F1} … fragment Fn on Query{viewer{id}}``."""
    fragments = " ".join(
        f"fragment F{i} on Query{{...F{i + 1} ...F{i + 1}}}" for i in range(levels)
    )
    return f"query Q{{...F0}} {fragments} fragment F{levels} on Query{{viewer{{id}}}}"


def repeated(selection: str, times: int) -> str:
    return "{ " + " ".join([selection] * times) + " }"


def judge(document: str, variables: dict[str, Any] | None = None) -> list[GraphQLError]:
    """What the server does before running a new document: parse, limits, validation."""
    limits = QueryLimits()
    try:
        parsed = parse(document, max_tokens=limits.max_tokens)
    except GraphQLSyntaxError as err:
        return [err]
    judgements = limits.judge(schema._schema, parsed, None, None, variables or {})
    errors: list[GraphQLError] = [e for judgement in judgements for e in judgement.errors]
    if errors:
        return errors
    return validate(schema._schema, parsed, (*specified_rules, *STRAWBERRY_RULES))


def fastest(run: Callable[[], object], runs: int = 7) -> float:
    """The fastest of ``runs`` runs, in seconds: the least disturbed by other work."""
    run()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def codes(errors: list[dict[str, Any]] | list[GraphQLError]) -> set[str]:
    found = set()
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else error.extensions
        found.add(str((extensions or {}).get("code")))
    return found


# --------------------------------------------------------------------------- over HTTP


def test_the_fragment_bomb_is_refused_before_it_expands(attack: Attack) -> None:
    # given a signed-in client, the time a plain request takes, and the rows as they are
    token = attack.login("demo-coordinator")
    baseline = attack.baseline()
    before = attack.row_counts()
    for levels in (20, 40, 90):
        # when it sends fragments spread twice in fragments spread twice, `levels` deep
        started = time.perf_counter()
        answer = attack.graphql(fragment_bomb(levels), token=token)
        elapsed = time.perf_counter() - started
        # then the document is refused for its 2^levels fields and its cost, at once
        assert "data" not in answer
        assert codes(answer["errors"]) == {"TOO_MANY_FIELDS", "QUERY_TOO_COSTLY"}, answer
        fields = next(e for e in answer["errors"] if e["extensions"]["code"] == "TOO_MANY_FIELDS")
        assert fields["extensions"] == {
            "code": "TOO_MANY_FIELDS",
            "fields": 2 ** (levels + 1),
            "maxFields": MAX_FIELDS,
        }
        assert elapsed < SLOWER_THAN_PLAIN * baseline, (levels, elapsed, baseline)
    # and nothing was written, and the log holds no traceback
    assert attack.row_counts() == before
    assert "Traceback" not in attack.log()


@pytest.mark.parametrize(
    ("selection", "times"),
    [
        pytest.param("viewer { id }", 240, id="viewer-240-times"),
        pytest.param("tasks { nodes { id } }", 140, id="tasks-140-times"),
        pytest.param("viewer { " + "id " * 900 + "}", 1, id="id-900-times"),
    ],
)
def test_a_document_repeating_a_field_is_refused_before_the_merge_check(
    attack: Attack, selection: str, times: int
) -> None:
    # given a signed-in client and the time a plain request takes
    token = attack.login("demo-coordinator")
    baseline = attack.baseline()
    before = attack.row_counts()
    # when it repeats one field hundreds of times (graphql-core compares every pair)
    started = time.perf_counter()
    answer = attack.graphql(repeated(selection, times), token=token)
    elapsed = time.perf_counter() - started
    # then it is refused for its repeats, in the time of a few plain requests
    assert codes(answer["errors"]) == {"TOO_MANY_REPEATS"}, answer
    (error,) = answer["errors"]
    assert error["extensions"]["maxRepeats"] == MAX_REPEATS
    assert error["extensions"]["repeats"] > MAX_REPEATS
    assert elapsed < SLOWER_THAN_PLAIN * baseline, (elapsed, baseline)
    assert attack.row_counts() == before
    assert "Traceback" not in attack.log()


# --------------------------------------------------------------------------- in-process


def test_judging_the_bomb_grows_with_its_text_not_with_its_expansion() -> None:
    # given the bomb at 20 levels (2^21 fields) and at 90 (2^91)
    small, large = fragment_bomb(20), fragment_bomb(90)
    assert codes(judge(large)) == {"TOO_MANY_FIELDS", "QUERY_TOO_COSTLY"}
    # when each is judged, then 90 levels take about as much longer as the text is longer
    ratio = fastest(lambda: judge(large)) / fastest(lambda: judge(small))
    assert ratio < 3 * len(large) / len(small), ratio
    # and both are judged in the time of a handful of plain documents
    plain = fastest(lambda: judge("{ viewer { id } }"))
    assert fastest(lambda: judge(large)) < 20 * plain


def test_judging_repeats_grows_with_the_text_not_with_the_pairs() -> None:
    # given one field repeated 16 times (accepted) and 240 times (refused)
    small, large = repeated("viewer { id }", 16), repeated("viewer { id }", 240)
    assert judge(small) == []
    assert codes(judge(large)) == {"TOO_MANY_REPEATS"}
    # when each is judged, then the time grows with the length, not with its square
    ratio = fastest(lambda: judge(large)) / fastest(lambda: judge(small))
    assert ratio < 3 * len(large) / len(small), ratio


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        pytest.param("{ viewer { id } }", {}, id="plain"),
        pytest.param(TASK_PAGE, {"first": 50}, id="task-page"),
        pytest.param(get_introspection_query(), {}, id="introspection"),
        pytest.param(repeated("viewer { id }", 16), {}, id="repeats-at-the-limit"),
    ],
)
def test_real_documents_pass_every_limit(document: str, variables: dict[str, Any]) -> None:
    assert judge(document, variables) == []


def test_shapes_count_each_fragment_once() -> None:
    # given the bomb at 90 levels
    document = parse(fragment_bomb(90))
    operation = document.definitions[0]
    # when its shape is measured
    shape = measure_shape(document, operation)  # type: ignore[arg-type]
    # then its fields are counted as expanded, and repeats are left uncounted (too many)
    assert shape.fields == 2**91
    assert shape.depth == 2
    assert shape.repeats is None


@pytest.mark.parametrize(
    ("document", "repeats"),
    [
        pytest.param("{ viewer { id } }", 0, id="none"),
        pytest.param("{ viewer { id } viewer { id } }", 2, id="viewer-and-its-id"),
        pytest.param("{ viewer { id } viewer { username } }", 1, id="viewer-only"),
        pytest.param("{ a: viewer { id } b: viewer { id } }", 0, id="aliased-apart"),
        pytest.param(
            "{ viewer { ...A ...A } } fragment A on Account { id unit { id } }",
            3,
            id="fragment-twice",
        ),
        pytest.param("{ viewer { ... on Account { id } id } }", 1, id="inline-fragment-merges"),
    ],
)
def test_repeats_count_fields_merged_into_one_already_selected(document: str, repeats: int) -> None:
    parsed = parse(document)
    assert measure_shape(parsed, parsed.definitions[0]).repeats == repeats  # type: ignore[arg-type]


def test_a_page_size_variable_left_to_its_default_is_costed_at_the_default() -> None:
    # given a page size whose variable has a default and is not sent
    document = (
        "query ($n: Int = 100) "
        "{ tasks(first: $n) { nodes { events(first: 100) { nodes { id } } } } }"
    )
    # then the cost is that of 100 tasks, as executed: 1 + 100 × (1 + 1 + 100), not the
    # 2,041 of the 20 assumed for a page size nobody gave
    errors = judge(document)
    assert codes(errors) == {"QUERY_TOO_COSTLY"}
    assert errors[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": 10201, "maxCost": 5000}


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", id="cycle"
        ),
        pytest.param(
            "{ tasks { nodes { ...F0 } } } "
            + " ".join(
                f"fragment F{i} on Task "
                f"{{ dependsOn {{ dependsOn {{ dependsOn {{ ...F{i + 1} }} }} }} }}"
                for i in range(70)
            )
            + " fragment F70 on Task { code }",
            id="fragments-nesting-210-deep",
        ),
        pytest.param(
            "{ tasks(first: " + "9" * 5000 + ") { totalCount } }", id="int-of-5000-digits"
        ),
    ],
)
def test_a_malformed_document_is_refused_not_crashed_on(document: str) -> None:
    errors = judge(document)
    assert errors
    assert all(isinstance(error, GraphQLError) for error in errors)


# --------------------------------------------------------------------------- nothing kept


def _live_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


async def test_requests_leave_nothing_alive(demo_database_url: str) -> None:
    # given the served demo, a signed-in coordinator and the task page
    async with running(settings_for(demo_database_url)) as client:
        login = await client.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {"username": "demo-coordinator", "password": DEMO_PASSWORD},
            },
        )
        headers = {"Authorization": f"Bearer {login.json()['data']['login']['token']}"}

        async def page(times: int) -> None:
            for _ in range(times):
                response = await client.post(
                    "/graphql",
                    json={"query": TASK_PAGE, "variables": {"first": 20}},
                    headers=headers,
                )
                assert "errors" not in response.json(), response.text

        # when the page is asked 20 times, and then 180 times more
        await page(20)
        after_20 = _live_objects()
        await page(180)
        after_200 = _live_objects()
    # then the 180 requests left (almost) nothing behind
    assert after_200 - after_20 < 2_000, (after_20, after_200)


async def test_an_identical_document_is_validated_once(demo_database_url: str) -> None:
    # given the served demo and a document nobody sent before
    document = (
        f"query Only{uuid.uuid4().hex} {{ viewer {{ id }} units(first: 2) {{ totalCount }} }}"
    )
    async with running(settings_for(demo_database_url)) as client:

        async def send() -> httpx.Response:
            return await client.post("/graphql", json={"query": document})

        # when it is sent twice
        before = validation.cache_info()
        first = await send()
        middle = validation.cache_info()
        second = await send()
        after = validation.cache_info()
    # then it is validated the first time only, and both answers are the same
    assert (middle.misses - before.misses, middle.hits - before.hits) == (1, 0)
    assert (after.misses - middle.misses, after.hits - middle.hits) == (0, 1)
    assert first.json() == second.json()
    assert first.json()["extensions"]["cost"]["requested"] > 0


async def _coordinator_token(client: httpx.AsyncClient) -> str:
    login = await client.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"username": "demo-coordinator", "password": DEMO_PASSWORD},
        },
    )
    token: str = login.json()["data"]["login"]["token"]
    return token


async def test_a_query_of_structure_alone_is_parsed_once(demo_database_url: str) -> None:
    # given the served demo and a query nobody sent before, its values as variables
    document = f"query Only{uuid.uuid4().hex}($n: Int) {{ units(first: $n) {{ totalCount }} }}"
    async with running(settings_for(demo_database_url)) as client:
        headers = {"authorization": f"Bearer {await _coordinator_token(client)}"}

        async def send(n: int) -> httpx.Response:
            body = {"query": document, "variables": {"n": n}}
            return await client.post("/graphql", json=body, headers=headers)

        # when it is sent twice, with different values
        before = validation.parse_cache_info()
        first = await send(1)
        middle = validation.parse_cache_info()
        second = await send(2)
        after = validation.parse_cache_info()
    # then it is parsed the first time only, and both are answered
    assert (middle.misses - before.misses, middle.hits - before.hits) == (1, 0)
    assert (after.misses - middle.misses, after.hits - middle.hits) == (0, 1)
    totals = [answer.json()["data"]["units"]["totalCount"] for answer in (first, second)]
    assert totals[0] == totals[1] > 0


@pytest.mark.parametrize(
    "document",
    [
        pytest.param('{ tasks(filter: {search: "王某某"}) { totalCount } }', id="a string"),
        pytest.param("# 王某某的事\n{ units { totalCount } }", id="a comment"),
        pytest.param("mutation { __typename }", id="a mutation"),
    ],
)
async def test_a_document_holding_what_a_client_wrote_is_not_kept(
    demo_database_url: str, document: str
) -> None:
    # given the served demo
    async with running(settings_for(demo_database_url)) as client:
        token = await _coordinator_token(client)
        # when a document with a string, a comment or a mutation is sent twice
        before = validation.parse_cache_info()
        answers = [
            await client.post(
                "/graphql", json={"query": document}, headers={"authorization": f"Bearer {token}"}
            )
            for _ in range(2)
        ]
        after = validation.parse_cache_info()
    # then it is answered both times and parsed both times: nothing of it is kept
    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("data" in answer.json() for answer in answers), answers[0].text
    assert after.hits == before.hits
