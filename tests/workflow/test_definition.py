from __future__ import annotations

import copy
from typing import Any

import pytest

from workflow.builtin import DEFAULT_DEFINITION, default_definition, enforcement_definition
from workflow.definition import State, Transition, load_definition, migrate_state_map
from workflow.errors import DefinitionError, StateMapError
from workflow.registry import definition_for

OPEN_STATES = (
    "DRAFT",
    "ASSIGNED",
    "ACCEPTED",
    "RETURNED",
    "IN_PROGRESS",
    "SUSPENDED",
    "CLOSURE_REQUESTED",
)


def test_default_definition_has_the_states_of_the_design_in_order() -> None:
    d = default_definition()

    assert [(s.key, s.label_zh) for s in d.states] == [
        ("DRAFT", "草稿"),
        ("ASSIGNED", "已交办"),
        ("ACCEPTED", "已签收"),
        ("RETURNED", "已退回"),
        ("IN_PROGRESS", "办理中"),
        ("SUSPENDED", "已中止"),
        ("CLOSURE_REQUESTED", "申请销号"),
        ("CLOSED", "已销号"),
        ("CANCELLED", "已撤销"),
    ]
    assert d.terminal_states == ("CLOSED", "CANCELLED")
    assert d.open_states == OPEN_STATES
    assert d.start == "DRAFT"


@pytest.mark.parametrize(
    ("action", "source", "target", "roles", "requires"),
    [
        pytest.param("assign", "DRAFT", "ASSIGNED", {"COORDINATOR"}, set(), id="assign"),
        pytest.param("accept", "ASSIGNED", "ACCEPTED", {"RESPONSIBLE_UNIT"}, set(), id="accept"),
        pytest.param(
            "return",
            "ASSIGNED",
            "RETURNED",
            {"RESPONSIBLE_UNIT"},
            {"comment"},
            id="return",
        ),
        pytest.param("reassign", "RETURNED", "ASSIGNED", {"COORDINATOR"}, set(), id="reassign"),
        pytest.param("start", "ACCEPTED", "IN_PROGRESS", {"RESPONSIBLE_UNIT"}, set(), id="start"),
        pytest.param(
            "report",
            "IN_PROGRESS",
            "IN_PROGRESS",
            {"RESPONSIBLE_UNIT"},
            {"comment"},
            id="report",
        ),
        pytest.param(
            "request_closure",
            "IN_PROGRESS",
            "CLOSURE_REQUESTED",
            {"RESPONSIBLE_UNIT"},
            {"evidence"},
            id="request_closure",
        ),
        pytest.param(
            "approve_closure",
            "CLOSURE_REQUESTED",
            "CLOSED",
            {"COORDINATOR"},
            set(),
            id="approve",
        ),
        pytest.param(
            "reject_closure",
            "CLOSURE_REQUESTED",
            "IN_PROGRESS",
            {"COORDINATOR", "COURT"},
            {"comment"},
            id="reject",
        ),
        pytest.param(
            "suspend",
            "IN_PROGRESS",
            "SUSPENDED",
            {"COORDINATOR"},
            {"comment"},
            id="suspend",
        ),
        pytest.param("resume", "SUSPENDED", "IN_PROGRESS", {"COORDINATOR"}, set(), id="resume"),
    ],
)
def test_default_transitions_match_the_design_table(
    action: str, source: str, target: str, roles: set[str], requires: set[str]
) -> None:
    t = default_definition().transition(source, action)

    assert t is not None
    assert (t.target, set(t.roles), set(t.requires)) == (target, roles, requires)
    assert default_definition().graph.edges[source, target, action]["transition"] is t


def test_cancel_leaves_every_open_state_with_a_reason() -> None:
    d = default_definition()

    for state in OPEN_STATES:
        t = d.transition(state, "cancel")
        assert t is not None, state
        assert (t.target, t.roles, t.requires) == (
            "CANCELLED",
            frozenset({"COORDINATOR"}),
            frozenset({"comment"}),
        )
        assert t.label_zh == "撤销"


def test_graph_nodes_carry_their_state() -> None:
    d = default_definition()

    assert d.graph.nodes["CLOSED"]["state"] == State("CLOSED", "已销号", "Closed", terminal=True)
    assert isinstance(d.graph.edges["DRAFT", "ASSIGNED", "assign"]["transition"], Transition)


def test_side_actions_stay_out_of_the_graph() -> None:
    d = default_definition()

    edge_actions = {key for _, _, key in d.graph.edges(keys=True)}
    assert set(d.side_actions) == {
        "supervise",
        "request_extension",
        "extend",
        "refuse_extension",
        "urge",
        "summon",
    }
    assert not edge_actions & set(d.side_actions)
    assert "DRAFT" not in d.side_actions["supervise"].sources
    assert d.side_actions["request_extension"].requires == {"due_on", "comment"}


