"""Workflow definitions: states and actions as a validated networkx graph.

A definition is built from plain data (so it can be stored, versioned and
diffed) by :func:`load_definition`, which refuses any graph a task could get
lost in. The nodes of :attr:`Definition.graph` are state keys carrying their
:class:`State` under the ``state`` attribute; its edges are keyed by action and
carry their :class:`Transition` under ``transition``.

Actions that do not move the task (supervise, request_extension, extend,
confirm_performance) are kept apart, in :attr:`Definition.side_actions`, so that
graph questions (reachability, distance to CLOSED) are not muddied by them.

The built-in definitions are in ``workflow.builtin``, the registry of every
definition a task may be on in ``workflow.registry``.

Example:
    >>> from workflow.builtin import enforcement_definition
    >>> d = enforcement_definition()
    >>> [t.action for t in d.transitions_from("ASSIGNED")]
    ['accept', 'return', 'cancel']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# networkx ships no type information and types-networkx is not a dependency;
# "unused-ignore" keeps mypy quiet once the stubs are installed.
import networkx as nx  # type: ignore[import-untyped, unused-ignore]

from workflow.errors import DefinitionError, StateMapError

__all__ = [
    "GUARDS",
    "INPUTS",
    "ROLE_TOKENS",
    "Definition",
    "SideAction",
    "State",
    "Transition",
    "load_definition",
    "migrate_state_map",
]

#: Who may take an action. COORDINATOR: an account with that role;
#: RESPONSIBLE_UNIT: a UNIT_LIAISON of the task's responsible unit;
#: COURT: a COURT_LIAISON of the task's court.
ROLE_TOKENS = frozenset({"COORDINATOR", "RESPONSIBLE_UNIT", "COURT"})

#: Inputs an action may require. ``listing_comment`` is a comment required only
#: when the action lists the task 挂牌 (supervise from 重点: a leadership decision
#: the office words); ``summoned_on`` the day of a 约谈.
INPUTS = frozenset({"comment", "evidence", "due_on", "listing_comment", "summoned_on"})

#: Guards the engine knows how to evaluate (see ``workflow.engine``).
GUARDS = frozenset(
    {
        "dependencies_closed",
        "enforcement_closure_grounds",
        "performance_confirmed",
        "performance_complete",
        "not_yet_confirmed",
        "below_listed",
        "extension_pending",
    }
)


@dataclass(frozen=True)
class State:
    """A node of the workflow graph."""

    key: str
    label_zh: str
    label_en: str
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    """An edge of the workflow graph: an action that moves a task.

    ``roles`` holds role tokens (:data:`ROLE_TOKENS`), ``guards`` names of
    guards that must all pass, ``requires`` the inputs (:data:`INPUTS`) the
    action cannot be taken without.
    """

    action: str
    source: str
    target: str
    roles: frozenset[str]
    guards: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    requires: frozenset[str] = frozenset()

    @property
    def state_changing(self) -> bool:
        """Whether the action moves the task to another state."""
        return self.source != self.target


@dataclass(frozen=True)
class SideAction:
    """An action that records something on a task without moving it.

    ``sources`` are the states it may be taken from, in definition order.
    """

    action: str
    sources: tuple[str, ...]
    roles: frozenset[str]
    guards: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    requires: frozenset[str] = frozenset()


class Definition:
    """A validated, versioned workflow.

    Build one with :func:`load_definition`; the constructor validates too, so an
    invalid ``Definition`` never exists.

    Attributes:
        key: the definition's name (``default``, ``enforcement``).
        version: its version number.
        start: the state a new task starts in.
        closed: the terminal state that means "done" (progress counts toward it).
        graph: states and transitions as a ``networkx.MultiDiGraph``.
        side_actions: actions that do not change state, by action name.
    """

    def __init__(
        self,
        *,
        key: str,
        version: int,
        start: str,
        states: Sequence[State],
        transitions: Sequence[Transition],
        side_actions: Sequence[SideAction] = (),
        closed: str = "CLOSED",
        label_zh: str = "",
        label_en: str = "",
    ) -> None:
        self.key = key
        self.version = version
        self.start = start
        self.closed = closed
        self.label_zh = label_zh
        self.label_en = label_en
        self._states = tuple(states)
        self._transitions = tuple(transitions)
        self.side_actions: dict[str, SideAction] = {}
        self.graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self._build(side_actions)
        _validate(self)

    def __repr__(self) -> str:
        return f"<Definition {self.key} v{self.version}>"

    def _build(self, side_actions: Sequence[SideAction]) -> None:
        by_key: dict[str, State] = {}
        duplicates = []
        for state in self._states:
            if state.key in by_key:
                duplicates.append(state.key)
            by_key[state.key] = state
            self.graph.add_node(state.key, state=state)
        if duplicates:
            raise DefinitionError("duplicate_state", duplicates)
        self._by_key = by_key
        if self.start not in by_key:
            raise DefinitionError("no_start", [self.start])
        for transition in self._transitions:
            unknown = [s for s in (transition.source, transition.target) if s not in by_key]
            if unknown:
                raise DefinitionError(
                    "unknown_state",
                    unknown,
                    detail=f"in transition {transition.action}",
                )
            if any(
                a == transition.action
                for _, _, a in self.graph.out_edges(transition.source, keys=True)
            ):
                raise DefinitionError(
                    "duplicate_action", [transition.source], detail=transition.action
                )
            _check_tokens(
                transition.action,
                transition.roles,
                transition.guards,
                transition.requires,
            )
            self.graph.add_edge(
                transition.source,
                transition.target,
                key=transition.action,
                transition=transition,
            )
        for side in side_actions:
            unknown = [s for s in side.sources if s not in by_key]
            if unknown:
                raise DefinitionError(
                    "unknown_state", unknown, detail=f"in side action {side.action}"
                )
            terminal = [s for s in side.sources if by_key[s].terminal]
            if terminal:
                raise DefinitionError(
                    "terminal_has_exit", terminal, detail=f"side action {side.action}"
                )
            if side.action in self.side_actions or any(
                t.action == side.action for t in self._transitions
            ):
                raise DefinitionError("malformed", detail=f"action {side.action} declared twice")
            _check_tokens(side.action, side.roles, side.guards, side.requires)
            self.side_actions[side.action] = side
        if self.closed not in by_key or not by_key[self.closed].terminal:
            raise DefinitionError(
                "malformed",
                detail=f"closed state {self.closed} is not a terminal state",
            )

    def state(self, key: str) -> State:
        """The state named ``key``.

        Raises:
            DefinitionError: (``unknown_state``) if there is none.
        """
        try:
            return self._by_key[key]
        except KeyError:
            raise DefinitionError("unknown_state", [key]) from None

    def has_state(self, key: str) -> bool:
        """Whether ``key`` is a state of this definition."""
        return key in self._by_key

    @property
    def states(self) -> tuple[State, ...]:
        """Every state, in definition order."""
        return self._states

    @property
    def transitions(self) -> tuple[Transition, ...]:
        """Every transition, in definition order."""
        return self._transitions

    def transitions_from(self, state: str) -> list[Transition]:
        """The transitions leaving ``state``, in definition order."""
        self.state(state)
        return [t for t in self._transitions if t.source == state]

    def transition(self, state: str, action: str) -> Transition | None:
        """The transition for ``action`` from ``state``, if the graph has one."""
        for transition in self._transitions:
            if transition.source == state and transition.action == action:
                return transition
        return None

    def step(self, state: str, action: str) -> Transition | SideAction | None:
        """What ``action`` is from ``state``: a transition, a side action, or None.

        A transition of the graph wins over a side action of the same name;
        a side action counts only from the states it lists.
        """
        found: Transition | SideAction | None = self.transition(state, action)
        if found is None:
            side = self.side_actions.get(action)
            if side is not None and state in side.sources:
                found = side
        return found

    def side_actions_from(self, state: str) -> list[SideAction]:
        """The side actions that may be taken in ``state``, in definition order."""
        return [s for s in self.side_actions.values() if state in s.sources]

    def actions_from(self, state: str) -> list[str]:
        """Names of every action possible from ``state`` for someone."""
        names = [t.action for t in self.transitions_from(state)]
        names += [s.action for s in self.side_actions_from(state)]
        return names

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action name, state-changing or not, without repeats."""
        names = dict.fromkeys(t.action for t in self._transitions)
        names.update(dict.fromkeys(self.side_actions))
        return tuple(names)

    @property
    def terminal_states(self) -> tuple[str, ...]:
        """Keys of the terminal states, in definition order."""
        return tuple(s.key for s in self._states if s.terminal)

    @property
    def open_states(self) -> tuple[str, ...]:
        """Keys of the non-terminal states, in definition order."""
        return tuple(s.key for s in self._states if not s.terminal)

    def is_terminal(self, state: str) -> bool:
        """Whether ``state`` is terminal."""
        return self.state(state).terminal

    def path_to(self, state: str) -> list[Transition]:
        """The transitions of a shortest way from the start to ``state``.

        The graph is built in definition order, so ties are always broken the
        same way. Every state of a valid definition is reachable, so there always is one.

        Example:
            >>> from workflow.builtin import default_definition
            >>> [t.action for t in default_definition().path_to("ACCEPTED")]
            ['assign', 'accept']
        """
        self.state(state)
        nodes: list[str] = nx.shortest_path(self.graph, self.start, state)
        return [
            next(t for t in self._transitions if t.source == source and t.target == target)
            for source, target in itertools.pairwise(nodes)
        ]

    def _content(self) -> tuple[object, ...]:
        """Everything that makes the definition what it is, for comparing two of them."""
        side = tuple(self.side_actions.values())
        return (
            self.key,
            self.version,
            self.start,
            self.closed,
            self.label_zh,
            self.label_en,
            self._states,
            self._transitions,
            side,
        )

    def same_as(self, other: Definition) -> bool:
        """Whether ``other`` declares exactly the same workflow (labels included)."""
        return self is other or self._content() == other._content()


