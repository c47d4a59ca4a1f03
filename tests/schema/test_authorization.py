"""The authorization matrix: every top-level query and mutation × every role × own and
other unit, with the expected outcome in one table.

Outcomes:
    OK                 the call works (a visible record, a created record …)
    HIDDEN             the record is treated as absent: null, not counted, NOT_FOUND
    FORBIDDEN          top-level error: the role may not call it at all
    UNAUTHENTICATED    top-level error: sign in first
    REFUSED            a payload error: the workflow or a rule says no (but the record shows)
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook
from strawberry.relay import to_base64

from store.enums import OPEN_STATES, PaymentMethod
from store.models import (
    Account,
    BankruptcyCase,
    JointMeeting,
    OfficialCalendar,
    PerformanceRecord,
    Task,
    TaskEvent,
    Unit,
)
from tests.schema.conftest import Api, Clients
from tests.store.test_calendars import HOLIDAYS_2027, WORKDAYS_2027
from workflow.calendar import install_calendar
from workflow.clock import SHANGHAI

OK, HIDDEN, FORBIDDEN, UNAUTHENTICATED, REFUSED = (
    "OK",
    "HIDDEN",
    "FORBIDDEN",
    "UNAUTHENTICATED",
    "REFUSED",
)
ROLES = ("coordinator", "court", "unit", "leader", "admin", "anonymous")


@dataclass
class Targets:
    """Records of the viewer's own unit (or court) and of another, chosen from the demo."""

    own_task: Task
    other_task: Task
    unit: Unit


async def _targets(role: str) -> Targets:
    open_states = list(OPEN_STATES - {"DRAFT"})
    if role == "court":
        own = Task.filter(enforcement_case__court__code="KF-ZY", state__in=open_states)
        other = Task.filter(enforcement_case__court__code="KF-GLFY", state__in=open_states).exclude(
            responsible_unit__code="KF-CZJ"
        )
    else:
        own = Task.filter(responsible_unit__code="KF-CZJ", state__in=open_states)
        other = Task.filter(responsible_unit__code="KF-XFQ", state__in=open_states)
    own_task, other_task = await own.order_by("id").first(), await other.order_by("id").first()
    assert own_task is not None
    assert other_task is not None
    return Targets(own_task, other_task, await Unit.get(code="KF-CZJ"))


def _outcome(body: dict[str, Any], payload: str | None, found: Callable[[Any], bool]) -> str:
    """Classify an answer into one of the outcomes above."""
    if body.get("errors"):
        assert "extensions" in body["errors"][0], body
        code = body["errors"][0]["extensions"]["code"]
        assert code in {FORBIDDEN, UNAUTHENTICATED}, body
        return str(code)
    data = body["data"]
    value = data[payload] if payload else data
    if isinstance(value, dict) and value.get("errors"):
        code = value["errors"][0]["code"]
        return HIDDEN if code == "NOT_FOUND" else REFUSED
    return OK if found(value) else HIDDEN


Probe = Callable[[Api, Targets, Task], Awaitable[str]]


async def node(api: Api, t: Targets, task: Task) -> str:
    body = await api("query ($id: ID!) { node(id: $id) { id } }", id=to_base64("Task", task.id))
    return _outcome(body, "node", lambda v: v is not None)


async def nodes(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=[to_base64("Task", task.id)]
    )
    return _outcome(body, "nodes", lambda v: v != [None] and v != [])


async def tasks(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        "query ($q: String) { tasks(filter: {search: $q}) { totalCount } }", q=task.code
    )
    return _outcome(body, "tasks", lambda v: v["totalCount"] == 1)


async def enforcement_cases(api: Api, t: Targets, task: Task) -> str:
    await task.fetch_related("enforcement_case")
    number = task.enforcement_case.case_number if task.enforcement_case else task.code
    body = await api(
        "query ($q: String) { enforcementCases(filter: {search: $q}) { totalCount } }", q=number
    )
    return _outcome(body, "enforcementCases", lambda v: v["totalCount"] == 1)


async def bankruptcy_cases(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ bankruptcyCases { totalCount } }")
    return _outcome(body, "bankruptcyCases", lambda v: v["totalCount"] > 0)


async def joint_meetings(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ jointMeetings { totalCount } }")
    return _outcome(body, "jointMeetings", lambda v: v["totalCount"] > 0)