def test_enforcement_variant_adds_performance_guards_and_court_confirmation() -> None:
    d = enforcement_definition()

    request = d.transition("IN_PROGRESS", "request_closure")
    approve = d.transition("CLOSURE_REQUESTED", "approve_closure")
    assert request is not None
    assert "enforcement_closure_grounds" in request.guards
    assert approve is not None
    assert "performance_confirmed" in approve.guards
    confirm = d.side_actions["confirm_performance"]
    assert confirm.roles == {"COURT"}
    assert confirm.sources == ("IN_PROGRESS", "CLOSURE_REQUESTED")
    assert "confirm_performance" not in default_definition().side_actions


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        pytest.param("ENFORCEMENT", "enforcement", id="enforcement"),
        pytest.param("BANKRUPTCY_MATTER", "default", id="bankruptcy"),
        pytest.param("MEETING_DECISION", "default", id="meeting"),
        pytest.param("OTHER", "default", id="other"),
    ],
)
def test_definition_for_kind_is_cached(kind: str, key: str) -> None:
    assert definition_for(kind).key == key
    assert definition_for(kind) is definition_for(kind)


def test_definition_for_unknown_kind_is_refused() -> None:
    with pytest.raises(DefinitionError, match="unknown task kind PARKING"):
        definition_for("PARKING")


def _minimal() -> dict[str, Any]:
    return {
        "key": "t",
        "version": 1,
        "start": "A",
        "closed": "DONE",
        "states": [
            {"key": "A"},
            {"key": "B"},
            {"key": "DONE", "terminal": True},
        ],
        "transitions": [
            {"action": "go", "from": "A", "to": "B", "roles": ["COORDINATOR"]},
            {"action": "finish", "from": "B", "to": "DONE", "roles": ["COORDINATOR"]},
        ],
    }


