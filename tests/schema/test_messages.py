"""Every refusal in the reader's language: Chinese by default, English on
``Accept-Language: en`` — one request in each language per error code, through the API.

The Chinese names things as a liaison does (「申请销号」, amounts in 元); the code,
the field path and the rule stay as they are in both.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from strawberry.relay import to_base64

from store.models import Unit
from tests.schema.conftest import Api

CREATE_CASE = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) {
    enforcementCase { id caseNumber }
    errors { field code message }
  }
}
"""

CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) {
    task { id code version }
    errors { field code message }
  }
}
"""

TRANSITION = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) {
    task { id code state version unavailableActions { action label reason } }
    errors { field code message }
  }
}
"""

ADD_DEPENDENCY = """
mutation ($input: AddTaskDependencyInput!) {
  addTaskDependency(input: $input) { errors { field code message } }
}
"""

LOGIN = """
mutation ($input: LoginInput!) { login(input: $input) { token errors { code message } } }
"""

TASK_ACTIONS = """
query ($id: ID!) {
  node(id: $id) {
    ... on Task { availableActions { action } unavailableActions { action label reason } }
  }
}
"""

RECORD_PERFORMANCE = """
mutation ($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { errors { code message } }
}
"""


async def _unit_id(code: str) -> str:
    unit = await Unit.get(code=code)
    return to_base64("Unit", unit.id)


def _case_input(**changes: Any) -> dict[str, Any]:
    return {
        "caseNumber": f"(2026)豫02执{uuid.uuid4().int % 90000 + 10000}号",
        "applicantName": "开封市宏达建筑工程有限公司",
        "applicantKind": "ENTERPRISE",
        "basis": "（2025）豫02民终3021号",
        "cause": "建设工程施工合同纠纷",
        "amountDue": "860000.00",
        "filedOn": "2026-03-02",
        "source": "PROVINCE_ASSIGNED",
        **changes,
    }


class Liaisons:
    """The demo's accounts, each in Chinese (no Accept-Language) and in English."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self._clients: dict[tuple[str | None, str | None], Api] = {}

    def __call__(self, username: str | None, language: str | None = None) -> Api:
        key = (username, language)
        if key not in self._clients:
            signed_in = next((a for (u, _l), a in self._clients.items() if u == username), None)
            token = signed_in.token if signed_in is not None else None
            # no language: an empty Accept-Language, the server's default (Chinese)
            self._clients[key] = Api(self.http, username, token=token, language=language or "")
        return self._clients[key]


@pytest.fixture
def who(http: httpx.AsyncClient) -> Liaisons:
    return Liaisons(http)


async def _move(client: Api, task: dict[str, Any], action: str, **extra: Any) -> dict[str, Any]:
    data = await client.data(
        TRANSITION,
        input={
            "taskId": task["id"],
            "action": action,
            "expectedVersion": task["version"],
            **extra,
        },
    )
    payload: dict[str, Any] = data["transitionTask"]
    return payload


async def _task_in_progress(who: Liaisons, **case: Any) -> dict[str, Any]:
    """A new enforcement task against 开封市财政局 (demo-unit's), started, nothing paid."""
    created = await who("demo-court").data(
        CREATE_CASE,
        input=_case_input(
            courtId=await _unit_id("KF-ZY"), respondentId=await _unit_id("KF-CZJ"), **case
        ),
    )
    assert created["createEnforcementCase"]["errors"] == []
    case_id = created["createEnforcementCase"]["enforcementCase"]["id"]
    made = await who("demo-coordinator").data(
        CREATE_TASK,
        input={"kind": "ENFORCEMENT", "title": "督促履行", "enforcementCaseId": case_id},
    )
    task: dict[str, Any] = made["createTask"]["task"]
    task = (await _move(who("demo-coordinator"), task, "assign", dueOn="2026-12-30"))["task"]
    for action in ("accept", "start"):
        task = (await _move(who("demo-unit"), task, action))["task"]
    task["caseId"] = case_id
    return task


def _only(payload: dict[str, Any]) -> dict[str, Any]:
    (error,) = payload["errors"]
    return dict(error)


async def test_guard_failed_names_the_amounts_in_yuan_and_what_to_do(who: Liaisons) -> None:
    task = await _task_in_progress(who)
    zh = _only(await _move(who("demo-unit"), task, "request_closure", evidence=["凭证.pdf"]))
    en = _only(await _move(who("demo-unit", "en"), task, "request_closure", evidence=["凭证.pdf"]))
    assert zh["code"] == en["code"] == "GUARD_FAILED"
    assert zh["message"] == (
        f"交办事项{task['code']}：「申请销号」需要全部履行到位："
        "应履行860000.00元，已履行0.00元；请先由法院确认履行情况，再申请销号"
    )
    assert en["message"] == (
        f"task {task['code']}: request_closure needs full performance: "
        "860000.00 due, 0.00 performed"
    )


async def test_validation_of_an_action_names_the_field_as_a_liaison_does(who: Liaisons) -> None:
    task = await _task_in_progress(who)
    zh = _only(await _move(who("demo-unit"), task, "report"))
    en = _only(await _move(who("demo-unit", "en"), task, "report"))
    assert zh["code"] == en["code"] == "VALIDATION"
    assert zh["field"] == en["field"] == ["input", "comment"]
    assert zh["message"] == f"交办事项{task['code']}：「报告进展」须填写「意见」"
    assert en["message"] == f"task {task['code']}: comment is required to report"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        pytest.param(None, "caseNumber：请填写案号 [case_number.required]", id="zh"),
        pytest.param("zh-CN,zh;q=0.9", "caseNumber：请填写案号 [case_number.required]", id="zh-CN"),
        pytest.param("en", "caseNumber: a case number is required [case_number.required]",
                     id="en"),
        pytest.param("en-US,en;q=0.9,zh;q=0.5",
                     "caseNumber: a case number is required [case_number.required]", id="en-US"),
    ],
)  # fmt: skip
async def test_identifier_validation_keeps_the_path_and_rule(
    who: Liaisons, language: str | None, message: str
) -> None:
    court = await _unit_id("KF-ZY")
    data = await who("demo-court", language).data(
        CREATE_CASE,
        input=_case_input(caseNumber="", courtId=court, respondentId=await _unit_id("KF-CZJ")),
    )
    error = _only(data["createEnforcementCase"])
    assert (error["code"], error["field"]) == ("VALIDATION", ["input", "caseNumber"])
    assert error["message"] == message