async def units(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ units { totalCount } }")
    return _outcome(body, "units", lambda v: v["totalCount"] == 53)


async def accounts(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ accounts(first: 100) { totalCount } }")
    everyone = await Account.all().count()
    return _outcome(body, "accounts", lambda v: v["totalCount"] == everyone)


async def viewer(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ viewer { username } }")
    return _outcome(body, "viewer", lambda v: v is not None)


async def workflow(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ workflow(kind: OTHER) { version } }")
    return _outcome(body, "workflow", lambda v: v is not None)


async def official_calendar(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ officialCalendar(year: 2026) { year holidays } }")
    return _outcome(body, "officialCalendar", lambda v: v is not None and v["year"] == 2026)


async def official_calendars(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ officialCalendars { year } }")
    return _outcome(body, "officialCalendars", lambda v: 2026 in [row["year"] for row in v])


async def calendar_notice(api: Api, t: Targets, task: Task) -> str:
    from schema import queries

    # judged on 15 November of the last year known, when the next one is missing
    last = await OfficialCalendar.all().order_by("-year").first()
    assert last is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queries, "local_today", lambda: dt.date(last.year, 11, 15))
        body = await api("{ calendarNotice { missingYear } }")
    return _outcome(body, "calendarNotice", lambda v: v is not None)


async def set_official_calendar(api: Api, t: Targets, task: Task) -> str:
    try:
        body = await api(
            _mutation(
                "setOfficialCalendar", "SetOfficialCalendarInput",
                "officialCalendar { year } errors { code }",
            ),
            input={
                "year": 2027, "source": "test",
                "holidays": [day.isoformat() for day in HOLIDAYS_2027],
                "workdays": [day.isoformat() for day in WORKDAYS_2027],
            },
        )  # fmt: skip
    finally:
        install_calendar(None)  # the entered 2027 stays in this test's database only
    return _outcome(body, "setOfficialCalendar", lambda v: v["officialCalendar"] is not None)


UNIT_SELECTION = "unit { code active } errors { code message }"


async def _spare_unit() -> Unit:
    """A unit no other probe uses, so that changing it disturbs nothing."""
    code = f"T-{uuid.uuid4().hex[:8]}"
    return await Unit.create(code=code, name=f"测试单位{code}", kind="DEPARTMENT")


async def create_unit(api: Api, t: Targets, task: Task) -> str:
    code = f"T-{uuid.uuid4().hex[:8]}"
    body = await api(
        _mutation("createUnit", "CreateUnitInput", UNIT_SELECTION),
        input={"code": code, "name": f"测试法院{code}", "kind": "COURT", "region": "610926",
               "courtCode": f"陕{uuid.uuid4().int % 9000 + 1000}"},
    )  # fmt: skip
    return _outcome(body, "createUnit", lambda v: v["unit"] is not None)


async def update_unit(api: Api, t: Targets, task: Task) -> str:
    unit = await _spare_unit()
    body = await api(
        _mutation("updateUnit", "UpdateUnitInput", UNIT_SELECTION),
        input={"id": to_base64("Unit", unit.id), "region": "市本级"},
    )
    return _outcome(body, "updateUnit", lambda v: v["unit"] is not None)


async def deactivate_unit(api: Api, t: Targets, task: Task) -> str:
    unit = await _spare_unit()
    body = await api(
        _mutation("deactivateUnit", "DeactivateUnitInput", UNIT_SELECTION),
        input={"id": to_base64("Unit", unit.id)},
    )
    return _outcome(
        body, "deactivateUnit", lambda v: v["unit"] == {"code": unit.code, "active": False}
    )


async def login(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        'mutation { login(input: {username: "demo-unit", password: "fuyuan-demo"}) '
        "{ token errors { code } } }"
    )
    return _outcome(body, "login", lambda v: v["token"] is not None)


def _mutation(name: str, input_type: str, selection: str = "errors { code message }") -> str:
    return f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}"


async def create_enforcement_case(api: Api, t: Targets, task: Task) -> str:
    court = await Unit.get(code="KF-ZY")
    body = await api(
        _mutation("createEnforcementCase", "CreateEnforcementCaseInput"),
        input={
            "caseNumber": f"（2026）豫02执{uuid.uuid4().int % 90000 + 10000}号",
            "courtId": to_base64("Unit", court.id),
            "applicantName": "李娜",
            "applicantKind": "PERSON",
            "respondentId": to_base64("Unit", t.unit.id),
            "basis": "（2025）豫02民终12号",
            "cause": "劳动争议",
            "amountDue": "50000.00",
            "filedOn": "2026-05-06",
            "source": "SELF_FOUND",
        },
    )
    return _outcome(body, "createEnforcementCase", lambda v: True)


