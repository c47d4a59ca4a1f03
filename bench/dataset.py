"""The province-scale dataset of DESIGN.md §8, generated deterministically and fast.

At ``--scale 1.0``: 200 units (the provincial and 17 city joint-meeting offices,
Henan's 17 intermediate courts 豫01…豫17 and 51 basic courts 豫XXYY, 30
departments, 40 district and county governments, 44 organs), one liaison per
unit plus the coordinator ``bench-coordinator``; 20,000 enforcement cases
against organs, 2,000 bankruptcy cases with 20,000 coordination matters (with
their dependency DAG), 1,000 joint meetings with 5,000 decisions, 5,000 other
tasks: 50,000 tasks and about 500,000 events.

Every task's history is a walk through its workflow definition (the default
one, or its enforcement variant), every step decided by the engine as a
transition would be: create → assign → accept → start → report …
→ request_closure → [confirm_performance] → approve_closure, with returns,
reassignments, suspensions, rejected closures, extensions and supervision on
the way; sequence numbers 1..n without gaps, times strictly increasing,
``version`` the number of events, and the task row (state, due date,
supervision level, assigned_on/by, closed_at) and the enforcement case
(performance records, confirmation, closed_on, closure method) as the
application would have left them. Money is integer fen. Every date lies in
2023–2026, the years the official working-day calendar covers.

The tables it draws from are ``bench/dataset_tables.py``; the planner is
``bench/dataset_plan.py``, and this module writes and checks what it plans.
The whole history is planned in memory first (so that task ids and codes
follow creation order, as the application numbers them), then written through
the models with ``bulk_create`` in batches, inside transactions. Columns a
model gains later get their model default; the event's ``occurred_on`` and
``due_on`` are filled when the model has them.

Usage::

    .venv/bin/python bench/dataset.py --url sqlite:///tmp/province.sqlite3 [--scale 1.0]
    .venv/bin/python bench/dataset.py --url sqlite:///tmp/small.sqlite3 --scale 0.05
    .venv/bin/python bench/dataset.py --url postgres://fuyuan:fuyuan@127.0.0.1:5432/fuyuan_bench

The database is migrated first (``store.setup.migrate``); a database that
already holds units is refused. Every account's password is
:data:`BENCH_PASSWORD`: this is benchmark data, never load it into production.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import itertools
import random
import sys
import time
from collections import Counter as Tally
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from store.db import tortoise_config
from store.enums import TaskKind, TaskState
from store.identifiers import parse_case_number, validate_uscc
from store.models import (
    Account,
    AgendaItem,
    BankruptcyCase,
    Counter,
    EnforcementCase,
    JointMeeting,
    PerformanceRecord,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.operations.units import hash_password
from store.setup import migrate
from workflow.registry import definition_for

# Run as ``python bench/dataset.py``, this file's folder comes first on sys.path
# and the repository's root may be missing: the planner is imported as bench.*.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from bench.dataset_plan import PlannedTask, Planner, Rows  # noqa: E402
from bench.dataset_tables import (  # noqa: E402
    BENCH_PASSWORD,
    FIRST_DAY,
    LAST_DUE_DATE,
    SEED,
    SHANGHAI,
    TODAY,
)

T = TypeVar("T")

BATCH = 5_000


# --------------------------------------------------------------------------- writing


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _bulk(model: type[Model], rows: Iterable[dict[str, Any]], conn: BaseDBAsyncClient) -> int:
    """Insert ``rows`` (model keyword arguments) in batches; returns how many."""
    objects = [model(**row) for row in rows]
    for batch in _chunks(objects, BATCH):
        await model.bulk_create(batch, batch_size=BATCH, using_db=conn)
    return len(objects)


def _through(model: type[Model], name: str) -> tuple[str, str, str]:
    """Table and columns of a many-to-many field's through table, from the model."""
    m2m: Any = model._meta.fields_map[name]
    return m2m.through, m2m.backward_key, m2m.forward_key


async def _insert_pairs(
    conn: BaseDBAsyncClient, model: type[Model], name: str, pairs: list[tuple[int, int]]
) -> None:
    if not pairs:
        return
    table, backward, forward = _through(model, name)
    sqlite = conn.capabilities.dialect == "sqlite"
    slots = "?, ?" if sqlite else "$1, $2"
    sql = f'INSERT INTO "{table}" ("{backward}", "{forward}") VALUES ({slots})'
    for batch in _chunks(pairs, BATCH):
        await conn.execute_many(sql, [list(pair) for pair in batch])


