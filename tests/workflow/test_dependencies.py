from __future__ import annotations

import pytest

from workflow.dependencies import DependencyGraph
from workflow.errors import CycleError, UnknownTask


def graph(
    *tasks: tuple[str, int, bool], edges: tuple[tuple[str, str], ...] = ()
) -> DependencyGraph:
    g = DependencyGraph()
    for key, days, closed in tasks:
        g.add_task(key, remaining_days=days, closed=closed)
    for task, depends_on in edges:
        g.add_dependency(task, depends_on)
    return g


def test_a_dependency_closing_a_cycle_is_refused_with_its_path() -> None:
    g = graph(
        ("A", 1, False),
        ("B", 1, False),
        ("C", 1, False),
        edges=(("A", "B"), ("B", "C")),
    )

    with pytest.raises(CycleError) as info:
        g.add_dependency("C", "A")

    assert str(info.value) == "dependency would close a cycle: C → A → B → C"
    assert info.value.cycle == ("C", "A", "B")
    assert info.value.code == "CYCLE"
    assert not g.graph.has_edge("C", "A")


def test_a_task_cannot_depend_on_itself() -> None:
    g = graph(("A", 1, False))

    with pytest.raises(CycleError, match="dependency would close a cycle: A → A"):
        g.add_dependency("A", "A")


def test_unknown_tasks_are_named() -> None:
    with pytest.raises(UnknownTask, match="no task GHOST in the dependency graph"):
        graph(("A", 1, False)).add_dependency("A", "GHOST")


def test_blocked_by_is_transitive_nearest_first_and_stops_at_closed_tasks() -> None:
    # 变更注销 waits for 资产处置, which waits for 财产接管 and 不动产登记.
    g = graph(
        ("DEREGISTRATION", 2, False),
        ("DISPOSAL", 10, False),
        ("TAKEOVER", 5, False),
        ("REGISTRATION", 3, False),
        ("EMPLOYEES", 8, False),
        edges=(
            ("DEREGISTRATION", "DISPOSAL"),
            ("DISPOSAL", "TAKEOVER"),
            ("DISPOSAL", "REGISTRATION"),
        ),
    )

    assert g.blocked_by("DEREGISTRATION") == ["DISPOSAL", "REGISTRATION", "TAKEOVER"]
    assert g.blocked_by("EMPLOYEES") == []

    g.add_task("DISPOSAL", remaining_days=0, closed=True)

    assert g.blocked_by("DEREGISTRATION") == []
    assert g.blocked_by("DISPOSAL") == ["REGISTRATION", "TAKEOVER"]


def test_depends_on_lists_the_direct_dependencies_only() -> None:
    g = graph(
        ("DEREG", 2, False),
        ("DISPOSAL", 10, False),
        ("TAKEOVER", 5, False),
        ("REGISTRATION", 3, False),
        edges=(("DEREG", "REGISTRATION"), ("DEREG", "DISPOSAL"), ("DISPOSAL", "TAKEOVER")),
    )

    assert g.depends_on("DEREG") == ["DISPOSAL", "REGISTRATION"]
    assert g.depends_on("TAKEOVER") == []
    assert "DEREG" in g
    assert "GHOST" not in g
    with pytest.raises(UnknownTask):
        g.depends_on("GHOST")


def test_removing_a_dependency_unblocks_the_task_and_removing_it_again_does_nothing() -> None:
    g = graph(("A", 1, False), ("B", 1, False), edges=(("A", "B"),))

    g.remove_dependency("A", "B")
    g.remove_dependency("A", "B")

    assert g.blocked_by("A") == []
    assert g.depends_on("A") == []
    g.add_dependency("B", "A")  # the other way round no longer closes a cycle
    assert g.blocked_by("B") == ["A"]


def _bankruptcy() -> DependencyGraph:
    # By hand: TAKEOVER(5) → DISPOSAL(10) → DEREG(2) = 17;
    # TAKEOVER(5) → REGISTRATION(3) → DEREG(2) = 10; EMPLOYEES(8) alone = 8.
    return graph(
        ("TAKEOVER", 5, False),
        ("DISPOSAL", 10, False),
        ("REGISTRATION", 3, False),
        ("DEREG", 2, False),
        ("EMPLOYEES", 8, False),
        edges=(
            ("DISPOSAL", "TAKEOVER"),
            ("REGISTRATION", "TAKEOVER"),
            ("DEREG", "DISPOSAL"),
            ("DEREG", "REGISTRATION"),
        ),
    )


def test_critical_path_worked_out_by_hand() -> None:
    assert _bankruptcy().critical_path() == (["TAKEOVER", "DISPOSAL", "DEREG"], 17)


def test_critical_path_ignores_closed_tasks() -> None:
    g = _bankruptcy()
    g.add_task("TAKEOVER", remaining_days=0, closed=True)
    g.add_task("DISPOSAL", remaining_days=4, closed=False)

    # DISPOSAL(4) → DEREG(2) = 6 < EMPLOYEES(8)
    assert g.critical_path() == (["EMPLOYEES"], 8)


def test_a_closed_task_adds_nothing_to_the_path_of_what_it_waited_for() -> None:
    g = _bankruptcy()
    g.add_task("DEREG", remaining_days=0, closed=True)

    # TAKEOVER(5) → DISPOSAL(10) = 15; the closed DEREG no longer extends it
    assert g.critical_path() == (["TAKEOVER", "DISPOSAL"], 15)


def test_critical_path_of_nothing_open_is_empty() -> None:
    assert graph(("A", 0, True)).critical_path() == ([], 0)


def test_topological_order_puts_dependencies_first() -> None:
    assert _bankruptcy().topological_order() == [
        "EMPLOYEES",
        "TAKEOVER",
        "DISPOSAL",
        "REGISTRATION",
        "DEREG",
    ]
