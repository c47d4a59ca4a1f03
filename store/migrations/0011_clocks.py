"""Clocks that pause (issue 14): the day of the closure request in the state intervals.

按期 is judged on the day of the closure request (申请销号) finally approved,
the office's review time (审核用时) runs from the request to the decision, and
an open review is late once it has waited too long. Each of those needs the
request's day beside the interval's other dates, for every task as of any
moment, so ``task_state_interval`` gains ``requested_on``: the date of the
task's latest ``request_closure`` event as of the interval, as
``assigned_on`` is the date of its latest ``assign``.

* the trigger that keeps the intervals (migration 0006) is replaced by the
  same statements with the new column;
* the intervals already recorded are filled from the event log;
* the two covering indexes of ``reports.progress`` are rebuilt with the
  column, so that its statements still read the index alone.
"""

from __future__ import annotations

import importlib
from typing import Any

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

#: Migration 0006, whose trigger this one extends (and restores when undone).
_FOLLOW = importlib.import_module("store.migrations.0006_state_intervals")

COLUMNS = (
    '"task_id", "seq", "valid_from", "valid_to", "unit_id", "kind", "case_id", '
    '"state", "due_on", "created_on", "assigned_on", "closed_on", "requested_on"'
)

#: 0006's ``_NEXT`` with ``requested_on``: the interval an event opens, next to
#: the task's current one (``c_*``), found through the (task_id, seq) index.
_NEXT = """
SELECT NEW."task_id" AS task_id, NEW."seq" AS seq, NEW."occurred_at" AS valid_from,
       {open_end} AS valid_to,
       t."responsible_unit_id" AS unit_id, t."kind" AS kind, t."enforcement_case_id" AS case_id,
       NEW."to_state" AS state, NEW."due_on" AS due_on,
       COALESCE(c."created_on", NEW."occurred_on") AS created_on,
       CASE WHEN NEW."action" = 'assign' THEN NEW."occurred_on"
            ELSE c."assigned_on" END AS assigned_on,
       CASE WHEN NEW."to_state" = 'CLOSED' AND NEW."from_state" IS DISTINCT FROM 'CLOSED'
            THEN NEW."occurred_on" ELSE c."closed_on" END AS closed_on,
       CASE WHEN NEW."action" = 'request_closure' THEN NEW."occurred_on"
            ELSE c."requested_on" END AS requested_on,
       c."id" AS c_id, c."state" AS c_state, c."due_on" AS c_due_on, c."unit_id" AS c_unit_id,
       c."assigned_on" AS c_assigned_on, c."closed_on" AS c_closed_on,
       c."requested_on" AS c_requested_on
FROM "task" t
LEFT JOIN "task_state_interval" c
       ON c."task_id" = NEW."task_id"
      AND c."seq" = (SELECT MAX(o."seq") FROM "task_state_interval" o
                     WHERE o."task_id" = NEW."task_id")
WHERE t."id" = NEW."task_id"
"""


def trigger_statements(dialect: str) -> tuple[str, str]:
    """The two statements the trigger runs for an event that names a state."""
    open_end = _FOLLOW.OPEN_END_VALUE[dialect]
    insert = f"""INSERT INTO "task_state_interval" ({COLUMNS})
SELECT task_id, seq, valid_from, valid_to, unit_id, kind, case_id,
       state, due_on, created_on, assigned_on, closed_on, requested_on
FROM ({_NEXT.format(open_end=open_end)}) n
WHERE n.c_id IS NULL
   OR n.state IS DISTINCT FROM n.c_state
   OR n.due_on IS DISTINCT FROM n.c_due_on
   OR n.unit_id IS DISTINCT FROM n.c_unit_id
   OR n.assigned_on IS DISTINCT FROM n.c_assigned_on
   OR n.closed_on IS DISTINCT FROM n.c_closed_on
   OR n.requested_on IS DISTINCT FROM n.c_requested_on"""
    close = f"""UPDATE "task_state_interval" SET "valid_to" = NEW."occurred_at"
WHERE "task_id" = NEW."task_id" AND "valid_to" = {open_end} AND "seq" < NEW."seq"
  AND EXISTS (SELECT 1 FROM "task_state_interval" o
              WHERE o."task_id" = NEW."task_id" AND o."seq" = NEW."seq")"""
    return _FOLLOW.for_dialect(insert, dialect), close


