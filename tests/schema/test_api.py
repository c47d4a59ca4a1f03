"""The GraphQL API as liaisons use it: read, move a task through its life, be told why not."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from strawberry.relay import to_base64

from store.models import EnforcementCase, Task, Unit
from tests.schema.conftest import Clients, StatementCounter
from workflow.clock import local_today

TASK_PAGE = """
query ($first: Int!, $kind: TaskKind) {
  tasks(first: $first, filter: {kind: $kind}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id code title state version dueOn warning supervisionLevel
      responsibleUnit { name region }
      subject {
        __typename
        ... on EnforcementCase { caseNumber amountDue amountPerformed court { name } }
        ... on BankruptcyCase { caseNumber debtorName }
        ... on JointMeeting { title number }
      }
      availableActions { action label requires }
      progress { percent stepsRemaining }
      events(first: 3) { totalCount nodes { seq action actor { displayName } occurredAt } }
    }
  }
}
"""

UNIT_OVERDUE = """
query ($unit: ID!) {
  tasks(filter: {responsibleUnitId: $unit, overdue: true}, first: 100) {
    totalCount nodes { code dueOn overdue warning responsibleUnit { code } }
  }
}
"""

CASE_WITH_HISTORY = """
query ($id: ID!) {
  node(id: $id) {
    __typename
    ... on EnforcementCase {
      caseNumber amountDue amountPerformed respondent { name }
      performanceRecords { paidOn amount method }
      tasks { code state events(first: 50) { totalCount nodes { seq action actionLabel comment } } }
    }
  }
}
"""

CREATE_CASE = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) {
    enforcementCase { id caseNumber amountDue }
    errors { field code message }
  }
}
"""

CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) {
    task { id code state version responsibleUnit { code } }
    errors { field code message }
  }
}
"""

TRANSITION = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) {
    task { id state version availableActions { action } }
    event { seq action fromState toState comment }
    errors { field code message }
  }
}
"""

RECORD_PERFORMANCE = """
mutation ($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) {
    enforcementCase { amountPerformed }
    errors { field code message }
  }
}
"""


async def _unit_id(code: str) -> str:
    unit = await Unit.get(code=code)
    return to_base64("Unit", unit.id)


async def _move(
    client: Any, task_id: str, action: str, version: int, **extra: Any
) -> dict[str, Any]:
    data = await client.data(
        TRANSITION,
        input={"taskId": task_id, "action": action, "expectedVersion": version, **extra},
    )
    payload: dict[str, Any] = data["transitionTask"]
    return payload


async def test_a_page_of_tasks_costs_the_same_statements_for_5_and_50(
    api: Clients, statements: StatementCounter
) -> None:
    # given the demo's tasks, read as the coordinator (who can act on many)
    await api.coordinator.data("{ viewer { username } }")  # signs in before counting

    async def page(first: int, kind: str | None) -> tuple[list[dict[str, Any]], list[str]]:
        statements.statements.clear()
        data = await api.coordinator.data(TASK_PAGE, first=first, kind=kind)
        return data["tasks"]["nodes"], list(statements.statements)

    # when pages are read with units, subjects, actions and history: of 5 and of 50
    # enforcement tasks, of bankruptcy matters, of meeting decisions and of every kind
    small, for_5 = await page(5, "ENFORCEMENT")
    large, for_50 = await page(50, "ENFORCEMENT")
    matters, for_matters = await page(50, "BANKRUPTCY_MATTER")
    decisions, for_decisions = await page(50, "MEETING_DECISION")
    mixed, for_mixed = await page(100, None)
    # then the pages are full and cost the same number of SQL statements, whichever
    # kinds of subject they hold
    assert (len(small), len(large)) == (5, 50)
    kinds = {node["subject"]["__typename"] for node in mixed if node["subject"]}
    assert kinds == {"EnforcementCase", "BankruptcyCase", "JointMeeting"}
    assert matters
    assert decisions
    assert {node["subject"]["__typename"] for node in matters} == {"BankruptcyCase"}
    assert {node["subject"]["__typename"] for node in decisions} == {"JointMeeting"}
    counts = {len(s) for s in (for_5, for_50, for_matters, for_decisions, for_mixed)}
    assert len(counts) == 1, "\n".join(for_mixed)
    # nine: the viewer, the page, its count, the units, the subjects (with their courts,
    # respondents and amounts performed), the dependencies, the history with its actors,
    # the pending extensions and the history's counts
    assert len(for_50) == 9, "\n".join(for_50)
    assert all(len(node["events"]["nodes"]) <= 3 for node in large)
    assert all(node["events"]["nodes"][0]["actor"] for node in large if node["events"]["nodes"])
    assert all(node["subject"]["court"]["name"] for node in large)
    assert any(node["availableActions"] for node in large)


