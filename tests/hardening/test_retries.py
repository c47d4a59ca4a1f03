"""Retries are safe: a creating mutation sent twice with its idempotency key creates once.

Before issue 12 ``recordPerformance`` (and every other creating mutation) had
no key: a client retrying after a lost answer recorded the payment twice.
Now each takes ``idempotencyKey`` with transitionTask's semantics — the same
key and request return the first result and write nothing; the key with
another request is DUPLICATE — and keys are per account. Reusing another
unit's transition key no longer names that unit's task and action.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import BACKENDS
from tests.hardening.conftest import Attack
from tests.hardening.demo_records import (
    MUTATIONS,
    DemoRecords,
    demo_records,
    module_attack,
    valid_input,
)

#: What each creating mutation answers with, and which input field a
#: "different request" changes.
CREATED = {
    "recordPerformance": ("performanceRecord", "amount", "200.00"),
    "createEnforcementCase": ("enforcementCase", "applicantName", "李娜"),
    "createBankruptcyCase": ("bankruptcyCase", "administrator", "另一家律师事务所"),
    "addCoordinationMatter": ("task", "title", "另一项协调"),
    "createJointMeeting": ("jointMeeting", "title", "另一次会议"),
    "recordMeetingDecision": ("task", "title", "另一项议定事项"),
    "createTask": ("task", "title", "另一项督办"),
    "generateBriefing": ("briefing", "title", "另一期通报"),
}


@pytest.fixture(scope="module", params=BACKENDS)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Attack]:
    with module_attack(request, tmp_path_factory.mktemp("retries")) as attack:
        yield attack


@pytest.fixture(scope="module")
def demo(target: Attack) -> DemoRecords:
    return demo_records(target)


def create(
    target: Attack, name: str, payload: dict[str, Any], *, username: str = "demo-coordinator"
) -> dict[str, Any]:
    """Send a creating mutation; its payload (the record's id and the errors)."""
    record = CREATED[name][0]
    document = (
        f"mutation ($input: {MUTATIONS[name]}!) {{ {name}(input: $input) "
        f"{{ {record} {{ id }} errors {{ field code message }} }} }}"
    )
    answer = target.graphql(document, {"input": payload}, token=target.login(username))
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][name]
    return result


def _changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {table: after[table] - before[table] for table in after if after[table] != before[table]}


@pytest.mark.parametrize("name", list(CREATED))
def test_a_retry_with_the_same_key_returns_the_first_record_and_writes_nothing(
    target: Attack, demo: DemoRecords, name: str
) -> None:
    # given a request sent once with a key, whose answer the client never saw
    payload = {**valid_input(name, demo, ""), "idempotencyKey": str(uuid.uuid4())}
    target.login("demo-coordinator")
    start = target.row_counts()
    first = create(target, name, payload)
    assert first["errors"] == [], first
    once = target.row_counts()
    # when the client sends it again, with the same key
    again = create(target, name, payload)
    # then it gets the first record back and nothing more is written
    assert again == first
    assert target.row_counts() == once
    # and the first request wrote its record and one key
    changed = _changed(start, once)
    assert changed["idempotency_key"] == 1
    assert "Traceback" not in target.log()


@pytest.mark.parametrize("name", list(CREATED))
def test_the_key_of_one_request_is_refused_for_another(
    target: Attack, demo: DemoRecords, name: str
) -> None:
    # given a key that created a record
    _, field, other = CREATED[name]
    key = str(uuid.uuid4())
    payload = {**valid_input(name, demo, ""), "idempotencyKey": key}
    assert create(target, name, payload)["errors"] == []
    before = target.row_counts()
    # when a different request comes with the same key
    changed = {**payload, field: other}
    answer = create(target, name, changed)
    # then it is refused as DUPLICATE on the key, saying only that, and writes nothing
    (error,) = answer["errors"]
    assert (error["code"], error["field"]) == ("DUPLICATE", ["input", "idempotencyKey"])
    assert error["message"] == (
        f"idempotencyKey {key!r} was already used for another request; "
        "send a new key with every new request"
    )
    assert answer[CREATED[name][0]] is None
    assert target.row_counts() == before


def test_a_key_of_one_mutation_is_refused_for_another_mutation(
    target: Attack, demo: DemoRecords
) -> None:
    key = str(uuid.uuid4())
    task = {**valid_input("createTask", demo, ""), "idempotencyKey": key}
    assert create(target, "createTask", task)["errors"] == []
    before = target.row_counts()
    payment = {**valid_input("recordPerformance", demo, ""), "idempotencyKey": key}
    (error,) = create(target, "recordPerformance", payment)["errors"]
    assert error["code"] == "DUPLICATE"
    assert target.row_counts() == before


