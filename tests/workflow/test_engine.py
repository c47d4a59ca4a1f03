from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.builtin import default_definition, enforcement_definition
from workflow.definition import Definition, load_definition
from workflow.engine import (
    Actor,
    ClosureRequest,
    Decision,
    EnforcementFacts,
    TaskSnapshot,
    applied,
    available_actions,
    decide,
    replay,
)
from workflow.errors import (
    Forbidden,
    GuardFailed,
    InconsistentHistory,
    InvalidInput,
    InvalidTransition,
    MissingInput,
    WorkflowError,
)
from workflow.money import format_fen

RESPONSIBLE_UNIT = 10
OTHER_UNIT = 11
COURT = 20
OTHER_COURT = 21
DUE = datetime.date(2026, 3, 31)
INPUTS: dict[str, Any] = {
    "comment": "已按要求办理",
    "evidence": "履行凭证.pdf",
    "due_on": datetime.date(2026, 4, 30),
    "summoned_on": datetime.date(2026, 3, 20),
}


def task(state: str = "ASSIGNED", kind: str = "OTHER", **changes: Any) -> TaskSnapshot:
    base = TaskSnapshot(
        id=1,
        code="FY-2026-0001",
        kind=kind,
        state=state,
        version=3,
        responsible_unit_id=RESPONSIBLE_UNIT,
        court_unit_id=COURT,
        due_on=DUE,
    )
    return dataclasses.replace(base, **changes)


def enforcement_task(
    state: str = "IN_PROGRESS",
    *,
    due: int = 120_000_000,
    performed: int = 120_000_000,
    **facts: Any,
) -> TaskSnapshot:
    return task(
        state,
        kind="ENFORCEMENT",
        enforcement=EnforcementFacts(amount_due_fen=due, amount_performed_fen=performed, **facts),
    )


ACTORS = {
    "coordinator": Actor(1, "COORDINATOR", 1),
    "own-unit": Actor(2, "UNIT_LIAISON", RESPONSIBLE_UNIT),
    "other-unit": Actor(4, "UNIT_LIAISON", OTHER_UNIT),
    "own-court": Actor(3, "COURT_LIAISON", COURT),
    "other-court": Actor(5, "COURT_LIAISON", OTHER_COURT),
    "leader": Actor(6, "LEADER", 1),
    "admin": Actor(7, "ADMIN", 1),
}

OPEN_STATES = default_definition().open_states


