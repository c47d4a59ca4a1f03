"""Closure methods with their grounds, and payments that can be corrected (issue 15).

``enforcement_case`` gains what a request for closure records beside its 结案方式
and grounds — the settlement amount of an 执行和解, the 案号 of the court's ruling
(终结执行, 不予执行) — and the method the court confirmed; ``closure_method``
widens to hold TERMINATION_THIS_ROUND. A case confirmed before this migration
was confirmed for the method it records, or full performance.

``performance_record`` gains ``reverses`` (冲正: the record an entry reverses,
unique, so a record is reversed at most once) and ``reason``. The rule
``ck_performance_amount`` of 0002 (``amount_fen > 0``) becomes: a payment is
positive, a reversal negative (on SQLite a pair of triggers, as in 0002).

On SQLite, widening ``closure_method`` would make tortoise rebuild
``enforcement_case`` (a new table, the rows copied, the old one dropped), and
dropping a table that tasks refer to fails with "FOREIGN KEY constraint
failed" on a database that holds data. SQLite never enforces a VARCHAR's
length, so the width is only the declaration: :class:`_WidenColumn` rewrites
the declaration in ``sqlite_schema`` inside the migration's transaction, the
procedure SQLite's documentation gives for changes that leave the stored rows
as they are (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds
Of Table Schema Changes"); indexes, triggers and rows stay untouched.
"""

from __future__ import annotations

import importlib
from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from store.enums import ClosureMethod

_rules = importlib.import_module("store.migrations.0002_integrity_rules")

RULE = "ck_performance_amount"
CONDITION = (
    "(reverses_id IS NULL AND amount_fen > 0) OR (reverses_id IS NOT NULL AND amount_fen < 0)"
)
OLD_CONDITION = "amount_fen > 0"


class _WidenColumn(ops.AlterField):
    """An AlterField of a VARCHAR's width that on SQLite rewrites only its declaration."""

    old_declaration = '"closure_method" VARCHAR(20)'
    new_declaration = '"closure_method" VARCHAR(24)'

    async def database_forward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is None or state_editor.DIALECT != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)
            return
        await self._declare(state_editor, self.old_declaration, self.new_declaration)

    async def database_backward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is None or state_editor.DIALECT != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)
            return
        await self._declare(state_editor, self.new_declaration, self.old_declaration)

    @staticmethod
    async def _declare(state_editor: Any, old: str, new: str) -> None:
        client = state_editor.client
        _, rows = await client.execute_query(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'enforcement_case'"
        )
        sql = rows[0]["sql"]
        if old not in sql:
            raise RuntimeError(f"enforcement_case does not declare {old}: {sql}")
        _, version = await client.execute_query("PRAGMA schema_version")
        await client.execute_query("PRAGMA writable_schema = ON")
        await client.execute_query(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'enforcement_case'",
            [sql.replace(old, new, 1)],
        )
        await client.execute_query(f"PRAGMA schema_version = {int(version[0][0]) + 1}")
        await client.execute_query("PRAGMA writable_schema = OFF")


def _sqlite_rule(table: str, name: str, condition: str) -> list[str]:
    statements = []
    for when in ("INSERT", "UPDATE"):
        statements.append(f'DROP TRIGGER IF EXISTS "{name}_{when.lower()}"')
        statements.append(
            f'CREATE TRIGGER "{name}_{when.lower()}" BEFORE {when} ON "{table}" '
            f"FOR EACH ROW WHEN NOT ({_rules._new(condition)}) "
            f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        )
    return statements


def _postgres_rule(condition: str) -> list[str]:
    return [
        f'ALTER TABLE "performance_record" DROP CONSTRAINT IF EXISTS "{RULE}"',
        f'ALTER TABLE "performance_record" ADD CONSTRAINT "{RULE}" CHECK ({condition})',
    ]


async def _set_rule(schema_editor: Any, condition: str) -> None:
    sqlite = schema_editor.DIALECT == "sqlite"
    if sqlite:
        statements = _sqlite_rule("performance_record", RULE, condition)
    else:
        statements = _postgres_rule(condition)
    for statement in statements:
        await _rules._execute(schema_editor, statement)


async def signed_amounts(apps: Any, schema_editor: Any) -> None:
    """The new rule, and the method of every confirmation already given."""
    await _set_rule(schema_editor, CONDITION)
    await _rules._execute(
        schema_editor,
        'UPDATE "enforcement_case" SET "closure_confirmed_method" = '
        "COALESCE(\"closure_method\", 'FULL_PERFORMANCE') "
        'WHERE "performance_confirmed_at" IS NOT NULL',
    )


async def positive_amounts(apps: Any, schema_editor: Any) -> None:
    """Back to 0002's rule (refused while a reversal is stored)."""
    await _set_rule(schema_editor, OLD_CONDITION)


class Migration(migrations.Migration):
    dependencies = [("models", "0009_unit_administration")]

    initial = False

    operations = [
        _WidenColumn(
            model_name="EnforcementCase",
            name="closure_method",
            field=fields.CharEnumField(
                null=True,
                description="结案方式: asked for, then final",
                enum_type=ClosureMethod,
                max_length=24,
            ),
        ),
        ops.AddField(
            model_name="EnforcementCase",
            name="closure_confirmed_method",
            field=fields.CharEnumField(
                null=True,
                description="the 结案方式 the court confirmed",
                enum_type=ClosureMethod,
                max_length=24,
            ),
        ),
        ops.AddField(
            model_name="EnforcementCase",
            name="closure_ruling_number",
            field=fields.CharField(
                null=True,
                description="案号 of the court's ruling (终结执行, 不予执行)",
                max_length=64,
            ),
        ),
        ops.AddField(
            model_name="EnforcementCase",
            name="settlement_amount_fen",
            field=fields.BigIntField(
                null=True, description="执行和解: the amount the settlement requires (分)"
            ),
        ),
        ops.AddField(
            model_name="PerformanceRecord",
            name="reason",
            field=fields.TextField(
                default="",
                db_default="",
                description="why: an excess payment confirmed, or a reversal",
                unique=False,
            ),
        ),
        ops.AddField(
            model_name="PerformanceRecord",
            name="reverses",
            field=fields.ForeignKeyField(
                "models.PerformanceRecord",
                source_field="reverses_id",
                null=True,
                unique=True,
                description="冲正: the record this entry reverses (each at most once)",
                db_constraint=True,
                to_field="id",
                related_name="reversals",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.RunPython(signed_amounts, positive_amounts),
    ]
