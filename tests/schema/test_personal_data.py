"""Personal data: names of natural persons and phone numbers, masked where not needed."""

from __future__ import annotations

from strawberry.relay import to_base64

from store.enums import PartyKind
from store.models import Account, EnforcementCase, TaskEvent
from tests.schema.conftest import Api, Clients

CASE = """
query ($id: ID!) { node(id: $id) { ... on EnforcementCase { applicantName applicantKind } } }
"""
EVENT_ACTOR = """
query ($id: ID!) {
  node(id: $id) { ... on Task { events(first: 50) { nodes { actor { username phone } } } } }
}
"""


async def _person_case(respondent: str) -> EnforcementCase:
    case = await EnforcementCase.filter(
        applicant_kind=PartyKind.PERSON, respondent__code=respondent
    ).first()
    assert case is not None, f"the demo has a natural-person applicant against {respondent}"
    return case


async def _name_as(client: Api, case: EnforcementCase) -> str | None:
    data = await client.data(CASE, id=to_base64("EnforcementCase", case.id))
    return None if data["node"] is None else str(data["node"]["applicantName"])


async def test_applicant_names_are_masked_for_units_and_leaders(api: Clients) -> None:
    case = await _person_case("KF-CZJ")
    full = case.applicant_name
    assert len(full) >= 2
    # the joint-meeting office sees the name
    assert await _name_as(api.coordinator, case) == full
    # the organ itself and the leader see only the surname
    assert await _name_as(api.unit, case) == full[0] + "**"
    assert await _name_as(api.leader, case) == full[0] + "**"


async def test_the_court_sees_names_in_its_own_cases(api: Clients) -> None:
    case = await EnforcementCase.filter(
        applicant_kind=PartyKind.PERSON, court__code="KF-ZY"
    ).first()
    assert case is not None
    assert await _name_as(api.court, case) == case.applicant_name


async def test_a_masked_name_cannot_be_found_by_searching_for_it(api: Clients) -> None:
    case = await _person_case("KF-CZJ")
    query = "query ($q: String) { enforcementCases(filter: {search: $q}) { totalCount } }"
    as_unit = await api.unit.data(query, q=case.applicant_name)
    as_office = await api.coordinator.data(query, q=case.applicant_name)
    assert as_unit["enforcementCases"]["totalCount"] == 0
    assert as_office["enforcementCases"]["totalCount"] >= 1


async def test_phone_numbers_are_masked_except_your_own(api: Clients) -> None:
    # a unit liaison sees its own phone in full
    me = await api.unit.data("{ viewer { phone } }")
    mine = await Account.get(username="demo-unit")
    assert me["viewer"]["phone"] == mine.phone
    # and the coordinator's, as the actor of an event on its task, masked
    event = await TaskEvent.filter(
        task__responsible_unit__code="KF-CZJ", actor__username="demo-coordinator"
    ).first()
    assert event is not None
    task_id = to_base64("Task", event.task_id)  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    coordinator = await Account.get(username="demo-coordinator")
    assert coordinator.phone is not None
    phones_seen_by_unit = {
        node["actor"]["phone"]
        for node in (await api.unit.data(EVENT_ACTOR, id=task_id))["node"]["events"]["nodes"]
        if node["actor"] and node["actor"]["username"] == "demo-coordinator"
    }
    assert phones_seen_by_unit == {coordinator.phone[:3] + "****" + coordinator.phone[-4:]}
    # while the coordinator sees it in full
    phones_seen_by_office = {
        node["actor"]["phone"]
        for node in (await api.coordinator.data(EVENT_ACTOR, id=task_id))["node"]["events"]["nodes"]
        if node["actor"] and node["actor"]["username"] == "demo-coordinator"
    }
    assert phones_seen_by_office == {coordinator.phone}
