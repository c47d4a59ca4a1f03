"""How long a 50,000-task 台账 export takes, and how much memory it holds.

Exports the task ledger (``fuyuan ledger export tasks``, as the office: every
task) of whatever the database holds — the province-scale dataset
(``bench/dataset.py``, 50,000 tasks at scale 1) or a smaller one — into a
temporary file, and prints the rows, the time, the file's size, and the peak
memory twice: the Python heap's peak while exporting (tracemalloc, a second
run: tracing slows it down) and the process's maximum resident size.

The export reads ``reports.ledgers.PAGE`` tasks at a time into a write-only
workbook, so the heap's peak should not grow with the number of tasks: run it
at two scales to see.

Usage::

    .venv/bin/python bench/dataset.py --url sqlite:///tmp/province.sqlite3
    .venv/bin/python bench/ledger.py --url sqlite:///tmp/province.sqlite3 [--kind tasks]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from tortoise import Tortoise

from schema.ledgers import LedgerKind, write_ledger
from store.db import tortoise_config
from store.models import Task


async def _export(kind: LedgerKind, path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    with path.open("wb") as out:
        rows = await write_ledger(kind, None, out, viewer=None)
    return rows, time.perf_counter() - start


async def main(url: str, kind: LedgerKind) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        tasks = await Task.all().count()
        print(f"{url}: {tasks} tasks; exporting the {kind.value} ledger")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"{kind.value}.xlsx"
            rows, seconds = await _export(kind, path)
            size = path.stat().st_size
            tracemalloc.start()
            await _export(kind, path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(
            f"{rows} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), "
            f"{size / 1e6:.1f} MB; Python heap peak {peak / 1e6:.1f} MB "
            f"(tracemalloc), process max RSS {rss:.0f} MB"
        )
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--url", required=True, help="tortoise database URL (sqlite://…, postgres://…)"
    )
    parser.add_argument("--kind", default="tasks", choices=[kind.value for kind in LedgerKind])
    args = parser.parse_args()
    asyncio.run(main(args.url, LedgerKind(args.kind)))
