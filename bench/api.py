"""The task page of DESIGN.md §8, timed through the whole app, with its SQL counted.

Target: "a page of 50 tasks with unit, subject, warning, availableActions and
the last 3 events: a fixed number of SQL statements whatever the page size;
p50 under 25 ms".

The app runs in-process (``api.app.create_app`` with its lifespan, called
through ``httpx.ASGITransport``: no sockets, no server), signed in as the
dataset's coordinator (``bench-coordinator``, see bench/dataset.py). Each
scenario sends the same document N times and prints p50/p95/max in ms and the
SQL statements per request, counted from the ``tortoise.db_client`` logger's
DEBUG records (one per statement sent). Scenarios: the first page; pages
further on (``after`` the cursor of an earlier page); filtered pages (open
enforcement tasks, overdue tasks, by region); ordered by due date; and a
page of 5, whose statement count must equal the page of 50's.

Usage::

    .venv/bin/python bench/dataset.py --url sqlite:///tmp/province.sqlite3
    .venv/bin/python bench/api.py --url sqlite:///tmp/province.sqlite3 [--n 50] \\
        [--explain] [--show-sql]

``--explain`` also prints the slowest SQL statements seen (total time per
statement text, parameters left out), to find what a slow page waits for.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Run as ``python bench/api.py``, this file's folder comes first on sys.path and
# this module would hide the application's ``api`` package: drop that entry.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from api.app import create_app
from api.settings import Environment, Settings

TARGET_P50_MS = 25.0
PASSWORD = "fuyuan-bench"
USERNAME = "bench-coordinator"

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token errors { code message } }
}
"""

TASK_PAGE = """
query TaskPage($first: Int!, $after: String, $filter: TaskFilter, $orderBy: TaskOrder) {
  tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      id code title state version dueOn warning supervisionLevel
      responsibleUnit { name }
      subject {
        __typename
        ... on EnforcementCase { caseNumber amountDue amountPerformed }
        ... on BankruptcyCase { caseNumber }
        ... on JointMeeting { title }
      }
      availableActions { action label }
      events(first: 3) { nodes { seq action occurredAt actor { displayName } } }
    }
  }
}
"""


