"""On PostgreSQL a planned page's nodes are written as JSON by PostgreSQL (schema/json_sql.py,
schema/planner.py ``_Json``): every field it writes gives what the field's own Python gives,
over every task of the test data with all its events, and over values made for the edges of
each rule. On SQLite the same documents are shaped in Python, and must agree just the same."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from tortoise import connections

import schema.queries
from schema import json_sql
from schema.relay import encode_cursor
from schema.types.base import fk, fk_or_none
from store.models import Account, EnforcementCase, PerformanceRecord, Task, TaskEvent, Unit
from tests.schema.conftest import Api, Clients, spy_on_plans

ROLES = ("coordinator", "court", "unit", "unit2", "leader")


def _fields(type_name: str) -> str:
    return " ".join([*json_sql.COLUMNS.get(type_name, {}), *json_sql.MONEY.get(type_name, {})])


UNIT = f"__typename id {_fields('Unit')}"

EVERY_WRITTEN_FIELD = f"""
query ($first: Int, $after: String, $last: Int, $before: String) {{
  tasks(first: $first, after: $after, last: $last, before: $before,
        orderBy: {{field: CODE, direction: ASC}}) {{
    __typename
    totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ __typename id code }} }}
    nodes {{
      __typename id {_fields("Task")}
      responsibleUnit {{ {UNIT} }}
      unit: responsibleUnit {{ name }}
      subject {{
        __typename
        ... on EnforcementCase {{
          id {_fields("EnforcementCase")} amountPerformed court {{ {UNIT} }} respondent {{ name }}
        }}
        ... on BankruptcyCase {{ id {_fields("BankruptcyCase")} court {{ {UNIT} }} }}
        ... on JointMeeting {{ id {_fields("JointMeeting")} }}
      }}
      events(first: 50) {{
        __typename
        totalCount
        nodes {{
          __typename id {_fields("TaskEvent")}
          actor {{ __typename id {_fields("Account")} }}
        }}
      }}
      newest: events(first: 1) {{ nodes {{ seq }} }}
      none: events(first: 0) {{ totalCount nodes {{ seq }} }}
    }}
  }}
}}
"""


FRAGMENTS_AND_DIRECTIVES = """
fragment unitFields on Unit { __typename id name courtCode }
fragment eventFields on TaskEvent { seq occurredAt who: actor { displayName } }
query ($skip: Boolean!, $with: Boolean!) {
  page: tasks(first: 40, orderBy: {field: DUE_ON, direction: DESC}) {
    count: totalCount
    nodes {
      key: id
      code
      code
      responsibleUnit @skip(if: $skip) { ...unitFields }
      owner: responsibleUnit { ...unitFields name }
      subject {
        ... on Node { id }
        ... on EnforcementCase { court { ...unitFields } amountPerformed }
        ... @include(if: $with) { __typename }
      }
      events(first: 2) @include(if: $with) { nodes { ...eventFields } }
    }
  }
}
"""


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each ``tasks`` field planned: whether PostgreSQL wrote its nodes."""
    made: list[bool] = []
    spy_on_plans(
        monkeypatch, made, lambda plan: plan is not None and bool(plan.compiler.needs.json_columns)
    )
    return made


def _postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def _field_by_field(client: Api, monkeypatch: pytest.MonkeyPatch, **variables: Any) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(schema.queries, "plan_tasks", lambda info, queryset: None)
        return json.dumps(await client(EVERY_WRITTEN_FIELD, **variables), ensure_ascii=False)


