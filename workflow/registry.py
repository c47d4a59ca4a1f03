"""The registry: every workflow definition a task may be on, by key and version.

A task keeps the version it started on; only ``migrate_state_map`` (applied
by the store, ``store.operations.workflow_versions``) moves it to another.
The built-in definitions (``workflow.builtin``) are registered on import and
stay registered.
"""

from __future__ import annotations

from workflow.builtin import default_definition, enforcement_definition
from workflow.definition import Definition
from workflow.errors import DefinitionError, UnknownDefinition

__all__ = [
    "TASK_KINDS",
    "definition_for",
    "definition_key_for",
    "get_definition",
    "latest_definition",
    "register_definition",
    "registered_definitions",
    "unregister_definition",
]

#: Task kinds, as stored on a Task.
TASK_KINDS = ("ENFORCEMENT", "BANKRUPTCY_MATTER", "MEETING_DECISION", "OTHER")

#: Every definition a task may be on, by (key, version). A task keeps the
#: version it started on; only ``workflow.definition.migrate_state_map``
#: (applied by the store) moves it to another.
_REGISTRY: dict[tuple[str, int], Definition] = {}

#: The definitions registered when this module is imported; they cannot be
#: unregistered (every task kind needs its latest definition).
_BUILT_IN: set[tuple[str, int]] = set()


def register_definition(definition: Definition) -> Definition:
    """Make ``definition`` available under its key and version.

    Registering the same workflow again is harmless (it returns the one
    registered first); a different one under a key and version already taken
    is refused, since tasks on that version would change meaning under them.

    Returns:
        The registered definition.

    Raises:
        DefinitionError: (``duplicate_version``) another definition holds the
            key and version.
    """
    slot = (definition.key, definition.version)
    registered = _REGISTRY.get(slot)
    if registered is not None:
        if registered.same_as(definition):
            return registered
        raise DefinitionError(
            "duplicate_version", detail=f"{definition.key} version {definition.version}"
        )
    _REGISTRY[slot] = definition
    return definition


def unregister_definition(key: str, version: int) -> Definition:
    """Remove a registered definition (for tests and for undoing a registration).

    Returns:
        The definition removed.

    Raises:
        UnknownDefinition: none is registered under ``key`` and ``version``.
        DefinitionError: (``malformed``) it is a built-in definition.
    """
    if (key, version) in _BUILT_IN:
        raise DefinitionError(
            "malformed", detail=f"{key} version {version} is built in and stays registered"
        )
    try:
        return _REGISTRY.pop((key, version))
    except KeyError:
        raise UnknownDefinition(key, version, _versions(key)) from None


def _versions(key: str) -> list[int]:
    return sorted(version for k, version in _REGISTRY if k == key)


def get_definition(key: str, version: int) -> Definition:
    """The definition registered under ``key`` and ``version``.

    Raises:
        UnknownDefinition: (``NOT_FOUND``) none is, naming the key, the version
            and the versions there are.
    """
    try:
        return _REGISTRY[(key, version)]
    except KeyError:
        raise UnknownDefinition(key, version, _versions(key)) from None


def latest_definition(key: str) -> Definition:
    """The highest version registered under ``key``: the one new tasks start on.

    Raises:
        UnknownDefinition: no version of ``key`` is registered.
    """
    versions = _versions(key)
    if not versions:
        raise UnknownDefinition(key)
    return _REGISTRY[(key, versions[-1])]


def registered_definitions() -> tuple[Definition, ...]:
    """Every registered definition, by key then version."""
    return tuple(_REGISTRY[slot] for slot in sorted(_REGISTRY))


def definition_key_for(kind: str) -> str:
    """The key of the definitions a task of ``kind`` moves on.

    Raises:
        DefinitionError: (``malformed``) for an unknown kind.
    """
    if kind == "ENFORCEMENT":
        return "enforcement"
    if kind in TASK_KINDS:
        return "default"
    raise DefinitionError("malformed", detail=f"unknown task kind {kind}")


def definition_for(kind: str) -> Definition:
    """The latest definition for tasks of ``kind``: the one a new task starts on.

    A task already started is judged by the version it records
    (:func:`get_definition` with its key and version), not by this.

    Raises:
        DefinitionError: (``malformed``) for an unknown kind.
    """
    return latest_definition(definition_key_for(kind))


for _built_in in (default_definition(), enforcement_definition()):
    register_definition(_built_in)
    _BUILT_IN.add((_built_in.key, _built_in.version))
del _built_in