@pytest.mark.parametrize(
    ("state", "action", "who", "outcome"),
    [
        pytest.param("DRAFT", "assign", "coordinator", "ASSIGNED", id="coordinator-assigns"),
        pytest.param("DRAFT", "assign", "own-unit", Forbidden, id="unit-cannot-assign"),
        pytest.param("DRAFT", "assign", "leader", Forbidden, id="leader-cannot-assign"),
        pytest.param("DRAFT", "assign", "admin", Forbidden, id="admin-cannot-assign"),
        pytest.param("ASSIGNED", "accept", "own-unit", "ACCEPTED", id="own-unit-accepts"),
        pytest.param("ASSIGNED", "accept", "other-unit", Forbidden, id="other-unit-cannot-accept"),
        pytest.param(
            "ASSIGNED",
            "accept",
            "coordinator",
            Forbidden,
            id="coordinator-cannot-accept",
        ),
        pytest.param("ASSIGNED", "return", "own-unit", "RETURNED", id="own-unit-returns"),
        pytest.param(
            "RETURNED",
            "reassign",
            "coordinator",
            "ASSIGNED",
            id="coordinator-reassigns",
        ),
        pytest.param(
            "RETURNED",
            "accept",
            "own-unit",
            InvalidTransition,
            id="no-accept-when-returned",
        ),
        pytest.param("ACCEPTED", "start", "own-unit", "IN_PROGRESS", id="own-unit-starts"),
        pytest.param("ACCEPTED", "start", "other-unit", Forbidden, id="other-unit-cannot-start"),
        pytest.param("IN_PROGRESS", "report", "own-unit", "IN_PROGRESS", id="own-unit-reports"),
        pytest.param(
            "IN_PROGRESS",
            "request_closure",
            "own-unit",
            "CLOSURE_REQUESTED",
            id="request-closure",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "approve_closure",
            "coordinator",
            "CLOSED",
            id="approve",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "approve_closure",
            "own-court",
            Forbidden,
            id="court-cannot-approve",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "reject_closure",
            "coordinator",
            "IN_PROGRESS",
            id="coordinator-rejects",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "reject_closure",
            "own-court",
            "IN_PROGRESS",
            id="own-court-rejects",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "reject_closure",
            "other-court",
            Forbidden,
            id="other-court-cannot-reject",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "reject_closure",
            "own-unit",
            Forbidden,
            id="unit-cannot-reject",
        ),
        pytest.param(
            "IN_PROGRESS",
            "suspend",
            "coordinator",
            "SUSPENDED",
            id="coordinator-suspends",
        ),
        pytest.param("IN_PROGRESS", "suspend", "own-unit", Forbidden, id="unit-cannot-suspend"),
        pytest.param(
            "SUSPENDED",
            "resume",
            "coordinator",
            "IN_PROGRESS",
            id="coordinator-resumes",
        ),
        pytest.param(
            "SUSPENDED",
            "report",
            "own-unit",
            InvalidTransition,
            id="no-report-when-suspended",
        ),
        pytest.param("CLOSED", "cancel", "coordinator", InvalidTransition, id="closed-is-final"),
        pytest.param(
            "CANCELLED",
            "reassign",
            "coordinator",
            InvalidTransition,
            id="cancelled-is-final",
        ),
        pytest.param("DRAFT", "accept", "own-unit", InvalidTransition, id="accept-before-assign"),
        pytest.param(
            "ASSIGNED",
            "frobnicate",
            "coordinator",
            InvalidTransition,
            id="unknown-action",
        ),
        pytest.param(
            "DRAFT",
            "supervise",
            "coordinator",
            InvalidTransition,
            id="no-supervising-drafts",
        ),
        pytest.param("IN_PROGRESS", "supervise", "coordinator", "IN_PROGRESS", id="supervise"),
        pytest.param(
            "IN_PROGRESS",
            "supervise",
            "own-unit",
            Forbidden,
            id="unit-cannot-supervise",
        ),
        pytest.param(
            "IN_PROGRESS",
            "confirm_performance",
            "own-court",
            InvalidTransition,
            id="no-confirm-outside-enforcement",
        ),
        *(
            pytest.param(s, "cancel", "coordinator", "CANCELLED", id=f"cancel-from-{s}")
            for s in OPEN_STATES
        ),
        *(
            pytest.param(s, "cancel", "own-unit", Forbidden, id=f"unit-cannot-cancel-{s}")
            for s in OPEN_STATES
        ),
    ],
)
def test_who_may_do_what_from_where(
    state: str, action: str, who: str, outcome: str | type[WorkflowError]
) -> None:
    snapshot = task(state)
    actor = ACTORS[who]

    if isinstance(outcome, str):
        decision = decide(default_definition(), snapshot, action, actor, **INPUTS)
        assert (decision.from_state, decision.to_state) == (state, outcome)
        assert decision.state_changed == (state != outcome)
    else:
        with pytest.raises(outcome):
            decide(default_definition(), snapshot, action, actor, **INPUTS)


def test_invalid_transition_lists_what_is_possible() -> None:
    with pytest.raises(InvalidTransition) as info:
        decide(default_definition(), task("DRAFT"), "accept", ACTORS["own-unit"])

    assert (
        str(info.value) == "accept is not possible from DRAFT; possible from DRAFT: assign, cancel"
    )
    assert info.value.possible == ("assign", "cancel")
    assert info.value.code == "INVALID_TRANSITION"


def test_forbidden_says_who_may() -> None:
    with pytest.raises(Forbidden) as info:
        decide(default_definition(), task("ASSIGNED"), "accept", ACTORS["other-unit"])

    assert str(info.value) == (
        f"UNIT_LIAISON of unit {OTHER_UNIT} may not accept: only the responsible unit's liaison may"
    )
    assert info.value.code == "FORBIDDEN"


def test_permission_is_checked_before_inputs() -> None:
    with pytest.raises(Forbidden):
        decide(default_definition(), task("ASSIGNED"), "return", ACTORS["other-unit"])


