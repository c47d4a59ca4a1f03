"""Helpers of the input and retry attacks: one live server per module, the demo's IDs,
and a valid input of every mutation.

conftest's ``attack`` starts a server for every test; the input attacks send
dozens of refused requests that write nothing, so they share one server per
module and backend (:func:`module_attack`), each request checked against the
row counts taken just before it. :func:`demo_records` reads, over the API,
the IDs of the demo records the attacks aim at.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from store.identifiers import uscc_of
from tests.conftest import (
    POSTGRES_SKIP,
    _admin_execute,
    drop_database,
    live_server,
    postgres_url,
    with_database,
)
from tests.hardening.conftest import Attack
from workflow.clock import SHANGHAI

MUTATIONS = {
    "createEnforcementCase": "CreateEnforcementCaseInput",
    "recordPerformance": "RecordPerformanceInput",
    "createBankruptcyCase": "CreateBankruptcyCaseInput",
    "addCoordinationMatter": "AddCoordinationMatterInput",
    "createJointMeeting": "CreateJointMeetingInput",
    "recordMeetingDecision": "RecordMeetingDecisionInput",
    "createTask": "CreateTaskInput",
    "transitionTask": "TransitionTaskInput",
    "generateBriefing": "GenerateBriefingInput",
    "updateBriefing": "UpdateBriefingInput",
}


@contextlib.contextmanager
def module_attack(request: pytest.FixtureRequest, directory: Path) -> Iterator[Attack]:
    """``fuyuan serve`` over a fresh copy of the demo on ``request.param``'s backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_demo_template")
        path = directory / "fuyuan.sqlite3"
        shutil.copy(template, path)
        url = f"sqlite://{path}"
        with live_server(url, directory / "server.log") as base:
            yield Attack(base, url, directory / "server.log", "sqlite")
        return
    admin = postgres_url()
    if admin is None:
        pytest.skip(POSTGRES_SKIP)
    pg_template: str = request.getfixturevalue("postgres_demo_template")
    name = f"fuyuan_h_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    url = with_database(admin, name)
    try:
        with live_server(url, directory / "server.log") as base:
            yield Attack(base, url, directory / "server.log", "postgres")
    finally:
        asyncio.run(drop_database(name))


DEMO_RECORDS = """
{
  courts: units(filter: {kind: COURT}, first: 20) { nodes { id code } }
  departments: units(filter: {kind: DEPARTMENT}, first: 3) { nodes { id code } }
  enforcementCases(first: 1, filter: {closed: false}) { nodes { id filedOn respondent { id } } }
  bankruptcyCases(first: 1) { nodes { id } }
  jointMeetings(first: 1) { nodes { id } }
  tasks(first: 1, filter: {state: [DRAFT]}) { nodes { id version } }
}
"""


@dataclass(frozen=True)
class DemoRecords:
    """IDs of demo records, as the API gives them out."""

    court_id: str  # 开封市中级人民法院 (豫02)
    department_ids: tuple[str, ...]
    case_id: str
    case_filed_on: dt.date
    organ_id: str  # the case's respondent
    bankruptcy_id: str
    meeting_id: str
    draft_task_id: str
    draft_task_version: int

    @property
    def today(self) -> dt.date:
        return dt.datetime.now(SHANGHAI).date()

    def case_number(self) -> str:
        """A new 案号 of the intermediate court, this year, not yet registered."""
        return f"（{self.today.year}）豫02执{uuid.uuid4().int % 9_000_000 + 1_000_000}号"

    def bankruptcy_number(self) -> str:
        return f"（{self.today.year}）豫02破{uuid.uuid4().int % 9_000_000 + 1_000_000}号"


def demo_records(attack: Attack) -> DemoRecords:
    token = attack.login("demo-coordinator")
    answer = attack.graphql(DEMO_RECORDS, token=token)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    court = next(u for u in data["courts"]["nodes"] if u["code"] == "KF-ZY")
    case = data["enforcementCases"]["nodes"][0]
    task = data["tasks"]["nodes"][0]
    return DemoRecords(
        court_id=court["id"],
        department_ids=tuple(u["id"] for u in data["departments"]["nodes"]),
        case_id=case["id"],
        case_filed_on=dt.date.fromisoformat(case["filedOn"]),
        organ_id=case["respondent"]["id"],
        bankruptcy_id=data["bankruptcyCases"]["nodes"][0]["id"],
        meeting_id=data["jointMeetings"]["nodes"][0]["id"],
        draft_task_id=task["id"],
        draft_task_version=int(task["version"]),
    )


