"""The workflow engine's exceptions, and the one list of error codes.

Every failure the engine reports on purpose is a :class:`WorkflowError`. Each
subclass carries the facts of the failure as attributes (so the API can build a
``UserError`` from them) and an :class:`ErrorCode` that the GraphQL layer passes
on to clients unchanged. Messages are built here, in ``__init__``, so that every
caller words the same failure the same way.

:class:`ErrorCode` lives here, at the bottom of the layers, so that the
engine's, the store's and the API's exceptions all declare their code from the
same enum (``schema.enums`` exposes it to GraphQL as ``ErrorCode``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from typing import ClassVar

from workflow.i18n import N_, Text, _, field_label, join, term

__all__ = [
    "ROLE_WORDS",
    "CalendarUnavailable",
    "CycleError",
    "DefinitionError",
    "ErrorCode",
    "Forbidden",
    "GuardFailed",
    "InconsistentHistory",
    "InvalidInput",
    "InvalidTransition",
    "MissingInput",
    "StateMapError",
    "UnknownDefinition",
    "UnknownTask",
    "WorkflowError",
]


def _names(items: Iterable[str]) -> Text:
    listed = [word(item) for item in items]
    return join(listed, "、", ", ") if listed else _("(none)")


@cache
def _words() -> dict[str, tuple[str, str]]:
    # Imported here: workflow.builtin builds its definitions with this module's errors.
    from workflow.builtin import default_definition, enforcement_definition
    from workflow.definition import SideAction, Transition

    words: dict[str, tuple[str, str]] = {}
    for definition in (default_definition(), enforcement_definition()):
        for state in definition.states:
            words.setdefault(state.key, (state.label_zh, state.label_en))
        steps: list[Transition | SideAction] = [
            *definition.transitions,
            *definition.side_actions.values(),
        ]
        for step in steps:
            words.setdefault(step.action, (step.label_zh, step.label_en))
    return words


def word(name: str) -> Text:
    """A state or action of the built-in workflows as a liaison names it: 「申请销号」,
    in English ``request_closure``. Other names stay as they are.

    Example:
        >>> from workflow.i18n import language
        >>> with language("zh_CN"):
        ...     action = word("request_closure")
        >>> str(action), action.english
        ('「申请销号」', 'request_closure')
    """
    zh, _en = _words().get(name, ("", ""))
    return term(f"「{zh}」" if zh else name, name)


class ErrorCode(StrEnum):
    """Why an operation refused: the ``code`` of every expected failure.

    Each member carries the sentence that describes it in the GraphQL schema.
    The values are the spellings clients read, so they never change.
    """

    description: str

    def __new__(cls, value: str, description: str) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    VALIDATION = "VALIDATION", "An input broke a rule."
    NOT_FOUND = "NOT_FOUND", "A named record does not exist."
    DUPLICATE = "DUPLICATE", "The record exists already."
    INVALID_TRANSITION = (
        "INVALID_TRANSITION",
        "The action is not possible from the task's state.",
    )
    GUARD_FAILED = "GUARD_FAILED", "A condition of the action is not met yet."
    VERSION_CONFLICT = "VERSION_CONFLICT", "Someone changed the task since you loaded it."
    CYCLE = "CYCLE", "The dependency would close a cycle."
    FORBIDDEN = "FORBIDDEN", "Your role may not do this."
    CALENDAR_UNAVAILABLE = (
        "CALENDAR_UNAVAILABLE",
        "The official working-day calendar of that year is not published yet.",
    )
    UNAUTHENTICATED = "UNAUTHENTICATED", "Wrong username or password."
    THROTTLED = "THROTTLED", "Too many failed sign-ins lately: wait, then try again."
    INCONSISTENT_HISTORY = (
        "INCONSISTENT_HISTORY",
        "The task's recorded history does not replay on its workflow.",
    )
    INVALID_STATE_MAP = (
        "INVALID_STATE_MAP",
        "A map of states from one workflow version to another is unusable.",
    )
    INVALID_DEFINITION = "INVALID_DEFINITION", "A workflow definition failed validation."
    CASE_CLOSED = (
        "CASE_CLOSED",
        "The enforcement case is closed: its payments are final.",
    )
    SUBSCRIPTION_ENDED = (
        "SUBSCRIPTION_ENDED",
        "The server ended the subscription: reload and subscribe again.",
    )
    INTERNAL = "INTERNAL", "Something failed on the server's side."


class WorkflowError(Exception):
    """Base of every error the workflow engine raises on purpose."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL


_DEFINITION_PROBLEMS: dict[str, str] = {
    "unreachable": N_("states unreachable from {start}: {states}"),
    "no_terminal_path": N_("states with no path to a terminal state: {states}"),
    "terminal_has_exit": N_("terminal states with outgoing transitions: {states}"),
    "isolated": N_("isolated states (no transition in or out): {states}"),
    "trap": N_("states form a trap (a cycle with no exit and no terminal): {states}"),
    "unknown_state": N_("unknown states referred to: {states}"),
    "no_start": N_("start state is not a declared state: {states}"),
    "no_terminal": N_("the definition declares no terminal state"),
    "duplicate_state": N_("states declared more than once: {states}"),
    "duplicate_action": N_("an action is declared twice from the same state: {states}"),
    "duplicate_version": N_("another definition is registered under the same key and version"),
    "malformed": N_("malformed definition"),
}