@pytest.mark.parametrize("comment", [None, "", "   "], ids=["none", "empty", "blank"])
def test_return_needs_a_reason(comment: str | None) -> None:
    with pytest.raises(MissingInput) as info:
        decide(
            default_definition(),
            task("ASSIGNED"),
            "return",
            ACTORS["own-unit"],
            comment=comment,
        )

    assert info.value.field == "comment"
    assert str(info.value) == "comment is required to return"
    assert info.value.code == "VALIDATION"


@pytest.mark.parametrize(
    ("state", "action", "who", "field"),
    [
        pytest.param(
            "IN_PROGRESS",
            "request_closure",
            "own-unit",
            "evidence",
            id="closure-evidence",
        ),
        pytest.param("ACCEPTED", "cancel", "coordinator", "comment", id="cancel-reason"),
        pytest.param("IN_PROGRESS", "extend", "coordinator", "dueOn", id="extend-date"),
        pytest.param(
            "IN_PROGRESS",
            "request_extension",
            "own-unit",
            "dueOn",
            id="request-extension-date",
        ),
    ],
)
def test_required_inputs(state: str, action: str, who: str, field: str) -> None:
    with pytest.raises(MissingInput) as info:
        decide(default_definition(), task(state), action, ACTORS[who])

    assert info.value.field == field


def test_return_records_the_reason() -> None:
    decision = decide(
        default_definition(),
        task("ASSIGNED"),
        "return",
        ACTORS["own-unit"],
        comment=" 不属于本单位职责 ",
    )

    assert decision.payload == {"comment": "不属于本单位职责"}
    assert decision.to_state == "RETURNED"


def test_start_with_an_open_dependency_names_it() -> None:
    blocked = task("ACCEPTED", open_dependencies=("FY-2026-0002", "FY-2026-0003"))

    with pytest.raises(GuardFailed) as info:
        decide(default_definition(), blocked, "start", ACTORS["own-unit"])

    assert info.value.guard == "dependencies_closed"
    assert str(info.value) == (
        "start needs every dependency closed: still open: FY-2026-0002, FY-2026-0003"
    )
    assert info.value.code == "GUARD_FAILED"
    assert "start" not in [
        a.action for a in available_actions(default_definition(), blocked, ACTORS["own-unit"])
    ]


def test_enforcement_closure_request_with_partial_performance_is_refused() -> None:
    partial = enforcement_task(due=120_000_000, performed=80_000_000)

    with pytest.raises(GuardFailed) as info:
        decide(
            enforcement_definition(),
            partial,
            "request_closure",
            ACTORS["own-unit"],
            evidence="凭证",
        )

    assert (
        str(info.value)
        == "request_closure needs full performance: 1200000.00 due, 800000.00 performed"
    )
    assert info.value.guard == "enforcement_closure_grounds"


# Issue 15 changed this table: a method recorded with grounds no longer passes
# on its grounds alone. A settlement closes once its amount is paid, a
# termination on the court's ruling number, and a withdrawal closes the case
# (it was refused as a closure before).
@pytest.mark.parametrize(
    ("facts", "allowed"),
    [
        pytest.param({"performed": 120_000_000}, True, id="fully-performed"),
        pytest.param({"performed": 130_000_000}, True, id="over-performed"),
        pytest.param(
            {
                "performed": 50_000_000,
                "closure_method": "SETTLEMENT",
                "closure_grounds": "和解协议已履行",
                "settlement_amount_fen": 50_000_000,
            },
            True,
            id="settlement-paid",
        ),
        pytest.param(
            {
                "performed": 0,
                "closure_method": "SETTLEMENT",
                "closure_grounds": "和解协议已履行",
            },
            False,
            id="settlement-with-grounds-only",
        ),
        pytest.param(
            {
                "performed": 0,
                "closure_method": "TERMINATION",
                "closure_grounds": "裁定终结执行",
                "ruling_number": "（2024）豫0202执恢12号",
            },
            True,
            id="termination-with-ruling",
        ),
        pytest.param(
            {
                "performed": 0,
                "closure_method": "TERMINATION",
                "closure_grounds": "裁定终结执行",
            },
            False,
            id="termination-without-ruling",
        ),
        pytest.param(
            {"performed": 0, "closure_method": "WITHDRAWN", "closure_grounds": "申请人撤回"},
            True,
            id="withdrawn",
        ),
    ],
)
def test_enforcement_closure_grounds(facts: dict[str, Any], allowed: bool) -> None:
    snapshot = enforcement_task(**facts)

    if allowed:
        decision = decide(
            enforcement_definition(),
            snapshot,
            "request_closure",
            ACTORS["own-unit"],
            evidence="凭证",
        )
        assert decision.to_state == "CLOSURE_REQUESTED"
    else:
        with pytest.raises(GuardFailed):
            decide(
                enforcement_definition(),
                snapshot,
                "request_closure",
                ACTORS["own-unit"],
                evidence="凭证",
            )