def _check_tokens(
    action: str, roles: Iterable[str], guards: Iterable[str], requires: Iterable[str]
) -> None:
    for kind, given, known in (
        ("role", roles, ROLE_TOKENS),
        ("guard", guards, GUARDS),
        ("input", requires, INPUTS),
    ):
        unknown = sorted(set(given) - known)
        if unknown:
            raise DefinitionError(
                "malformed",
                detail=f"action {action}: unknown {kind} {', '.join(unknown)}",
            )


def _ordered(definition: Definition, keys: Iterable[str]) -> list[str]:
    wanted = set(keys)
    return [s.key for s in definition.states if s.key in wanted]


def _validate(definition: Definition) -> None:
    """Refuse any graph a task could get lost in (see module docstring)."""
    graph = definition.graph
    terminals = set(definition.terminal_states)
    if not terminals:
        raise DefinitionError("no_terminal")
    # A single-state definition has nothing to be isolated from.
    if len(graph) > 1:
        isolated = [n for n in graph if graph.degree(n) == 0]
        if isolated:
            raise DefinitionError("isolated", _ordered(definition, isolated))
    reachable = nx.descendants(graph, definition.start) | {definition.start}
    unreachable = set(graph) - reachable
    if unreachable:
        raise DefinitionError(
            "unreachable", _ordered(definition, unreachable), start=definition.start
        )
    with_exit = [t for t in terminals if graph.out_degree(t) > 0]
    if with_exit:
        raise DefinitionError("terminal_has_exit", _ordered(definition, with_exit))
    # A trap is a cycle a task can enter but never leave: a sink of the
    # condensation (no edge out of the component) that holds no terminal and
    # really is a cycle (several states, or one state looping on itself).
    condensed = nx.condensation(graph)
    for component in condensed:
        if condensed.out_degree(component) > 0:
            continue
        members: set[str] = condensed.nodes[component]["members"]
        if members & terminals:
            continue
        cyclic = len(members) > 1 or any(graph.has_edge(m, m) for m in members)
        if cyclic:
            raise DefinitionError("trap", _ordered(definition, members))
    can_finish: set[str] = set()
    for terminal in terminals:
        can_finish |= nx.ancestors(graph, terminal) | {terminal}
    stuck = set(graph) - can_finish
    if stuck:
        raise DefinitionError("no_terminal_path", _ordered(definition, stuck))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def load_definition(data: Mapping[str, Any]) -> Definition:
    """Build and validate a definition from plain data.

    ``data`` holds ``key``, ``version``, ``start``, optionally ``closed``
    (default ``CLOSED``), ``label_zh``/``label_en``, and lists ``states``
    (``key``, ``label_zh``, ``label_en``, ``terminal``), ``transitions``
    (``action``, ``from`` — one state or a list, expanded into one transition
    per source —, ``to``, ``roles``, ``guards``, ``requires``, labels) and
    ``side_actions`` (like transitions, without ``to``).

    Raises:
        DefinitionError: naming the problem and the states concerned.
    """
    try:
        states = [
            State(
                key=str(s["key"]),
                label_zh=str(s.get("label_zh", s["key"])),
                label_en=str(s.get("label_en", s["key"])),
                terminal=bool(s.get("terminal", False)),
            )
            for s in data["states"]
        ]
        transitions = [
            Transition(
                action=str(t["action"]),
                source=source,
                target=str(t["to"]),
                roles=frozenset(_as_list(t.get("roles", ()))),
                guards=tuple(_as_list(t.get("guards", ()))),
                label_zh=str(t.get("label_zh", t["action"])),
                label_en=str(t.get("label_en", t["action"])),
                requires=frozenset(_as_list(t.get("requires", ()))),
            )
            for t in data["transitions"]
            for source in _as_list(t["from"])
        ]
        side_actions = [
            SideAction(
                action=str(a["action"]),
                sources=tuple(_as_list(a["from"])),
                roles=frozenset(_as_list(a.get("roles", ()))),
                guards=tuple(_as_list(a.get("guards", ()))),
                label_zh=str(a.get("label_zh", a["action"])),
                label_en=str(a.get("label_en", a["action"])),
                requires=frozenset(_as_list(a.get("requires", ()))),
            )
            for a in data.get("side_actions", ())
        ]
        key = str(data["key"])
        version = int(data["version"])
        start = str(data["start"])
    except (KeyError, TypeError, ValueError) as err:
        raise DefinitionError("malformed", detail=f"missing or bad field {err}") from err
    return Definition(
        key=key,
        version=version,
        start=start,
        states=states,
        transitions=transitions,
        side_actions=side_actions,
        closed=str(data.get("closed", "CLOSED")),
        label_zh=str(data.get("label_zh", "")),
        label_en=str(data.get("label_en", "")),
    )


def migrate_state_map(
    old: Definition, new: Definition, mapping: Mapping[str, str]
) -> dict[str, str]:
    """Check a map taking tasks in open states of ``old`` to states of ``new``.

    Every open state of ``old`` must be mapped, onto a state ``new`` has and that
    is not terminal (a migration must not silently close or cancel work). Keys
    that are not open states of ``old`` are ignored.

    Returns:
        The map restricted to the open states of ``old``, in their order.

    Raises:
        StateMapError: naming the states missing, unknown or mapped onto a terminal.
    """
    missing = [s for s in old.open_states if s not in mapping]
    mapped = [s for s in old.open_states if s in mapping]
    unknown = [mapping[s] for s in mapped if not new.has_state(mapping[s])]
    onto_terminal = [s for s in mapped if new.has_state(mapping[s]) and new.is_terminal(mapping[s])]
    if missing or unknown or onto_terminal:
        raise StateMapError(missing=missing, unknown=unknown, onto_terminal=onto_terminal)
    return {s: mapping[s] for s in mapped}
