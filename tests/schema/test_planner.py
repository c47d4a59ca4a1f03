"""The planned read of a page of tasks (schema/planner.py) answers exactly what graphql-core
answers field by field — the same bytes, for every role — in fewer statements, and
steps aside for any selection it does not plan. So do the plans of the other lists
(cases, meetings, units, accounts, briefings), sent the dashboard's own documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLObjectType
from strawberry.relay import to_base64
from tortoise import connections

import schema.queries
import store.models
from schema import planner
from schema.loaders import _columns, _Maker
from schema.relay import encode_cursor, paginate
from store.models import Unit
from tests.schema.conftest import Api, Clients, StatementCounter, spy_on_plans

ROLES = ("anonymous", "coordinator", "court", "unit", "unit2", "leader", "admin")

BENCH_PAGE = """
query ($first: Int!) {
  tasks(first: $first, orderBy: {field: DUE_ON, direction: ASC}) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      id code title state version dueOn supervisionLevel
      responsibleUnit { name }
      subject {
        __typename
        ... on EnforcementCase { caseNumber amountDue amountPerformed }
        ... on BankruptcyCase { caseNumber }
        ... on JointMeeting { title }
      }
      events(first: 3) { nodes { seq action occurredAt actor { displayName } } }
    }
  }
}
"""

DASHBOARD_LIST = """
query ($filter: TaskFilter, $orderBy: TaskOrder, $first: Int, $after: String, $last: Int,
       $before: String) {
  tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
        before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id code title kind state dueOn overdue warning supervisionLevel version
      responsibleUnit { id name } progress { percent } }
  }
}
"""

EVERYTHING_PLANNED = """
fragment unitFields on Unit { __typename id code name kind region courtCode active deactivatedAt }
fragment caseFields on EnforcementCase {
  id caseNumber applicantName applicantKind amountDue amountPerformed settlementAmount
  filedOn closedOn closureMethod court { ...unitFields } respondent { name }
}
query ($first: Int, $withEvents: Boolean!, $withoutUnit: Boolean!) {
  page: tasks(first: $first, orderBy: {field: CODE, direction: DESC}) {
    __typename
    count: totalCount
    totalCount
    edges { __typename cursor node { code } }
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      __typename id code title description kind state version assignedOn dueOn
      supervisionLevel matterType warning warningUnknownReason overdue acceptedLate paused
      createdAt closedAt
      progress { __typename percent stepsRemaining }
      responsibleUnit @skip(if: $withoutUnit) { ...unitFields }
      unit: responsibleUnit { name }
      subject {
        __typename
        ... on Node { id }
        ...caseFields
        ... on BankruptcyCase { caseNumber debtorName court { name courtCode } }
        ... on JointMeeting { title number level heldOn minutesNumber }
      }
      newest: events(first: 1) { totalCount nodes { seq } }
      none: events(first: 0) { totalCount pageInfo { hasNextPage endCursor } nodes { seq } }
      events(first: 5) @include(if: $withEvents) {
        __typename
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id seq } }
        nodes {
          __typename id seq action actionLabel fromState toState comment payload occurredAt
          actor { __typename id username displayName role active phone email }
        }
      }
    }
  }
}
"""

NOT_PLANNED = {
    "availableActions": "{ tasks(first: 5) { nodes { code availableActions { action } } } }",
    "events after a cursor": (
        '{ tasks(first: 5) { nodes { code events(first: 2, after: "Znktb2Zmc2V0OjA=") '
        "{ nodes { seq } } } } }"
    ),
    "a field with permission classes": (
        "{ tasks(first: 5) { nodes { events(first: 1) { nodes { actor { notifyMode } } } } } }"
    ),
    "the event's task": (
        "{ tasks(first: 5) { nodes { events(first: 1) { nodes { task { code } } } } } }"
    ),
}


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, for each ``tasks`` field resolved, whether it was planned."""
    made: list[bool] = []
    spy_on_plans(monkeypatch, made, lambda plan: plan is not None)
    return made