async def test_invalid_transition_and_version_conflict(who: Liaisons) -> None:
    task = await _task_in_progress(who)
    zh = _only(await _move(who("demo-coordinator"), task, "approve_closure"))
    en = _only(await _move(who("demo-coordinator", "en"), task, "approve_closure"))
    assert zh["code"] == en["code"] == "INVALID_TRANSITION"
    assert zh["message"].startswith(f"交办事项{task['code']}：「办理中」状态下不能「销号」；")
    assert en["message"].startswith(
        f"task {task['code']}: approve_closure is not possible from IN_PROGRESS; "
    )
    stale = {**task, "version": task["version"] - 1}
    zh = _only(await _move(who("demo-unit"), stale, "report", comment="已筹措资金"))
    en = _only(await _move(who("demo-unit", "en"), stale, "report", comment="已筹措资金"))
    assert zh["code"] == en["code"] == "VERSION_CONFLICT"
    assert zh["message"] == (
        f"交办事项{task['code']}已被他人修改（在您打开该事项之后）：当前为第{task['version']}版，"
        f"您提交的是第{task['version'] - 1}版（expectedVersion）；请刷新后重试"
    )
    assert en["message"].endswith("reload the task and try again")


async def test_not_found_and_cycle(who: Liaisons) -> None:
    task = await _task_in_progress(who)
    # another unit's task does not exist for demo-unit2
    zh = _only(await _move(who("demo-unit2"), task, "report", comment="x"))
    en = _only(await _move(who("demo-unit2", "en"), task, "report", comment="x"))
    assert zh["code"] == en["code"] == "NOT_FOUND"
    assert zh["message"] == f"taskId：没有交办事项「{task['id']}」"
    assert en["message"] == f"taskId: no task '{task['id']}'"
    itself = {"taskId": task["id"], "dependsOnId": task["id"]}
    zh = _only(
        (await who("demo-coordinator").data(ADD_DEPENDENCY, input=itself))["addTaskDependency"]
    )
    en = _only(
        (await who("demo-coordinator", "en").data(ADD_DEPENDENCY, input=itself))[
            "addTaskDependency"
        ]
    )
    assert zh["code"] == en["code"] == "CYCLE"
    assert zh["message"] == f"交办事项{task['code']}不能以自身为前置事项"
    assert en["message"] == f"task {task['code']} cannot depend on itself"


async def test_duplicate(who: Liaisons) -> None:
    court, respondent = await _unit_id("KF-ZY"), await _unit_id("KF-CZJ")
    case = _case_input(courtId=court, respondentId=respondent)
    first = await who("demo-court").data(CREATE_CASE, input=case)
    number = first["createEnforcementCase"]["enforcementCase"]["caseNumber"]
    zh = _only((await who("demo-court").data(CREATE_CASE, input=case))["createEnforcementCase"])
    en = _only(
        (await who("demo-court", "en").data(CREATE_CASE, input=case))["createEnforcementCase"]
    )
    assert zh["code"] == en["code"] == "DUPLICATE"
    assert zh["message"] == f"caseNumber：执行案件「{number}」已存在"
    assert en["message"] == f"caseNumber: enforcement case '{number}' exists already"


