"""Closure progress at scale (issue 6): state intervals per task, kept by the database.

``task_state_interval`` holds one row per span of a task's history — its
state, due date, assignment and closing dates and responsible unit from one
event until the next event that changes any of them — so that "every task as
of T" is one row per task (``valid_from <= T < valid_to``) instead of a replay
of the event log. ``reports/progress.py`` reads only this table.

The rows are derived, never written by the application:

* :func:`follow_events` creates an ``AFTER INSERT`` trigger on ``task_event``
  (SQLite: a trigger; PostgreSQL: a trigger function with the same two
  statements): it opens the next interval when the event changes something,
  and closes the task's current one at the event's moment. Every path that
  records an event — transitions, the sweep, the demo seeder, bulk loads of
  the benchmark — keeps the intervals without knowing of them;
* it also backfills the intervals of the events recorded before this
  migration, with the same rules written as one window query.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from store.enums import TaskKind, TaskState

#: ``valid_to`` of a current interval (``store.models.OPEN_END``): on SQLite
#: the text tortoise stores for it; PostgreSQL reads the same text as a
#: timestamptz where it compares it, and is told so where it writes it.
OPEN_END = "'9999-12-31 00:00:00+00:00'"
OPEN_END_VALUE = {"sqlite": OPEN_END, "postgres": f"CAST({OPEN_END} AS TIMESTAMPTZ)"}

COLUMNS = (
    '"task_id", "seq", "valid_from", "valid_to", "unit_id", "kind", "case_id", '
    '"state", "due_on", "created_on", "assigned_on", "closed_on"'
)

#: The interval an event opens, next to the task's current one (``c_*``): its
#: latest, found through the (task_id, seq) index — never through valid_to,
#: which would make SQLite walk every current interval for each event.
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
       c."id" AS c_id, c."state" AS c_state, c."due_on" AS c_due_on, c."unit_id" AS c_unit_id,
       c."assigned_on" AS c_assigned_on, c."closed_on" AS c_closed_on
FROM "task" t
LEFT JOIN "task_state_interval" c
       ON c."task_id" = NEW."task_id"
      AND c."seq" = (SELECT MAX(o."seq") FROM "task_state_interval" o
                     WHERE o."task_id" = NEW."task_id")
WHERE t."id" = NEW."task_id"
"""


def trigger_statements(dialect: str) -> tuple[str, str]:
    """The two statements the trigger runs for an event that names a state."""
    open_end = OPEN_END_VALUE[dialect]
    insert = f"""INSERT INTO "task_state_interval" ({COLUMNS})
SELECT task_id, seq, valid_from, valid_to, unit_id, kind, case_id,
       state, due_on, created_on, assigned_on, closed_on
FROM ({_NEXT.format(open_end=open_end)}) n
WHERE n.c_id IS NULL
   OR n.state IS DISTINCT FROM n.c_state
   OR n.due_on IS DISTINCT FROM n.c_due_on
   OR n.unit_id IS DISTINCT FROM n.c_unit_id
   OR n.assigned_on IS DISTINCT FROM n.c_assigned_on
   OR n.closed_on IS DISTINCT FROM n.c_closed_on"""
    close = f"""UPDATE "task_state_interval" SET "valid_to" = NEW."occurred_at"
WHERE "task_id" = NEW."task_id" AND "valid_to" = {open_end} AND "seq" < NEW."seq"
  AND EXISTS (SELECT 1 FROM "task_state_interval" o
              WHERE o."task_id" = NEW."task_id" AND o."seq" = NEW."seq")"""
    return for_dialect(insert, dialect), close


#: The same rules over the whole event log, for the events already recorded.
BACKFILL = f"""
INSERT INTO "task_state_interval" ({COLUMNS})
WITH e AS (
    SELECT "task_id", "seq", "occurred_at", "to_state" AS state, "due_on",
           FIRST_VALUE("occurred_on") OVER w AS created_on,
           MAX(CASE WHEN "action" = 'assign' THEN "occurred_on" END) OVER w AS assigned_on,
           MAX(CASE WHEN "to_state" = 'CLOSED' AND "from_state" IS DISTINCT FROM 'CLOSED'
                    THEN "occurred_on" END) OVER w AS closed_on
    FROM "task_event" WHERE "to_state" IS NOT NULL
    WINDOW w AS (PARTITION BY "task_id" ORDER BY "seq" ROWS UNBOUNDED PRECEDING)
),
k AS (
    SELECT e.*, LAG(state) OVER p AS p_state, LAG("due_on") OVER p AS p_due_on,
           LAG(assigned_on) OVER p AS p_assigned_on, LAG(closed_on) OVER p AS p_closed_on,
           LAG("seq") OVER p AS p_seq
    FROM e WINDOW p AS (PARTITION BY "task_id" ORDER BY "seq")
),
kept AS (
    SELECT * FROM k
    WHERE p_seq IS NULL OR state IS DISTINCT FROM p_state OR "due_on" IS DISTINCT FROM p_due_on
       OR assigned_on IS DISTINCT FROM p_assigned_on OR closed_on IS DISTINCT FROM p_closed_on
)
SELECT kept."task_id", kept."seq", kept."occurred_at",
       COALESCE(LEAD(kept."occurred_at") OVER (PARTITION BY kept."task_id" ORDER BY kept."seq"),
                {OPEN_END}),
       t."responsible_unit_id", t."kind", t."enforcement_case_id",
       kept.state, kept."due_on", kept.created_on, kept.assigned_on, kept.closed_on
FROM kept JOIN "task" t ON t."id" = kept."task_id"
"""


