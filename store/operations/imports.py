"""Writing a ledger import (清单式交办): every row of a checked file in one transaction.

``reports.ledger_import`` reads the workbook and checks each row with the
rules of the API's own operations (``check_case_fields``,
``check_task_fields`` …); this module stores the result, batched for speed
(DESIGN.md §8: 5,000 rows under 10 s): one ImportBatch row, the cases and
tasks with ``bulk_create``, their task codes taken from the counter at once,
the assisting units and dependencies in bulk, and each task's first event
(``create``, as ``create_task`` writes it), announced on commit. Any failure
rolls everything back: nothing of the file is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from store.enums import TaskKind, TaskState
from store.errors import Duplicate
from store.models import (
    Account,
    EnforcementCase,
    ImportBatch,
    Task,
    TaskDependency,
    TaskEvent,
)
from store.notify import Announcement, announce_all
from store.operations.common import take_numbers
from workflow.clock import SHANGHAI
from workflow.registry import definition_for

__all__ = ["NewTask", "write_import"]

CHUNK = 500
"""Rows per INSERT statement."""


@dataclass
class NewTask:
    """A checked task of the file: its columns (``check_task_fields``' and its units)."""

    columns: dict[str, Any]
    assisting_ids: list[int] = field(default_factory=list)
    case_number: str | None = None
    """For an enforcement task: the 案号 of the file's case it belongs to."""
    depends_on: list[int] = field(default_factory=list)
    """Indexes, in the file's tasks, of the tasks this one waits for."""


async def write_import(
    *,
    kind: str,
    file_name: str,
    sha256: str,
    rows: int,
    cases: Sequence[dict[str, Any]],
    tasks: Sequence[NewTask],
    imported_by: Account | None,
    at: dt.datetime,
) -> ImportBatch:
    """Store ``cases`` and ``tasks`` as one ImportBatch, all or nothing.

    A file already imported (its SHA-256) or a case number that exists is a
    Duplicate; the caller has checked every other rule.
    """
    at = at.astimezone(dt.UTC)
    try:
        async with in_transaction() as conn:
            if await ImportBatch.filter(sha256=sha256).using_db(conn).exists():
                raise Duplicate("file", "ledger file", file_name)
            batch = await ImportBatch.create(
                kind=kind,
                file_name=file_name,
                sha256=sha256,
                rows=rows,
                created=len(cases) + len(tasks),
                imported_by=imported_by,
                imported_at=at,
                using_db=conn,
            )
            case_ids = await _write_cases(conn, batch, cases, imported_by)
            await _write_tasks(conn, batch, tasks, case_ids, imported_by, at)
    except IntegrityError as err:
        # another import of the same file or cases committed between our check and write
        raise Duplicate("file", "ledger file or case of it", file_name) from err
    return batch


async def _write_cases(
    conn: BaseDBAsyncClient,
    batch: ImportBatch,
    cases: Sequence[dict[str, Any]],
    imported_by: Account | None,
) -> dict[str, int]:
    if not cases:
        return {}
    numbers = [case["case_number"] for case in cases]
    taken = await EnforcementCase.filter(case_number__in=numbers).using_db(conn).first()
    if taken is not None:
        raise Duplicate("caseNumber", "enforcement case", taken.case_number)
    await EnforcementCase.bulk_create(
        [EnforcementCase(**case, created_by=imported_by, import_batch=batch) for case in cases],
        batch_size=CHUNK,
        using_db=conn,
    )
    rows = await (
        EnforcementCase.filter(import_batch_id=batch.id)
        .using_db(conn)
        .values_list("case_number", "id")
    )
    return {str(number): int(case_id) for number, case_id in rows}


async def _write_tasks(
    conn: BaseDBAsyncClient,
    batch: ImportBatch,
    tasks: Sequence[NewTask],
    case_ids: dict[str, int],
    actor: Account | None,
    at: dt.datetime,
) -> None:
    if not tasks:
        return
    first = await take_numbers(f"task:{at.year}", len(tasks), using_db=conn)
    codes = [f"FY-{at.year}-{first + index:04d}" for index in range(len(tasks))]
    models = []
    for code, new in zip(codes, tasks, strict=True):
        columns = dict(new.columns)
        if new.case_number is not None:
            columns["enforcement_case_id"] = case_ids[new.case_number]
        workflow = definition_for(TaskKind(columns["kind"]).value)
        models.append(
            Task(
                **columns,
                code=code,
                state=TaskState.DRAFT,
                version=1,
                workflow_key=workflow.key,
                workflow_version=workflow.version,
                created_at=at,
                import_batch=batch,
            )
        )
    await Task.bulk_create(models, batch_size=CHUNK, using_db=conn)
    ids = dict(await Task.filter(import_batch_id=batch.id).using_db(conn).values_list("code", "id"))
    task_ids = [int(ids[code]) for code in codes]
    assisting = [
        (task_id, unit_id)
        for task_id, new in zip(task_ids, tasks, strict=True)
        for unit_id in new.assisting_ids
    ]
    if assisting:
        sqlite = conn.capabilities.dialect == "sqlite"
        slots = "?, ?" if sqlite else "$1, $2"
        await conn.execute_many(
            f'INSERT INTO "task_assisting_unit" ("task_id", "unit_id") VALUES ({slots})',
            [list(pair) for pair in assisting],
        )
    links = [
        TaskDependency(task_id=task_id, depends_on_id=task_ids[index])
        for task_id, new in zip(task_ids, tasks, strict=True)
        for index in new.depends_on
    ]
    if links:
        await TaskDependency.bulk_create(links, batch_size=CHUNK, using_db=conn)
    await TaskEvent.bulk_create(
        [
            TaskEvent(
                task_id=task_id,
                seq=1,
                action="create",
                from_state=None,
                to_state=TaskState.DRAFT,
                actor=actor,
                actor_unit_id=actor.unit_id if actor else None,  # type: ignore[attr-defined]
                occurred_at=at,
                occurred_on=at.astimezone(SHANGHAI).date(),
                due_on=new.columns.get("due_on"),
                comment="",
                payload={},
            )
            for task_id, new in zip(task_ids, tasks, strict=True)
        ],
        batch_size=CHUNK,
        using_db=conn,
    )
    events = (
        await TaskEvent.filter(task__import_batch_id=batch.id)
        .using_db(conn)
        .values_list("id", "task_id", "task__responsible_unit_id")
    )
    await announce_all(
        [Announcement(int(event), int(task), unit) for event, task, unit in events],
        using_db=conn,
    )