async def record_performance(api: Api, t: Targets, task: Task) -> str:
    await task.fetch_related("enforcement_case")
    case = task.enforcement_case
    assert case is not None
    body = await api(
        _mutation("recordPerformance", "RecordPerformanceInput"),
        input={"caseId": to_base64("EnforcementCase", case.id), "paidOn": "2026-11-02",
               "amount": "100.00", "method": "TRANSFER"},
    )  # fmt: skip
    return _outcome(body, "recordPerformance", lambda v: True)


async def reverse_performance(api: Api, t: Targets, task: Task) -> str:
    await task.fetch_related("enforcement_case")
    case = task.enforcement_case
    assert case is not None
    # a fresh record of the case to reverse (the probe of each role reverses its own)
    record = await PerformanceRecord.create(
        case=case, paid_on=case.filed_on, amount_fen=100_00, method=PaymentMethod.TRANSFER
    )
    body = await api(
        _mutation("reversePerformance", "ReversePerformanceInput"),
        input={"recordId": to_base64("PerformanceRecord", record.id), "reason": "录入错误"},
    )
    return _outcome(body, "reversePerformance", lambda v: True)


async def create_bankruptcy_case(api: Api, t: Targets, task: Task) -> str:
    court = await Unit.get(code="KF-ZY")
    body = await api(
        _mutation("createBankruptcyCase", "CreateBankruptcyCaseInput"),
        input={"caseNumber": f"（2026）豫02破{uuid.uuid4().int % 9000 + 100}号",
               "debtorName": "开封市某某机械有限公司", "debtorUscc": "91350100M000100Y43",
               "courtId": to_base64("Unit", court.id), "administrator": "河南大宋律师事务所",
               "procedure": "LIQUIDATION", "acceptedOn": "2026-04-01"},
    )  # fmt: skip
    return _outcome(body, "createBankruptcyCase", lambda v: True)


async def add_coordination_matter(api: Api, t: Targets, task: Task) -> str:
    case = await BankruptcyCase.first()
    assert case is not None
    body = await api(
        _mutation("addCoordinationMatter", "AddCoordinationMatterInput"),
        input={"bankruptcyCaseId": to_base64("BankruptcyCase", case.id), "matterType": "TAX"},
    )
    return _outcome(body, "addCoordinationMatter", lambda v: True)


async def create_joint_meeting(api: Api, t: Targets, task: Task) -> str:
    office = await Unit.get(code="KF-LXB")
    body = await api(
        _mutation("createJointMeeting", "CreateJointMeetingInput"),
        input={"level": "CITY", "number": 90 + uuid.uuid4().int % 900, "title": "专题会议",
               "heldOn": "2026-10-10", "convenerId": to_base64("Unit", office.id)},
    )  # fmt: skip
    return _outcome(body, "createJointMeeting", lambda v: True)


async def record_meeting_decision(api: Api, t: Targets, task: Task) -> str:
    meeting = await JointMeeting.first()
    assert meeting is not None
    body = await api(
        _mutation("recordMeetingDecision", "RecordMeetingDecisionInput"),
        input={"meetingId": to_base64("JointMeeting", meeting.id), "title": "落实议定事项",
               "responsibleUnitId": to_base64("Unit", t.unit.id)},
    )  # fmt: skip
    return _outcome(body, "recordMeetingDecision", lambda v: True)


async def create_task(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        _mutation("createTask", "CreateTaskInput"),
        input={
            "kind": "OTHER",
            "title": "其他事项",
            "responsibleUnitId": to_base64("Unit", t.unit.id),
        },
    )
    return _outcome(body, "createTask", lambda v: True)


async def transition_task(api: Api, t: Targets, task: Task) -> str:
    # 督办 (supervise) is the coordinator's: others who can see the task are refused
    body = await api(
        _mutation("transitionTask", "TransitionTaskInput", "task { id } errors { code }"),
        input={"taskId": to_base64("Task", task.id), "action": "supervise",
               "expectedVersion": task.version, "comment": "挂牌督办"},
    )  # fmt: skip
    if not body.get("errors") and body["data"]["transitionTask"]["errors"]:
        code = body["data"]["transitionTask"]["errors"][0]["code"]
        if code == "NOT_FOUND":
            assert body["data"]["transitionTask"]["task"] is None  # nothing leaks
    return _outcome(body, "transitionTask", lambda v: True)


