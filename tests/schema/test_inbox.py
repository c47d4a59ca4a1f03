"""Query.inbox (待办) over HTTP on the demo: the sections of each role, tasks that leave
a section once their unit acts, and nothing from another unit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.conftest import Api, Clients, StatementCounter
from tests.store.test_calendars import HOLIDAYS_2027, WORKDAYS_2027
from workflow.calendar import install_calendar

INBOX = """
{ inbox { total sections { kind label count tasks { id code state responsibleUnit { name } } } } }
"""
TASKS = """
query ($filter: TaskFilter) { tasks(filter: $filter, first: 100) {
  totalCount nodes { id code state version dueOn responsibleUnit { name } } } }
"""
SET_CALENDAR = """
mutation ($input: SetOfficialCalendarInput!) {
  setOfficialCalendar(input: $input) { officialCalendar { year } errors { message } }
}
"""
ACT = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) { task { state version } errors { code message } }
}
"""


async def _inbox(client: Api) -> dict[str, dict[str, Any]]:
    data = await client.data(INBOX)
    return {section["kind"]: section for section in data["inbox"]["sections"]}


async def _act(client: Api, task: dict[str, Any], action: str, **extra: Any) -> dict[str, Any]:
    data = await client.data(
        ACT,
        input={"taskId": task["id"], "action": action, "expectedVersion": task["version"], **extra},
    )
    payload: dict[str, Any] = data["transitionTask"]
    assert payload["errors"] == [], payload
    return payload


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        pytest.param("unit", ["TO_ACCEPT", "REJECTED", "SUPERVISED", "EXTENSION_ANSWERED",
                              "DUE_SOON", "OVERDUE"], id="unit-liaison"),
        pytest.param("coordinator", ["CLOSURE_TO_REVIEW", "EXTENSION_TO_DECIDE", "OVERDUE",
                                     "LISTING_CANDIDATE"], id="coordinator"),
        pytest.param("leader", ["OVERDUE"], id="leader"),
        pytest.param("admin", [], id="administrator"),
    ],
)  # fmt: skip
async def test_each_role_has_its_sections(api: Clients, role: str, kinds: list[str]) -> None:
    sections = await _inbox(getattr(api, role))
    assert list(sections) == kinds
    for section in sections.values():
        assert section["count"] >= len(section["tasks"])


async def test_a_unit_liaison_sees_its_own_tasks_to_accept_and_they_leave_once_accepted(
    api: Clients,
) -> None:
    sections = await _inbox(api.unit)
    waiting = sections["TO_ACCEPT"]["tasks"]
    assigned = (await api.unit.data(TASKS, filter={"state": ["ASSIGNED"]}))["tasks"]["nodes"]
    own = [t for t in assigned if t["responsibleUnit"]["name"] == "开封市财政局"]
    assert {t["code"] for t in waiting} == {t["code"] for t in own}
    assert waiting, "the demo gives 财政局 a task to accept"
    assert {t["responsibleUnit"]["name"] for section in sections.values()
            for t in section["tasks"]} == {"开封市财政局"}  # fmt: skip
    # when: it accepts one
    await _act(api.unit, own[0], "accept")
    # then: it left 待签收
    after = await _inbox(api.unit)
    assert own[0]["code"] not in {t["code"] for t in after["TO_ACCEPT"]["tasks"]}
    assert after["TO_ACCEPT"]["count"] == sections["TO_ACCEPT"]["count"] - 1


@pytest.fixture
async def calendar_2027(api: Clients) -> Any:
    """2027 entered (a rejection restarts a clock that may run into it), for this test only."""
    entered = await api.admin.data(SET_CALENDAR, input={
        "year": 2027, "source": "test",
        "holidays": [day.isoformat() for day in HOLIDAYS_2027],
        "workdays": [day.isoformat() for day in WORKDAYS_2027]})  # fmt: skip
    assert entered["setOfficialCalendar"]["errors"] == []
    yield
    install_calendar(None)