def _uscc() -> str:
    return uscc_of("91410200MA" + f"{uuid.uuid4().int % 10**6:06d}")


def valid_input(name: str, demo: DemoRecords, briefing_id: str) -> dict[str, Any]:
    """An input ``name`` accepts (each attack breaks one field of it)."""
    today = demo.today
    inputs: dict[str, Callable[[], dict[str, Any]]] = {
        "createEnforcementCase": lambda: {
            "caseNumber": demo.case_number(),
            "courtId": demo.court_id,
            "applicantName": "张伟",
            "applicantKind": "PERSON",
            "respondentId": demo.organ_id,
            "basis": "（2025）豫02民终1号",
            "cause": "买卖合同纠纷",
            "amountDue": "1200000.00",
            # within the year the number carries: a case is not numbered after its filing
            "filedOn": str(max(today - dt.timedelta(days=10), today.replace(month=1, day=1))),
            "source": "PROVINCE_ASSIGNED",
            "batch": "第一批",
        },
        "recordPerformance": lambda: {
            "caseId": demo.case_id,
            "paidOn": str(today),
            "amount": "100.00",
            "method": "TRANSFER",
            "note": "分期履行",
            # the case may be paid in full already (issue 15: an excess is confirmed)
            "confirmExcess": True,
            "reason": "迟延履行利息",
        },
        "createBankruptcyCase": lambda: {
            "caseNumber": demo.bankruptcy_number(),
            "debtorName": "开封市某机械有限公司",
            "debtorUscc": _uscc(),
            "courtId": demo.court_id,
            "administrator": "河南某律师事务所",
            "procedure": "LIQUIDATION",
            "acceptedOn": str(today - dt.timedelta(days=10)),
            "employeesAffected": 12,
            "claimsTotal": "5600000.00",
            "assetsTotal": "2100000.00",
        },
        "addCoordinationMatter": lambda: {
            "bankruptcyCaseId": demo.bankruptcy_id,
            "matterType": "TAX",
            "title": "税务协调",
            "description": "核定欠税",
        },
        "createJointMeeting": lambda: {
            "level": "CITY",
            "number": uuid.uuid4().int % 10**6 + 1000,
            "title": "府院联动联席会议",
            "heldOn": str(today - dt.timedelta(days=1)),
            "convenerId": demo.court_id,
            "attendingUnitIds": list(demo.department_ids),
            "minutesNumber": f"纪要{uuid.uuid4().hex[:8]}",
            "agenda": [{"title": "研究执行案件"}],
        },
        "recordMeetingDecision": lambda: {
            "meetingId": demo.meeting_id,
            "title": "落实会议议定事项",
            "description": "按期报告",
            "responsibleUnitId": demo.department_ids[0],
            "assistingUnitIds": [demo.department_ids[1]],
        },
        "createTask": lambda: {
            "kind": "OTHER",
            "title": "专项督办",
            "description": "第一段\n第二段",
            "responsibleUnitId": demo.department_ids[0],
            "assistingUnitIds": [demo.department_ids[1]],
        },
        "transitionTask": lambda: {
            "taskId": demo.draft_task_id,
            "action": "cancel",
            "expectedVersion": demo.draft_task_version,
            "comment": "重复交办，撤销",
        },
        "generateBriefing": lambda: {
            "periodStart": str(today.replace(day=1)),
            "periodEnd": str(today),
            "title": "开封市府院联动工作通报",
            "scope": {"region": "龙亭区"},
        },
        "updateBriefing": lambda: {"briefingId": briefing_id, "nextSteps": "一、压实责任"},
    }
    return inputs[name]()


def send(target: Attack, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    document = (
        f"mutation ($input: {MUTATIONS[name]}!) "
        f"{{ {name}(input: $input) {{ errors {{ field code message }} }} }}"
    )
    return target.graphql(document, {"input": payload}, token=target.login("demo-coordinator"))