async def test_top_level_forbidden_and_unauthenticated(who: Liaisons) -> None:
    task = {"kind": "OTHER", "title": "其他事项", "responsibleUnitId": await _unit_id("KF-CZJ")}
    for username, code, zh, en in (
        ("demo-leader", "FORBIDDEN", "您的角色无权进行此操作；只有联席办协调员可以",
         "your role may not do this; it needs one of: COORDINATOR"),
        (None, "UNAUTHENTICATED",
         "请先登录：请求须带登录所得的令牌（`Authorization: Bearer <token>`）",
         "sign in first: send `Authorization: Bearer <token>` from the login mutation"),
    ):  # fmt: skip
        for language, message in ((None, zh), ("en", en)):
            body = await who(username, language)(CREATE_TASK, input=task)
            (error,) = body["errors"]
            assert error["extensions"]["code"] == code
            assert error["message"] == message


async def test_a_failed_sign_in(who: Liaisons) -> None:
    wrong = {"username": "demo-unit", "password": "not-the-password"}
    zh = _only((await who(None).data(LOGIN, input=wrong))["login"])
    en = _only((await who(None, "en").data(LOGIN, input=wrong))["login"])
    assert zh["code"] == en["code"] == "UNAUTHENTICATED"
    assert zh["message"] == "用户名或密码错误，或账号已停用"
    assert en["message"] == "wrong username or password, or the account is deactivated"


async def test_unavailable_actions_carry_the_guards_reason(who: Liaisons) -> None:
    task = await _task_in_progress(who)
    paid = {"caseId": task["caseId"], "paidOn": "2026-06-01", "amount": "860000.00",
            "method": "TRANSFER"}  # fmt: skip
    assert (await who("demo-court").data(RECORD_PERFORMANCE, input=paid))["recordPerformance"][
        "errors"
    ] == []
    task = (await _move(who("demo-unit"), task, "request_closure", evidence=["凭证.pdf"]))["task"]
    zh = await who("demo-coordinator").data(TASK_ACTIONS, id=task["id"])
    en = await who("demo-coordinator", "en").data(TASK_ACTIONS, id=task["id"])
    assert "approve_closure" not in {a["action"] for a in zh["node"]["availableActions"]}
    # 不予延期 is refused too (no extension is pending), in the same words as any guard
    assert {a["action"]: a["reason"] for a in zh["node"]["unavailableActions"]}.pop(
        "refuse_extension"
    ) == ("「不予延期」需要待答复的延期申请：责任单位没有提出延期申请，或申请已答复")
    unavailable = {"zh": zh, "en": en}
    for answer in unavailable.values():
        answer["node"]["unavailableActions"] = [
            a for a in answer["node"]["unavailableActions"] if a["action"] != "refuse_extension"
        ]
    assert zh["node"]["unavailableActions"] == [
        {
            "action": "approve_closure",
            "label": "销号",
            "reason": "「销号」需要法院确认履行情况：法院尚未确认履行情况；"
            "请先由法院确认履行情况，再销号",
        }
    ]
    assert en["node"]["unavailableActions"] == [
        {
            "action": "approve_closure",
            "label": "销号",
            "reason": "approve_closure needs the court's confirmation of performance: "
            "the court has not confirmed performance",
        }
    ]
    # and transitionTask refuses it with the same words
    refused = _only(await _move(who("demo-coordinator"), task, "approve_closure"))
    assert refused["message"].endswith(zh["node"]["unavailableActions"][0]["reason"])


@pytest.mark.parametrize(
    ("language", "content_language", "message"),
    [
        pytest.param(None, "zh-CN", "/no-such-page 处没有页面或文件", id="zh"),
        pytest.param("en", "en", "nothing is served at /no-such-page", id="en"),
    ],
)
async def test_http_errors_in_the_requests_language(
    http: httpx.AsyncClient, language: str | None, content_language: str, message: str
) -> None:
    headers = {"accept-language": language or ""}
    missing = await http.get("/no-such-page", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-language"] == content_language
    assert missing.json() == {"code": "NOT_FOUND", "message": message}
    unsigned = await http.get("/briefings/1.docx", headers=headers)
    assert unsigned.status_code == 401
    assert unsigned.json()["message"].startswith(
        "请先登录" if language is None else "sign in first"
    )
    large = await http.post(
        "/graphql", content=b"{" + b" " * (2 * 1024 * 1024) + b"}", headers=headers
    )
    assert large.status_code == 413
    (error,) = large.json()["errors"]
    assert error["message"] == (
        "请求内容超过1048576字节"
        if language is None
        else "the request body is larger than 1048576 bytes"
    )