def _task_row(task: PlannedTask, definitions: dict[TaskKind, tuple[str, int]]) -> dict[str, Any]:
    key, version = definitions[task.kind]
    return {
        "id": task.id,
        "code": "",  # set by the caller
        "kind": task.kind,
        "title": task.title,
        "enforcement_case_id": task.enforcement_case_id,
        "bankruptcy_case_id": task.bankruptcy_case_id,
        "meeting_id": task.meeting_id,
        "matter_type": task.matter_type,
        "responsible_unit_id": task.responsible_unit_id,
        "assigned_by_id": task.assigned_by_id,
        "assigned_on": task.assigned_on,
        "due_on": task.due_on,
        "state": task.state,
        "version": len(task.events),
        "supervision_level": task.supervision_level,
        "workflow_key": key,
        "workflow_version": version,
        "closed_at": task.closed_at,
        "created_at": task.created_at,
    }


async def write(rows: Rows, log: Any = print) -> dict[str, int]:
    """Insert every planned row; returns the row counts."""
    counts: dict[str, int] = {}
    password_hash = hash_password(BENCH_PASSWORD)
    epoch = dt.datetime(2023, 1, 3, 1, 0, tzinfo=dt.UTC)
    async with in_transaction() as conn:
        counts["unit"] = await _bulk(
            Unit,
            (
                {"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "region": u.region}
                | {"parent_id": u.parent_id, "court_code": u.court_code, "created_at": epoch}
                for u in rows.units
            ),
            conn,
        )
        counts["account"] = await _bulk(
            Account,
            (a | {"password_hash": password_hash, "created_at": epoch} for a in rows.accounts),
            conn,
        )
        counts["enforcement_case"] = await _bulk(EnforcementCase, rows.enforcement_cases, conn)
        counts["performance_record"] = await _bulk(
            PerformanceRecord,
            ({"id": n} | r for n, r in enumerate(rows.performance_records, 1)),
            conn,
        )
        counts["bankruptcy_case"] = await _bulk(BankruptcyCase, rows.bankruptcy_cases, conn)
        counts["joint_meeting"] = await _bulk(JointMeeting, rows.meetings, conn)
        await _insert_pairs(conn, JointMeeting, "attending_units", rows.attending)
        counts["joint_meeting_unit"] = len(rows.attending)
        counts["agenda_item"] = await _bulk(
            AgendaItem, ({"id": n} | r for n, r in enumerate(rows.agenda_items, 1)), conn
        )
    log(f"  reference rows written: {counts}")
    definitions = {
        kind: (definition_for(kind.value).key, definition_for(kind.value).version)
        for kind in TaskKind
    }
    event_fields = TaskEvent._meta.fields_map
    fill_occurred_on = "occurred_on" in event_fields
    fill_due_on = "due_on" in event_fields
    codes: Tally[int] = Tally()
    counts["task"] = counts["task_event"] = counts["task_dependency"] = 0
    assisting: list[tuple[int, int]] = []
    event_id = 0
    chunk_size = 10_000
    for chunk in _chunks(rows.tasks, chunk_size):
        task_rows = []
        for task in chunk:
            row = _task_row(task, definitions)
            year = task.created_at.year
            codes[year] += 1
            row["code"] = f"FY-{year}-{codes[year]:04d}"
            task_rows.append(row)
            assisting += [(task.id, unit_id) for unit_id in task.assisting_unit_ids]
        event_rows = []
        for task in chunk:
            for seq, event in enumerate(task.events, 1):
                event_id += 1
                row = {
                    "id": event_id,
                    "task_id": task.id,
                    "seq": seq,
                    "action": event.action,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "actor_id": event.actor_id,
                    "actor_unit_id": event.actor_unit_id,
                    "occurred_at": event.at,
                    "comment": event.comment,
                    "payload": event.payload,
                }
                if fill_occurred_on:
                    row["occurred_on"] = event.at.astimezone(SHANGHAI).date()
                if fill_due_on:
                    row["due_on"] = event.due_on
                event_rows.append(row)
        async with in_transaction() as conn:
            counts["task"] += await _bulk(Task, task_rows, conn)
            counts["task_event"] += await _bulk(TaskEvent, event_rows, conn)
    async with in_transaction() as conn:
        dependencies = [
            {"id": n, "task_id": task.id, "depends_on_id": dep.id, "created_at": task.created_at}
            for n, (task, dep) in enumerate(((t, d) for t in rows.tasks for d in t.depends_on), 1)
        ]
        counts["task_dependency"] = await _bulk(TaskDependency, dependencies, conn)
        await _insert_pairs(conn, Task, "assisting_units", assisting)
        counts["task_assisting_unit"] = len(assisting)
        for year, value in sorted(codes.items()):
            await Counter.create(key=f"task:{year}", value=value, using_db=conn)
        # auto_now columns take the wall clock on insert: give them the data's own times.
        await conn.execute_script(
            'UPDATE "task" SET "updated_at" = (SELECT MAX("occurred_at") FROM "task_event" '
            'WHERE "task_event"."task_id" = "task"."id")'
        )
        await conn.execute_script('UPDATE "account" SET "updated_at" = "created_at"')
        if conn.capabilities.dialect == "postgres":
            await _reset_sequences(conn)
    return counts


async def _reset_sequences(conn: BaseDBAsyncClient) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    for model in (
        Unit, Account, EnforcementCase, PerformanceRecord, BankruptcyCase, JointMeeting,
        AgendaItem, Task, TaskDependency, TaskEvent,
    ):  # fmt: skip
        table = model._meta.db_table
        await conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX("id") FROM "{table}"), 1))'
        )


