"""The read path's economies a client notices: a page that does not ask for its
count costs one statement fewer, hasNextPage still tells the truth at every edge,
and the answer is UTF-8 as it is (Chinese not escaped)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.conftest import Clients, StatementCounter

PAGE = """
query ($first: Int, $after: String) {
  tasks(first: $first, after: $after) {
    %s
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { code }
  }
}
"""
WITH_COUNT = PAGE % "totalCount"
WITHOUT_COUNT = PAGE % ""


def _counts(statements: StatementCounter) -> list[str]:
    return [s for s in statements.statements if "COUNT(" in s.upper()]


async def test_a_page_that_does_not_ask_for_its_count_does_not_count(
    api: Clients, statements: StatementCounter
) -> None:
    await api.coordinator.data("{ viewer { username } }")  # signs in before counting
    statements.statements.clear()
    counted = await api.coordinator.data(WITH_COUNT, first=20)
    with_count = list(statements.statements)
    statements.statements.clear()
    uncounted = await api.coordinator.data(WITHOUT_COUNT, first=20)
    without_count = list(statements.statements)
    # the same page, one statement fewer, and that statement is the COUNT
    assert uncounted["tasks"]["nodes"] == counted["tasks"]["nodes"]
    assert uncounted["tasks"]["pageInfo"] == counted["tasks"]["pageInfo"]
    assert len(without_count) == len(with_count) - 1, "\n".join(without_count)
    assert len(_counts(statements)) == 0, without_count
    assert counted["tasks"]["totalCount"] > 20


@pytest.mark.parametrize(
    ("left_after_cursor", "first", "has_next_page"),
    [
        pytest.param(5, 5, False, id="the-page-takes-exactly-the-rest"),
        pytest.param(5, 4, True, id="one-left-after-the-page"),
        pytest.param(5, 6, False, id="the-page-asks-for-more-than-is-left"),
        pytest.param(0, 3, False, id="nothing-left-at-all"),
        pytest.param(5, 0, True, id="an-empty-page-before-the-rest"),
        pytest.param(0, 0, False, id="an-empty-page-at-the-end"),
    ],
)
async def test_has_next_page_is_true_exactly_when_items_follow(
    api: Clients, left_after_cursor: int, first: int, has_next_page: bool
) -> None:
    # given the whole list's size, and the cursor that leaves `left_after_cursor` items
    total = (await api.coordinator.data(WITH_COUNT, first=1))["tasks"]["totalCount"]
    skip = total - left_after_cursor
    cursor = None
    while skip > 0:
        step = min(skip, 100)
        page = await api.coordinator.data(WITHOUT_COUNT, first=step, after=cursor)
        cursor = page["tasks"]["pageInfo"]["endCursor"]
        skip -= step
    # when the next page is read without its count
    page = (await api.coordinator.data(WITHOUT_COUNT, first=first, after=cursor))["tasks"]
    # then it holds what is left, up to `first`, and says whether more follow
    assert len(page["nodes"]) == min(first, left_after_cursor)
    assert page["pageInfo"]["hasNextPage"] is has_next_page
    assert page["pageInfo"]["hasPreviousPage"] is True


async def test_a_tasks_history_says_whether_older_events_follow_without_counting(
    api: Clients, statements: StatementCounter
) -> None:
    query = """
    { tasks(first: 50) { nodes { code events(first: 3) {
        %s pageInfo { hasNextPage } nodes { seq } } } } }
    """
    counted = await api.coordinator.data(query % "totalCount")
    statements.statements.clear()
    uncounted = await api.coordinator.data(query % "")
    assert not _counts(statements), statements.statements
    for with_count, without_count in zip(
        counted["tasks"]["nodes"], uncounted["tasks"]["nodes"], strict=True
    ):
        events = with_count["events"]
        assert without_count["events"]["nodes"] == events["nodes"]
        assert without_count["events"]["pageInfo"]["hasNextPage"] is (events["totalCount"] > 3)
    assert any(node["events"]["totalCount"] > 3 for node in counted["tasks"]["nodes"])
    assert any(node["events"]["totalCount"] <= 3 for node in counted["tasks"]["nodes"])


async def test_the_answer_is_utf8_chinese_not_escapes(api: Clients) -> None:
    await api.coordinator.data("{ viewer { username } }")
    response = await api.coordinator.http.post(
        "/graphql",
        json={"query": "{ units(first: 3) { nodes { name } } }"},
        headers=api.coordinator.headers(),
    )
    names = [node["name"] for node in response.json()["data"]["units"]["nodes"]]
    assert names
    assert all(name.encode() in response.content for name in names)
    assert b"\\u" not in response.content
    assert response.headers["content-type"] == "application/json"


SUBJECTS = """
query ($after: String) {
  tasks(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code
      subject {
        __typename
        ... on EnforcementCase { id caseNumber amountPerformed court { name } respondent { name } }
        ... on BankruptcyCase { id caseNumber court { name } }
        ... on JointMeeting { id title }
      }
      availableActions { action }
    }
  }
}
"""
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
CASES = "{ enforcementCases(first: 100) { nodes { id respondent { id } } } }"
CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { code } errors { field code message } }
}
"""


async def _every_task(viewer: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await viewer.data(SUBJECTS, after=after))["tasks"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("role", ["court", "unit", "unit2", "leader"])
async def test_a_task_shows_its_subject_to_whoever_may_read_that_subject(
    api: Clients, role: str
) -> None:
    # given a task the unit liaison's unit assists with, of a case against another unit
    # (the liaison sees the task, not the case)
    own = (await api.unit.data("{ viewer { unit { id } } }"))["viewer"]["unit"]["id"]
    cases = await api.coordinator.data(CASES)
    other = next(c for c in cases["enforcementCases"]["nodes"] if c["respondent"]["id"] != own)
    created = await api.coordinator.data(
        CREATE_TASK,
        input={
            "kind": "ENFORCEMENT",
            "title": "配合做好执行款筹措",
            "enforcementCaseId": other["id"],
            "responsibleUnitId": other["respondent"]["id"],
            "assistingUnitIds": [own],
        },
    )
    assert created["createTask"]["errors"] == []
    # and every task with its subject as the coordinator reads them (the statement
    # without visibility), and the same pages as another role reads them (with)
    truth = {node["code"]: node["subject"] for node in await _every_task(api.coordinator)}
    viewer = getattr(api, role)
    nodes = await _every_task(viewer)
    assert nodes
    subjects = [truth[node["code"]] for node in nodes if truth[node["code"]]]
    ids = sorted({subject["id"] for subject in subjects})
    may_read: set[str] = set()
    for start in range(0, len(ids), 100):
        readable = await viewer.data(NODES, ids=ids[start : start + 100])
        may_read |= {node["id"] for node in readable["nodes"] if node}
    # then each task shows its subject, with the same facts, exactly when the viewer may
    # read the subject itself, and null otherwise
    hidden = 0
    for node in nodes:
        real = truth[node["code"]]
        expected = real if real and real["id"] in may_read else None
        assert node["subject"] == expected, node["code"]
        hidden += bool(real) and expected is None
    assert any(node["subject"] for node in nodes)
    # the assisting unit's liaison sees that task without its subject; nobody else
    # here misses one
    assert hidden == (1 if role == "unit" else 0)