TRANSITION = _mutation(
    "transitionTask",
    "TransitionTaskInput",
    "task { id urgeCount pendingExtensionDueOn } event { action payload } errors { code }",
)


async def _transition(api: Api, task: Task, action: str, **extra: Any) -> str:
    body = await api(
        TRANSITION,
        input={"taskId": to_base64("Task", task.id), "action": action,
               "expectedVersion": task.version, **extra},
    )  # fmt: skip
    if not body.get("errors") and body["data"]["transitionTask"]["errors"]:
        code = body["data"]["transitionTask"]["errors"][0]["code"]
        if code == "NOT_FOUND":
            assert body["data"]["transitionTask"]["task"] is None  # nothing leaks
    return _outcome(body, "transitionTask", lambda v: v["event"]["action"] == action)


async def transition_urge(api: Api, t: Targets, task: Task) -> str:
    # 催办 is the coordinator's
    return await _transition(api, task, "urge", comment="请于三日内报送办理进展")


async def transition_summon(api: Api, t: Targets, task: Task) -> str:
    # 约谈 is the coordinator's
    return await _transition(
        api, task, "summon", comment="约谈分管负责同志", summonedOn="2026-11-20"
    )


async def transition_refuse_extension(api: Api, t: Targets, task: Task) -> str:
    # 不予延期 answers a pending request: one is recorded first (as the unit would)
    from tortoise.transactions import in_transaction

    from store.operations.tasks import append_event

    async with in_transaction() as conn:
        await append_event(
            task, action="request_extension", from_state=task.state, to_state=task.state,
            actor=None, at=dt.datetime.now(dt.UTC), using_db=conn, comment="申请延期",
            payload={"requestedDueOn": "2027-06-30"},
        )  # fmt: skip
    return await _transition(api, task, "refuse_extension", comment="理由不充分")


async def _returned_like(task: Task) -> Task:
    """A task like ``task`` (its unit, kind and subject) that its unit has returned (退回)."""
    from store.enums import Role
    from store.operations.tasks import TaskInput, create_task
    from store.operations.transitions import transition_task as take

    unit_id = task.responsible_unit_id  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    coordinator = await Account.get(username="demo-coordinator")
    liaison = await Account.get_or_none(username=f"probe-unit-{unit_id}")
    if liaison is None:
        liaison = await Account.create(
            username=f"probe-unit-{unit_id}", display_name="改派测试联络员",
            role=Role.UNIT_LIAISON, unit_id=unit_id, password_hash="!test-only",
        )  # fmt: skip
    await task.fetch_related("enforcement_case", "bankruptcy_case", "meeting")
    returned = await create_task(
        TaskInput(
            kind=task.kind, title="改派测试", responsible_unit=unit_id,
            enforcement_case=task.enforcement_case, bankruptcy_case=task.bankruptcy_case,
            meeting=task.meeting, matter_type=task.matter_type,
        ),
        created_by=coordinator,
    )  # fmt: skip
    returned = (await take(returned.id, "assign", coordinator, expected_version=1)).task
    return (
        await take(returned.id, "return", liaison, expected_version=2, comment="不属于本单位职责")
    ).task


async def transition_reassign(api: Api, t: Targets, task: Task) -> str:
    # 改派 to another unit is the coordinator's; the event names both units
    returned = await _returned_like(task)
    unit_id = task.responsible_unit_id  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    other = await Unit.filter(code__in=["KF-CZJ", "KF-XFQ"]).exclude(id=unit_id).first()
    assert other is not None
    return await _transition(
        api, returned, "reassign", comment="改由他单位牵头",
        responsibleUnitId=to_base64("Unit", other.id),
    )  # fmt: skip


async def listing_candidates(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ listingCandidates { workingDaysOverdue supervisionLevel task { code } } }")
    return _outcome(
        body,
        "listingCandidates",
        lambda v: all(c["workingDaysOverdue"] >= 10 and c["supervisionLevel"] != "LISTED"
                      for c in v),
    )  # fmt: skip


