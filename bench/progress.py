"""How long closure progress takes for the whole province (DESIGN.md §8: under 150 ms).

Times ``reports.progress.compute_progress`` — the computation behind the
``progress`` query and ``fuyuan progress`` — for every task in the database,
as of now and as of a past moment (by default the midpoint between the first
and the last event), and prints the p50 and the slowest of ``--runs`` runs
after one warm-up run.

Works on whatever data the database holds: the province-scale dataset
(``bench/dataset.py``), the demo, or a real database.

Usage::

    .venv/bin/python bench/dataset.py --url sqlite:///tmp/province.sqlite3
    .venv/bin/python bench/progress.py --url sqlite:///tmp/province.sqlite3 [--runs 9]
    .venv/bin/python bench/progress.py --url postgres://fuyuan:fuyuan@127.0.0.1:5432/fuyuan_bench
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time

from tortoise import Tortoise

from reports.progress import Scope, compute_progress
from store.db import tortoise_config
from store.models import Task, TaskEvent

TARGET_MS = 150.0


async def _timings(scope: Scope, runs: int) -> tuple[list[float], int]:
    report = await compute_progress(scope)  # warm-up: caches, query plans
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        report = await compute_progress(scope)
        times.append((time.perf_counter() - start) * 1000)
    return times, report.total


async def main(url: str, runs: int, as_of: dt.datetime | None) -> bool:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        tasks = await Task.all().count()
        events = await TaskEvent.all().count()
        if as_of is None:
            first = await TaskEvent.all().order_by("occurred_at").first()
            last = await TaskEvent.all().order_by("-occurred_at").first()
            assert first is not None, "the database holds no events"
            assert last is not None
            as_of = first.occurred_at + (last.occurred_at - first.occurred_at) / 2
        print(f"{url}: {tasks} tasks, {events} events; {runs} runs each")
        ok = True
        for label, scope in (
            ("now", Scope()),
            (f"as of {as_of:%Y-%m-%d %H:%M}", Scope(as_of=as_of)),
        ):
            times, total = await _timings(scope, runs)
            p50 = statistics.median(times)
            ok &= p50 < TARGET_MS
            verdict = "ok" if p50 < TARGET_MS else f"OVER {TARGET_MS:.0f} ms"
            print(
                f"  progress {label:<24} p50 {p50:7.1f} ms  max {max(times):7.1f} ms  "
                f"({total} tasks counted)  {verdict}"
            )
        return ok
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="tortoise database URL")
    parser.add_argument("--runs", type=int, default=9, help="timed runs per scope")
    parser.add_argument(
        "--as-of", type=dt.datetime.fromisoformat, default=None, help="the past moment (ISO, UTC)"
    )
    args = parser.parse_args()
    moment = args.as_of.replace(tzinfo=args.as_of.tzinfo or dt.UTC) if args.as_of else None
    raise SystemExit(0 if asyncio.run(main(args.url, args.runs, moment)) else 1)