def test_termination_without_grounds_asks_for_them() -> None:
    # (issue 15: the grounds are an input the request must give, not a guard)
    snapshot = enforcement_task(performed=0, closure_method="TERMINATION")

    with pytest.raises(
        MissingInput, match="grounds is required to request_closure by TERMINATION"
    ) as info:
        decide(
            enforcement_definition(),
            snapshot,
            "request_closure",
            ACTORS["own-unit"],
            evidence="凭证",
        )
    assert info.value.field == "grounds"


def test_enforcement_closure_needs_the_courts_confirmation() -> None:
    unconfirmed = enforcement_task("CLOSURE_REQUESTED")

    with pytest.raises(GuardFailed) as info:
        decide(
            enforcement_definition(),
            unconfirmed,
            "approve_closure",
            ACTORS["coordinator"],
        )

    assert str(info.value) == (
        "approve_closure needs the court's confirmation of performance: "
        "the court has not confirmed performance"
    )
    confirmed = enforcement_task("CLOSURE_REQUESTED", performance_confirmed=True)
    assert (
        decide(
            enforcement_definition(),
            confirmed,
            "approve_closure",
            ACTORS["coordinator"],
        ).to_state
        == "CLOSED"
    )


def test_court_confirms_performance_once() -> None:
    snapshot = enforcement_task("CLOSURE_REQUESTED")

    decision = decide(
        enforcement_definition(), snapshot, "confirm_performance", ACTORS["own-court"]
    )

    assert (decision.to_state, decision.state_changed) == ("CLOSURE_REQUESTED", False)
    # (issue 15: the event names the method the court confirmed)
    assert decision.payload == {
        "performanceConfirmed": True,
        "confirmedClosureMethod": "FULL_PERFORMANCE",
    }
    again = enforcement_task("CLOSURE_REQUESTED", performance_confirmed=True)
    with pytest.raises(GuardFailed, match="already confirmed"):
        decide(enforcement_definition(), again, "confirm_performance", ACTORS["own-court"])


@pytest.mark.parametrize(
    ("who", "facts", "error"),
    [
        pytest.param("coordinator", {}, Forbidden, id="coordinator"),
        pytest.param("other-court", {}, Forbidden, id="another-court"),
        pytest.param("own-court", {"performed": 50_00}, GuardFailed, id="partial"),
        pytest.param(
            "own-court",
            {
                "performed": 0,
                "closure_method": "TERMINATION",
                "closure_grounds": "终本",
            },
            GuardFailed,
            id="termination-is-not-performance",
        ),
    ],
)
def test_confirm_performance_refusals(
    who: str, facts: dict[str, Any], error: type[WorkflowError]
) -> None:
    with pytest.raises(error):
        decide(
            enforcement_definition(),
            enforcement_task(**facts),
            "confirm_performance",
            ACTORS[who],
        )


@pytest.mark.parametrize(
    ("state", "action", "who", "message"),
    [
        pytest.param(
            "IN_PROGRESS",
            "request_closure",
            "own-unit",
            "request_closure needs full performance: "
            "no enforcement facts are recorded for this task",
            id="request-closure",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "approve_closure",
            "coordinator",
            "approve_closure needs the court's confirmation of performance: "
            "no enforcement facts are recorded for this task",
            id="approve-closure",
        ),
        pytest.param(
            "IN_PROGRESS",
            "confirm_performance",
            "own-court",
            "confirm_performance needs full performance or a performed settlement: "
            "no enforcement facts are recorded for this task",
            id="confirm-performance",
        ),
    ],
)
def test_an_enforcement_task_without_its_cases_facts_is_refused_saying_so(
    state: str, action: str, who: str, message: str
) -> None:
    # Given an enforcement task whose case facts are not known
    bare = task(state, kind="ENFORCEMENT")

    # When the action that needs them is taken
    with pytest.raises(GuardFailed) as info:
        decide(enforcement_definition(), bare, action, ACTORS[who], evidence="凭证")

    # Then it is refused with the reason, and offered as no button
    assert str(info.value) == message
    buttons = available_actions(enforcement_definition(), bare, ACTORS[who])
    assert action not in [a.action for a in buttons]


