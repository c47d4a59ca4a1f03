"""Integrity rules the models cannot declare to tortoise.

Tortoise does not emit ``Meta.constraints`` when it creates a table, and
SQLite cannot add a CHECK constraint to an existing table, so the rules are
listed here once and applied per dialect:

* PostgreSQL: ``ALTER TABLE … ADD CONSTRAINT … CHECK``;
* SQLite: ``BEFORE INSERT`` / ``BEFORE UPDATE`` triggers that abort with the
  rule's name.

Both dialects also get triggers that make ``task_event`` append-only: the
history of a task is never updated and never deleted.
"""

from __future__ import annotations

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

# (table, rule name, SQL condition that every row must satisfy)
CHECKS: list[tuple[str, str, str]] = [
    ("enforcement_case", "ck_enforcement_amount_due", "amount_due_fen >= 0"),
    ("performance_record", "ck_performance_amount", "amount_fen > 0"),
    (
        "bankruptcy_case",
        "ck_bankruptcy_totals",
        "claims_total_fen >= 0 AND assets_total_fen >= 0 AND employees_affected >= 0",
    ),
    ("joint_meeting", "ck_meeting_number", "number >= 1"),
    ("task", "ck_task_version", "version >= 1"),
    (
        "task",
        "ck_task_subject",
        "(kind = 'ENFORCEMENT' AND enforcement_case_id IS NOT NULL"
        " AND bankruptcy_case_id IS NULL AND meeting_id IS NULL)"
        " OR (kind = 'BANKRUPTCY_MATTER' AND bankruptcy_case_id IS NOT NULL"
        " AND enforcement_case_id IS NULL AND meeting_id IS NULL AND matter_type IS NOT NULL)"
        " OR (kind = 'MEETING_DECISION' AND meeting_id IS NOT NULL"
        " AND enforcement_case_id IS NULL AND bankruptcy_case_id IS NULL)"
        " OR (kind = 'OTHER')",
    ),
    ("task_dependency", "ck_dep_not_self", "task_id <> depends_on_id"),
    ("task_event", "ck_event_seq", "seq >= 1"),
    ("briefing", "ck_briefing_period", "period_start <= period_end"),
]

APPEND_ONLY_MESSAGE = "task_event is append-only: history is never updated or deleted"


def _sqlite_statements() -> list[str]:
    statements = []
    for table, name, condition in CHECKS:
        for when in ("INSERT", "UPDATE"):
            statements.append(
                f'CREATE TRIGGER "{name}_{when.lower()}" BEFORE {when} ON "{table}" '
                f"FOR EACH ROW WHEN NOT ({_new(condition)}) "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
            )
    for when in ("UPDATE", "DELETE"):
        statements.append(
            f'CREATE TRIGGER "task_event_no_{when.lower()}" BEFORE {when} ON "task_event" '
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
    return statements


def _new(condition: str) -> str:
    """Qualify the column names of ``condition`` with ``NEW.`` for a trigger."""
    import re

    keywords = {"AND", "OR", "NOT", "IS", "NULL", "IN"}

    def qualify(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if word.upper() in keywords else f"NEW.{word}"

    # Leave quoted literals ('ENFORCEMENT') alone; qualify bare identifiers.
    parts = re.split(r"('[^']*')", condition)
    return "".join(
        part if part.startswith("'") else re.sub(r"\b[a-z_][a-z0-9_]*\b", qualify, part)
        for part in parts
    )


def _postgres_statements() -> list[str]:
    statements = [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({condition})'
        for table, name, condition in CHECKS
    ]
    statements.append(
        "CREATE FUNCTION task_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' "
        "USING ERRCODE = 'restrict_violation'; END $$"
    )
    statements.append(
        'CREATE TRIGGER "task_event_append_only" BEFORE UPDATE OR DELETE ON "task_event" '
        "FOR EACH ROW EXECUTE FUNCTION task_event_append_only()"
    )
    return statements


async def _execute(schema_editor: Any, statement: str) -> None:
    # On SQLite, execute_script would COMMIT the migration's transaction.
    if schema_editor.DIALECT == "sqlite":
        await schema_editor.client.execute_query(statement)
    else:
        await schema_editor.client.execute_script(statement)


async def apply_rules(apps: Any, schema_editor: Any) -> None:
    dialect = schema_editor.DIALECT
    if dialect == "sqlite":
        statements = _sqlite_statements()
    elif dialect == "postgres":
        statements = _postgres_statements()
    else:  # pragma: no cover - fuyuan runs on SQLite or PostgreSQL only
        raise RuntimeError(f"fuyuan supports SQLite and PostgreSQL, not {dialect}")
    for statement in statements:
        await _execute(schema_editor, statement)


async def drop_rules(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT == "sqlite":
        names = [f"{name}_{when}" for _, name, _ in CHECKS for when in ("insert", "update")]
        names += ["task_event_no_update", "task_event_no_delete"]
        for name in names:
            await _execute(schema_editor, f'DROP TRIGGER IF EXISTS "{name}"')
        return
    await schema_editor.client.execute_script(
        'DROP TRIGGER IF EXISTS "task_event_append_only" ON "task_event"'
    )
    await schema_editor.client.execute_script("DROP FUNCTION IF EXISTS task_event_append_only()")
    for table, name, _ in CHECKS:
        await schema_editor.client.execute_script(
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"'
        )


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [ops.RunPython(apply_rules, drop_rules)]
