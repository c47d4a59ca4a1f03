"""How long a month's briefing takes, all three formats (DESIGN.md §8: under 3 s).

Times what ``generateBriefing`` does besides storing the row: the figures
(``reports.snapshot.collect``: the progress figures as of the period's end,
the overdue list) and the rendering (chart, Markdown, HTML, DOCX), for the
last full month before the latest event in the database. One warm-up run
(matplotlib's font cache, query plans), then ``--runs`` timed runs; prints
the p50 and the slowest.

Usage::

    .venv/bin/python bench/briefing.py --url sqlite:///tmp/province.sqlite3 [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time

from tortoise import Tortoise

from reports.briefings import render
from reports.snapshot import collect
from reports.words import BriefingText
from store.db import tortoise_config
from store.models import Task, TaskEvent
from workflow.clock import SHANGHAI

TARGET_S = 3.0


def _last_full_month(latest: dt.date) -> tuple[dt.date, dt.date]:
    end = latest.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


async def main(url: str, runs: int) -> bool:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        tasks = await Task.all().count()
        last = await TaskEvent.all().order_by("-occurred_at").first()
        latest = last.occurred_at.astimezone(SHANGHAI).date() if last else dt.date.today()
        start, end = _last_full_month(latest)
        text = BriefingText(title="府院联动工作通报", year=end.year, serial=1, next_steps="一是……")
        timings: list[tuple[float, float]] = []
        for run in range(runs + 1):
            began = time.perf_counter()
            snapshot = await collect(start, end)
            figures = time.perf_counter()
            files = await asyncio.to_thread(render, snapshot, text)
            done = time.perf_counter()
            if run > 0:
                timings.append((figures - began, done - figures))
    finally:
        await Tortoise.close_connections()
    totals = [a + b for a, b in timings]
    p50 = statistics.median(totals)
    print(
        f"{tasks} tasks, {len(snapshot.by_unit)} units, {snapshot.overdue_total} overdue "
        f"({len(snapshot.overdue)} listed); "
        f"briefing for {start}..{end}: p50 {p50:.2f} s (figures "
        f"{statistics.median(a for a, _ in timings):.2f} s, rendering "
        f"{statistics.median(b for _, b in timings):.2f} s), slowest {max(totals):.2f} s; "
        f"docx {len(files.docx) // 1024} KiB, html {len(files.html) // 1024} KiB "
        f"(target {TARGET_S:.0f} s)"
    )
    return max(totals) < TARGET_S


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="sqlite://var/fuyuan.sqlite3", help="tortoise URL")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    raise SystemExit(0 if asyncio.run(main(args.url, args.runs)) else 1)
