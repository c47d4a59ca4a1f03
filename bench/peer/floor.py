#!/usr/bin/env python3
"""Floor for fuyuan's task page: one hand-written SQL statement (LATERAL joins) ->
Python dicts in the shape of fuyuan's like-for-like page (see bench/api.py) -> orjson.

The floor for the project's schema
(task, unit, enforcement_case, bankruptcy_case, joint_meeting, task_event, account).

  python floor_fuyuan.py bench [--calls 200]    in-process
  uvicorn floor_fuyuan:app --port 8304 --no-access-log                            HTTP (ASGI)
"""
import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import statistics
import time
from zoneinfo import ZoneInfo

import asyncpg
import orjson

DSN = os.environ.get("FLOOR_DSN", "postgresql://perf:perf@127.0.0.1:5432/perf_province")
SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE = 50

SQL = """
SELECT p.*, e.seq, e.action, e.occurred_at, a.display_name
FROM (
  SELECT (SELECT count(*) FROM task) AS total,
         t.id, t.code, t.title, t.state, t.version, t.due_on, t.supervision_level,
         u.name AS unit_name,
         ec.case_number AS ec_number, ec.amount_due_fen,
         (SELECT coalesce(sum(pr.amount_fen), 0) FROM performance_record pr
           WHERE pr.case_id = ec.id)::bigint AS amount_performed_fen,
         bc.case_number AS bc_number, jm.title AS meeting_title
  FROM (SELECT * FROM task ORDER BY due_on, id LIMIT $1) t
  JOIN unit u ON u.id = t.responsible_unit_id
  LEFT JOIN enforcement_case ec ON ec.id = t.enforcement_case_id
  LEFT JOIN bankruptcy_case bc ON bc.id = t.bankruptcy_case_id
  LEFT JOIN joint_meeting jm ON jm.id = t.meeting_id
) p
LEFT JOIN LATERAL (
  SELECT ev.seq, ev.action, ev.occurred_at, ev.actor_id FROM task_event ev
  WHERE ev.task_id = p.id ORDER BY ev.seq DESC LIMIT 3
) e ON true
LEFT JOIN account a ON a.id = e.actor_id
ORDER BY p.due_on, p.id, e.seq DESC
"""


def _cursor(offset):
    return base64.urlsafe_b64encode(f"fy-offset:{offset}".encode()).decode()


def _money(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def shape(rows):
    nodes, by_id = [], {}
    total = rows[0]["total"] if rows else 0
    for r in rows:
        n = by_id.get(r["id"])
        if n is None:
            if r["ec_number"] is not None:
                subject = {"__typename": "EnforcementCase", "caseNumber": r["ec_number"],
                           "amountDue": _money(r["amount_due_fen"]),
                           "amountPerformed": _money(r["amount_performed_fen"])}
            elif r["bc_number"] is not None:
                subject = {"__typename": "BankruptcyCase", "caseNumber": r["bc_number"]}
            elif r["meeting_title"] is not None:
                subject = {"__typename": "JointMeeting", "title": r["meeting_title"]}
            else:
                subject = None
            n = {"id": base64.b64encode(f"Task:{r['id']}".encode()).decode(),
                 "code": r["code"], "title": r["title"], "state": r["state"],
                 "version": r["version"],
                 "dueOn": r["due_on"].isoformat() if r["due_on"] else None,
                 "supervisionLevel": r["supervision_level"],
                 "responsibleUnit": {"name": r["unit_name"]},
                 "subject": subject, "events": {"nodes": []}}
            by_id[r["id"]] = n
            nodes.append(n)
        if r["seq"] is not None:
            n["events"]["nodes"].append({
                "seq": r["seq"], "action": r["action"],
                "occurredAt": r["occurred_at"].astimezone(SHANGHAI).isoformat(),
                "actor": None if r["display_name"] is None else {"displayName": r["display_name"]}})
    return {"data": {"tasks": {"totalCount": total,
                               "pageInfo": {"endCursor": _cursor(len(nodes) - 1) if nodes else None,
                                            "hasNextPage": total > len(nodes)},
                               "nodes": nodes}}}


# ---- ASGI app (HTTP floor) ----------------------------------------------------------
_pool = None


async def _no_reset(conn):
    """Skip asyncpg's per-release reset (pg_advisory_unlock_all; CLOSE ALL; UNLISTEN *;
    RESET ALL): this app holds no session state, so it is one round trip saved."""


async def app(scope, receive, send):
    global _pool
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                _pool = await asyncpg.create_pool(DSN, min_size=2,
                                                  max_size=int(os.environ.get("FLOOR_POOL", "10")),
                                                  server_settings={"jit": "off"},
                                                  reset=_no_reset)
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:  # read (and ignore) the request body
        msg = await receive()
        more = msg.get("more_body", False)
    async with _pool.acquire() as conn:
        rows = await conn.fetch(SQL, PAGE)  # asyncpg caches the prepared statement
    body = orjson.dumps(shape(rows))
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# ---- in-process timing --------------------------------------------------------------
def stats(name, samples_ms, size):
    s = sorted(samples_ms)
    q = lambda p: s[min(len(s) - 1, int(round(p * (len(s) - 1))))]
    print(f"{name:<44} n={len(s)} median={statistics.median(s):.2f}ms "
          f"p90={q(0.90):.2f}ms p99={q(0.99):.2f}ms min={s[0]:.2f}ms bytes={size}", flush=True)


def normalize(doc):
    t = doc["data"]["tasks"]
    out = []
    for n in t["nodes"]:
        m = dict(n)
        m["events"] = [(e["seq"], e["action"], dt.datetime.fromisoformat(e["occurredAt"]),
                        e["actor"]) for e in n["events"]["nodes"]]
        out.append(m)
    return t["totalCount"], out


async def bench(calls, verify):
    conn = await asyncpg.connect(DSN, server_settings={"jit": "off"})
    stmt = await conn.prepare(SQL)
    for _ in range(20):
        await stmt.fetch(PAGE)
    doc = shape(await stmt.fetch(PAGE))
    if verify:
        ref = json.load(open(verify))
        a, b = normalize(doc), normalize(ref)
        print("verify vs fuyuan (lite page):", "IDENTICAL" if a == b else "DIFFERENT",
              f"({len(a[1])} tasks, {sum(len(x['events']) for x in a[1])} events)")
        if a != b:
            for x, y in zip(a[1], b[1]):
                if x != y:
                    print(" first diff:\n  floor:", x, "\n  fuyuan:", y)
                    break
    t = []
    for _ in range(calls):
        t0 = time.perf_counter()
        body = orjson.dumps(shape(await stmt.fetch(PAGE)))
        t.append((time.perf_counter() - t0) * 1000)
    stats("floor: asyncpg + shape + orjson", t, len(body))
    t = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await stmt.fetch(PAGE)
        t.append((time.perf_counter() - t0) * 1000)
    stats("asyncpg fetch only", t, 0)
    await conn.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["bench"])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--verify", default=None)
    a = ap.parse_args()
    asyncio.run(bench(a.calls, a.verify))
