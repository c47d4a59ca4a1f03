"""How long a 5,000-row 清单 import takes (DESIGN.md §8: under 10 s, all or nothing).

Builds a case 清单 of ``--rows`` rows (header in row 2, as the template has it)
from the courts and organs the database holds (the demo's, or the province
dataset's), with case numbers no record has yet, and imports it twice through
``reports.ledger_import.import_ledger``: a dry run (every row checked, nothing
stored), then the real import (one transaction: the batch, the cases, their
draft tasks and first events). Prints the file's size and each run's time.
Each run stores new rows: point it at a copy of a database.

Usage::

    .venv/bin/fuyuan migrate && .venv/bin/fuyuan seed --demo   # FUYUAN_DATABASE_URL=…
    .venv/bin/python bench/ledger_import.py --url sqlite:///tmp/demo.sqlite3 [--rows 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import random
import time

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from tortoise import Tortoise

from reports.ledger_import import CASES, import_ledger
from store.db import tortoise_config
from store.enums import UnitKind
from store.models import EnforcementCase, Unit
from store.operations.cases import ORGAN_KINDS


async def _file(rows: int) -> bytes:
    courts = await Unit.filter(kind=UnitKind.COURT, court_code__isnull=False).order_by("id")
    organs = await Unit.filter(kind__in=list(ORGAN_KINDS)).order_by("id")
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = CASES.sheet
    sheet.append([CASES.title])
    sheet.append([column.header for column in CASES.columns])
    start = random.randint(10, 80) * 10_000
    for n in range(rows):
        court, organ = courts[n % len(courts)], organs[n % len(organs)]
        serial = start + n
        sheet.append(
            [
                f"（2025）{court.court_code}执{serial}号",
                court.name,
                f"申请人{n}有限公司",
                "企业",
                organ.name if n % 2 else organ.code,
                f"（2024）{court.court_code}民初{serial}号",
                "买卖合同纠纷",
                round(random.uniform(1000, 5_000_000), 2),
                dt.date(2025, 1, 2) + dt.timedelta(days=n % 300),
                "省联席办交办",
                "省联席办2025年第1批",
                dt.date(2026, 6, 30),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def main(url: str, rows: int) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        data = await _file(rows)
        before = await EnforcementCase.all().count()
        print(f"{url}: a {rows}-row case 清单 of {len(data) / 1024:.0f} KiB; {before} cases")
        for dry_run in (True, False):
            start = time.perf_counter()
            result = await import_ledger(
                "cases", data, "bench.xlsx", dry_run=dry_run, imported_by=None
            )
            seconds = time.perf_counter() - start
            what = "dry run" if dry_run else "import"
            print(
                f"{what}: {result.rows} rows, {result.problem_count} problems, "
                f"{result.created} records {'to create' if dry_run else 'created'} "
                f"in {seconds:.2f} s ({result.rows / seconds:,.0f} rows/s)"
            )
        print(f"cases now: {await EnforcementCase.all().count()}")
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--url", required=True, help="tortoise database URL (sqlite://…, postgres://…)"
    )
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.rows))
