"""DataLoaders, made fresh for every request in ``get_context``.

Each loads a batch of keys with one query and answers in key order, so a page
of 5 or of 50 tasks costs the same number of SQL statements.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.models import Model

from store.models import (
    Account,
    AgendaItem,
    BankruptcyCase,
    EnforcementCase,
    ImportBatch,
    JointMeeting,
    PerformanceRecord,
    StoredFile,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.operations.transitions import URGE_ACTION, pending_extensions
from store.visibility import scope_for

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=Model)


def _by_id(model: type[M], scope: Q) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    """Rows by id, None for a row the viewer may not see (as if it did not exist)."""

    async def load(keys: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await model.filter(scope, id__in=set(keys))}
        return [rows.get(key) for key in keys]

    return load


def _grouped(
    model: type[M], key_field: str, scope: Q, *, order: Sequence[str] = ("id",)
) -> Callable[[Sequence[int]], Awaitable[list[list[M]]]]:
    """Rows of ``model`` grouped by ``key_field``: one query for every key."""

    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        query = model.filter(scope, **{f"{key_field}__in": set(keys)}).order_by(*order)
        for row in await query:
            groups[getattr(row, key_field)].append(row)
        return [groups.get(key, []) for key in keys]

    return load


async def _amount_performed(keys: Sequence[int]) -> list[int]:
    # Only ever asked for cases the viewer could load: the sum needs no scope.
    rows = (
        await PerformanceRecord.filter(case_id__in=set(keys))
        .annotate(total=Sum("amount_fen"))
        .group_by("case_id")
        .values_list("case_id", "total")
    )
    totals = {case_id: int(total or 0) for case_id, total in rows}
    return [totals.get(key, 0) for key in keys]


async def _event_counts(keys: Sequence[int]) -> list[int]:
    rows = (
        await TaskEvent.filter(task_id__in=set(keys))
        .annotate(n=Count("id"))
        .group_by("task_id")
        .values_list("task_id", "n")
    )
    counts = {task_id: int(n) for task_id, n in rows}
    return [counts.get(key, 0) for key in keys]


async def _urge_counts(keys: Sequence[int]) -> list[int]:
    # Asked only by Task.urgeCount, for tasks the viewer could load.
    rows = (
        await TaskEvent.filter(task_id__in=set(keys), action=URGE_ACTION)
        .annotate(n=Count("id"))
        .group_by("task_id")
        .values_list("task_id", "n")
    )
    counts = {task_id: int(n) for task_id, n in rows}
    return [counts.get(key, 0) for key in keys]


async def _pending_extensions(keys: Sequence[int]) -> list[dt.date | None]:
    # Asked only for tasks the viewer could load.
    pending = await pending_extensions(sorted(set(keys)))
    return [pending.get(key) for key in keys]


async def _latest_events(keys: Sequence[tuple[int, int]]) -> list[list[TaskEvent]]:
    # Asked only by Task.events, for tasks the viewer could load.
    """The newest ``n`` events of each task, for keys ``(task_id, n)``: one query.

    A window function ranks each task's events newest first; SQLite (3.25+) and
    PostgreSQL both have it.
    """
    limit = max(n for _, n in keys)
    task_ids = sorted({task_id for task_id, _ in keys})
    placeholders = ", ".join(str(int(task_id)) for task_id in task_ids)
    ranked = (
        "SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
        "(PARTITION BY task_id ORDER BY seq DESC) AS rank_in_task "
        f"FROM task_event WHERE task_id IN ({placeholders})) AS ranked "
        f"WHERE rank_in_task <= {int(limit)}"
    )
    _, rows = await connections.get("default").execute_query(ranked)
    ids = [row["id"] for row in rows]
    groups: dict[int, list[TaskEvent]] = defaultdict(list)
    for event in await TaskEvent.filter(id__in=ids).order_by("-seq"):
        groups[event.task_id].append(event)  # type: ignore[attr-defined]
    return [groups.get(task_id, [])[:n] for task_id, n in keys]


def _dependencies(scope: Q) -> Callable[[Sequence[int]], Awaitable[list[list[Task]]]]:
    async def load(keys: Sequence[int]) -> list[list[Task]]:
        links = await TaskDependency.filter(task_id__in=set(keys)).order_by("id")
        target_ids = {link.depends_on_id for link in links}  # type: ignore[attr-defined]
        targets = {task.id: task for task in await Task.filter(scope, id__in=target_ids)}
        groups: dict[int, list[Task]] = defaultdict(list)
        for link in links:
            target = targets.get(link.depends_on_id)  # type: ignore[attr-defined]
            if target is not None:
                groups[link.task_id].append(target)  # type: ignore[attr-defined]
        return [groups.get(key, []) for key in keys]

    return load


async def _assisting_units(keys: Sequence[int]) -> list[list[Unit]]:
    through = await Task.filter(id__in=set(keys)).values_list("id", "assisting_units__id")
    unit_ids = {unit_id for _, unit_id in through if unit_id is not None}
    units = {u.id: u for u in await Unit.filter(id__in=unit_ids)} if unit_ids else {}
    groups: dict[int, list[Unit]] = defaultdict(list)
    for task_id, unit_id in through:
        if unit_id is not None:
            groups[task_id].append(units[unit_id])
    return [sorted(groups.get(key, []), key=lambda u: u.code) for key in keys]


async def _attending_units(keys: Sequence[int]) -> list[list[Unit]]:
    through = await JointMeeting.filter(id__in=set(keys)).values_list("id", "attending_units__id")
    unit_ids = {unit_id for _, unit_id in through if unit_id is not None}
    units = {u.id: u for u in await Unit.filter(id__in=unit_ids)} if unit_ids else {}
    groups: dict[int, list[Unit]] = defaultdict(list)
    for meeting_id, unit_id in through:
        if unit_id is not None:
            groups[meeting_id].append(units[unit_id])
    return [sorted(groups.get(key, []), key=lambda u: u.code) for key in keys]


def _attachments(column: str) -> DataLoader[int, list[StoredFile]]:
    return _loader(_grouped(StoredFile, column, Q()))


def _loader(load_fn: Callable[[Sequence[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
    return DataLoader(load_fn=load_fn)


class Loaders:
    """The loaders of one request, for one viewer; named ``<thing>_by_<key>``.

    Every loader filters by what the viewer may see (store.visibility), so a
    nested field never reaches a record the viewer could not list. Accounts
    are the exception: the actor of an event the viewer may see is shown by
    name (their phone is masked by the type).
    """

    def __init__(self, viewer: Account | None = None) -> None:
        tasks = scope_for(Task, viewer)
        self.unit_by_id: DataLoader[int, Unit | None] = _loader(_by_id(Unit, Q()))
        self.account_by_id: DataLoader[int, Account | None] = _loader(_by_id(Account, Q()))
        self.enforcement_case_by_id: DataLoader[int, EnforcementCase | None] = _loader(
            _by_id(EnforcementCase, scope_for(EnforcementCase, viewer))
        )
        self.bankruptcy_case_by_id: DataLoader[int, BankruptcyCase | None] = _loader(
            _by_id(BankruptcyCase, scope_for(BankruptcyCase, viewer))
        )
        self.meeting_by_id: DataLoader[int, JointMeeting | None] = _loader(
            _by_id(JointMeeting, scope_for(JointMeeting, viewer))
        )
        self.task_by_id: DataLoader[int, Task | None] = _loader(_by_id(Task, tasks))
        self.import_batch_by_id: DataLoader[int, ImportBatch | None] = _loader(
            _by_id(ImportBatch, Q())
        )
        self.amount_performed_by_case_id: DataLoader[int, int] = _loader(_amount_performed)
        self.performance_records_by_case_id: DataLoader[int, list[PerformanceRecord]] = _loader(
            _grouped(PerformanceRecord, "case_id", Q(), order=("paid_on", "id"))
        )
        self.tasks_by_enforcement_case_id: DataLoader[int, list[Task]] = _loader(
            _grouped(Task, "enforcement_case_id", tasks, order=("code",))
        )
        self.tasks_by_bankruptcy_case_id: DataLoader[int, list[Task]] = _loader(
            _grouped(Task, "bankruptcy_case_id", tasks, order=("code",))
        )
        self.tasks_by_meeting_id: DataLoader[int, list[Task]] = _loader(
            _grouped(Task, "meeting_id", tasks, order=("code",))
        )
        self.agenda_items_by_meeting_id: DataLoader[int, list[AgendaItem]] = _loader(
            _grouped(AgendaItem, "meeting_id", Q(), order=("seq",))
        )
        self.attending_units_by_meeting_id: DataLoader[int, list[Unit]] = _loader(_attending_units)
        self.assisting_units_by_task_id: DataLoader[int, list[Unit]] = _loader(_assisting_units)
        self.dependencies_by_task_id: DataLoader[int, list[Task]] = _loader(_dependencies(tasks))
        self.event_count_by_task_id: DataLoader[int, int] = _loader(_event_counts)
        self.urge_count_by_task_id: DataLoader[int, int] = _loader(_urge_counts)
        self.pending_extension_by_task_id: DataLoader[int, dt.date | None] = _loader(
            _pending_extensions
        )
        # evidence files, only ever asked for records the viewer could load
        self.attachments_by_task_id = _attachments("task_id")
        self.attachments_by_event_id = _attachments("event_id")
        self.attachments_by_performance_record_id = _attachments("performance_record_id")
        self.attachments_by_enforcement_case_id = _attachments("enforcement_case_id")
        self.attachments_by_bankruptcy_case_id = _attachments("bankruptcy_case_id")
        self.attachments_by_meeting_id = _attachments("meeting_id")
        self.latest_events_by_task_and_count: DataLoader[tuple[int, int], list[TaskEvent]] = (
            _loader(_latest_events)
        )