async def add_task_dependency(api: Api, t: Targets, task: Task) -> str:
    closed = await Task.filter(state="CLOSED").exclude(id=task.id).first()
    assert closed is not None
    body = await api(
        _mutation("addTaskDependency", "AddTaskDependencyInput"),
        input={"taskId": to_base64("Task", task.id),
               "dependsOnId": to_base64("Task", closed.id)},
    )  # fmt: skip
    return _outcome(body, "addTaskDependency", lambda v: True)


async def _draft_briefing() -> int:
    """A draft briefing on the demo (October 2026), made once and reused until issued."""
    from reports.briefings import generate_briefing
    from store.models import Briefing

    draft = await Briefing.filter(status="DRAFT").order_by("id").first()
    if draft is None:
        draft = await generate_briefing(
            period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31)
        )
    # written (a generateBriefing probe's draft too), so that it can be issued (issue 18)
    await Briefing.filter(id=draft.id).update(next_steps="一是压实责任。")
    return draft.id


async def briefings(api: Api, t: Targets, task: Task) -> str:
    await _draft_briefing()
    body = await api("{ briefings { totalCount } }")
    return _outcome(body, "briefings", lambda v: v["totalCount"] > 0)


async def generate_briefing(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        _mutation("generateBriefing", "GenerateBriefingInput", "briefing { id } errors { code }"),
        input={"periodStart": "2026-10-01", "periodEnd": "2026-10-31"},
    )
    return _outcome(body, "generateBriefing", lambda v: v["briefing"] is not None)


async def update_briefing(api: Api, t: Targets, task: Task) -> str:
    briefing_id = await _draft_briefing()
    body = await api(
        _mutation("updateBriefing", "UpdateBriefingInput", "briefing { id } errors { code }"),
        input={"briefingId": to_base64("Briefing", briefing_id), "nextSteps": "一是压实责任。"},
    )
    return _outcome(body, "updateBriefing", lambda v: v["briefing"] is not None)


async def issue_briefing(api: Api, t: Targets, task: Task) -> str:
    briefing_id = await _draft_briefing()
    body = await api(
        _mutation("issueBriefing", "IssueBriefingInput", "briefing { serial } errors { code }"),
        input={"briefingId": to_base64("Briefing", briefing_id)},
    )
    return _outcome(body, "issueBriefing", lambda v: v["briefing"]["serial"] is not None)


async def delete_briefing(api: Api, t: Targets, task: Task) -> str:
    briefing_id = await _draft_briefing()
    body = await api(
        _mutation("deleteBriefing", "DeleteBriefingInput", "deletedBriefingId errors { code }"),
        input={"briefingId": to_base64("Briefing", briefing_id)},
    )
    return _outcome(body, "deleteBriefing", lambda v: v["deletedBriefingId"] is not None)


async def _throwaway_account() -> Account:
    from store.operations.units import create_account

    return await create_account(
        username=f"probe-{uuid.uuid4().hex[:8]}",
        password="probe-password-1",
        role="UNIT_LIAISON",
        unit="KF-CZJ",
    )


async def create_account(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        _mutation("createAccount", "CreateAccountInput", "account { id } errors { code }"),
        input={"username": f"new-{uuid.uuid4().hex[:8]}", "password": "a-long-password",
               "role": "UNIT_LIAISON", "unitId": to_base64("Unit", t.unit.id)},
    )  # fmt: skip
    return _outcome(body, "createAccount", lambda v: v["account"] is not None)


async def reset_password(api: Api, t: Targets, task: Task) -> str:
    account = await _throwaway_account()
    body = await api(
        _mutation("resetPassword", "ResetPasswordInput", "account { id } errors { code }"),
        input={"accountId": to_base64("Account", account.id), "password": "another-password"},
    )
    return _outcome(body, "resetPassword", lambda v: v["account"] is not None)


async def deactivate_account(api: Api, t: Targets, task: Task) -> str:
    account = await _throwaway_account()
    body = await api(
        _mutation(
            "deactivateAccount", "DeactivateAccountInput", "account { active } errors { code }"
        ),
        input={"accountId": to_base64("Account", account.id)},
    )
    return _outcome(body, "deactivateAccount", lambda v: v["account"]["active"] is False)


async def inbox(api: Api, t: Targets, task: Task) -> str:
    body = await api("{ inbox { total sections { kind count } } }")
    return _outcome(body, "inbox", lambda v: v is not None)