#: The intervals recorded before: the latest request at or before the event
#: that opened each (a request always changes the state, so it opens one).
BACKFILL = """
UPDATE "task_state_interval" SET "requested_on" = (
    SELECT MAX(e."occurred_on") FROM "task_event" e
    WHERE e."task_id" = "task_state_interval"."task_id"
      AND e."seq" <= "task_state_interval"."seq"
      AND e."action" = 'request_closure'
)
WHERE EXISTS (
    SELECT 1 FROM "task_event" e
    WHERE e."task_id" = "task_state_interval"."task_id"
      AND e."seq" <= "task_state_interval"."seq"
      AND e."action" = 'request_closure'
)
"""


def _sqlite_trigger() -> str:
    body = ";\n".join(trigger_statements("sqlite"))
    return (
        'CREATE TRIGGER "task_state_interval_follow" AFTER INSERT ON "task_event" '
        f'FOR EACH ROW WHEN NEW."to_state" IS NOT NULL BEGIN\n{body};\nEND'
    )


def _postgres_function() -> str:
    body = ";\n".join(trigger_statements("postgres"))
    return (
        "CREATE OR REPLACE FUNCTION task_state_interval_follow() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$\nBEGIN\n{body};\nRETURN NULL;\nEND $$"
    )


async def follow_requests(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if schema_editor.DIALECT == "sqlite":
        # execute_script would COMMIT the migration's transaction on SQLite.
        await client.execute_query(BACKFILL)
        await client.execute_query('DROP TRIGGER IF EXISTS "task_state_interval_follow"')
        await client.execute_query(_sqlite_trigger())
        return
    await client.execute_script(BACKFILL)
    await client.execute_script(_postgres_function())


async def stop_following_requests(apps: Any, schema_editor: Any) -> None:
    """Put 0006's trigger back (the column goes with the AddField operation)."""
    client = schema_editor.client
    if schema_editor.DIALECT == "sqlite":
        await client.execute_query('DROP TRIGGER IF EXISTS "task_state_interval_follow"')
        await client.execute_query(_FOLLOW._sqlite_trigger())
        return
    function = _FOLLOW._postgres_trigger()[0]
    await client.execute_script(function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))


#: The covering indexes of ``reports.progress`` as migration 0006 made them …
_OLD_IN_FORCE = [
    "valid_to",
    "valid_from",
    "unit_id",
    "state",
    "kind",
    "due_on",
    "created_on",
    "assigned_on",
    "closed_on",
    "case_id",
    "task_id",
]
_OLD_CLOSED = [
    "state",
    "closed_on",
    "valid_to",
    "valid_from",
    "assigned_on",
    "created_on",
    "unit_id",
    "kind",
    "task_id",
]
#: … and with the request's day (before ``task_id``, which stays last).
_NEW_IN_FORCE = [*_OLD_IN_FORCE[:-1], "requested_on", "task_id"]
_NEW_CLOSED = [*_OLD_CLOSED[:-1], "requested_on", "task_id"]


class Migration(migrations.Migration):
    dependencies = [("models", "0010_closure_methods_and_reversals")]

    initial = False

    operations = [
        ops.AddField(
            model_name="TaskStateInterval",
            name="requested_on",
            field=fields.DateField(
                null=True, description="date of the latest request_closure event"
            ),
        ),
        ops.RunPython(follow_requests, stop_following_requests),
        ops.RemoveIndex(model_name="TaskStateInterval", fields=_OLD_IN_FORCE),
        ops.RemoveIndex(model_name="TaskStateInterval", fields=_OLD_CLOSED),
        ops.AddIndex(model_name="TaskStateInterval", index=Index(fields=_NEW_IN_FORCE)),
        ops.AddIndex(model_name="TaskStateInterval", index=Index(fields=_NEW_CLOSED)),
    ]