@pytest.mark.usefixtures("calendar_2027")
async def test_a_rejected_closure_waits_on_the_unit_until_it_acts(api: Clients) -> None:
    # given: a closure request of the unit's, rejected by the office
    requested = await api.coordinator.data(TASKS, filter={"state": ["CLOSURE_REQUESTED"]})
    tasks = requested["tasks"]["nodes"]
    coordinator_before = (await _inbox(api.coordinator))["CLOSURE_TO_REVIEW"]["count"]
    rejected = None
    for task in (t for t in tasks if t["responsibleUnit"]["name"] == "开封市财政局"):
        data = await api.coordinator.data(ACT, input={
            "taskId": task["id"], "action": "reject_closure", "expectedVersion": task["version"],
            "comment": "证明材料不全"})  # fmt: skip
        if data["transitionTask"]["errors"] == []:
            rejected = data["transitionTask"]
            break
    assert rejected is not None, "the demo gives 财政局 a closure request to reject"
    # then: the unit has it under 被驳回, the office no longer under 待审核销号
    assert task["code"] in {t["code"] for t in (await _inbox(api.unit))["REJECTED"]["tasks"]}
    assert (await _inbox(api.coordinator))["CLOSURE_TO_REVIEW"]["count"] == coordinator_before - 1
    # when: the unit reports progress, it is no longer waiting
    await _act(api.unit, {**task, "version": rejected["task"]["version"]}, "report",
               comment="已补充证明材料")  # fmt: skip
    assert task["code"] not in {t["code"] for t in (await _inbox(api.unit))["REJECTED"]["tasks"]}


async def test_the_coordinators_review_count_is_the_list_of_closure_requests(
    api: Clients,
) -> None:
    sections = await _inbox(api.coordinator)
    listed = await api.coordinator.data(TASKS, filter={"state": ["CLOSURE_REQUESTED"]})
    overdue = await api.coordinator.data(TASKS, filter={"overdue": True})
    assert sections["CLOSURE_TO_REVIEW"]["count"] == listed["tasks"]["totalCount"]
    assert sections["OVERDUE"]["count"] == overdue["tasks"]["totalCount"]
    assert sections["OVERDUE"]["label"] == "已超期"


async def test_the_default_task_list_puts_open_work_first(api: Clients) -> None:
    data = await api.coordinator.data(TASKS)
    states = [t["state"] for t in data["tasks"]["nodes"]]
    finished = [i for i, state in enumerate(states) if state in ("CLOSED", "CANCELLED")]
    assert finished, "the demo has finished tasks"
    assert all(state not in ("CLOSED", "CANCELLED") for state in states[: finished[0]])
    assert all(state in ("CLOSED", "CANCELLED") for state in states[finished[0] :])


CANDIDATES = "{ listingCandidates { workingDaysOverdue task { id code version } } }"


async def test_the_coordinator_has_the_candidates_for_listing_as_the_sweep_names_them(
    api: Clients,
) -> None:
    # given: the candidates for 挂牌督办 as Query.listingCandidates (the sweep's rule) names them
    candidates = (await api.coordinator.data(CANDIDATES))["listingCandidates"]
    assert candidates, "the demo has tasks overdue by 10 working days and more"
    # then: the coordinator's inbox has them all, counted, under 挂牌候选
    section = (await _inbox(api.coordinator))["LISTING_CANDIDATE"]
    assert section["label"] == "挂牌候选"
    assert section["count"] == len(candidates)
    assert {t["code"] for t in section["tasks"]} <= {c["task"]["code"] for c in candidates}
    assert len(section["tasks"]) == min(len(candidates), 20)
    # when: the coordinator lists one 挂牌 (督办 with a comment)
    task = candidates[0]["task"]
    listed = await _act(api.coordinator, task, "supervise", comment="挂牌督办，限期办结")
    assert listed["task"]["version"] == task["version"] + 1
    # then: it is no longer a candidate
    after = (await _inbox(api.coordinator))["LISTING_CANDIDATE"]
    assert after["count"] == len(candidates) - 1
    assert task["code"] not in {t["code"] for t in after["tasks"]}


async def test_the_header_total_counts_the_candidates_once(api: Clients) -> None:
    data = (await api.coordinator.data(INBOX))["inbox"]
    codes = {t["code"] for s in data["sections"] for t in s["tasks"]}
    largest = max(s["count"] for s in data["sections"])
    assert largest <= data["total"] <= sum(s["count"] for s in data["sections"])
    assert codes, "the demo gives the coordinator work"


@pytest.mark.parametrize("role", [pytest.param("unit", id="unit-liaison"),
                                  pytest.param("coordinator", id="coordinator")])  # fmt: skip
async def test_the_newest_events_of_every_section_are_read_in_one_query(
    api: Clients, statements: StatementCounter, role: str
) -> None:
    client: Api = getattr(api, role)
    await client.data("{ viewer { username } }")  # signed in before counting
    statements.statements.clear()
    await client.data(INBOX)
    newest = [sql for sql in statements.statements if "MAX(s.seq)" in sql]
    assert len(newest) == 1, newest
