"""Dependencies between tasks: a DAG, with what blocks what and the critical path.

An edge ``A → B`` in :attr:`DependencyGraph.graph` means "A depends on B": B
must close before A can start. Bankruptcy matters are the usual case (asset
takeover 财产接管 before asset disposal 资产处置).
"""

from __future__ import annotations

from dataclasses import dataclass

# networkx ships no type information and types-networkx is not a dependency;
# "unused-ignore" keeps mypy quiet once the stubs are installed.
import networkx as nx  # type: ignore[import-untyped, unused-ignore]

from workflow.errors import CycleError, UnknownTask

__all__ = ["DependencyGraph", "TaskNode"]


@dataclass(frozen=True)
class TaskNode:
    """What the graph knows of a task."""

    key: str
    remaining_days: int
    closed: bool


class DependencyGraph:
    """Tasks and the dependencies between them, kept acyclic.

    Example:
        >>> g = DependencyGraph()
        >>> for key in ("DISPOSAL", "TAKEOVER"):
        ...     g.add_task(key, remaining_days=5, closed=False)
        >>> g.add_dependency("DISPOSAL", "TAKEOVER")
        >>> g.blocked_by("DISPOSAL")
        ['TAKEOVER']
    """

    def __init__(self) -> None:
        self.graph: nx.DiGraph[str] = nx.DiGraph()

    def __contains__(self, key: object) -> bool:
        return key in self.graph

    def add_task(self, key: str, remaining_days: int = 0, closed: bool = False) -> None:
        """Add a task, or update the facts of one already there.

        Args:
            key: the task's code.
            remaining_days: working days of work left (0 for a closed task).
            closed: whether it is CLOSED.
        """
        self.graph.add_node(key, node=TaskNode(key, max(remaining_days, 0), closed))

    def node(self, key: str) -> TaskNode:
        """The facts held for ``key``.

        Raises:
            UnknownTask: if the graph does not hold it.
        """
        if key not in self.graph:
            raise UnknownTask(key)
        node: TaskNode = self.graph.nodes[key]["node"]
        return node

    def add_dependency(self, task: str, depends_on: str) -> None:
        """Record that ``task`` cannot start before ``depends_on`` closes.

        Raises:
            UnknownTask: if either task is not in the graph.
            CycleError: if the edge would close a cycle (a task depending on
                itself included), naming the cycle.
        """
        self.node(task)
        self.node(depends_on)
        if task == depends_on:
            raise CycleError((task,))
        if nx.has_path(self.graph, depends_on, task):
            # depends_on → … → task already exists; the new edge task → depends_on
            # would close it.
            path: list[str] = nx.shortest_path(self.graph, depends_on, task)
            raise CycleError((task, *path[:-1]))
        self.graph.add_edge(task, depends_on)

    def remove_dependency(self, task: str, depends_on: str) -> None:
        """Drop the dependency if it exists."""
        if self.graph.has_edge(task, depends_on):
            self.graph.remove_edge(task, depends_on)

    def depends_on(self, task: str) -> list[str]:
        """The direct dependencies of ``task``, sorted."""
        self.node(task)
        return sorted(self.graph.successors(task))

    def blocked_by(self, task: str) -> list[str]:
        """The open tasks that must close before ``task`` can start.

        Direct and transitive, nearest first (ties by key). The walk goes
        through open tasks only: a closed dependency no longer holds anything up.

        Raises:
            UnknownTask: if the graph does not hold ``task``.
        """
        self.node(task)
        open_graph = self.graph.subgraph(
            [task, *(n for n in self.graph if not self.node(n).closed)]
        )
        distances: dict[str, int] = nx.single_source_shortest_path_length(open_graph, task)
        distances.pop(task, None)
        return sorted(distances, key=lambda key: (distances[key], key))

    def critical_path(self) -> tuple[list[str], int]:
        """The longest chain of open tasks, weighted by remaining working days.

        Returns:
            The chain in execution order (first the task to finish first) and
            its total remaining working days; ``([], 0)`` with no open task.
        """
        open_keys = sorted(n for n in self.graph if not self.node(n).closed)
        if not open_keys:
            return [], 0
        # Work in execution order (B before A when A depends on B). A path's
        # weight must count every node, so each edge carries the remaining days
        # of the task it leaves, and every task gets an edge into a sink node
        # carrying its own days; the longest path then ends at the sink.
        sink = "\x00sink"
        flow: nx.DiGraph[str] = nx.DiGraph()
        flow.add_nodes_from(open_keys)
        for key in open_keys:
            days = self.node(key).remaining_days
            for dependent in self.graph.predecessors(key):
                if not self.node(dependent).closed:
                    flow.add_edge(key, dependent, weight=days)
            flow.add_edge(key, sink, weight=days)
        path: list[str] = nx.dag_longest_path(flow, weight="weight", topo_order=None)
        length = int(nx.dag_longest_path_length(flow, weight="weight"))
        return [key for key in path if key != sink], length

    def topological_order(self) -> list[str]:
        """Every task, dependencies before the tasks that need them (ties by key)."""
        return list(nx.lexicographical_topological_sort(self.graph.reverse(copy=False)))
