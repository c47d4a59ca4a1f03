"""Evidence files (issue 19): ``stored_file``, one row per upload.

The bytes are a blob named by ``sha256`` (store/blobs.py). A row is
unattached until its record is written; then exactly one of the record
columns (task and event, a performance record, an enforcement or bankruptcy
case, a joint meeting) points at what it proves. Every foreign key is
RESTRICT: a record with files cannot be deleted from under them.

Triggers on both dialects make an attached file immutable: its row is never
updated nor deleted once a record column is set (a closed task's evidence, an
issued briefing's period: an attachment is superseded, never replaced).
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


def _record(model: str, column: str) -> fields.ForeignKeyField:  # type: ignore[type-arg]
    return fields.ForeignKeyField(
        f"models.{model}",
        source_field=column,
        null=True,
        db_constraint=True,
        to_field="id",
        related_name="files",
        on_delete=OnDelete.RESTRICT,
    )


IMMUTABLE_MESSAGE = "an attached file is never changed or deleted: upload a new one"

ATTACHED = " OR ".join(
    f"OLD.{column} IS NOT NULL"
    for column in (
        "task_id",
        "event_id",
        "performance_record_id",
        "enforcement_case_id",
        "bankruptcy_case_id",
        "meeting_id",
    )
)


async def add_immutability(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT == "sqlite":
        for when in ("UPDATE", "DELETE"):
            # execute_query: execute_script would COMMIT the migration's transaction
            await schema_editor.client.execute_query(
                f'CREATE TRIGGER "stored_file_attached_no_{when.lower()}" BEFORE {when} '
                f'ON "stored_file" FOR EACH ROW WHEN {ATTACHED} '
                f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
            )
        return
    await schema_editor.client.execute_script(
        "CREATE FUNCTION stored_file_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF {ATTACHED} THEN RAISE EXCEPTION '{IMMUTABLE_MESSAGE}' "
        "USING ERRCODE = 'restrict_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    await schema_editor.client.execute_script(
        'CREATE TRIGGER "stored_file_immutable" BEFORE UPDATE OR DELETE ON "stored_file" '
        "FOR EACH ROW EXECUTE FUNCTION stored_file_immutable()"
    )


async def drop_immutability(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT == "sqlite":
        for when in ("update", "delete"):
            await schema_editor.client.execute_query(
                f'DROP TRIGGER IF EXISTS "stored_file_attached_no_{when}"'
            )
        return
    await schema_editor.client.execute_script(
        'DROP TRIGGER IF EXISTS "stored_file_immutable" ON "stored_file"'
    )
    await schema_editor.client.execute_script("DROP FUNCTION IF EXISTS stored_file_immutable()")


class Migration(migrations.Migration):
    dependencies = [("models", "0013_briefing_imprint")]

    initial = False

    operations = [
        ops.CreateModel(
            name="StoredFile",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "name",
                    fields.CharField(description="the file's name as uploaded", max_length=255),
                ),
                ("size", fields.BigIntField(description="bytes")),
                (
                    "sha256",
                    fields.CharField(
                        description="of the bytes: the blob", max_length=64, db_index=True
                    ),
                ),
                (
                    "content_type",
                    fields.CharField(description="sniffed from the bytes", max_length=100),
                ),
                (
                    "uploaded_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="uploaded_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="stored_files",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("uploaded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "attached_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("task", _record("Task", "task_id")),
                ("event", _record("TaskEvent", "event_id")),
                ("performance_record", _record("PerformanceRecord", "performance_record_id")),
                ("enforcement_case", _record("EnforcementCase", "enforcement_case_id")),
                ("bankruptcy_case", _record("BankruptcyCase", "bankruptcy_case_id")),
                ("meeting", _record("JointMeeting", "meeting_id")),
            ],
            options={
                "table": "stored_file",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "An evidence file (证明材料, issue 19): "
                    "an upload, and the record it is attached to."
                ),
            },
            bases=["Model"],
        ),
        ops.RunPython(add_immutability, drop_immutability),
    ]