PROGRESS = """
query ($scope: ProgressScope) { progress(scope: $scope) { total } }
"""


async def export_ledger(api: Api, t: Targets, task: Task) -> str:
    # shown: the task ledger the URL downloads, searched for the task's code, holds it
    body = await api(
        _mutation("exportLedger", "ExportLedgerInput", "url errors { code }"),
        input={"kind": "TASKS", "filter": {"tasks": {"search": task.code}}},
    )
    if body.get("errors"):
        return _outcome(body, "exportLedger", lambda v: True)
    url = body["data"]["exportLedger"]["url"]
    download = await api.http.get(url, headers={"authorization": f"Bearer {api.token}"})
    assert download.status_code == 200, download.text
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    codes = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    return OK if task.code in codes else HIDDEN


async def import_ledger(api: Api, t: Targets, task: Task) -> str:
    # a dry run of a 清单 of one case of the task's unit's (nothing is stored)
    from tests.schema.test_ledger_import import case_row, cases_file

    body = await api.upload(
        _mutation("importLedger", "ImportLedgerInput", "problemCount errors { code }"),
        cases_file(case_row(95000 + task.id, respondent=t.unit.code)),
        input={"kind": "CASES", "dryRun": True},
    )
    return _outcome(body, "importLedger", lambda v: v["problemCount"] == 0)


async def progress(api: Api, t: Targets, task: Task) -> str:
    # counted: the figures as of the task's creation hold one more task than a
    # microsecond before (scoped to its unit, kind and day, so that's the task)
    created = await TaskEvent.get(task_id=task.id, seq=1)
    day = created.occurred_at.astimezone(SHANGHAI).date().isoformat()
    unit_id = task.responsible_unit_id  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    scope = {
        "from": day,
        "to": day,
        "kind": task.kind.value,
        "unitIds": [to_base64("Unit", unit_id)],
    }
    before = created.occurred_at - dt.timedelta(microseconds=1)
    bodies = [
        await api(PROGRESS, scope={**scope, "asOf": moment.isoformat()})
        for moment in (created.occurred_at, before)
    ]
    if bodies[0].get("errors"):
        return _outcome(bodies[0], "progress", lambda v: True)
    totals = [body["data"]["progress"]["total"] for body in bodies]
    return OK if totals[0] - totals[1] == 1 else HIDDEN


_HTTP_OUTCOMES = {200: OK, 201: OK, 404: HIDDEN, 403: FORBIDDEN, 401: UNAUTHENTICATED}


async def _signed_in(api: Api) -> dict[str, str]:
    if api.username is not None:
        await api("{ viewer { id } }")  # signs in on first use
    return api.headers()


async def upload_file(api: Api, t: Targets, task: Task) -> str:
    from tests.files_fixtures import TINY_PDF

    answer = await api.http.post(
        "/files", files={"file": ("收据.pdf", TINY_PDF, "application/pdf")},
        headers=await _signed_in(api),
    )  # fmt: skip
    return _HTTP_OUTCOMES[answer.status_code]


async def download_file(api: Api, t: Targets, task: Task) -> str:
    """A file attached to the task (its event's evidence): as visible as the task."""
    import hashlib

    from api.files import file_url
    from store.models import StoredFile
    from tests.files_fixtures import TINY_JPEG

    data = TINY_JPEG + task.code.encode()
    blobs = api.http._transport.app.state.blobs  # type: ignore[attr-defined]  # the ASGI app

    async def chunks() -> Any:
        yield data

    await blobs.put_stream(chunks())
    event = await TaskEvent.filter(task_id=task.id).order_by("-seq").first()
    assert event is not None
    stored = await StoredFile.create(
        name="结案通知书.jpg", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        content_type="image/jpeg", uploaded_by=await Account.get(username="demo-coordinator"),
        uploaded_at=dt.datetime.now(dt.UTC), task_id=task.id, event_id=event.id,
    )  # fmt: skip
    answer = await api.http.get(file_url(stored.id), headers=await _signed_in(api))
    if answer.status_code == 200:
        assert answer.content == data
    return _HTTP_OUTCOMES[answer.status_code]


async def mark_notifications_read(api: Api, t: Targets, task: Task) -> str:
    # everyone signed in has a bell of its own (issue 20)
    body = await api(
        _mutation("markNotificationsRead", "MarkNotificationsReadInput", "marked errors { code }"),
        input={"all": True},
    )
    return _outcome(body, "markNotificationsRead", lambda v: v["marked"] is not None)


