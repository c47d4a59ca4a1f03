"""Committing a decided change to a task: the one way a task row is written.

Transitions (``store.operations.transitions``), the overdue sweep
(``store.operations.sweep``) and the move to a new workflow version
(``store.operations.workflow_versions``) decide differently, but write the
same way, here, in one transaction:

1. a conditional ``UPDATE task SET …, version = version + 1 WHERE id = ? AND
   version = ?`` that proves nobody changed the task since it was read;
2. the side effects on the task's subject, if any;
3. the event (``append_event``), announced to subscribers on commit.

The UPDATE comes first on purpose. On PostgreSQL it takes the task's row lock,
so a second writer with the same expected version waits for the first to
commit, then matches no row; the row lock also serialises the event sequence
numbers. On SQLite a transaction that starts with a write takes the
database's write lock at once (no read-to-write upgrade that could fail with
"database is locked").
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from store.enums import SupervisionLevel, TaskState
from store.models import Account, Task, TaskEvent
from store.operations.tasks import append_event
from workflow.engine import ASSIGN_ACTION, Decision

__all__ = [
    "TASK_COLUMNS",
    "AfterEvent",
    "SideEffects",
    "commit_change",
    "decided_changes",
    "decided_event",
]

#: Columns of ``task`` a committed change may set or test (the only names
#: that reach the SQL; values are always parameters).
TASK_COLUMNS = frozenset(
    {
        "state",
        "supervision_level",
        "due_on",
        "assigned_on",
        "assigned_by_id",
        "closed_at",
        "updated_at",
        "workflow_version",
        "responsible_unit_id",
    }
)

#: Writes to the task's subject, run inside the change's transaction after
#: the task row is updated.
SideEffects = Callable[[BaseDBAsyncClient], Awaitable[None]]

#: Writes that need the event (attaching evidence files to it), run inside the
#: change's transaction after the event is appended.
AfterEvent = Callable[[BaseDBAsyncClient, TaskEvent], Awaitable[None]]


def decided_changes(
    decision: Decision, *, actor_id: int, now: dt.datetime, today: dt.date
) -> dict[str, Any]:
    """The task columns ``decision`` sets (``updated_at`` aside: the writer's).

    The state, supervision level and due date it decides; 交办 records who
    assigned the task and on which day; 销号 the moment it closed.
    """
    changes: dict[str, Any] = {}
    if decision.state_changed:
        changes["state"] = TaskState(decision.to_state)
    if decision.supervision_level is not None:
        changes["supervision_level"] = SupervisionLevel(decision.supervision_level)
    if decision.due_on is not None:
        changes["due_on"] = decision.due_on
    if decision.responsible_unit_id is not None:
        # 改派 to another unit; the interval trigger reads it with the event
        changes["responsible_unit_id"] = decision.responsible_unit_id
    if decision.action == ASSIGN_ACTION:
        changes["assigned_on"] = today
        changes["assigned_by_id"] = actor_id
    if decision.to_state == TaskState.CLOSED and decision.state_changed:
        changes["closed_at"] = now
    return changes


def decided_event(decision: Decision, evidence: Sequence[str] = ()) -> tuple[str, dict[str, Any]]:
    """The comment and payload the event of ``decision`` records.

    Payload keys are camelCase, as the engine spells them. The comment is
    stored in the event's ``comment`` column, not repeated in the payload;
    evidence is kept in the payload as a list of lines.
    """
    payload = dict(decision.payload)
    comment = str(payload.pop("comment", ""))
    if evidence:
        payload["evidence"] = list(evidence)
    return comment, payload


async def commit_change(
    task: Task,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    action: str,
    from_state: TaskState,
    to_state: TaskState,
    actor: Account | None,
    at: dt.datetime,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    side_effects: SideEffects | None = None,
    also_where: Mapping[str, Any] | None = None,
    using_db: BaseDBAsyncClient | None = None,
    after_event: AfterEvent | None = None,
) -> TaskEvent | None:
    """Write ``changes`` to ``task`` if it is still at ``expected_version``, with its event.

    Args:
        task: the task as the caller read it; on success it is updated in
            memory to match the row (``changes`` and the new version).
        expected_version: the version the decision was made on.
        changes: the columns to set (:data:`TASK_COLUMNS`); ``updated_at``
            among them, since a conditional UPDATE does not touch auto_now fields.
        action, from_state, to_state, actor, at, comment, payload,
            idempotency_key: the event's (``append_event``); its due date is
            the task's after the change.
        side_effects: writes to the subject, inside the transaction.
        also_where: more columns the row must still hold (``column = value``).
        using_db: a transaction already open (the caller's); by default the
            change opens its own.
        after_event: writes that need the event (its evidence files), inside
            the transaction; what it raises rolls the whole change back.

    Returns:
        The event, or None if the row did not match (nothing was written).
    """
    transaction = in_transaction() if using_db is None else contextlib.nullcontext(using_db)
    async with transaction as conn:
        event = await _write(
            conn,
            task,
            expected_version,
            changes,
            also_where,
            side_effects,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            at=at,
            comment=comment,
            payload=payload,
            idempotency_key=idempotency_key,
        )
        if event is not None and after_event is not None:
            await after_event(conn, event)
    if event is None:
        return None
    for name, value in changes.items():
        setattr(task, name, value)
    task.version = expected_version + 1
    return event


async def _write(
    conn: BaseDBAsyncClient,
    task: Task,
    expected_version: int,
    changes: Mapping[str, Any],
    also_where: Mapping[str, Any] | None,
    side_effects: SideEffects | None,
    **event: Any,
) -> TaskEvent | None:
    if not await _update_if_version(conn, task.id, expected_version, changes, also_where or {}):
        return None
    if side_effects is not None:
        await side_effects(conn)
    if "responsible_unit_id" in changes:
        # the announcement of the event names the unit now responsible (store.notify)
        task.responsible_unit_id = changes["responsible_unit_id"]
    return await append_event(
        task, using_db=conn, due_on=changes.get("due_on", task.due_on), **event
    )


async def _update_if_version(
    conn: BaseDBAsyncClient,
    task_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    also_where: Mapping[str, Any],
) -> bool:
    """``UPDATE task SET …, version = version + 1 WHERE id = ? AND version = ? [AND …]``.

    Returns whether the row matched. Written as SQL rather than through
    ``QuerySet.update``: tortoise's query builder spends about half a
    millisecond of CPU composing this one statement, a sixth of the time a
    whole transition may take (DESIGN.md §8, 300 per second on SQLite).
    Column names come from :data:`TASK_COLUMNS`, values are parameters.
    """
    unknown = (set(changes) | set(also_where)) - TASK_COLUMNS
    if unknown:
        raise ValueError(f"not a column a change sets: {', '.join(sorted(unknown))}")
    sqlite = conn.capabilities.dialect == "sqlite"

    def slot(index: int) -> str:
        return "?" if sqlite else f"${index}"

    sets = list(changes)
    tests = list(also_where)
    assignments = ", ".join(f'"{name}" = {slot(i)}' for i, name in enumerate(sets, 1))
    n = len(sets)
    extra = "".join(f' AND "{name}" = {slot(i)}' for i, name in enumerate(tests, n + 3))
    sql = (
        f'UPDATE "task" SET {assignments}, "version" = "version" + 1 '
        f'WHERE "id" = {slot(n + 1)} AND "version" = {slot(n + 2)}{extra}'
    )
    values = [_plain(value) for value in changes.values()]
    tested = [_plain(value) for value in also_where.values()]
    rows, _ = await conn.execute_query(sql, [*values, task_id, expected_version, *tested])
    return bool(rows)


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value