def test_keys_are_per_account(target: Attack, demo: DemoRecords) -> None:
    # given a payment recorded by the coordinator with a key
    key = str(uuid.uuid4())
    payload = {**valid_input("recordPerformance", demo, ""), "idempotencyKey": key}
    first = create(target, "recordPerformance", payload)
    assert first["errors"] == []
    # when the court's liaison happens to pick the same key for its own payment
    target.login("demo-court")
    court_case = target.graphql(
        "{ enforcementCases(first: 1) { nodes { id } } }", token=target.login("demo-court")
    )["data"]["enforcementCases"]["nodes"][0]["id"]
    theirs = {**payload, "caseId": court_case}
    second = create(target, "recordPerformance", theirs, username="demo-court")
    # then it is the court's own request: recorded, not refused, not the coordinator's record
    assert second["errors"] == []
    assert second["performanceRecord"]["id"] != first["performanceRecord"]["id"]


def test_simultaneous_copies_of_one_request_create_one_record(
    target: Attack, demo: DemoRecords
) -> None:
    # given one payment, sent eight times at once with the same key (a client's
    # retries racing each other, perhaps to different workers)
    payload = {**valid_input("recordPerformance", demo, ""), "idempotencyKey": str(uuid.uuid4())}
    target.login("demo-coordinator")
    before = target.row_counts()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: create(target, "recordPerformance", payload), range(8)))
    # then every copy answers with the same one record, and one was written
    assert all(answer["errors"] == [] for answer in answers), answers
    assert len({answer["performanceRecord"]["id"] for answer in answers}) == 1
    assert _changed(before, target.row_counts()) == {"idempotency_key": 1, "performance_record": 1}
    assert "Traceback" not in target.log()


def test_a_retried_payment_is_counted_once_in_the_amount_performed(
    target: Attack, demo: DemoRecords
) -> None:
    token = target.login("demo-coordinator")
    read = "query ($id: ID!) { node(id: $id) { ... on EnforcementCase { amountPerformed } } }"
    performed = target.graphql(read, {"id": demo.case_id}, token=token)["data"]["node"]
    payload = {
        **valid_input("recordPerformance", demo, ""),
        "amount": "1000.00",
        "idempotencyKey": str(uuid.uuid4()),
    }
    create(target, "recordPerformance", payload)
    create(target, "recordPerformance", payload)
    after = target.graphql(read, {"id": demo.case_id}, token=token)["data"]["node"]
    assert Decimal(after["amountPerformed"]) - Decimal(performed["amountPerformed"]) == 1000


TRANSITION = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) { event { seq } errors { field code message } }
}
"""


def test_reusing_another_units_transition_key_says_only_that_it_was_used(
    target: Attack, demo: DemoRecords
) -> None:
    # given a key the coordinator used to cancel one of its drafts
    key = str(uuid.uuid4())
    coordinator = target.login("demo-coordinator")
    draft = target.graphql(
        "{ tasks(first: 1, filter: {state: [DRAFT]}) { nodes { id code version } } }",
        token=coordinator,
    )["data"]["tasks"]["nodes"][0]
    done = target.graphql(
        TRANSITION,
        {
            "input": {
                "taskId": draft["id"],
                "action": "cancel",
                "expectedVersion": draft["version"],
                "comment": "重复交办",
                "idempotencyKey": key,
            }
        },
        token=coordinator,
    )["data"]["transitionTask"]
    assert done["errors"] == []
    # when a unit's liaison sends the same key with an action on its own task
    unit = target.login("demo-unit")
    own = target.graphql(
        "{ tasks(first: 1, filter: {state: [ASSIGNED]}) { nodes { id version } } }",
        token=unit,
    )["data"]["tasks"]["nodes"][0]
    before = target.row_counts()
    refused = target.graphql(
        TRANSITION,
        {
            "input": {
                "taskId": own["id"],
                "action": "accept",
                "expectedVersion": own["version"],
                "idempotencyKey": key,
            }
        },
        token=unit,
    )["data"]["transitionTask"]
    # then it is DUPLICATE, and the message names neither the other task nor its action
    (error,) = refused["errors"]
    assert (error["code"], error["field"]) == ("DUPLICATE", ["input", "idempotencyKey"])
    assert error["message"] == (
        f"idempotencyKey {key!r} was already used for another request; "
        "send a new key with every new request"
    )
    assert draft["code"] not in error["message"]
    assert "cancel" not in error["message"]
    assert "#" not in error["message"]
    assert target.row_counts() == before