# --------------------------------------------------------------------------- checks


def check(rows: Rows, sample: int = 500) -> None:
    """Validate a sample of identifiers and the invariants of every history."""
    rng = random.Random(SEED + 1)
    numbers = [c["case_number"] for c in rows.enforcement_cases]
    assert len(set(numbers)) == len(numbers), "enforcement case numbers repeat"
    for number in rng.sample(numbers, min(sample, len(numbers))):
        parse_case_number(number, allowed_types=("执",), today=TODAY)
    for case in rng.sample(rows.bankruptcy_cases, min(sample, len(rows.bankruptcy_cases))):
        parse_case_number(case["case_number"], today=TODAY)
        validate_uscc(case["debtor_uscc"], field="debtorUscc")
    paid: Tally[int] = Tally()
    for record in rows.performance_records:
        paid[record["case_id"]] += record["amount_fen"]
    tasks_by_case = {t.enforcement_case_id: t for t in rows.tasks if t.enforcement_case_id}
    for case in rows.enforcement_cases:
        task = tasks_by_case[case["id"]]
        if task.state in (TaskState.CLOSED, TaskState.CLOSURE_REQUESTED):
            assert paid[case["id"]] == case["amount_due_fen"], case["case_number"]
        else:
            assert paid[case["id"]] < case["amount_due_fen"], case["case_number"]
    for task in rows.tasks:
        events = task.events
        assert events[0].action == "create", task.title
        assert events[-1].to_state is task.state, task.title
        assert all(a.at < b.at for a, b in itertools.pairwise(events)), task.title
        assert all(a.to_state is b.from_state for a, b in itertools.pairwise(events)), task.title
        assert events[-1].at.astimezone(SHANGHAI).date() < TODAY, task.title
        assert FIRST_DAY.year <= task.due_on.year <= LAST_DUE_DATE.year, task.title
        for dep in task.depends_on:
            start = task.milestones.get("start")
            if start is not None:
                assert dep.closed_at is not None, task.title
                assert dep.closed_at < start, task.title


# --------------------------------------------------------------------------- main


async def main(url: str, scale: float) -> dict[str, int]:
    started = time.perf_counter()
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        if await Unit.exists():
            raise SystemExit(f"refusing to load the dataset: {url} already holds units")
        migrated = time.perf_counter()
        print(f"migrated in {migrated - started:.1f} s; planning at scale {scale} …")
        # Millions of small objects and no reference cycles: the collector's full
        # passes would only make planning time grow faster than the dataset.
        gc.disable()
        rows = Planner(scale).plan()
        check(rows)
        planned = time.perf_counter()
        events = sum(len(t.events) for t in rows.tasks)
        states = Tally(t.state.value for t in rows.tasks)
        print(
            f"planned {len(rows.tasks)} tasks and {events} events in {planned - migrated:.1f} s; "
            f"states: {dict(sorted(states.items()))}"
        )
        counts = await write(rows)
        written = time.perf_counter()
        print(f"written in {written - planned:.1f} s; total {written - started:.1f} s")
        for table, n in counts.items():
            print(f"  {table:22} {n:>9,}")
        return counts
    finally:
        gc.enable()
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--url", required=True, help="tortoise database URL (sqlite://…, postgres://…)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full dataset")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.scale))
