"""Task state intervals (migration 0006): kept by the database as events are recorded.

The trigger on ``task_event`` and the migration's backfill are two spellings
of one rule; the demo's history (recorded through the trigger) must equal the
history rebuilt from its event log by the backfill, on both databases.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from typing import Any

import pytest
from tortoise import Tortoise, connections

from store.enums import TaskKind, TaskState
from store.models import OPEN_END, Task, TaskStateInterval
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import transition_task
from tests.conftest import open_database
from tests.store.factories import at, world

migration = importlib.import_module("store.migrations.0006_state_intervals")

COLUMNS = (
    "task_id, seq, valid_from, valid_to, unit_id, kind, case_id, "
    "state, due_on, created_on, assigned_on, closed_on"
)


def _tuples(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(row[name.strip()] for name in COLUMNS.split(",")) for row in rows]


async def _kept_and_rebuilt() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    conn = connections.get("default")
    await conn.execute_script(
        'CREATE TABLE "rebuilt" AS SELECT * FROM "task_state_interval" WHERE 1 = 0'
    )
    dialect = conn.capabilities.dialect
    backfill = migration.backfill(dialect).replace(
        'INSERT INTO "task_state_interval"', 'INSERT INTO "rebuilt"', 1
    )
    await conn.execute_query(backfill)
    order = " ORDER BY task_id, seq"
    _, kept = await conn.execute_query(f'SELECT {COLUMNS} FROM "task_state_interval"{order}')
    _, rebuilt = await conn.execute_query(f'SELECT {COLUMNS} FROM "rebuilt"{order}')
    return _tuples(kept), _tuples(rebuilt)


async def test_the_trigger_keeps_what_the_event_log_rebuilds(demo_database_url: str) -> None:
    await open_database(demo_database_url)
    try:
        kept, rebuilt = await _kept_and_rebuilt()
        tasks = await Task.all().count()
        assert len(kept) > tasks  # most demo tasks have moved on from their draft
        assert kept == rebuilt
        # One current interval per task, and each closed one ends where the next begins.
        by_task: dict[int, list[tuple[Any, ...]]] = {}
        for row in kept:
            by_task.setdefault(row[0], []).append(row)
        assert len(by_task) == tasks
        for rows in by_task.values():
            ends = [_moment(row[3]) for row in rows]
            starts = [_moment(row[2]) for row in rows]
            assert ends[-1] == OPEN_END
            assert ends[:-1] == starts[1:]
            # consecutive intervals always differ in something
            assert all(a[4:] != b[4:] for a, b in itertools.pairwise(rows))
    finally:
        await Tortoise.close_connections()


def _moment(value: object) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def test_an_interval_opens_only_when_something_changes(database_url: str) -> None:
    await open_database(database_url)
    try:
        w = await world()
        task = await create_task(
            TaskInput(kind=TaskKind.OTHER, title="清理拖欠工程款", responsible_unit=w.finance),
            created_by=w.coordinator,
            at=at(dt.date(2026, 11, 2), 8),
        )
        steps: list[tuple[str, Any, dt.date, dict[str, Any]]] = [
            ("assign", w.coordinator, dt.date(2026, 11, 2), {"due_on": dt.date(2026, 11, 20)}),
            ("supervise", w.coordinator, dt.date(2026, 11, 3), {}),  # no change
            ("accept", w.finance_liaison, dt.date(2026, 11, 4), {}),
            ("start", w.finance_liaison, dt.date(2026, 11, 4), {}),
            ("report", w.finance_liaison, dt.date(2026, 11, 5), {"comment": "已对账"}),  # none
            ("extend", w.coordinator, dt.date(2026, 11, 6), {"due_on": dt.date(2026, 11, 27)}),
            ("request_closure", w.finance_liaison, dt.date(2026, 11, 24), {"evidence": ["凭证"]}),
            ("approve_closure", w.coordinator, dt.date(2026, 11, 25), {}),
        ]
        for hour, (action, actor, day, extra) in enumerate(steps, start=9):
            result = await transition_task(
                task.id, action, actor, expected_version=task.version, now=at(day, hour), **extra
            )
            task = result.task
        rows = await TaskStateInterval.filter(task_id=task.id).order_by("seq")
        seen = [(r.seq, r.state, r.due_on, r.assigned_on, r.closed_on) for r in rows]
        due, later = dt.date(2026, 11, 20), dt.date(2026, 11, 27)
        assigned = dt.date(2026, 11, 2)
        assert seen == [
            (1, TaskState.DRAFT, None, None, None),
            (2, TaskState.ASSIGNED, due, assigned, None),
            (4, TaskState.ACCEPTED, due, assigned, None),
            (5, TaskState.IN_PROGRESS, due, assigned, None),
            (7, TaskState.IN_PROGRESS, later, assigned, None),
            (8, TaskState.CLOSURE_REQUESTED, later, assigned, None),
            (9, TaskState.CLOSED, later, assigned, dt.date(2026, 11, 25)),
        ]
        assert {r.created_on for r in rows} == {dt.date(2026, 11, 2)}
        assert {r.unit_id for r in rows} == {w.finance.id}
        assert [r.valid_to for r in rows[:-1]] == [r.valid_from for r in rows[1:]]
        assert rows[-1].valid_to == OPEN_END
    finally:
        await Tortoise.close_connections()


@pytest.mark.parametrize("action", ["UPDATE", "DELETE"])
async def test_the_event_log_stays_append_only(database_url: str, action: str) -> None:
    """The intervals are derived: the events they come from still cannot change."""
    await open_database(database_url)
    try:
        w = await world()
        await create_task(
            TaskInput(kind=TaskKind.OTHER, title="核查", responsible_unit=w.finance),
            created_by=w.coordinator,
        )
        statement = (
            "UPDATE task_event SET action = 'x'" if action == "UPDATE" else "DELETE FROM task_event"
        )
        with pytest.raises(Exception, match="append-only"):
            await connections.get("default").execute_query(statement)
        assert await TaskStateInterval.all().count() == 1
    finally:
        await Tortoise.close_connections()
