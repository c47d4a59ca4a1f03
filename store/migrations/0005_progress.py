"""Closure progress (issue 6): event dates for reports, and the working-day calendar.

* ``task_event.occurred_on`` (the Asia/Shanghai date of ``occurred_at``) and
  ``task_event.due_on`` (the task's due date after the event) let
  ``reports/progress.py`` read a task's state and due date as of any moment
  from one window over the event log;
* ``calendar_day`` holds the official calendar (filled by
  ``store.calendar_days.fill_calendar_days``, which ``fuyuan migrate`` runs
  after the migrations, so a newer ``chinese_calendar`` adds its years);
* :func:`backfill_event_dates` fills the two new columns of the events
  recorded before this migration. The events are append-only (0002), so the
  guard is lifted for the backfill alone, inside the migration's transaction.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import Any

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from workflow.clock import SHANGHAI

_rules = importlib.import_module("store.migrations.0002_integrity_rules")


def _moment(value: object) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _payload(value: object) -> dict[str, Any]:
    data = json.loads(value) if isinstance(value, str | bytes) else value
    return data if isinstance(data, dict) else {}


def due_dates(
    events: list[tuple[int, str, dict[str, Any]]], current: dt.date | None
) -> dict[int, dt.date | None]:
    """The due date after each event of one task, rebuilt from the payloads.

    ``events`` are ``(seq, action, payload)`` in order. An event whose payload
    holds ``dueOn`` states the due date after it (assign, extend,
    request_extension and the sweep all write it). Before the first such event
    the due date is the ``previousDueOn`` it recorded (extend always does;
    assign does when the task had a date, so an assign without it means
    none), the ``dueOn`` of an event that does not move the date, or — when no
    event names a date — the task's ``current`` due date.
    """
    original = current
    for _, action, payload in events:
        if "previousDueOn" in payload:
            original = _date(payload["previousDueOn"])
            break
        if "dueOn" in payload:
            original = None if action == "assign" else _date(payload["dueOn"])
            break
    result: dict[int, dt.date | None] = {}
    due = original
    for seq, _, payload in events:
        if "dueOn" in payload:
            due = _date(payload["dueOn"])
        result[seq] = due
    return result


async def backfill_event_dates(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    sqlite = schema_editor.DIALECT == "sqlite"
    _, tasks = await client.execute_query('SELECT "id", "due_on" FROM "task"')
    current = {int(row["id"]): _date(row["due_on"]) for row in tasks}
    _, rows = await client.execute_query(
        'SELECT "id", "task_id", "seq", "action", "occurred_at", "payload" FROM "task_event" '
        'ORDER BY "task_id", "seq"'
    )
    if not rows:
        return
    by_task: dict[int, list[tuple[int, int, str, dt.datetime, dict[str, Any]]]] = {}
    for row in rows:
        by_task.setdefault(int(row["task_id"]), []).append(
            (
                int(row["id"]),
                int(row["seq"]),
                str(row["action"]),
                _moment(row["occurred_at"]),
                _payload(row["payload"]),
            )
        )
    if sqlite:
        for when in ("update", "delete"):
            await client.execute_query(f'DROP TRIGGER IF EXISTS "task_event_no_{when}"')
        sql = 'UPDATE "task_event" SET "occurred_on" = ?, "due_on" = ? WHERE "id" = ?'
    else:
        await client.execute_script(
            'ALTER TABLE "task_event" DISABLE TRIGGER "task_event_append_only"'
        )
        sql = 'UPDATE "task_event" SET "occurred_on" = $1, "due_on" = $2 WHERE "id" = $3'
    for task_id, events in by_task.items():
        dues = due_dates(
            [(seq, a, payload) for _, seq, a, _, payload in events], current.get(task_id)
        )
        for event_id, seq, _, moment, _ in events:
            day = moment.astimezone(SHANGHAI).date()
            due = dues[seq]
            values: list[Any] = [day, due, event_id]
            if sqlite:
                values = [day.isoformat(), due.isoformat() if due else None, event_id]
            await client.execute_query(sql, values)
    if sqlite:
        for statement in _rules._sqlite_statements():
            if '"task_event_no_' in statement:
                await client.execute_query(statement)
    else:
        await client.execute_script(
            'ALTER TABLE "task_event" ENABLE TRIGGER "task_event_append_only"'
        )


async def forget_event_dates(apps: Any, schema_editor: Any) -> None:
    """Nothing to undo: the columns go with the AddField operations."""


class Migration(migrations.Migration):
    dependencies = [("models", "0004_created_by")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CalendarDay",
            fields=[
                ("day", fields.DateField(primary_key=True, unique=True, db_index=True)),
                ("is_working", fields.BooleanField()),
                (
                    "working_seq",
                    fields.IntField(description="working days from the first day up to this one"),
                ),
                ("week_start", fields.DateField(description="the Monday of this day's week")),
            ],
            options={
                "table": "calendar_day",
                "app": "models",
                "pk_attr": "day",
                "table_description": (
                    "One day of the PRC official calendar, for working-day arithmetic in SQL."
                ),
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="TaskEvent",
            name="due_on",
            field=fields.DateField(
                null=True, description="the task's 办结时限 after this event (reports/progress.py)"
            ),
        ),
        ops.AddField(
            model_name="TaskEvent",
            name="occurred_on",
            field=fields.DateField(
                null=True, description="the Asia/Shanghai date of occurred_at (reports/progress.py)"
            ),
        ),
        ops.AddIndex(
            model_name="TaskEvent",
            index=Index(fields=["task_id", "occurred_at"]),
        ),
        ops.RunPython(backfill_event_dates, forget_event_dates),
    ]