async def set_notification_preferences(api: Api, t: Targets, task: Task) -> str:
    # one's own reminders (accountId left out) for its own task; another account's for
    # the other: the administrator's to choose
    chosen: dict[str, Any] = {"mode": "DIGEST"}
    if task.id == t.other_task.id:
        chosen["accountId"] = to_base64("Account", (await _throwaway_account()).id)
    body = await api(
        _mutation(
            "setNotificationPreferences",
            "SetNotificationPreferencesInput",
            "account { notifyMode } errors { code }",
        ),
        input=chosen,
    )
    return _outcome(body, "setNotificationPreferences", lambda v: v["account"] is not None)


async def _dead_delivery() -> int:
    import uuid

    from store.models import Delivery, Notification

    notification = await Notification.all().order_by("id").first()
    assert notification is not None, "the demo's 交办 wrote notifications"
    row = await Delivery.create(
        notification=notification, channel="EMAIL", target="x@kaifeng.gov.cn",
        delivery_id=uuid.uuid4(), state="DEAD", attempts=8, last_error="550",
        next_attempt_at=notification.created_at, created_at=notification.created_at,
    )  # fmt: skip
    return int(row.id)


async def dead_deliveries(api: Api, t: Targets, task: Task) -> str:
    await _dead_delivery()
    body = await api("{ deadDeliveries { totalCount } }")
    return _outcome(body, "deadDeliveries", lambda v: v["totalCount"] > 0)


async def resend_delivery(api: Api, t: Targets, task: Task) -> str:
    body = await api(
        _mutation("resendDelivery", "ResendDeliveryInput", "delivery { state } errors { code }"),
        input={"deliveryId": to_base64("Delivery", await _dead_delivery())},
    )
    return _outcome(body, "resendDelivery", lambda v: v["delivery"]["state"] == "PENDING")


