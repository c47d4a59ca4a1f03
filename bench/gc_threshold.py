"""The garbage collector's settings for a serving worker, measured on the task page.

Runs bench/api.py's scenarios (the app in-process, its lifespan included) once per
setting, interleaved over several rounds, and prints for each setting the time
spent in the collector (``gc.callbacks``), the number of collections and the sum
of the scenarios' p50s, with its ratio to Python's defaults — ratios from one run,
since this machine's speed drifts. ``api.app.GC_THRESHOLD`` is chosen from it.

Usage::

    .venv/bin/python bench/gc_threshold.py --url sqlite:///tmp/province.sqlite3 \\
        [--n 15] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib.util
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import api.app

SETTINGS: list[tuple[str, bool, tuple[int, int, int]]] = [
    ("Python's defaults", False, (700, 10, 10)),
    ("frozen, defaults", True, (700, 10, 10)),
    ("frozen, 5,000", True, (5000, 10, 10)),
    ("frozen, 10,000/20/20", True, (10000, 20, 20)),
]


def _bench_api() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_api", Path(__file__).resolve().parent / "api.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_api"] = module
    spec.loader.exec_module(module)
    return module


class Collector:
    """Time spent in collections, from gc's start and stop callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1


async def main(url: str, n: int, rounds: int) -> None:
    bench_api = _bench_api()
    collector = Collector()
    gc.callbacks.append(collector)
    p50s: dict[str, list[float]] = {name: [] for name, _, _ in SETTINGS}
    gc_ms: dict[str, list[float]] = {name: [] for name, _, _ in SETTINGS}
    counts: dict[str, int] = {}
    for _ in range(rounds):
        for name, freeze, threshold in SETTINGS:
            api.app.GC_FREEZE, api.app.GC_THRESHOLD = freeze, threshold
            collector.seconds, collector.collections = 0.0, 0
            with contextlib.redirect_stdout(io.StringIO()):
                results = await bench_api.main(url, n, False)
            p50s[name].append(sum(statistics.median(r.times_ms) for r in results))
            gc_ms[name].append(collector.seconds * 1000)
            counts[name] = collector.collections
            print(f"  {name:22} gc {gc_ms[name][-1]:7.0f} ms", flush=True)
    base = statistics.median(p50s[SETTINGS[0][0]])
    print(f"\n{len(results)} scenarios x {n} requests, {rounds} rounds (medians of rounds):")
    for name, _, threshold in SETTINGS:
        p50 = statistics.median(p50s[name])
        print(
            f"{name:22} {threshold!s:16} gc {statistics.median(gc_ms[name]):7.0f} ms "
            f"in {counts[name]:5} collections  sum of p50s {p50:6.0f} ms  "
            f"ratio {p50 / base:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="the dataset's database URL")
    parser.add_argument("--n", type=int, default=15, help="requests per scenario (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every setting")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.n, args.rounds))
