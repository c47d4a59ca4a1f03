"""The registry of definitions by key and version: a task keeps the version it started on."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from workflow.builtin import DEFAULT_DEFINITION, default_definition, enforcement_definition
from workflow.definition import Definition, load_definition
from workflow.engine import replay
from workflow.errors import DefinitionError, UnknownDefinition, WorkflowError
from workflow.registry import (
    definition_for,
    definition_key_for,
    get_definition,
    latest_definition,
    register_definition,
    registered_definitions,
    unregister_definition,
)

#: Whatever a test registers is gone after it (``tests/conftest.py``).
pytestmark = pytest.mark.usefixtures("workflow_registry")


def _version(number: int, **changes: Any) -> Definition:
    data = copy.deepcopy(DEFAULT_DEFINITION)
    data["version"] = number
    data.update(changes)
    return load_definition(data)


def test_the_built_in_definitions_are_registered_as_version_1() -> None:
    assert registered_definitions() == (default_definition(), enforcement_definition())
    assert get_definition("default", 1) is default_definition()
    assert get_definition("enforcement", 1) is enforcement_definition()


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        pytest.param("ENFORCEMENT", "enforcement", id="enforcement"),
        pytest.param("BANKRUPTCY_MATTER", "default", id="bankruptcy"),
        pytest.param("MEETING_DECISION", "default", id="meeting"),
        pytest.param("OTHER", "default", id="other"),
    ],
)
def test_each_kind_has_the_key_of_its_definitions(kind: str, key: str) -> None:
    assert definition_key_for(kind) == key
    assert definition_for(kind) is latest_definition(key)


def test_an_unknown_kind_has_no_key() -> None:
    with pytest.raises(DefinitionError, match="unknown task kind PARKING"):
        definition_key_for("PARKING")


def test_a_new_version_becomes_the_latest_and_the_old_one_stays() -> None:
    # Given version 2 of the default definition, labelled differently
    second = register_definition(_version(2, label_en="Assignment and supervision, 2nd ed."))

    # Then new tasks get it, and tasks on version 1 still find theirs
    assert latest_definition("default") is second
    assert definition_for("OTHER") is second
    assert get_definition("default", 1) is default_definition()
    # And the enforcement definitions are untouched
    assert definition_for("ENFORCEMENT") is enforcement_definition()


def test_registering_the_same_workflow_twice_is_harmless() -> None:
    first = register_definition(_version(2))

    assert register_definition(_version(2)) is first
    assert register_definition(default_definition()) is default_definition()


def test_a_different_definition_under_a_taken_version_is_refused() -> None:
    register_definition(_version(2))

    with pytest.raises(DefinitionError) as info:
        register_definition(_version(2, label_zh="交办督办（修订）"))

    assert info.value.problem == "duplicate_version"
    assert str(info.value) == (
        "another definition is registered under the same key and version (default version 2)"
    )
    assert get_definition("default", 2).label_zh == "交办督办"


def test_the_built_in_version_cannot_be_replaced() -> None:
    with pytest.raises(DefinitionError, match="default version 1"):
        register_definition(_version(1, label_zh="另一个"))


@pytest.mark.parametrize(
    ("key", "version", "message"),
    [
        pytest.param(
            "default",
            7,
            "no workflow definition default version 7; registered versions of default: 1",
            id="unknown-version",
        ),
        pytest.param(
            "parking",
            1,
            "no workflow definition parking version 1; no version of parking is registered",
            id="unknown-key",
        ),
    ],
)
def test_an_unknown_definition_is_refused_naming_key_and_version(
    key: str, version: int, message: str
) -> None:
    with pytest.raises(UnknownDefinition) as info:
        get_definition(key, version)

    assert str(info.value) == message
    assert (info.value.key, info.value.version) == (key, version)
    assert info.value.code == "NOT_FOUND"
    assert isinstance(info.value, WorkflowError)


def test_latest_of_an_unknown_key_is_refused() -> None:
    with pytest.raises(UnknownDefinition, match="no workflow definition parking; no version"):
        latest_definition("parking")


def test_unregistering_gives_the_previous_version_back() -> None:
    register_definition(_version(2))

    removed = unregister_definition("default", 2)

    assert removed.version == 2
    assert latest_definition("default") is default_definition()
    with pytest.raises(UnknownDefinition, match="default version 2"):
        unregister_definition("default", 2)


def test_built_in_definitions_stay_registered() -> None:
    with pytest.raises(DefinitionError, match="built in"):
        unregister_definition("enforcement", 1)

    assert get_definition("enforcement", 1) is enforcement_definition()


@pytest.mark.parametrize("state", [s.key for s in default_definition().states])
def test_path_to_a_state_is_a_history_that_replays_to_it(state: str) -> None:
    d = default_definition()
    path = d.path_to(state)

    events = [(t.action, t.source, t.target) for t in path]
    assert replay(d, events) == state
    assert path == d.path_to(state)


def test_path_to_takes_a_shortest_way() -> None:
    actions = [t.action for t in default_definition().path_to("SUSPENDED")]

    assert actions == ["assign", "accept", "start", "suspend"]
    assert default_definition().path_to("DRAFT") == []