def test_a_side_action_of_another_definition_records_its_words_and_keeps_the_state() -> None:
    # Given a definition with a side action of its own (no engine rule names it)
    definition = load_definition(
        {
            "key": "reminders",
            "version": 1,
            "start": "ASSIGNED",
            "closed": "CLOSED",
            "states": [{"key": "ASSIGNED"}, {"key": "CLOSED", "terminal": True}],
            "transitions": [
                {"action": "close", "from": "ASSIGNED", "to": "CLOSED", "roles": ["COORDINATOR"]}
            ],
            "side_actions": [
                {
                    "action": "remind",
                    "from": ["ASSIGNED"],
                    "roles": ["COORDINATOR"],
                    "requires": ["comment"],
                }
            ],
        }
    )

    # When the coordinator takes it
    decision = decide(
        definition, task("ASSIGNED"), "remind", ACTORS["coordinator"], comment=" 催办 "
    )

    # Then the event keeps the words and nothing else changes
    assert decision == Decision(
        action="remind",
        from_state="ASSIGNED",
        to_state="ASSIGNED",
        state_changed=False,
        payload={"comment": "催办"},
    )
    assert replay(definition, [("remind", None, None), ("close", "ASSIGNED", "CLOSED")]) == (
        "CLOSED"
    )


def test_settlement_counts_as_performance_for_the_court() -> None:
    # (issue 15: once the settlement amount is paid, not on its grounds alone)
    settled = enforcement_task(
        performed=50_000_000,
        closure_method="SETTLEMENT",
        closure_grounds="和解协议",
        settlement_amount_fen=50_000_000,
    )

    assert decide(
        enforcement_definition(), settled, "confirm_performance", ACTORS["own-court"]
    ).payload == {"performanceConfirmed": True, "confirmedClosureMethod": "SETTLEMENT"}
    unpaid = enforcement_task(
        performed=20_000_000,
        closure_method="SETTLEMENT",
        closure_grounds="和解协议",
        settlement_amount_fen=50_000_000,
    )
    with pytest.raises(GuardFailed, match=r"500000\.00 agreed, 200000\.00 performed"):
        decide(enforcement_definition(), unpaid, "confirm_performance", ACTORS["own-court"])


@pytest.mark.parametrize("who", ["leader", "admin"])
@pytest.mark.parametrize("state", [s.key for s in enforcement_definition().states])
def test_leaders_and_admins_get_no_buttons(who: str, state: str) -> None:
    assert available_actions(enforcement_definition(), enforcement_task(state), ACTORS[who]) == []


@pytest.mark.parametrize(
    ("state", "who", "actions"),
    [
        pytest.param("DRAFT", "coordinator", ["assign", "cancel"], id="draft-coordinator"),
        pytest.param("DRAFT", "own-unit", [], id="draft-unit"),
        pytest.param(
            "ASSIGNED",
            "own-unit",
            ["accept", "return", "request_extension"],
            id="assigned-unit",
        ),
        pytest.param("ASSIGNED", "other-unit", [], id="assigned-other-unit"),
        pytest.param(
            "ASSIGNED",
            "coordinator",
            ["cancel", "supervise", "extend", "urge", "summon"],
            id="assigned-coordinator",
        ),
        pytest.param(
            "CLOSURE_REQUESTED",
            "own-court",
            ["reject_closure", "confirm_performance"],
            id="court-at-closure",
        ),
        pytest.param("CLOSED", "coordinator", [], id="closed"),
    ],
)
def test_available_actions_are_the_buttons(state: str, who: str, actions: list[str]) -> None:
    got = available_actions(enforcement_definition(), enforcement_task(state), ACTORS[who])

    assert [a.action for a in got] == actions


