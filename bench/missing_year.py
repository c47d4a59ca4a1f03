"""What tasks due in a year without an official calendar cost the warnings (issue 14).

Times the task list's warning filter (the total count of each colour,
UNKNOWN included, as ``tasks(filter: {warning: …}) { totalCount }`` reads
it: ``schema.filters.tasks.filter_tasks``) and closure progress
(``reports.progress.compute_progress``) over every task, on three copies of
the database given:

* ``without``: the data as it is;
* ``missing``: plus ``--count`` tasks (default 1,000) due in the first year
  the calendar does not have (2027 for the package's 2004–2026), two thirds
  of them assigned months ago and not started, so that their colour depends
  on that year (UNKNOWN) or is settled only by the bounds on it;
* ``known``: plus as many tasks of the same shape due in the calendar's last
  year instead (a control: what the same number of ordinary tasks cost).

The copies are measured in turns (``--rounds`` rounds of a few runs each, the
databases reopened each time), so that a machine whose load drifts weighs on
all three alike, and the p50 of each and the ratios are printed:
``missing ÷ without`` (the issue's "the same time as without them") and
``missing ÷ known`` (what the missing year itself costs).

The copies are files next to a SQLite database, or databases made from a
PostgreSQL one as a template (its role must be allowed to CREATE DATABASE);
they are removed afterwards.

Usage::

    .venv/bin/python bench/dataset.py --url sqlite:///tmp/small.sqlite3 --scale 0.1
    .venv/bin/python bench/missing_year.py --url sqlite:///tmp/small.sqlite3 [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import shutil
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from reports.progress import Scope, compute_progress
from schema.filters.tasks import TaskFilter, filter_tasks
from schema.types.tasks import TaskWarning
from store.db import tortoise_config
from store.enums import TaskKind, TaskState
from store.models import Task, TaskEvent, Unit
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI, local_today

COLOURS = (TaskWarning.RED, TaskWarning.YELLOW, TaskWarning.BLUE, TaskWarning.UNKNOWN)


async def _counts(today: dt.date) -> dict[str, int]:
    found = {}
    for colour in COLOURS:
        spec = TaskFilter(warning=colour)
        query = await filter_tasks(Task.all(), spec, today, personal_data=True)
        found[str(colour.name)] = await query.count()
    return found


async def _add(count: int, year: int, today: dt.date, label: str, seed: int) -> None:
    """``count`` open tasks due in ``year``, each with the event that opened its interval."""
    rng = random.Random(seed)
    units = [unit.id for unit in await Unit.all().only("id")]
    first = await Task.all().count()
    tasks = []
    for index in range(count):
        not_started = index % 3 != 2
        assigned_on = today - dt.timedelta(days=rng.randint(20, 250))
        if year > today.year:
            due_on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 180))
        else:  # the last four weeks of the year (overdue when judged after it)
            due_on = dt.date(year, 12, 31) - dt.timedelta(days=rng.randint(0, 27))
        tasks.append(
            Task(
                code=f"{label}-{first + index:06d}",
                kind=TaskKind.OTHER,
                title=f"{label} 事项{index}",
                responsible_unit_id=units[index % len(units)],
                state=TaskState.ASSIGNED if not_started else TaskState.IN_PROGRESS,
                assigned_on=assigned_on,
                due_on=due_on,
            )
        )
    async with in_transaction() as conn:
        await Task.bulk_create(tasks, batch_size=500, using_db=conn)
        rows = await Task.filter(code__startswith=f"{label}-").using_db(conn).order_by("id")
        events = [
            TaskEvent(
                task_id=row.id,
                seq=1,
                action="assign",
                from_state=None,
                to_state=row.state,
                occurred_at=dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI),
                occurred_on=day,
                due_on=row.due_on,
            )
            for row in rows
            if (day := row.assigned_on) is not None
        ]
        await TaskEvent.bulk_create(events, batch_size=500, using_db=conn)


async def _runs(today: dt.date, runs: int) -> tuple[list[float], list[float]]:
    moment = dt.datetime.combine(today, dt.time(18), tzinfo=SHANGHAI)
    await _counts(today)  # warm-up: caches, query plans
    await compute_progress(Scope(as_of=moment))
    filters, progress = [], []
    for _ in range(runs):
        start = time.perf_counter()
        await _counts(today)
        filters.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        await compute_progress(Scope(as_of=moment))
        progress.append((time.perf_counter() - start) * 1000)
    return filters, progress


async def _open(url: str) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


def _copy_name(url: str, label: str) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split("://", 1)[1])
        return f"sqlite://{path.with_name(f'{path.stem}-{label}{path.suffix}')}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{label}"))


async def _pg(url: str, sql: str) -> None:
    conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _copy(url: str, copy: str) -> None:
    if url.startswith("sqlite"):
        shutil.copyfile(url.split("://", 1)[1], copy.split("://", 1)[1])
        return
    source, target = urlsplit(url).path.lstrip("/"), urlsplit(copy).path.lstrip("/")
    await _pg(url, f'DROP DATABASE IF EXISTS "{target}"')
    await _pg(url, f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


async def _remove(url: str, copy: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            # a few files, once, after the timings: blocking is harmless here
            Path(copy.split("://", 1)[1] + suffix).unlink(missing_ok=True)  # noqa: ASYNC240
        return
    await _pg(url, f'DROP DATABASE IF EXISTS "{urlsplit(copy).path.lstrip("/")}" WITH (FORCE)')


async def main(url: str, rounds: int, count: int, today: dt.date) -> None:
    missing = max(default_calendar().supported_years) + 1
    copies = {label: _copy_name(url, label) for label in ("without", "missing", "known")}
    for copy in copies.values():
        await _copy(url, copy)
    try:
        for label, year, seed in (("missing", missing, 1), ("known", missing - 1, 2)):
            await _open(copies[label])
            await _add(count, year, today, label.upper(), seed)
            await Tortoise.close_connections()
        times: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c in copies}
        labels = list(copies)
        for round_ in range(rounds):
            # each copy goes first as often as the others
            shift = round_ % len(labels)
            for label in labels[shift:] + labels[:shift]:
                copy = copies[label]
                await _open(copy)
                filters, progress = await _runs(today, 3)
                await Tortoise.close_connections()
                times[label][0].extend(filters)
                times[label][1].extend(progress)
        p50 = {
            label: (statistics.median(f), statistics.median(p)) for label, (f, p) in times.items()
        }
        print(
            f"{url}: judged on {today}; {missing} has no calendar; "
            f"{rounds} rounds of 3 runs per copy"
        )
        for label, copy in copies.items():
            await _open(copy)
            counts = await _counts(today)
            tasks = await Task.all().count()
            await Tortoise.close_connections()
            print(
                f"  {label:<8} {tasks:>6} tasks  filter (4 counts) p50 {p50[label][0]:7.1f} ms  "
                f"progress p50 {p50[label][1]:7.1f} ms  {counts}"
            )
        for name, index in (("filter", 0), ("progress", 1)):
            print(
                f"  {name:<9} missing ÷ without {p50['missing'][index] / p50['without'][index]:.2f}"
                f"   missing ÷ known {p50['missing'][index] / p50['known'][index]:.2f}"
            )
    finally:
        await Tortoise.close_connections()
        for copy in copies.values():
            await _remove(url, copy)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="tortoise database URL (copied, not changed)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of 3 timed runs per copy")
    parser.add_argument("--count", type=int, default=1000, help="tasks due in the missing year")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="the day judged (default: today)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.url, args.rounds, args.count, args.today or local_today()))
