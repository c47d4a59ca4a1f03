"""Dependencies between tasks: adding them without cycles, what blocks, the critical path.

A task that depends on another cannot start until that one is finished
(closed or cancelled). The graph work is the engine's
(``workflow.dependencies``); this module reads the edges it needs and writes
new ones in a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from store.enums import FINISHED_STATES, Role
from store.errors import DependencyCycle, Duplicate, NotFound, ValidationError, WorkflowRefusal
from store.models import Account, Task, TaskDependency
from store.operations.transitions import actor_of
from workflow.calendar import default_calendar
from workflow.clock import local_today
from workflow.dependencies import DependencyGraph
from workflow.errors import CalendarUnavailable, CycleError, Forbidden
from workflow.i18n import _, message_of, term

__all__ = ["add_task_dependency", "blocked_by", "critical_path"]


async def _dependency_closure(
    start: Iterable[int], conn: BaseDBAsyncClient | None = None
) -> list[tuple[int, int]]:
    """Every dependency edge reachable from ``start`` following ``depends_on``.

    Only the connected part that matters is read: one query per level of depth.
    """
    edges: list[tuple[int, int]] = []
    seen = set(start)
    frontier = set(seen)
    while frontier:
        rows = (
            await TaskDependency.filter(task_id__in=sorted(frontier))
            .using_db(conn)
            .values_list("task_id", "depends_on_id")
        )
        frontier = set()
        for task_id, depends_on_id in rows:
            edges.append((int(task_id), int(depends_on_id)))
            if depends_on_id not in seen:
                seen.add(int(depends_on_id))
                frontier.add(int(depends_on_id))
    return edges


def _remaining_days(task: Task, today: dt.date) -> int:
    """Working days from ``today`` to the due date; 0 if past, closed or undated."""
    if task.state in FINISHED_STATES or task.due_on is None or task.due_on <= today:
        return 0
    try:
        return default_calendar().working_days_between(today, task.due_on)
    except CalendarUnavailable as err:
        raise WorkflowRefusal(
            err,
            _(
                "cannot count the working days left on task {task}: {error}",
                task=task.code,
                error=message_of(err),
            ),
        ) from err


async def _graph(
    task_ids: Iterable[int], today: dt.date | None, conn: BaseDBAsyncClient | None = None
) -> tuple[DependencyGraph, dict[str, Task]]:
    """The dependency graph of ``task_ids`` and everything they depend on.

    With ``today``, each task carries its working days left (for the critical
    path); without, none (cycle checks and blocking need no calendar, so a due
    date in a year without an official calendar does not get in their way).
    """
    ids = set(task_ids)
    edges = await _dependency_closure(ids, conn)
    for task_id, depends_on_id in edges:
        ids.update((task_id, depends_on_id))
    tasks = {t.id: t for t in await Task.filter(id__in=sorted(ids)).using_db(conn)}
    graph = DependencyGraph()
    for task in tasks.values():
        graph.add_task(
            task.code,
            remaining_days=_remaining_days(task, today) if today is not None else 0,
            closed=task.state in FINISHED_STATES,
        )
    for task_id, depends_on_id in edges:
        graph.add_dependency(tasks[task_id].code, tasks[depends_on_id].code)
    return graph, {task.code: task for task in tasks.values()}


async def add_task_dependency(task_id: int, depends_on_id: int, actor: Account) -> TaskDependency:
    """Record that a task cannot start before another closes.

    Only the coordinator manages dependencies. The cycle check reads the
    dependencies reachable from ``depends_on_id`` (not the whole table): the
    new edge closes a cycle exactly when ``task_id`` is among them. On
    PostgreSQL the check and the insert run under a transaction-level advisory
    lock, so two concurrent additions cannot close a cycle between them.

    Raises:
        NotFound: either task does not exist.
        AccountInactive / WorkflowRefusal (FORBIDDEN): the actor is not an
            active coordinator.
        DependencyCycle: the dependency would close a cycle (or is the task
            itself), naming the task codes on it.
        Duplicate: the dependency exists already.
        ValidationError: the task is already closed or cancelled.
    """
    actor_ = actor_of(actor)
    if actor_.role != Role.COORDINATOR:
        raise WorkflowRefusal(
            Forbidden("add a dependency", actor_.role, actor_.unit_id, ["COORDINATOR"]),
            _(
                "{name} ({role}) may not add task dependencies: "
                "only the joint-meeting office's coordinator may",
                name=actor.display_name,
                role=term(actor.role.label, actor.role.value),
            ),
        )
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query(
                "SELECT pg_advisory_xact_lock(hashtext('fuyuan.task_dependency'))"
            )
        found = {t.id: t for t in await Task.filter(id__in=[task_id, depends_on_id]).using_db(conn)}
        if task_id not in found:
            raise NotFound("taskId", "task", task_id)
        if depends_on_id not in found:
            raise NotFound("dependsOnId", "task", depends_on_id)
        task, depends_on = found[task_id], found[depends_on_id]
        if task_id == depends_on_id:
            raise DependencyCycle([task.code])
        if task.state in FINISHED_STATES:
            raise ValidationError(
                "taskId",
                "dependency.finished",
                _(
                    "task {code} is {label}; a finished task cannot wait for another",
                    code=task.code,
                    label=task.state.label,
                ),
            )
        exists = (
            await TaskDependency.filter(task_id=task_id, depends_on_id=depends_on_id)
            .using_db(conn)
            .exists()
        )
        if exists:
            raise Duplicate("dependsOnId", "dependency", f"{task.code} → {depends_on.code}")
        graph, _cycle = await _graph([depends_on_id, task_id], None, conn)
        try:
            graph.add_dependency(task.code, depends_on.code)
        except CycleError as err:
            raise DependencyCycle(err.cycle) from err
        return await TaskDependency.create(task=task, depends_on=depends_on, using_db=conn)


async def blocked_by(task_id: int) -> list[Task]:
    """The open tasks that must close before this one can start, nearest first.

    Direct and transitive; a closed or cancelled dependency holds nothing up.

    Raises:
        NotFound: no such task.
    """
    task = await Task.get_or_none(id=task_id)
    if task is None:
        raise NotFound("taskId", "task", task_id)
    graph, by_code = await _graph([task_id], None)
    return [by_code[code] for code in graph.blocked_by(task.code)]


async def critical_path(
    task_ids: Iterable[int] | None = None, *, today: dt.date | None = None
) -> tuple[list[Task], int]:
    """The longest chain of open tasks, weighted by working days left.

    Args:
        task_ids: the tasks to consider, with everything they depend on
            (transitively). None: every task that takes part in a dependency
            (a task with no dependency in either direction is a chain of its
            own and is left out).
        today: the day to count from (default: today in Asia/Shanghai).

    Returns:
        The chain in execution order (the task to finish first first) and its
        total working days left (days from today to each due date, 0 if past).

    Raises:
        WorkflowRefusal: (CALENDAR_UNAVAILABLE) a due date falls in a year
            without an official calendar.
    """
    today = today or local_today()
    if task_ids is None:
        rows = await TaskDependency.all().values_list("task_id", "depends_on_id")
        start = {int(i) for row in rows for i in row}
    else:
        start = set(task_ids)
    if not start:
        return [], 0
    graph, by_code = await _graph(start, today)
    codes, length = graph.critical_path()
    return [by_code[code] for code in codes], length