def test_supervision_climbs_to_listed_and_stops() -> None:
    snapshot = task("IN_PROGRESS")
    levels = []
    for comment in (None, "经领导研究，挂牌督办"):
        decision = decide(
            default_definition(), snapshot, "supervise", ACTORS["coordinator"], comment=comment
        )
        assert decision.supervision_level is not None
        levels.append(decision.supervision_level)
        snapshot = dataclasses.replace(snapshot, supervision_level=decision.supervision_level)

    assert levels == ["KEY", "LISTED"]
    with pytest.raises(GuardFailed) as info:
        decide(default_definition(), snapshot, "supervise", ACTORS["coordinator"])
    assert "already 挂牌 (LISTED)" in str(info.value)
    assert "supervise" not in [
        a.action for a in available_actions(default_definition(), snapshot, ACTORS["coordinator"])
    ]


def test_extend_moves_the_due_date_and_keeps_the_old_one() -> None:
    new_due = datetime.date(2026, 4, 30)

    decision = decide(
        default_definition(),
        task("IN_PROGRESS"),
        "extend",
        ACTORS["coordinator"],
        due_on=new_due,
    )

    assert decision.due_on == new_due
    assert decision.payload == {"dueOn": "2026-04-30", "previousDueOn": "2026-03-31"}
    assert not decision.state_changed


@pytest.mark.parametrize(
    ("due_on", "today", "message"),
    [
        pytest.param(
            DUE,
            None,
            "dueOn must be later than the current due date 2026-03-31 to extend",
            id="same-day",
        ),
        pytest.param(
            datetime.date(2026, 3, 1),
            None,
            "later than the current due date",
            id="earlier",
        ),
    ],
)
def test_extend_refuses_a_date_not_later(
    due_on: datetime.date, today: datetime.date | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        decide(
            default_definition(),
            task("IN_PROGRESS"),
            "extend",
            ACTORS["coordinator"],
            due_on=due_on,
            today=today,
        )

    assert info.value.field == "dueOn"


def test_extend_refuses_a_date_in_the_past() -> None:
    undated = task("IN_PROGRESS", due_on=None)

    with pytest.raises(InvalidInput, match="dueOn 2026-01-05 is in the past"):
        decide(
            default_definition(),
            undated,
            "extend",
            ACTORS["coordinator"],
            due_on=datetime.date(2026, 1, 5),
            today=datetime.date(2026, 2, 1),
        )


def test_request_extension_asks_without_moving_the_date() -> None:
    decision = decide(
        default_definition(),
        task("IN_PROGRESS"),
        "request_extension",
        ACTORS["own-unit"],
        due_on=datetime.date(2026, 4, 15),
        comment="需协调财政资金",
    )

    assert decision.due_on is None
    assert decision.payload == {
        "comment": "需协调财政资金",
        "requestedDueOn": "2026-04-15",
        "dueOn": "2026-03-31",
    }


def test_replay_follows_the_log() -> None:
    events: list[tuple[str, str | None, str | None]] = [
        ("create", None, "DRAFT"),
        ("assign", "DRAFT", "ASSIGNED"),
        ("return", "ASSIGNED", "RETURNED"),
        ("reassign", "RETURNED", "ASSIGNED"),
        ("supervise", None, None),
        ("accept", "ASSIGNED", "ACCEPTED"),
        ("start", "ACCEPTED", "IN_PROGRESS"),
        ("report", "IN_PROGRESS", "IN_PROGRESS"),
        ("extend", "IN_PROGRESS", "IN_PROGRESS"),
        ("request_closure", "IN_PROGRESS", "CLOSURE_REQUESTED"),
    ]

    assert replay(default_definition(), events) == "CLOSURE_REQUESTED"
    assert replay(default_definition(), []) == "DRAFT"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        pytest.param(
            [("accept", "DRAFT", "ACCEPTED")],
            "event 0 (accept) does not replay from DRAFT: "
            "not possible from DRAFT (possible: assign, cancel)",
            id="illegal-edge",
        ),
        pytest.param(
            [("assign", "DRAFT", "ASSIGNED"), ("start", "ACCEPTED", "IN_PROGRESS")],
            "the event records ACCEPTED",
            id="wrong-from",
        ),
        pytest.param(
            [("assign", "DRAFT", "CLOSED")],
            "assign leads to ASSIGNED, the event records CLOSED",
            id="wrong-to",
        ),
        pytest.param(
            [("assign", None, None), ("cancel", None, None), ("reassign", None, None)],
            "not possible from CANCELLED",
            id="after-terminal",
        ),
        pytest.param(
            [("supervise", None, None)],
            "not possible from DRAFT",
            id="side-action-in-wrong-state",
        ),
        pytest.param(
            [("create", None, "ASSIGNED")],
            "event 0 (create) does not replay from DRAFT: a task starts in DRAFT",
            id="created-in-another-state",
        ),
    ],
)
def test_replay_refuses_a_log_that_does_not_fit(
    events: list[tuple[str, str | None, str | None]], message: str
) -> None:
    with pytest.raises(InconsistentHistory, match=re.escape(message)):
        replay(default_definition(), events)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        pytest.param(120_000_000, "1200000.00", id="yuan"),
        pytest.param(5, "0.05", id="fen"),
        pytest.param(-1050, "-10.50", id="negative"),
    ],
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text