async def _every_page(
    client: Api, monkeypatch: pytest.MonkeyPatch, written: list[bool]
) -> list[dict[str, Any]]:
    """Every task the viewer sees, 20 a page: each page planned and field by field must be
    the same; on PostgreSQL each planned page written by PostgreSQL."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        written.clear()
        planned = json.dumps(await client(EVERY_WRITTEN_FIELD, first=20, after=after))
        assert written == [_postgres()], planned[:300]
        generic = await _field_by_field(client, monkeypatch, first=20, after=after)
        assert json.loads(planned) == json.loads(generic)
        assert planned == json.dumps(json.loads(generic))  # the keys in the same order
        page = json.loads(planned)["data"]["tasks"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("role", ROLES)
async def test_every_field_written_by_postgresql_is_what_the_field_itself_answers(
    api: Clients, monkeypatch: pytest.MonkeyPatch, written: list[bool], role: str
) -> None:
    client: Api = getattr(api, role)
    nodes = await _every_page(client, monkeypatch, written)
    assert nodes, role
    if role == "coordinator":  # who sees every task: every kind of subject was compared
        kinds = {(node["subject"] or {}).get("__typename") for node in nodes}
        assert kinds == {"EnforcementCase", "BankruptcyCase", "JointMeeting"}, kinds
        assert sum(len(node["events"]["nodes"]) for node in nodes) > len(nodes)
    for variables in ({"last": 7}, {"first": 5, "after": encode_cursor(2)}, {"first": 0}):
        written.clear()
        planned = await client(EVERY_WRITTEN_FIELD, **variables)
        assert written == [_postgres()]
        generic = await _field_by_field(client, monkeypatch, **variables)
        assert json.dumps(planned) == json.dumps(json.loads(generic)), variables


async def test_the_edges_of_each_rule_are_written_as_python_writes_them(
    api: Clients, monkeypatch: pytest.MonkeyPatch, written: list[bool]
) -> None:
    """A quote, a backslash, control characters, Chinese and an emoji in a text; a moment
    without a fraction, one in the daylight saving China kept in 1988 (+09:00), one just
    before midnight in Beijing; an amount of 5 fen and a negative sum performed; a unit
    without a region."""
    text = '引号"反斜杠\\ 换行\n 制表\t 控制\x01\x1f 表情😀 </script> \u2028'
    task = await Task.filter(enforcement_case__performance_records__id__isnull=False).first()
    assert task is not None
    case = await EnforcementCase.get(id=fk(task, "enforcement_case"))
    await Task.filter(id=task.id).update(title=text, description="", assigned_on=None)
    await EnforcementCase.filter(id=case.id).update(amount_due_fen=5, batch=None)
    records = await PerformanceRecord.filter(case_id=case.id, reverses_id=None).order_by("id")
    paid = sum(record.amount_fen for record in records)
    await PerformanceRecord.filter(reverses_id=records[0].id).delete()
    await PerformanceRecord.create(  # a reversal larger than what was paid: a negative sum
        case_id=case.id,
        reverses_id=records[0].id,
        amount_fen=-paid - 10**12 - 7,
        paid_on=records[0].paid_on,
        method=records[0].method,
        reason="测试",
    )
    await Unit.filter(id=fk(task, "responsible_unit")).update(region=None, court_code=None)
    moments = [
        dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
        dt.datetime(1988, 7, 1, 4, 0, 0, 250000, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 15, 59, 59, 999999, tzinfo=dt.UTC),
    ]
    # history is append-only: three new events, the newest three of the task
    newest = await TaskEvent.filter(task_id=task.id).order_by("-seq").first()
    assert newest is not None
    actor_id = fk_or_none(newest, "actor")
    for seq, moment in enumerate(moments, start=newest.seq + 1):
        await TaskEvent.create(
            task_id=task.id,
            seq=seq,
            action="comment",
            actor_id=actor_id,
            occurred_at=moment,
            occurred_on=moment.date(),
            comment=text,
        )
    if actor_id is not None:
        await Account.filter(id=actor_id).update(display_name='名"字\\')

    nodes = await _every_page(api.coordinator, monkeypatch, written)
    (node,) = [node for node in nodes if node["code"] == task.code]
    assert node["title"] == text
    assert node["assignedOn"] is None
    assert node["responsibleUnit"]["region"] is None
    assert node["subject"]["amountDue"] == "0.05"
    assert node["subject"]["batch"] is None
    assert node["subject"]["amountPerformed"] == "-10000000000.07"
    shown = {event["occurredAt"] for event in node["events"]["nodes"]}
    assert {
        "2026-03-01T17:30:00+08:00",
        "1988-07-01T13:00:00.250000+09:00",
        "2026-12-31T23:59:59.999999+08:00",
    } <= shown, shown
    assert text in {event["comment"] for event in node["events"]["nodes"]}


@pytest.mark.parametrize(("skip", "with_"), [(False, True), (True, False)])
async def test_aliases_fragments_and_directives_are_written_as_graphql_core_collects_them(
    api: Clients, monkeypatch: pytest.MonkeyPatch, written: list[bool], skip: bool, with_: bool
) -> None:
    variables = {"skip": skip, "with": with_}
    planned = await api.coordinator(FRAGMENTS_AND_DIRECTIVES, **variables)
    assert written == [_postgres()]
    with monkeypatch.context() as patch:
        patch.setattr(schema.queries, "plan_tasks", lambda info, queryset: None)
        generic = await api.coordinator(FRAGMENTS_AND_DIRECTIVES, **variables)
    assert json.dumps(planned) == json.dumps(generic)
    nodes = planned["data"]["page"]["nodes"]
    assert len(nodes) == 40
    assert ("responsibleUnit" in nodes[0]) is not skip
    assert ("events" in nodes[0]) is with_
    assert any((node["subject"] or {}).get("court") for node in nodes)