A, U, F = OK, UNAUTHENTICATED, FORBIDDEN
# probe: {role: (outcome on the own unit's record, outcome on the other unit's record)}
MATRIX: dict[Probe, dict[str, tuple[str, str]]] = {
    node: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
           "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    nodes: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
            "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    tasks: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
            "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    enforcement_cases: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
                        "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    # 财政局 owns no coordination matter in the demo, so it sees no bankruptcy case
    bankruptcy_cases: {"coordinator": (A, A), "court": (A, A), "unit": (HIDDEN, HIDDEN),
                       "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    joint_meetings: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
                     "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    units: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
            "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    accounts: {"coordinator": (A, A), "court": (HIDDEN, HIDDEN), "unit": (HIDDEN, HIDDEN),
               "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    viewer: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
             "leader": (A, A), "admin": (A, A), "anonymous": (HIDDEN, HIDDEN)},
    progress: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
               "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    workflow: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
               "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    login: dict.fromkeys(ROLES, (A, A)),
    create_enforcement_case: {"coordinator": (A, A), "court": (A, A), "unit": (F, F),
                              "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    record_performance: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (F, F),
                         "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    # 冲正 as recording: the court liaison of the case's court or a coordinator (issue 15)
    reverse_performance: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (F, F),
                          "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    create_bankruptcy_case: {"coordinator": (A, A), "court": (A, A), "unit": (F, F),
                             "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    add_coordination_matter: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                              "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    create_joint_meeting: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                           "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    record_meeting_decision: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                              "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    create_task: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                  "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    transition_task: {"coordinator": (A, A), "court": (REFUSED, HIDDEN),
                      "unit": (REFUSED, HIDDEN), "leader": (F, F), "admin": (F, F),
                      "anonymous": (U, U)},
    # 催办, 约谈, 不予延期 and 改派 are the office's (issue 15); others who see the task
    # are refused by the workflow, the leader reads only
    transition_urge: {"coordinator": (A, A), "court": (REFUSED, HIDDEN),
                      "unit": (REFUSED, HIDDEN), "leader": (F, F), "admin": (F, F),
                      "anonymous": (U, U)},
    transition_summon: {"coordinator": (A, A), "court": (REFUSED, HIDDEN),
                        "unit": (REFUSED, HIDDEN), "leader": (F, F), "admin": (F, F),
                        "anonymous": (U, U)},
    transition_refuse_extension: {"coordinator": (A, A), "court": (REFUSED, HIDDEN),
                                  "unit": (REFUSED, HIDDEN), "leader": (F, F),
                                  "admin": (F, F), "anonymous": (U, U)},
    transition_reassign: {"coordinator": (A, A), "court": (REFUSED, HIDDEN),
                          "unit": (REFUSED, HIDDEN), "leader": (F, F), "admin": (F, F),
                          "anonymous": (U, U)},
    # 挂牌 is a leadership decision: the candidates are the office's and the leaders'
    listing_candidates: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                         "leader": (A, A), "admin": (F, F), "anonymous": (U, U)},
    add_task_dependency: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                          "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    # briefings name every unit's figures: coordinators and leaders only (docs/access.md)
    briefings: {"coordinator": (A, A), "court": (HIDDEN, HIDDEN), "unit": (HIDDEN, HIDDEN),
                "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    generate_briefing: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                        "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    update_briefing: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                      "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    issue_briefing: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                     "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    delete_briefing: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                      "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    # a ledger holds what the list shows (docs/operations.md, Ledgers)
    export_ledger: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
                    "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    # 清单式交办 is the office's; administrators load lists too (docs/access.md)
    import_ledger: {"coordinator": (A, A), "court": (F, F), "unit": (F, F),
                    "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    # the calendar is everyone's to read, the administrator's to enter (issue 14)
    official_calendar: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
                        "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    official_calendars: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
                         "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    # the missing year is told to those who can act on it (the dashboard's banner)
    calendar_notice: {"coordinator": (A, A), "court": (HIDDEN, HIDDEN),
                      "unit": (HIDDEN, HIDDEN), "leader": (HIDDEN, HIDDEN), "admin": (A, A),
                      "anonymous": (U, U)},
    set_official_calendar: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                            "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    # the outbox is the administrator's; each bell its owner's (issue 20)
    mark_notifications_read: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
                              "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    set_notification_preferences: {"coordinator": (A, F), "court": (A, F), "unit": (A, F),
                                   "leader": (A, F), "admin": (A, A), "anonymous": (U, U)},
    dead_deliveries: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                      "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    resend_delivery: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                      "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    # units are the administrator's to keep (issue 15)
    create_unit: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                  "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    update_unit: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                  "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    deactivate_unit: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                      "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    # what waits on you: everyone signed in has one, within what it may see
    inbox: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
             "leader": (A, A), "admin": (A, A), "anonymous": (U, U)},
    # evidence files (issue 19): uploaded by the roles that write; read with their record
    upload_file: {"coordinator": (A, A), "court": (A, A), "unit": (A, A),
                  "leader": (F, F), "admin": (F, F), "anonymous": (U, U)},
    download_file: {"coordinator": (A, A), "court": (A, HIDDEN), "unit": (A, HIDDEN),
                    "leader": (A, A), "admin": (HIDDEN, HIDDEN), "anonymous": (U, U)},
    # accounts are the administrator's to keep (issue 18: the dashboard's 账号管理)
    create_account: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                     "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    reset_password: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                     "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
    deactivate_account: {"coordinator": (F, F), "court": (F, F), "unit": (F, F),
                         "leader": (F, F), "admin": (A, A), "anonymous": (U, U)},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
async def test_authorization_matrix(api: Clients, role: str) -> None:
    """Every probe as ``role`` on its own unit's record and another's, against MATRIX."""
    client: Api = getattr(api, role)
    targets = await _targets(role)
    differences = []
    for probe, expected_by_role in MATRIX.items():
        own_expected, other_expected = expected_by_role[role]
        own = await probe(client, targets, await Task.get(id=targets.own_task.id))
        other = await probe(client, targets, await Task.get(id=targets.other_task.id))
        if (own, other) != (own_expected, other_expected):
            differences.append(
                f"{probe.__name__}: got {(own, other)}, expected {(own_expected, other_expected)}"
            )
    assert not differences, "\n".join(differences)


def test_the_matrix_covers_every_top_level_field() -> None:
    from schema.schema import schema

    graphql = schema._schema
    assert graphql.query_type is not None
    assert graphql.mutation_type is not None
    fields = set(graphql.query_type.fields) | set(graphql.mutation_type.fields)
    covered = {probe.__name__.replace("_", "") for probe in MATRIX}
    missing = {name for name in fields if name.lower() not in covered}
    assert not missing, missing