async def test_a_unit_lists_its_overdue_tasks(api: Clients) -> None:
    unit = await _unit_id("KF-CZJ")
    data = await api.unit.data(UNIT_OVERDUE, unit=unit)
    tasks = data["tasks"]
    today = local_today()  # the office's day (Asia/Shanghai), not this machine's UTC one
    assert tasks["totalCount"] == len(tasks["nodes"]) > 0
    for node in tasks["nodes"]:
        assert node["responsibleUnit"]["code"] == "KF-CZJ"
        assert node["overdue"] is True
        assert node["warning"] == "RED"
        assert dt.date.fromisoformat(node["dueOn"]) < today
    expected = await Task.filter(
        responsible_unit__code="KF-CZJ",
        due_on__lt=today,
        # a suspended task's clock stands still: it is not overdue while suspended
        state__not_in=["CLOSED", "CANCELLED", "SUSPENDED"],
    ).count()
    assert tasks["totalCount"] == expected


async def test_a_case_opens_with_its_tasks_and_history(api: Clients) -> None:
    task = await Task.filter(state="CLOSED", kind="ENFORCEMENT").first()
    assert task is not None
    case_id = to_base64("EnforcementCase", task.enforcement_case_id)  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    data = await api.coordinator.data(CASE_WITH_HISTORY, id=case_id)
    case = data["node"]
    assert case["__typename"] == "EnforcementCase"
    assert case["amountPerformed"] == case["amountDue"]
    assert case["performanceRecords"]
    (closed,) = [t for t in case["tasks"] if t["code"] == task.code]
    actions = [event["action"] for event in closed["events"]["nodes"]]
    assert actions[0] == "approve_closure"  # newest first
    assert actions[-1] == "create"
    assert "confirm_performance" in actions
    assert closed["events"]["totalCount"] == len(actions)