class DefinitionError(WorkflowError):
    """A workflow definition failed validation.

    Attributes:
        problem: what is wrong, one of ``unreachable``, ``no_terminal_path``,
            ``terminal_has_exit``, ``isolated``, ``trap``, ``unknown_state``,
            ``no_start``, ``no_terminal``, ``duplicate_state``,
            ``duplicate_action``, ``duplicate_version``, ``malformed``.
        states: the states concerned, in definition order.
        detail: extra words (the action concerned, the bad field …).
    """

    code = ErrorCode.INVALID_DEFINITION

    def __init__(
        self,
        problem: str,
        states: Iterable[str] = (),
        *,
        start: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.problem = problem
        self.states = tuple(states)
        self.detail = detail
        template = _DEFINITION_PROBLEMS.get(problem)
        message = (
            _(template, start=start or _("the start state"), states=_names(self.states))
            if template
            else _("{problem}: {states}", problem=problem, states=_names(self.states))
        )
        if detail:
            message = _("{message} ({detail})", message=message, detail=detail)
        super().__init__(message)


class UnknownDefinition(WorkflowError):
    """No definition is registered under the key (and version) asked for.

    Attributes:
        key: the definition's key (``default``, ``enforcement`` …).
        version: the version asked for; None when the latest was asked for.
        known: the versions registered under ``key``, ascending (empty if none).
    """

    code = ErrorCode.NOT_FOUND

    def __init__(self, key: str, version: int | None = None, known: Iterable[int] = ()) -> None:
        self.key = key
        self.version = version
        self.known = tuple(sorted(known))
        versions = ", ".join(map(str, self.known))
        if version is not None:
            wanted = _("no workflow definition {key} version {version}", key=key, version=version)
        else:
            wanted = _("no workflow definition {key}", key=key)
        if self.known:
            tail = _("registered versions of {key}: {versions}", key=key, versions=versions)
        else:
            tail = _("no version of {key} is registered", key=key)
        super().__init__(join([wanted, tail]))


class StateMapError(WorkflowError):
    """A map of states from one definition version to another is unusable.

    Attributes:
        missing: open states of the old definition the map does not cover.
        unknown: targets that are not states of the new definition.
        onto_terminal: old open states mapped onto a terminal state.
    """

    code = ErrorCode.INVALID_STATE_MAP

    def __init__(
        self,
        *,
        missing: Iterable[str] = (),
        unknown: Iterable[str] = (),
        onto_terminal: Iterable[str] = (),
    ) -> None:
        self.missing = tuple(missing)
        self.unknown = tuple(unknown)
        self.onto_terminal = tuple(onto_terminal)
        parts = []
        if self.missing:
            parts.append(_("open states not mapped: {states}", states=_names(self.missing)))
        if self.unknown:
            parts.append(
                _("targets not in the new definition: {states}", states=_names(self.unknown))
            )
        if self.onto_terminal:
            parts.append(
                _(
                    "open states mapped onto a terminal state: {states}",
                    states=_names(self.onto_terminal),
                )
            )
        super().__init__(join(parts) if parts else _("invalid state map"))


class InvalidTransition(WorkflowError):
    """The action does not exist or cannot be taken from the task's state.

    Attributes:
        action: the action asked for.
        state: the task's current state.
        possible: the actions the definition allows from that state (for anyone).
    """

    code = ErrorCode.INVALID_TRANSITION

    def __init__(self, action: str, state: str, possible: Iterable[str]) -> None:
        self.action = action
        self.state = state
        self.possible = tuple(possible)
        tail = (
            _("possible from {state}: {actions}", state=word(state), actions=_names(self.possible))
            if self.possible
            else _("nothing is possible from {state}", state=word(state))
        )
        super().__init__(
            join(
                [
                    _(
                        "{action} is not possible from {state}",
                        action=word(action),
                        state=word(state),
                    ),
                    tail,
                ]
            )
        )


#: The role tokens of a definition (``workflow.definition.ROLE_TOKENS``) in
#: words, for the refusals that say who may act instead.
ROLE_WORDS = {
    "COORDINATOR": "the coordinator",
    "RESPONSIBLE_UNIT": "the responsible unit's liaison",
    "COURT": "the liaison of the task's court",
}
_ROLE_MESSAGES = {
    "COORDINATOR": lambda: _("the coordinator"),
    "RESPONSIBLE_UNIT": lambda: _("the responsible unit's liaison"),
    "COURT": lambda: _("the liaison of the task's court"),
}
_ACCOUNT_ROLES = {
    "COORDINATOR": lambda: _("a coordinator"),
    "COURT_LIAISON": lambda: _("a court liaison"),
    "UNIT_LIAISON": lambda: _("a unit liaison"),
    "LEADER": lambda: _("a leader"),
    "ADMIN": lambda: _("an administrator"),
}


class Forbidden(WorkflowError):
    """The actor's role or unit may not take the action on this task.

    Attributes:
        action: the action asked for.
        role: the actor's account role.
        unit_id: the actor's unit, if any.
        allowed: the role tokens that may take the action (``COORDINATOR``,
            ``RESPONSIBLE_UNIT``, ``COURT``).
    """

    code = ErrorCode.FORBIDDEN

    def __init__(self, action: str, role: str, unit_id: int | None, allowed: Iterable[str]) -> None:
        self.action = action
        self.role = role
        self.unit_id = unit_id
        self.allowed = tuple(allowed)
        # The English keeps the account's role and unit as codes (operators read it in
        # the log); the Chinese names the role in words.
        account = _ACCOUNT_ROLES[role]() if role in _ACCOUNT_ROLES else term(role, role)
        unit = f" of unit {unit_id}" if unit_id is not None else ""
        super().__init__(
            _(
                "{role} may not {action}: only {who} may",
                role=term(str(account), f"{role}{unit}"),
                action=word(action),
                who=self.who,
            )
        )

    @property
    def who(self) -> Text:
        """Who may take the action, in words: "the coordinator or the liaison of …"."""
        words = [
            _ROLE_MESSAGES[token]() if token in _ROLE_MESSAGES else term(token, token)
            for token in self.allowed
        ]
        return join(words, "或", " or ") if words else _("nobody")


class InvalidInput(WorkflowError):
    """An input of the action is unusable.

    Attributes:
        field: the input's API name (``comment``, ``evidence``, ``dueOn``).
        reason: what is wrong with it, in plain words, naming the field.
    """

    code = ErrorCode.VALIDATION

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(reason)


class MissingInput(InvalidInput):
    """An input the action requires was not given (or was blank).

    Attributes:
        action: the action that needs the input.
    """

    def __init__(self, field: str, action: str) -> None:
        self.action = action
        what = action if isinstance(action, Text) else word(action)
        super().__init__(
            field, _("{field} is required to {action}", field=field_label(field), action=what)
        )


class GuardFailed(WorkflowError):
    """A guard of the action refused it.

    Attributes:
        action: the action asked for.
        guard: the guard's name (``dependencies_closed`` …).
        reason: why, in plain words.
    """

    code = ErrorCode.GUARD_FAILED

    def __init__(self, action: str, guard: str, requirement: str, reason: str) -> None:
        self.action = action
        self.guard = guard
        self.requirement = requirement
        self.reason = reason
        super().__init__(
            _(
                "{action} needs {requirement}: {reason}",
                action=word(action),
                requirement=requirement,
                reason=reason,
            )
        )


class CalendarUnavailable(WorkflowError):
    """No official PRC working-day calendar exists for the year.

    Attributes:
        year: the year asked about.
        supported: the years the calendar data covers, ascending.
    """

    code = ErrorCode.CALENDAR_UNAVAILABLE

    def __init__(self, year: int, supported: Iterable[int] = ()) -> None:
        self.year = year
        self.supported = tuple(sorted(supported))
        message = _("no official PRC working-day calendar for {year}; refusing to guess", year=year)
        if self.supported:
            message = _(
                "{message} (official data covers {first}–{last})",
                message=message,
                first=self.supported[0],
                last=self.supported[-1],
            )
        super().__init__(message)

    @classmethod
    def for_date(cls, day: datetime.date, supported: Iterable[int]) -> CalendarUnavailable:
        """The error for a date outside the supported years."""
        return cls(day.year, supported)


class CycleError(WorkflowError):
    """A dependency would close a cycle.

    Attributes:
        cycle: the tasks on the cycle, starting with the dependent task, without
            repeating it at the end (the message does repeat it).
    """

    code = ErrorCode.CYCLE

    def __init__(self, cycle: Iterable[str]) -> None:
        self.cycle = tuple(cycle)
        path = " → ".join((*self.cycle, self.cycle[0])) if self.cycle else ""
        super().__init__(_("dependency would close a cycle: {path}", path=path))


class UnknownTask(WorkflowError):
    """A dependency names a task the graph does not hold.

    Attributes:
        key: the task asked about.
    """

    code = ErrorCode.NOT_FOUND

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(_("no task {key} in the dependency graph", key=key))


class InconsistentHistory(WorkflowError):
    """An event log does not replay on the definition.

    Attributes:
        index: position of the offending event (0-based).
        action: its action.
        expected_state: the state the replay had reached.
        recorded_state: the from-state the event records.
    """

    code = ErrorCode.INCONSISTENT_HISTORY

    def __init__(
        self,
        index: int,
        action: str,
        expected_state: str,
        recorded_state: str | None,
        reason: str,
    ) -> None:
        self.index = index
        self.action = action
        self.expected_state = expected_state
        self.recorded_state = recorded_state
        self.reason = reason
        super().__init__(
            _(
                "event {index} ({action}) does not replay from {state}: {reason}",
                index=index,
                action=action,
                state=expected_state,
                reason=reason,
            )
        )