# --- properties: random walks over every definition --------------------------

DEFINITIONS = [default_definition(), enforcement_definition()]
ALL_ACTIONS = sorted({a for d in DEFINITIONS for a in d.actions} | {"frobnicate"})


@st.composite
def snapshots(draw: st.DrawFn, state: str, kind: str) -> TaskSnapshot:
    """A task in ``state`` with random facts (dependencies, level, money)."""
    facts = None
    if kind == "ENFORCEMENT":
        due = draw(st.integers(0, 10_000_000))
        facts = EnforcementFacts(
            amount_due_fen=due,
            amount_performed_fen=draw(st.integers(0, 2 * due + 1)),
            closure_method=draw(
                st.sampled_from(
                    [None, "FULL_PERFORMANCE", "SETTLEMENT", "TERMINATION", "WITHDRAWN"]
                )
            ),
            closure_grounds=draw(st.sampled_from([None, "", "裁定书"])),
            performance_confirmed=draw(st.booleans()),
        )
    return task(
        state,
        kind=kind,
        supervision_level=draw(st.sampled_from(["NORMAL", "KEY", "LISTED"])),
        open_dependencies=draw(st.sampled_from([(), ("FY-2026-0002",)])),
        enforcement=facts,
        pending_extension_due_on=draw(st.sampled_from([None, datetime.date(2026, 5, 29)])),
    )


def _apply(snapshot: TaskSnapshot, decision: Decision) -> TaskSnapshot:
    """What the persistence layer does with a decision."""
    return applied(snapshot, decision)


@given(data=st.data(), definition=st.sampled_from(DEFINITIONS))
@settings(max_examples=200, deadline=None)
def test_random_walks_stay_on_the_graph_and_replay(
    data: st.DataObject, definition: Definition
) -> None:
    kind = "ENFORCEMENT" if definition.key == "enforcement" else "OTHER"
    # Guards satisfiable: performed in full, no open dependency, level NORMAL.
    snapshot = task(
        definition.start,
        kind=kind,
        enforcement=EnforcementFacts(120_000_000, 120_000_000) if kind == "ENFORCEMENT" else None,
    )
    events: list[tuple[str, str | None, str | None]] = []
    actors = [ACTORS["coordinator"], ACTORS["own-unit"], ACTORS["own-court"]]
    for _ in range(data.draw(st.integers(0, 40), label="steps")):
        choices = [(a, step) for a in actors for step in available_actions(definition, snapshot, a)]
        if definition.is_terminal(snapshot.state):
            assert choices == []
            for action in definition.actions:
                with pytest.raises(InvalidTransition):
                    decide(definition, snapshot, action, ACTORS["coordinator"], **INPUTS)
            break
        assert choices, f"no one can move a task in {snapshot.state}"
        actor, step = data.draw(st.sampled_from(choices), label="move")
        inputs = dict(INPUTS, due_on=(snapshot.due_on or DUE) + datetime.timedelta(days=30))
        decision = decide(definition, snapshot, step.action, actor, **inputs)
        assert definition.has_state(decision.to_state)
        if decision.action in definition.side_actions:
            assert decision.to_state == snapshot.state
        else:
            assert definition.graph.has_edge(snapshot.state, decision.to_state, key=decision.action)
        events.append((decision.action, decision.from_state, decision.to_state))
        snapshot = _apply(snapshot, decision)

    assert replay(definition, events) == snapshot.state