async def _both(
    client: Api, monkeypatch: pytest.MonkeyPatch, query: str, **variables: Any
) -> tuple[str, str, bool]:
    """The body planned and field by field (as JSON text, keys in their order), and
    whether the planner took it."""
    made: list[bool] = []
    with monkeypatch.context() as patch:
        spy_on_plans(patch, made, lambda plan: plan is not None)
        planned = await client(query, **variables)
    with monkeypatch.context() as patch:
        patch.setattr(schema.queries, "plan_tasks", lambda info, queryset: None)
        generic = await client(query, **variables)
    text = json.dumps(planned, ensure_ascii=False)
    return text, json.dumps(generic, ensure_ascii=False), all(made) and bool(made)


@pytest.mark.parametrize("role", ROLES)
async def test_a_planned_page_is_the_same_bytes_as_the_field_by_field_one(
    api: Clients, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    client: Api = getattr(api, role)
    documents: list[tuple[str, dict[str, Any]]] = [
        (BENCH_PAGE, {"first": 50}),
        (EVERYTHING_PLANNED, {"first": 40, "withEvents": True, "withoutUnit": False}),
        (EVERYTHING_PLANNED, {"first": 7, "withEvents": False, "withoutUnit": True}),
        (DASHBOARD_LIST, {"first": 20, "orderBy": {"field": "OPEN_FIRST", "direction": "ASC"}}),
        (DASHBOARD_LIST, {"first": 20, "filter": {"kind": "ENFORCEMENT", "overdue": True}}),
        (DASHBOARD_LIST, {"last": 7, "filter": {"kind": "BANKRUPTCY_MATTER"}}),
        (DASHBOARD_LIST, {"first": 3, "after": encode_cursor(2)}),
        (DASHBOARD_LIST, {"filter": {"search": "没有这样的事项"}}),
        (DASHBOARD_LIST, {"first": 0}),
    ]
    for query, variables in documents:
        planned, generic, was_planned = await _both(client, monkeypatch, query, **variables)
        assert planned == generic, (query, variables)
        body = json.loads(planned)
        if role == "anonymous" and body.get("errors"):
            continue  # refused before the plan, the same way
        assert was_planned, (query, variables)
    # the pages are not empty for who reads tasks: the comparison compared something
    page = json.loads((await _both(client, monkeypatch, BENCH_PAGE, first=50))[0])
    if role not in ("anonymous", "admin"):  # the administrator manages accounts, not work
        assert page["data"]["tasks"]["nodes"], role


async def test_a_cursor_from_the_planned_page_continues_it(
    api: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await api.court.data(DASHBOARD_LIST, first=4)
    cursor = first["tasks"]["pageInfo"]["endCursor"]
    planned, generic, was_planned = await _both(
        api.court, monkeypatch, DASHBOARD_LIST, first=4, after=cursor
    )
    assert was_planned
    assert planned == generic
    codes = [node["code"] for node in json.loads(planned)["data"]["tasks"]["nodes"]]
    assert codes
    assert not set(codes) & {node["code"] for node in first["tasks"]["nodes"]}


@pytest.mark.parametrize("name", sorted(NOT_PLANNED))
async def test_a_selection_the_planner_does_not_answer_resolves_field_by_field(
    api: Clients, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    planned, generic, was_planned = await _both(api.coordinator, monkeypatch, NOT_PLANNED[name])
    assert not was_planned
    assert planned == generic
    body = json.loads(planned)
    assert body.get("data", {}).get("tasks") or body.get("errors")


async def test_a_refused_argument_is_refused_the_same_way(
    api: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    for query in (
        "{ tasks(first: 101) { nodes { code } } }",
        '{ tasks(first: 5, after: "not a cursor") { nodes { code } } }',
        "{ tasks(first: 5) { nodes { events(first: 101) { nodes { seq } } } } }",
    ):
        planned, generic, _ = await _both(api.coordinator, monkeypatch, query)
        assert planned == generic
        assert json.loads(planned)["errors"], query


async def test_a_planned_page_costs_the_same_few_statements_whatever_its_subjects(
    api: Clients, statements: StatementCounter, plans: list[bool]
) -> None:
    await api.coordinator.data("{ viewer { username } }")  # signs in before counting
    query = BENCH_PAGE.replace("tasks(first: $first,", "tasks(first: $first, filter: $filter,")
    query = query.replace("($first: Int!)", "($first: Int!, $filter: TaskFilter)")
    counts = {}
    for name, first, kind in (
        ("5 enforcement", 5, "ENFORCEMENT"),
        ("50 enforcement", 50, "ENFORCEMENT"),
        ("50 bankruptcy matters", 50, "BANKRUPTCY_MATTER"),
        ("50 meeting decisions", 50, "MEETING_DECISION"),
        ("100 of every kind", 100, None),
    ):
        statements.statements.clear()
        data = await api.coordinator.data(query, first=first, filter={"kind": kind})
        assert data["tasks"]["nodes"], name
        counts[name] = list(statements.statements)
    assert all(plans)
    assert len(plans) == 5
    viewer, *reads = counts["100 of every kind"]
    assert '"account"' in viewer, viewer
    assert "task_event" not in viewer, viewer
    (page,) = [sql for sql in reads if '"enforcement_case"' in sql]
    for shown in ('"unit"', '"bankruptcy_case"', '"joint_meeting"', '"performance_record"'):
        assert shown in page, shown
    if connections.get("default").capabilities.dialect == "postgres":
        # three: the viewer; the page, its nodes' JSON written by PostgreSQL with their
        # units, subjects and newest events with their actors; its count
        assert {len(found) for found in counts.values()} == {3}, counts
        assert "task_event" in page, page
        assert '"account"' in page, page
    else:
        # four: the viewer; the page with its units and subjects (their courts,
        # respondents and amounts performed) joined to it; its count; the newest events
        # with their actors
        assert {len(found) for found in counts.values()} == {4}, counts
        assert sum("task_event" in sql for sql in reads) == 1, reads


async def test_the_planner_shows_a_hidden_subject_as_null_as_the_field_does(
    api: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an assisting unit sees the task but not the case of another unit
    query = """{ tasks(first: 100) { nodes { code subject { __typename ... on EnforcementCase
      { caseNumber } } assistingUnits { code } } } }"""
    _planned, generic, was_planned = await _both(api.unit2, monkeypatch, query)
    assert not was_planned  # assistingUnits is not planned: the reference answer
    query = query.replace("assistingUnits { code }", "")
    planned_only, _, was_planned = await _both(api.unit2, monkeypatch, query)
    assert was_planned
    reference = json.loads(generic)["data"]["tasks"]["nodes"]
    answered = json.loads(planned_only)["data"]["tasks"]["nodes"]
    assert [(n["code"], n["subject"]) for n in answered] == [
        (n["code"], n["subject"]) for n in reference
    ]


async def test_every_field_the_planner_loads_itself_exists_in_the_schema() -> None:
    from schema.schema import schema as built

    for type_name, field_name in planner.planned_fields():
        graphql_type = built._schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        assert field_name in graphql_type.fields, (type_name, field_name)


async def test_a_unit_without_tasks_gets_an_empty_planned_page(
    api: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = await Unit.filter(kind="COURT").first()
    assert unit is not None
    variables = {"first": 10, "filter": {"responsibleUnitId": to_base64("Unit", unit.id)}}
    planned, generic, was_planned = await _both(
        api.coordinator, monkeypatch, DASHBOARD_LIST, **variables
    )
    assert was_planned
    assert planned == generic


@pytest.mark.parametrize(
    "model_name",
    ["Unit", "Account", "EnforcementCase", "BankruptcyCase", "JointMeeting", "Task", "TaskEvent"],
)
async def test_the_loaders_make_the_records_tortoise_makes(http: Any, model_name: str) -> None:
    """The statements of the page make their records without tortoise's per-row
    bookkeeping (loaders._Maker); each record is the one tortoise's own query makes,
    attribute for attribute, on this database's driver."""
    model = getattr(store.models, model_name)
    maker = _Maker(model, "x__", once=True)
    assert maker.direct, f"{model_name}: a field behind a descriptor, made the slow way"
    table = model._meta.db_table
    _, rows = await connections.get("default").execute_query(
        f'SELECT {_columns(model, "r", "x__")} FROM "{table}" AS r ORDER BY r."id" LIMIT 400'
    )
    assert rows, f"the demo data holds no {model_name}"
    theirs = {record.pk: record for record in await model.filter(id__in=[r["x__id"] for r in rows])}
    for row in rows:
        mine = maker(row)
        assert mine is not None
        assert type(mine) is model
        assert vars(mine) == vars(theirs[mine.pk]), model_name
        assert maker(row) is mine  # made once
    assert maker({"x__id": None}) is None


# -- the other lists ------------------------------------------------------------------

PAGING = "($first: Int, $after: String, $last: Int, $before: String)"
ARGS = "(first: $first, after: $after, last: $last, before: $before)"
PAGE_INFO = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"

LISTS = {
    # the dashboard's documents (frontend_stub/pages), their fields the plans load
    "enforcementCases": (
        f"query {PAGING} {{ enforcementCases{ARGS} {{ {PAGE_INFO} nodes {{ id caseNumber "
        "cause amountDue amountPerformed closureMethod court { name } respondent { name } } } }"
    ),
    "bankruptcyCases": (
        f"query {PAGING} {{ bankruptcyCases{ARGS} {{ {PAGE_INFO} nodes {{ id caseNumber "
        "debtorName procedure acceptedOn court { name } matters { id state } } } }"
    ),
    "jointMeetings": (
        f"query {PAGING} {{ jointMeetings{ARGS} {{ {PAGE_INFO} nodes {{ id title level "
        "number heldOn minutesNumber convener { name } decisions { id state } } } }"
    ),
    "accounts": (
        f"query {PAGING} {{ accounts{ARGS} {{ {PAGE_INFO} nodes {{ id username displayName "
        "role active phone unit { id name } } } }"
    ),
    "units": (
        f"query {PAGING} {{ units{ARGS} {{ {PAGE_INFO} edges {{ cursor node {{ id code name "
        "kind region courtCode active deactivatedAt parent { id name } } } } }"
    ),
    "enforcementCases with their tasks": (
        f"query {PAGING} {{ enforcementCases{ARGS} {{ {PAGE_INFO} nodes {{ caseNumber "
        "tasks { id code title state dueOn warning } } } }"
    ),
    "briefings": (
        f"query {PAGING} {{ briefings{ARGS} {{ {PAGE_INFO} nodes {{ id number serial title "
        "status periodStart periodEnd asOf generatedAt issuedAt nextSteps reportTo sendTo "
        "distributeTo files { docx html markdown } } } }"
    ),
}

BRIEFING = """mutation ($input: GenerateBriefingInput!) {
  generateBriefing(input: $input) { briefing { id } errors { field code message } } }"""
OCTOBER = {"periodStart": "2026-10-01", "periodEnd": "2026-10-31"}

LISTS_NOT_PLANNED = {
    "a matter's unit": (
        "{ bankruptcyCases(first: 5) { nodes { id matters { responsibleUnit { name } } } } }"
    ),
    "a decision's events": (
        "{ jointMeetings(first: 5) { nodes { id decisions { events(first: 1) { totalCount } } } } }"
    ),
    "the parent of a unit's parent": "{ units(first: 9) { nodes { parent { parent { id } } } } }",
    "a case's payments": (
        "{ enforcementCases(first: 5) { nodes { id performanceRecords { paidOn } } } }"
    ),
}


async def _both_lists(
    client: Api, monkeypatch: pytest.MonkeyPatch, query: str, **variables: Any
) -> tuple[str, str, bool]:
    """As :func:`_both`, for the lists other than tasks (schema.planner.read_list)."""
    made: list[bool] = []
    run = planner.ListPlan.run

    async def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(True)
        return await run(self, *args, **kwargs)

    async def unplanned(info: Any, queryset: Any, convert: Any, **paging: Any) -> Any:
        return await paginate(queryset, convert, **paging)

    with monkeypatch.context() as patch:
        patch.setattr(planner.ListPlan, "run", spy)
        planned = await client(query, **variables)
    with monkeypatch.context() as patch:
        patch.setattr(schema.queries, "read_list", unplanned)
        generic = await client(query, **variables)
    text = json.dumps(planned, ensure_ascii=False)
    return text, json.dumps(generic, ensure_ascii=False), bool(made)


@pytest.mark.parametrize("role", ROLES)
async def test_a_planned_list_is_the_same_bytes_as_the_field_by_field_one(
    api: Clients, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    client: Api = getattr(api, role)
    generated = await api.coordinator.data(BRIEFING, input=OCTOBER)  # the data holds none
    assert generated["generateBriefing"]["errors"] == []
    seen: dict[str, int] = {}
    for name, query in LISTS.items():
        for variables in (
            {"first": 100},
            {"first": 3},
            {"first": 2, "after": encode_cursor(1)},
            {"last": 2},
            {},
        ):
            planned, generic, was_planned = await _both_lists(
                client, monkeypatch, query, **variables
            )
            assert planned == generic, (name, variables)
            body = json.loads(planned)
            if role == "anonymous":
                assert body["errors"], name  # refused before any plan, the same way
                continue
            assert was_planned, (name, variables)
            if variables == {"first": 100}:
                found = body["data"][name.split()[0]]
                seen[name] = len(found["nodes" if name != "units" else "edges"])
    if role == "coordinator":  # the comparisons compared something, units with a parent too
        assert all(seen.values()), seen
        units = await client.data(LISTS["units"], first=100)
        assert any(edge["node"]["parent"] for edge in units["units"]["edges"])
        for name, field, tasks in (
            ("enforcementCases with their tasks", "enforcementCases", "tasks"),
            ("bankruptcyCases", "bankruptcyCases", "matters"),
            ("jointMeetings", "jointMeetings", "decisions"),
        ):
            nodes = (await client.data(LISTS[name], first=100))[field]["nodes"]
            assert any(node[tasks] for node in nodes), name


@pytest.mark.parametrize("name", sorted(LISTS_NOT_PLANNED))
async def test_a_list_selection_the_planner_does_not_answer_resolves_field_by_field(
    api: Clients, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    planned, generic, was_planned = await _both_lists(
        api.coordinator, monkeypatch, LISTS_NOT_PLANNED[name]
    )
    assert not was_planned
    assert planned == generic
    assert not json.loads(planned).get("errors"), planned


async def test_a_planned_list_costs_no_more_statements_than_field_by_field(
    api: Clients, monkeypatch: pytest.MonkeyPatch, statements: StatementCounter
) -> None:
    await api.coordinator.data("{ viewer { username } }")  # signs in before counting
    query = LISTS["enforcementCases"]
    statements.statements.clear()
    await api.coordinator.data(query, first=50)
    planned = list(statements.statements)

    async def unplanned(info: Any, queryset: Any, convert: Any, **paging: Any) -> Any:
        return await paginate(queryset, convert, **paging)

    monkeypatch.setattr(schema.queries, "read_list", unplanned)
    statements.statements.clear()
    await api.coordinator.data(query, first=50)
    # the viewer, the page, its count, the courts and respondents, the amounts performed
    assert len(planned) == len(statements.statements) == 5, (planned, statements.statements)