async def test_a_task_moves_through_its_whole_life(api: Clients) -> None:
    # given a new enforcement case against 开封市财政局, registered by the court
    court_id = await _unit_id("KF-ZY")
    created = await api.court.data(
        CREATE_CASE,
        input={
            "caseNumber": f"(2026)豫02执{uuid.uuid4().int % 90000 + 10000}号",
            "courtId": court_id,
            "applicantName": "开封市宏达建筑工程有限公司",
            "applicantKind": "ENTERPRISE",
            "respondentId": await _unit_id("KF-CZJ"),
            "basis": "（2025）豫02民终3021号",
            "cause": "建设工程施工合同纠纷",
            "amountDue": "1200000.00",
            "filedOn": "2026-03-02",
            "source": "PROVINCE_ASSIGNED",
        },
    )
    assert created["createEnforcementCase"]["errors"] == []
    case = created["createEnforcementCase"]["enforcementCase"]
    assert case["caseNumber"].startswith("（2026）豫02执")
    stored = await EnforcementCase.get(case_number=case["caseNumber"]).prefetch_related(
        "created_by"
    )
    assert stored.created_by is not None
    assert stored.created_by.username == "demo-court"  # every write records its actor
    # and a task for it, created by the coordinator: it goes to the respondent organ
    made = await api.coordinator.data(
        CREATE_TASK,
        input={"kind": "ENFORCEMENT", "title": "督促履行生效判决", "enforcementCaseId": case["id"]},
    )
    task = made["createTask"]["task"]
    assert made["createTask"]["errors"] == []
    assert (task["state"], task["responsibleUnit"]["code"]) == ("DRAFT", "KF-CZJ")
    task_id, version = task["id"], task["version"]

    # when the coordinator assigns it with a due date
    step = await _move(api.coordinator, task_id, "assign", version, dueOn="2026-12-30")
    assert step["errors"] == []
    assert step["task"]["state"] == "ASSIGNED"
    version = step["task"]["version"]
    # the other unit cannot touch it (to it, the task does not exist); the responsible unit can
    refused = await _move(api.unit2, task_id, "accept", version)
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    assert refused["task"] is None
    assert {a["action"] for a in step["task"]["availableActions"]} >= {"cancel"}
    for action, extra in (("accept", {}), ("start", {}), ("report", {"comment": "已筹措资金"})):
        step = await _move(api.unit, task_id, action, version, **extra)
        assert step["errors"] == [], step
        version = step["task"]["version"]
    assert step["task"]["state"] == "IN_PROGRESS"

    # the unit asks to close with only part paid: refused, saying how much is missing
    paid = await api.court.data(
        RECORD_PERFORMANCE,
        input={"caseId": case["id"], "paidOn": "2026-06-01", "amount": "800000.00",
               "method": "FISCAL_ALLOCATION"},
    )  # fmt: skip
    assert paid["recordPerformance"]["enforcementCase"]["amountPerformed"] == "800000.00"
    early = await _move(api.unit, task_id, "request_closure", version, evidence=["凭证.pdf"])
    assert early["errors"][0]["code"] == "GUARD_FAILED"
    assert "1200000.00" in early["errors"][0]["message"]
    assert "800000.00" in early["errors"][0]["message"]
    assert early["task"]["version"] == version  # nothing changed

    # the rest is paid, the unit asks again, the court confirms, the office closes it
    await api.court.data(
        RECORD_PERFORMANCE,
        input={"caseId": case["id"], "paidOn": "2026-07-01", "amount": "400000.00",
               "method": "TRANSFER"},
    )  # fmt: skip
    step = await _move(api.unit, task_id, "request_closure", version, evidence=["凭证.pdf"])
    assert step["task"]["state"] == "CLOSURE_REQUESTED"
    version = step["task"]["version"]
    not_yet = await _move(api.coordinator, task_id, "approve_closure", version)
    assert not_yet["errors"][0]["code"] == "GUARD_FAILED"
    step = await _move(api.court, task_id, "confirm_performance", version)
    assert step["errors"] == [], step
    version = step["task"]["version"]
    step = await _move(api.coordinator, task_id, "approve_closure", version)
    assert step["errors"] == []
    assert step["task"]["state"] == "CLOSED"
    assert step["task"]["availableActions"] == []
    assert step["event"]["toState"] == "CLOSED"