@given(
    data=st.data(),
    definition=st.sampled_from(DEFINITIONS),
    action=st.sampled_from(ALL_ACTIONS),
    who=st.sampled_from(sorted(ACTORS)),
)
@settings(max_examples=500, deadline=None)
def test_decide_succeeds_exactly_for_the_available_actions(
    data: st.DataObject, definition: Definition, action: str, who: str
) -> None:
    state = data.draw(st.sampled_from([s.key for s in definition.states]), label="state")
    kind = "ENFORCEMENT" if definition.key == "enforcement" else "OTHER"
    snapshot = data.draw(snapshots(state, kind), label="task")
    actor = ACTORS[who]
    offered = [a.action for a in available_actions(definition, snapshot, actor)]

    try:
        decision = decide(definition, snapshot, action, actor, **INPUTS)
    except WorkflowError:
        assert action not in offered
    else:
        assert action in offered
        if decision.state_changed:
            assert definition.graph.has_edge(state, decision.to_state, key=action)
            assert not definition.is_terminal(state)


# --------------------------------------------------------------------------- 结案方式 (issue 15)


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        pytest.param("PARTY_GOV_ORGAN", False, id="party-government-organ"),
        pytest.param("DEPARTMENT", False, id="department"),
        pytest.param("DISTRICT_GOV", False, id="district-government"),
        pytest.param("OFFICE", False, id="office"),
        pytest.param("STATE_ENTERPRISE", True, id="state-owned-enterprise"),
        pytest.param("INSTITUTION", True, id="public-institution"),
    ],
)
def test_termination_this_round_is_refused_for_an_organ_only(kind: str, allowed: bool) -> None:
    # Given an unpaid case against a respondent of ``kind``
    snapshot = enforcement_task(performed=0, respondent_kind=kind)
    request = ClosureRequest("TERMINATION_THIS_ROUND", "经网络查控、现场调查，无可供执行财产")

    # When its closure is asked for 终结本次执行
    def ask() -> Decision:
        return decide(
            enforcement_definition(),
            snapshot,
            "request_closure",
            ACTORS["own-unit"],
            evidence="财产调查报告",
            closure=request,
        )

    # Then an organ is refused, saying why; any other respondent may be so closed
    if allowed:
        assert ask().payload["closureMethod"] == "TERMINATION_THIS_ROUND"
    else:
        with pytest.raises(GuardFailed, match="never treated as unable to pay"):
            ask()


def test_a_request_records_its_method_and_approval_stores_it() -> None:
    # Given an unpaid case the court terminated by its ruling
    snapshot = enforcement_task(performed=0)
    request = ClosureRequest("TERMINATION", " 申请执行人死亡且无遗产 ", None, "（2025）豫02执恢4号")

    # When the unit asks, the court confirms and the office approves (folded by applied)
    asked = decide(
        enforcement_definition(), snapshot, "request_closure", ACTORS["own-unit"],
        evidence="终结执行裁定书", closure=request,
    )  # fmt: skip
    snapshot = applied(snapshot, asked)
    confirmed = decide(
        enforcement_definition(), snapshot, "confirm_performance", ACTORS["own-court"]
    )
    snapshot = applied(snapshot, confirmed)
    approved = decide(enforcement_definition(), snapshot, "approve_closure", ACTORS["coordinator"])

    # Then each event names the method, the request its grounds and ruling
    assert asked.payload == {
        "evidence": "终结执行裁定书",
        "closureMethod": "TERMINATION",
        "grounds": "申请执行人死亡且无遗产",
        "rulingNumber": "（2025）豫02执恢4号",
    }
    assert confirmed.payload["confirmedClosureMethod"] == "TERMINATION"
    assert (approved.to_state, approved.payload) == ("CLOSED", {"closureMethod": "TERMINATION"})


def test_request_closure_is_offered_on_an_unpaid_case() -> None:
    # a withdrawal or the court's ruling may close it: the button asks for the method
    unpaid = enforcement_task(performed=0)
    offered = available_actions(enforcement_definition(), unpaid, ACTORS["own-unit"])
    assert "request_closure" in [a.action for a in offered]