class StatementCounter(logging.Handler):
    """Counts (and optionally times) the statements tortoise's clients log.

    Every client logs ``"%s: %s"`` (query, values) at DEBUG just before it
    sends a statement; the time to the next record (or the end of the
    request) is charged to that statement when ``timing`` is on.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.timing = False
        self.recorded: list[str] | None = None
        self._last: tuple[str, float] | None = None
        self.time_by_sql: dict[str, float] = defaultdict(float)
        self.calls_by_sql: dict[str, int] = defaultdict(int)

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg != "%s: %s":
            return
        self.count += 1
        if self.recorded is not None:
            self.recorded.append(str(record.args[0]) if record.args else "")  # type: ignore[index]
        if self.timing:
            now = time.perf_counter()
            self._charge(now)
            self._last = (str(record.args[0]) if record.args else "", now)  # type: ignore[index]

    def _charge(self, now: float) -> None:
        if self._last is not None:
            sql, started = self._last
            self.time_by_sql[sql] += now - started
            self.calls_by_sql[sql] += 1
            self._last = None

    def end_request(self) -> None:
        if self.timing:
            self._charge(time.perf_counter())


@contextmanager
def counting() -> Iterator[StatementCounter]:
    logger = logging.getLogger("tortoise.db_client")
    handler = StatementCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@dataclass
class Result:
    name: str
    times_ms: list[float] = field(default_factory=list)
    statements: set[int] = field(default_factory=set)
    rows: int = 0
    total: int = 0

    def line(self) -> str:
        times = sorted(self.times_ms)
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        statements = "/".join(str(n) for n in sorted(self.statements))
        verdict = "ok" if p50 < TARGET_P50_MS else "SLOW"
        return (
            f"{self.name:44} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  "
            f"SQL/request {statements:>5}  rows {self.rows:>3} of {self.total:>6}  {verdict}"
        )


async def _post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"HTTP {response.status_code}: {body.get('errors') or body}")
    data: dict[str, Any] = body["data"]
    return data


async def _scenario(
    client: httpx.AsyncClient,
    token: str,
    counter: StatementCounter,
    name: str,
    variables: dict[str, Any],
    n: int,
) -> Result:
    result = Result(name)
    await _post(client, TASK_PAGE, variables, token)  # warm up the caches and plans
    for _ in range(n):
        counter.count = 0
        started = time.perf_counter()
        data = await _post(client, TASK_PAGE, variables, token)
        result.times_ms.append((time.perf_counter() - started) * 1000)
        counter.end_request()
        result.statements.add(counter.count)
        result.rows = len(data["tasks"]["nodes"])
        result.total = data["tasks"]["totalCount"]
    return result


async def _cursor_after(
    client: httpx.AsyncClient, token: str, pages: int, variables: dict[str, Any]
) -> str | None:
    """The end cursor after ``pages`` pages of 100 (walking the connection)."""
    cursor = None
    for _ in range(pages):
        data = await _post(client, TASK_PAGE, {**variables, "first": 100, "after": cursor}, token)
        cursor = data["tasks"]["pageInfo"]["endCursor"]
    return cursor


async def main(url: str, n: int, explain: bool, show_sql: bool = False) -> list[Result]:
    settings = Settings(
        database_url=url,
        env=Environment.DEVELOPMENT,
        secret_key="bench-secret-key-for-in-process-runs-only",
    )
    app = create_app(settings)
    results: list[Result] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            login = await _post(client, LOGIN, {"username": USERNAME, "password": PASSWORD})
            token = login["login"]["token"]
            if not token:
                raise RuntimeError(f"login failed: {login['login']['errors']}")
            later = await _cursor_after(client, token, 3, {})
            much_later = await _cursor_after(client, token, 20, {})
            scenarios: list[tuple[str, dict[str, Any]]] = [
                ("first 50", {"first": 50}),
                ("50 after 300", {"first": 50, "after": later}),
                ("50 after 2,000", {"first": 50, "after": much_later}),
                (
                    "50 open enforcement tasks",
                    {
                        "first": 50,
                        "filter": {"kind": "ENFORCEMENT", "state": ["IN_PROGRESS", "ACCEPTED"]},
                    },
                ),
                ("50 overdue", {"first": 50, "filter": {"overdue": True}}),
                ("50 in region 龙亭区", {"first": 50, "filter": {"region": "龙亭区"}}),
                (
                    "50 by due date (desc)",
                    {"first": 50, "orderBy": {"field": "DUE_ON", "direction": "DESC"}},
                ),
                ("first 5", {"first": 5}),
                ("first 50 enforcement tasks", {"first": 50, "filter": {"kind": "ENFORCEMENT"}}),
                ("first 5 enforcement tasks", {"first": 5, "filter": {"kind": "ENFORCEMENT"}}),
            ]
            with counting() as counter:
                counter.timing = explain
                for name, variables in scenarios:
                    result = await _scenario(client, token, counter, name, variables, n)
                    results.append(result)
                    print(result.line(), flush=True)
                if show_sql:
                    for name, variables in (scenarios[0], scenarios[-3]):
                        counter.recorded = []
                        await _post(client, TASK_PAGE, variables, token)
                        print(f"\nthe statements of one request ({name}):")
                        for sql in counter.recorded:
                            print(f"  {sql[:300]}")
                        counter.recorded = None
            for big, small in ((results[0], results[-3]), (results[-2], results[-1])):
                same = big.statements == small.statements and len(big.statements) == 1
                print(
                    f"statements per request: {big.name} {sorted(big.statements)}, "
                    f"{small.name} {sorted(small.statements)}: "
                    f"{'the same' if same else 'DIFFERENT'}"
                )
            if explain:
                print("\nslowest statements (total ms over every request, calls, SQL):")
                ranked = sorted(counter.time_by_sql.items(), key=lambda item: -item[1])
                for sql, seconds in ranked[:8]:
                    calls = counter.calls_by_sql[sql]
                    print(f"{seconds * 1000:9.0f} ms {calls:6}x  {sql[:600]}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="the dataset's database URL")
    parser.add_argument("--n", type=int, default=50, help="requests per scenario (default 50)")
    parser.add_argument("--explain", action="store_true", help="rank the slowest SQL statements")
    parser.add_argument(
        "--show-sql", action="store_true", help="print the statements of a page of 50 and of 5"
    )
    args = parser.parse_args()
    asyncio.run(main(args.url, args.n, args.explain, args.show_sql))