def for_dialect(sql: str, dialect: str) -> str:
    """``sql`` as ``dialect`` spells it: SQLite before 3.39 (Ubuntu 22.04 ships
    3.37) has no ``IS DISTINCT FROM``, but its ``IS NOT`` means the same."""
    return sql.replace(" IS DISTINCT FROM ", " IS NOT ") if dialect == "sqlite" else sql


def backfill(dialect: str) -> str:
    """:data:`BACKFILL` for ``dialect``."""
    return for_dialect(BACKFILL, dialect)


def _sqlite_trigger() -> str:
    body = ";\n".join(trigger_statements("sqlite"))
    return (
        'CREATE TRIGGER "task_state_interval_follow" AFTER INSERT ON "task_event" '
        f'FOR EACH ROW WHEN NEW."to_state" IS NOT NULL BEGIN\n{body};\nEND'
    )


def _postgres_trigger() -> list[str]:
    body = ";\n".join(trigger_statements("postgres"))
    return [
        "CREATE FUNCTION task_state_interval_follow() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body};\nRETURN NULL;\nEND $$",
        'CREATE TRIGGER "task_state_interval_follow" AFTER INSERT ON "task_event" '
        'FOR EACH ROW WHEN (NEW."to_state" IS NOT NULL) '
        "EXECUTE FUNCTION task_state_interval_follow()",
    ]


async def follow_events(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if schema_editor.DIALECT == "sqlite":
        # execute_script would COMMIT the migration's transaction on SQLite.
        await client.execute_query(backfill("sqlite"))
        await client.execute_query(_sqlite_trigger())
        return
    await client.execute_script(backfill("postgres"))
    for statement in _postgres_trigger():
        await client.execute_script(statement)


async def stop_following(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if schema_editor.DIALECT == "sqlite":
        await client.execute_query('DROP TRIGGER IF EXISTS "task_state_interval_follow"')
        return
    await client.execute_script(
        'DROP TRIGGER IF EXISTS "task_state_interval_follow" ON "task_event"'
    )
    await client.execute_script("DROP FUNCTION IF EXISTS task_state_interval_follow()")


class Migration(migrations.Migration):
    dependencies = [("models", "0005_progress")]

    initial = False

    operations = [
        ops.CreateModel(
            name="TaskStateInterval",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "task",
                    fields.ForeignKeyField(
                        "models.Task",
                        source_field="task_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="state_intervals",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("seq", fields.IntField(description="the event that opened the interval")),
                (
                    "valid_from",
                    fields.DatetimeField(
                        description="that event's moment", auto_now=False, auto_now_add=False
                    ),
                ),
                (
                    "valid_to",
                    fields.DatetimeField(
                        description="the next change's moment, or OPEN_END",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "unit_id",
                    fields.IntField(description="the responsible unit (task.responsible_unit_id)"),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description=(
                            "ENFORCEMENT: ENFORCEMENT\nBANKRUPTCY_MATTER: BANKRUPTCY_MATTER\n"
                            "MEETING_DECISION: MEETING_DECISION\nOTHER: OTHER"
                        ),
                        enum_type=TaskKind,
                        max_length=20,
                    ),
                ),
                ("case_id", fields.IntField(null=True, description="task.enforcement_case_id")),
                (
                    "state",
                    fields.CharEnumField(
                        description=(
                            "DRAFT: DRAFT\nASSIGNED: ASSIGNED\nACCEPTED: ACCEPTED\n"
                            "RETURNED: RETURNED\nIN_PROGRESS: IN_PROGRESS\nSUSPENDED: SUSPENDED\n"
                            "CLOSURE_REQUESTED: CLOSURE_REQUESTED\nCLOSED: CLOSED\n"
                            "CANCELLED: CANCELLED"
                        ),
                        enum_type=TaskState,
                        max_length=20,
                    ),
                ),
                ("due_on", fields.DateField(null=True, description="办结时限 in force")),
                (
                    "created_on",
                    fields.DateField(description="the Asia/Shanghai date of the first event"),
                ),
                (
                    "assigned_on",
                    fields.DateField(null=True, description="date of the latest assign event"),
                ),
                (
                    "closed_on",
                    fields.DateField(null=True, description="date of the latest move into CLOSED"),
                ),
            ],
            options={
                "table": "task_state_interval",
                "app": "models",
                "unique_together": (("task", "seq"),),
                "indexes": [
                    Index(
                        fields=[
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
                    ),
                    Index(
                        fields=[
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
                    ),
                    Index(
                        fields=[
                            "created_on",
                            "valid_to",
                            "valid_from",
                            "unit_id",
                            "kind",
                            "task_id",
                        ]
                    ),
                ],
                "pk_attr": "id",
                "table_description": (
                    "One span of a task's history: what held from one event until the next change."
                ),
            },
            bases=["Model"],
        ),
        ops.RunPython(follow_events, stop_following),
    ]