async def test_an_illegal_move_is_refused_with_the_reason(api: Clients) -> None:
    draft = await Task.filter(state="DRAFT").first()
    assert draft is not None
    task_id = to_base64("Task", draft.id)
    # accepting a draft: not possible from DRAFT, and the possible actions are named
    step = await _move(api.coordinator, task_id, "accept", draft.version)
    (error,) = step["errors"]
    assert error["code"] == "INVALID_TRANSITION"
    assert "DRAFT" in error["message"]
    assert "assign" in error["message"]
    assert step["task"]["state"] == "DRAFT"
    # a stale version: VERSION_CONFLICT, nothing written
    stale = await _move(api.coordinator, task_id, "assign", draft.version - 1 or 99)
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    assert stale["errors"][0]["field"] == ["input", "expectedVersion"]
    # an unknown action
    unknown = await _move(api.coordinator, task_id, "approve", draft.version)
    assert unknown["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_retried_transition_with_the_same_key_acts_once(api: Clients) -> None:
    draft = await Task.filter(state="DRAFT").first()
    assert draft is not None
    task_id = to_base64("Task", draft.id)
    first = await _move(api.coordinator, task_id, "assign", draft.version, idempotencyKey="k-1")
    again = await _move(api.coordinator, task_id, "assign", draft.version, idempotencyKey="k-1")
    assert first["errors"] == again["errors"] == []
    assert first["event"] == again["event"]
    assert (await Task.get(id=draft.id)).version == draft.version + 1


@pytest.mark.parametrize(
    ("role", "code"),
    [
        pytest.param("anonymous", "UNAUTHENTICATED", id="signed-out"),
        pytest.param("unit", "FORBIDDEN", id="unit-liaison"),
        pytest.param("leader", "FORBIDDEN", id="leader-reads-only"),
    ],
)
async def test_creating_a_task_needs_a_coordinator(api: Clients, role: str, code: str) -> None:
    body = await getattr(api, role)(
        CREATE_TASK,
        input={"kind": "OTHER", "title": "其他事项", "responsibleUnitId": await _unit_id("KF-CZJ")},
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert body["errors"][0]["message"]


async def test_bad_input_is_a_user_error_naming_the_field(api: Clients) -> None:
    data = await api.coordinator.data(
        CREATE_CASE,
        input={
            "caseNumber": "（2026）豫02执015号",
            "courtId": await _unit_id("KF-ZY"),
            "applicantName": "张伟",
            "applicantKind": "PERSON",
            "respondentId": await _unit_id("KF-ZY"),
            "basis": "（2025）豫02民终1号",
            "cause": "劳动争议",
            "amountDue": "-5",
            "filedOn": "2026-03-02",
            "source": "SELF_FOUND",
        },
    )
    (error,) = data["createEnforcementCase"]["errors"]
    assert error == {
        "field": ["input", "caseNumber"],
        "code": "VALIDATION",
        "message": error["message"],
    }
    assert "leading zero" in error["message"]
    # an ID of the wrong type is named too
    wrong = await api.coordinator.data(
        CREATE_TASK,
        input={"kind": "ENFORCEMENT", "title": "x", "enforcementCaseId": await _unit_id("KF-ZY")},
    )
    assert wrong["createTask"]["errors"][0]["field"] == ["input", "enforcementCaseId"]


async def test_a_coordination_matter_goes_to_its_department(api: Clients) -> None:
    from store.models import BankruptcyCase

    bankruptcy = await BankruptcyCase.first()
    assert bankruptcy is not None
    data = await api.coordinator.data(
        """mutation ($input: AddCoordinationMatterInput!) {
             addCoordinationMatter(input: $input) {
               task { kind state responsibleUnit { code } subject { __typename } }
               errors { code }
             }
           }""",
        input={"bankruptcyCaseId": to_base64("BankruptcyCase", bankruptcy.id),
               "matterType": "FUNDING"},
    )  # fmt: skip
    task = data["addCoordinationMatter"]["task"]
    assert task["responsibleUnit"]["code"] == "KF-CZJ"  # 破产费用保障 → 财政局
    assert task["subject"]["__typename"] == "BankruptcyCase"


ADD_DEPENDENCY = """
mutation ($input: AddTaskDependencyInput!) {
  addTaskDependency(input: $input) {
    task { code dependsOn { code } blockedBy { code } } errors { code message }
  }
}
"""


async def test_a_dependency_that_closes_a_cycle_is_refused(api: Clients) -> None:
    # given two new tasks, the second waiting for the first
    unit = await _unit_id("KF-CZJ")
    made = [
        (await api.coordinator.data(
            CREATE_TASK, input={"kind": "OTHER", "title": title, "responsibleUnitId": unit}
        ))["createTask"]["task"]
        for title in ("资产接管", "资产处置")
    ]  # fmt: skip
    first, second = made
    waits = await api.coordinator.data(
        ADD_DEPENDENCY, input={"taskId": second["id"], "dependsOnId": first["id"]}
    )
    assert waits["addTaskDependency"]["errors"] == []
    assert waits["addTaskDependency"]["task"]["blockedBy"] == [{"code": first["code"]}]
    # when the first is made to wait for the second, then the cycle is refused and named
    loop = await api.coordinator.data(
        ADD_DEPENDENCY, input={"taskId": first["id"], "dependsOnId": second["id"]}
    )
    (error,) = loop["addTaskDependency"]["errors"]
    assert error["code"] == "CYCLE"
    assert f"{first['code']} → {second['code']} → {first['code']}" in error["message"]


async def test_the_workflow_of_a_kind_with_its_diagram(api: Clients) -> None:
    data = await api.unit.data(
        """{ workflow(kind: ENFORCEMENT) {
               key version states { key label terminal }
               transitions { action label from to roles } mermaid } }"""
    )
    workflow = data["workflow"]
    assert workflow["key"] == "enforcement"
    states = {s["key"]: s for s in workflow["states"]}
    assert states["CLOSED"]["terminal"] is True
    assert states["ASSIGNED"]["label"] == "已交办"
    accept = next(t for t in workflow["transitions"] if t["action"] == "accept")
    assert (accept["from"], accept["to"], accept["roles"]) == (
        "ASSIGNED",
        "ACCEPTED",
        ["RESPONSIBLE_UNIT"],
    )
    assert "stateDiagram-v2" in workflow["mermaid"]


async def test_last_without_before_reads_one_page(
    api: Clients, statements: StatementCounter
) -> None:
    await api.coordinator.data("{ viewer { username } }")  # signs in before counting
    statements.statements.clear()
    data = await api.coordinator.data(
        "{ tasks(last: 2) { totalCount pageInfo { hasPreviousPage hasNextPage } nodes { code } } }"
    )
    tasks = data["tasks"]
    assert len(tasks["nodes"]) == 2
    assert tasks["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}
    page_reads = [s for s in statements.statements if "LIMIT" in s.upper()]
    assert page_reads, statements.statements
    assert all("COUNT" in s.upper() or "LIMIT" in s.upper() for s in statements.statements)


async def test_a_malformed_cursor_is_a_readable_error(api: Clients) -> None:
    body = await api.unit('{ tasks(after: "garbage") { totalCount } }')
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "after" in error["message"]


async def test_more_than_100_a_page_is_refused(api: Clients) -> None:
    body = await api.coordinator("{ tasks(first: 101) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "100" in body["errors"][0]["message"]


async def test_an_unexpected_failure_is_masked_for_the_client_and_logged(
    api: Clients, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from schema.types import tasks as task_types

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internals: /etc/passwd")

    monkeypatch.setattr(task_types, "task_progress", broken)
    body = await api.coordinator("{ tasks(first: 1) { nodes { progress { percent } } } }")
    message = body["errors"][0]["message"]
    assert "secret internals" not in message
    assert "secret internals" in caplog.text


@pytest.mark.parametrize(
    ("document", "code"),
    [
        pytest.param('{ node(id: "Tm9wZTow") { id } }', "BAD_REQUEST", id="node-of-no-type"),
        pytest.param('{ node(id: "UXVlcnk6MQ==") { id } }', "BAD_REQUEST", id="node-of-query"),
        pytest.param('{ nodes(ids: [""]) { id } }', "BAD_REQUEST", id="empty-id"),
        pytest.param(
            '{ tasks(filter: {responsibleUnitId: "%%%"}) { totalCount } }',
            "BAD_REQUEST",
            id="garbage-filter-id",
        ),
    ],
)
async def test_ids_that_name_no_record_type_are_bad_requests(
    api: Clients, document: str, code: str
) -> None:
    body = await api.coordinator(document)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    assert "ID" in error["message"]


async def test_an_id_beyond_any_row_is_simply_absent(api: Clients) -> None:
    # "Task:9223372036854775808": too large for the database's integer
    huge = to_base64("Task", 2**63)
    data = await api.coordinator.data("query ($id: ID!) { node(id: $id) { id } }", id=huge)
    assert data == {"node": None}
    body = await api.coordinator(
        "query ($u: ID!) { tasks(filter: {responsibleUnitId: $u}) { totalCount } }",
        u=to_base64("Unit", 2**63),
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_malformed_id_in_a_mutation_is_a_user_error(api: Clients) -> None:
    data = await api.coordinator.data(
        CREATE_TASK, input={"kind": "OTHER", "title": "其他事项", "responsibleUnitId": ""}
    )
    (error,) = data["createTask"]["errors"]
    assert error["field"] == ["input", "responsibleUnitId"]
    assert error["code"] == "VALIDATION"


async def test_a_filter_value_longer_than_its_column_is_a_validation_error(api: Clients) -> None:
    body = await api.coordinator(
        "query ($r: String) { units(filter: {region: $r}) { totalCount } }", r="县" * 40
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert error["extensions"]["field"] == ["filter", "region"]
    assert "region" in error["message"]


MATTER_ACTIONS = """
query ($id: ID!) {
  node(id: $id) { ... on Task { state availableActions { action } } }
}
"""


async def test_the_bankruptcy_court_liaison_is_offered_to_reject_a_matter_closure(
    api: Clients,
) -> None:
    # given a 破产费用保障 matter of a bankruptcy case before 中院 (demo-court's court),
    # its closure requested by 财政局 (demo-unit)
    from store.models import Account, BankruptcyCase
    from store.operations.cases import BankruptcyCaseInput, create_bankruptcy_case
    from store.operations.tasks import TaskInput, create_task
    from store.operations.transitions import transition_task

    court = await Unit.get(code="KF-ZY")
    bankruptcy: BankruptcyCase = await create_bankruptcy_case(
        BankruptcyCaseInput(
            case_number=f"（2026）豫02破{uuid.uuid4().int % 9_000 + 1_000}号",
            debtor_name="开封市某某纺织有限公司",
            debtor_uscc="91350100M000100Y43",
            court=court,
            administrator="河南某某律师事务所",
            procedure="LIQUIDATION",
            accepted_on=dt.date(2026, 3, 2),
        )
    )
    task = await create_task(
        TaskInput(kind="BANKRUPTCY_MATTER", title="破产费用保障", bankruptcy_case=bankruptcy,
                  matter_type="FUNDING")
    )  # fmt: skip
    coordinator = await Account.get(username="demo-coordinator")
    unit = await Account.get(username="demo-unit")
    for actor, action, evidence in [
        (coordinator, "assign", None),
        (unit, "accept", None),
        (unit, "start", None),
        (unit, "request_closure", ["拨付凭证"]),
    ]:
        result = await transition_task(
            task.id, action, actor, expected_version=task.version, evidence=evidence
        )
        task = result.task
    # when the court liaison and the unit liaison open the task page
    node_id = to_base64("Task", task.id)
    court_view = await api.court.data(MATTER_ACTIONS, id=node_id)
    unit_view = await api.unit.data(MATTER_ACTIONS, id=node_id)
    # then the bankruptcy court's liaison is offered 驳回 (its court was missing from the
    # page's snapshot, so the button was not shown), and the unit liaison is not
    assert court_view["node"]["state"] == "CLOSURE_REQUESTED"
    assert {a["action"] for a in court_view["node"]["availableActions"]} == {"reject_closure"}
    assert "reject_closure" not in {a["action"] for a in unit_view["node"]["availableActions"]}