def _with(
    states: tuple[str, ...] = (),
    edges: tuple[tuple[str, str, str], ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    """The minimal definition plus ``states`` and ``edges`` (action, from, to)."""
    data = _minimal()
    data["states"] += [{"key": s} for s in states]
    data["transitions"] += [
        {"action": a, "from": f, "to": t, "roles": ["COORDINATOR"]} for a, f, t in edges
    ]
    data.update(fields)
    return data


def test_minimal_definition_loads() -> None:
    d = load_definition(_minimal())

    assert [s.key for s in d.states] == ["A", "B", "DONE"]
    assert d.terminal_states == ("DONE",)


@pytest.mark.parametrize(
    ("data", "problem", "states", "message"),
    [
        pytest.param(
            _with(("ORPHAN",), (("leave", "ORPHAN", "DONE"),)),
            "unreachable",
            ("ORPHAN",),
            "states unreachable from A: ORPHAN",
            id="unreachable",
        ),
        pytest.param(
            _with(("STUCK",), (("wander", "A", "STUCK"),)),
            "no_terminal_path",
            ("STUCK",),
            "no path to a terminal state: STUCK",
            id="dead-end",
        ),
        pytest.param(
            _with(
                ("X", "Y"),
                (("enter", "A", "X"), ("ping", "X", "Y"), ("pong", "Y", "X")),
            ),
            "trap",
            ("X", "Y"),
            "trap (a cycle with no exit and no terminal): X, Y",
            id="trap",
        ),
        pytest.param(
            _with((), (("reopen", "DONE", "A"),)),
            "terminal_has_exit",
            ("DONE",),
            "terminal states with outgoing transitions: DONE",
            id="terminal-exit",
        ),
        pytest.param(
            _with(("LONELY",)),
            "isolated",
            ("LONELY",),
            "isolated states (no transition in or out): LONELY",
            id="isolated",
        ),
        pytest.param(
            _with((), (("jump", "B", "NOWHERE"),)),
            "unknown_state",
            ("NOWHERE",),
            "unknown states referred to: NOWHERE (in transition jump)",
            id="unknown-state",
        ),
        pytest.param(
            _with(start="Z"),
            "no_start",
            ("Z",),
            "start state is not a declared state: Z",
            id="no-start",
        ),
        pytest.param(
            _with((), (("go", "A", "DONE"),)),
            "duplicate_action",
            ("A",),
            "declared twice from the same state: A (go)",
            id="duplicate-action",
        ),
        pytest.param(
            _with(transitions=[{"action": "go", "from": "A"}]),
            "malformed",
            (),
            "missing or bad field 'to'",
            id="transition-without-target",
        ),
        pytest.param(
            _with(("B",)),
            "duplicate_state",
            ("B",),
            "states declared more than once: B",
            id="duplicate-state",
        ),
        pytest.param(
            _with(closed="B"),
            "malformed",
            (),
            "closed state B is not a terminal state",
            id="closed-state-not-terminal",
        ),
        pytest.param(
            _with(side_actions=[{"action": "remind", "from": ["NOWHERE"], "roles": ["COURT"]}]),
            "unknown_state",
            ("NOWHERE",),
            "unknown states referred to: NOWHERE (in side action remind)",
            id="side-action-from-unknown-state",
        ),
        pytest.param(
            _with(side_actions=[{"action": "remind", "from": ["B", "DONE"], "roles": ["COURT"]}]),
            "terminal_has_exit",
            ("DONE",),
            "terminal states with outgoing transitions: DONE (side action remind)",
            id="side-action-from-terminal-state",
        ),
        pytest.param(
            _with(side_actions=[{"action": "go", "from": ["B"], "roles": ["COURT"]}]),
            "malformed",
            (),
            "malformed definition (action go declared twice)",
            id="side-action-named-like-a-transition",
        ),
        pytest.param(
            _with(
                side_actions=[
                    {"action": "remind", "from": ["A"], "roles": ["COURT"]},
                    {"action": "remind", "from": ["B"], "roles": ["COURT"]},
                ]
            ),
            "malformed",
            (),
            "malformed definition (action remind declared twice)",
            id="side-action-declared-twice",
        ),
    ],
)
def test_invalid_definitions_are_refused_naming_the_states(
    data: dict[str, Any], problem: str, states: tuple[str, ...], message: str
) -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(data)

    assert info.value.problem == problem
    assert info.value.states == states
    assert message in str(info.value)
    assert info.value.code == "INVALID_DEFINITION"


def test_a_definition_of_one_terminal_state_loads() -> None:
    # Given a workflow whose tasks are done as soon as they exist
    data = {
        "key": "note",
        "version": 1,
        "start": "DONE",
        "closed": "DONE",
        "states": [{"key": "DONE", "terminal": True}],
        "transitions": [],
    }

    # When it is loaded, then it is valid: its one state is isolated from nothing
    d = load_definition(data)

    assert (d.start, d.terminal_states, d.open_states) == ("DONE", ("DONE",), ())
    assert repr(d) == "<Definition note v1>"


def test_only_transitions_to_another_state_change_the_state() -> None:
    d = default_definition()

    report = d.transition("IN_PROGRESS", "report")
    accept = d.transition("ASSIGNED", "accept")

    assert report is not None
    assert accept is not None
    assert (report.state_changing, accept.state_changing) == (False, True)


def test_a_self_loop_with_no_way_out_is_a_trap() -> None:
    data = _with(("LOOP",), (("enter", "A", "LOOP"), ("again", "LOOP", "LOOP")))

    with pytest.raises(DefinitionError) as info:
        load_definition(data)

    assert (info.value.problem, info.value.states) == ("trap", ("LOOP",))


def test_a_state_leading_only_into_a_dead_end_cannot_reach_a_terminal() -> None:
    data = _with(("MID", "END"), (("in", "A", "MID"), ("on", "MID", "END")))

    with pytest.raises(DefinitionError) as info:
        load_definition(data)

    assert (info.value.problem, info.value.states) == (
        "no_terminal_path",
        ("MID", "END"),
    )


def test_unknown_role_token_is_refused() -> None:
    data = _minimal()
    data["transitions"][0]["roles"] = ["JANITOR"]

    with pytest.raises(DefinitionError, match="unknown role JANITOR"):
        load_definition(data)


def test_changing_a_copy_of_the_default_data_gives_a_new_version() -> None:
    data = copy.deepcopy(DEFAULT_DEFINITION)
    data["version"] = 2

    assert load_definition(data).version == 2
    assert default_definition().version == 1


def test_migrate_state_map_accepts_a_complete_map() -> None:
    old = default_definition()
    new = enforcement_definition()
    mapping = {s: s for s in old.open_states} | {"CLOSED": "CLOSED"}

    assert migrate_state_map(old, new, mapping) == {s: s for s in OPEN_STATES}


def test_migrate_state_map_names_only_what_is_wrong() -> None:
    old = default_definition()
    mapping = {s: s for s in old.open_states} | {"SUSPENDED": "ON_HOLD"}

    with pytest.raises(StateMapError) as info:
        migrate_state_map(old, default_definition(), mapping)

    assert (info.value.missing, info.value.unknown, info.value.onto_terminal) == (
        (),
        ("ON_HOLD",),
        (),
    )
    assert str(info.value) == "targets not in the new definition: ON_HOLD"


def test_migrate_state_map_names_every_problem() -> None:
    old = default_definition()
    mapping = {s: s for s in old.open_states if s != "SUSPENDED"}
    mapping["RETURNED"] = "BOUNCED"
    mapping["CLOSURE_REQUESTED"] = "CLOSED"

    with pytest.raises(StateMapError) as info:
        migrate_state_map(old, default_definition(), mapping)

    assert info.value.missing == ("SUSPENDED",)
    assert info.value.unknown == ("BOUNCED",)
    assert info.value.onto_terminal == ("CLOSURE_REQUESTED",)
    assert str(info.value) == (
        "open states not mapped: SUSPENDED; targets not in the new definition: BOUNCED; "
        "open states mapped onto a terminal state: CLOSURE_REQUESTED"
    )
    assert info.value.code == "INVALID_STATE_MAP"
