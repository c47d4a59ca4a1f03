"""How many transitions per second the store applies on SQLite (DESIGN.md §8: over 300).

Creates a fresh SQLite database in a temporary folder (the real migrations),
N/2 tasks, and times N transitions through ``transition_task``: ``assign`` by
the coordinator then ``accept`` by the responsible unit's liaison on each task,
each with its event and, as the API sends them, an idempotency key. Every
transition is its own transaction, applied one after another.

The database is opened with the project's own settings (``store.db``: WAL with
``synchronous=NORMAL``, SQLite's recommended pairing: durable across
application crashes, a power cut may lose the last commits).
``--synchronous FULL`` measures an fsync of the WAL at every commit instead.

Usage::

    .venv/bin/python bench/transitions.py [--n 2000] [--no-keys] [--synchronous NORMAL] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time

from tortoise import Tortoise

from store.db import tortoise_config
from store.enums import Role, TaskKind, UnitKind
from store.models import Account, TaskEvent, Unit
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import transition_task
from store.setup import migrate

TARGET_PER_SECOND = 300


async def _setup(tasks: int) -> tuple[Account, Account, list[int]]:
    office = await Unit.create(code="KF-LXB", name="联席办", kind=UnitKind.OFFICE)
    finance = await Unit.create(code="KF-CZJ", name="开封市财政局", kind=UnitKind.DEPARTMENT)
    coordinator = await Account.create(
        username="coordinator", display_name="协调员", role=Role.COORDINATOR, unit=office,
        password_hash="!",
    )  # fmt: skip
    liaison = await Account.create(
        username="finance", display_name="财政局联络员", role=Role.UNIT_LIAISON, unit=finance,
        password_hash="!",
    )  # fmt: skip
    ids = []
    for number in range(tasks):
        task = await create_task(
            TaskInput(kind=TaskKind.OTHER, title=f"交办事项{number}", responsible_unit=finance),
            created_by=coordinator,
        )
        ids.append(task.id)
    return coordinator, liaison, ids


async def _transitions(coordinator: Account, liaison: Account, ids: list[int], keys: bool) -> int:
    count = 0
    for task_id in ids:
        for action, actor, version in (("assign", coordinator, 1), ("accept", liaison, 2)):
            await transition_task(
                task_id,
                action,
                actor,
                expected_version=version,
                idempotency_key=f"{task_id}:{action}" if keys else None,
            )
            count += 1
    return count


async def main(n: int, keys: bool, profile: bool, synchronous: str | None = None) -> float:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{folder}/bench.sqlite3"
        if synchronous:
            # tortoise's SQLite client turns query parameters into PRAGMAs.
            url += f"?synchronous={synchronous}"
        await migrate(url)
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        try:
            coordinator, liaison, ids = await _setup((n + 1) // 2)
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            count = await _transitions(coordinator, liaison, ids, keys)
            elapsed = time.perf_counter() - started
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            events = await TaskEvent.exclude(action="create").count()
            assert events == count, f"{count} transitions but {events} events"
        finally:
            await Tortoise.close_connections()
    rate = count / elapsed
    verdict = "meets" if rate > TARGET_PER_SECOND else "BELOW"
    settings = f"synchronous={synchronous}" if synchronous else "project settings"
    print(
        f"{count} transitions ({'with' if keys else 'without'} idempotency keys, {settings}) in "
        f"{elapsed:.2f} s: {rate:.0f} transitions/s on SQLite "
        f"({verdict} the target of {TARGET_PER_SECOND}/s)"
    )
    return rate


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=2000, help="transitions to time (default 2000)")
    parser.add_argument("--no-keys", action="store_true", help="send no idempotency keys")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument(
        "--synchronous", choices=["FULL", "NORMAL", "OFF"], help="SQLite synchronous PRAGMA"
    )
    args = parser.parse_args()
    asyncio.run(
        main(args.n, keys=not args.no_keys, profile=args.profile, synchronous=args.synchronous)
    )
