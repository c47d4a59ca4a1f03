"""A task's progress: its distance to CLOSED along the workflow graph."""

from __future__ import annotations

from dataclasses import dataclass

# networkx ships no type information and types-networkx is not a dependency;
# "unused-ignore" keeps mypy quiet once the stubs are installed.
import networkx as nx  # type: ignore[import-untyped, unused-ignore]

from workflow.definition import Definition

__all__ = ["Progress", "progress", "steps_to_closed"]


@dataclass(frozen=True)
class Progress:
    """How far a task has come.

    Attributes:
        percent: 0 at the start, 100 at CLOSED, 0 when CLOSED cannot be reached.
        steps_remaining: transitions still needed to reach CLOSED, or None if
            it cannot be reached (CANCELLED).
    """

    percent: int
    steps_remaining: int | None


def steps_to_closed(definition: Definition, state: str) -> int | None:
    """The fewest transitions from ``state`` to the definition's closed state.

    Returns:
        The number of steps, or None if the closed state cannot be reached.

    Raises:
        DefinitionError: (``unknown_state``) for a state the definition lacks.
    """
    definition.state(state)
    try:
        steps: int = nx.shortest_path_length(definition.graph, state, definition.closed)
    except nx.NetworkXNoPath:
        return None
    return steps


def progress(definition: Definition, state: str) -> Progress:
    """The progress of a task in ``state``.

    ``percent = 100 × (1 − steps_remaining / steps_from_start)``, rounded down
    so that only CLOSED shows 100, and kept within 0–100 (a state further from
    CLOSED than the start, if a definition had one, shows 0).

    Example:
        >>> from workflow.builtin import default_definition
        >>> progress(default_definition(), "IN_PROGRESS")
        Progress(percent=60, steps_remaining=2)
    """
    remaining = steps_to_closed(definition, state)
    if remaining is None:
        return Progress(percent=0, steps_remaining=None)
    total = steps_to_closed(definition, definition.start) or 0
    if total == 0 or remaining == 0:
        return Progress(percent=100, steps_remaining=remaining)
    percent = (100 * (total - remaining)) // total
    return Progress(percent=min(max(percent, 0), 100), steps_remaining=remaining)
