"""Evidence files (issue 19): ``stored_file``, one row per upload.

The bytes are a blob named by ``sha256`` (store/blobs.py). A row is
unattached until its record is written; then exactly one of the record
columns (task and event, a performance record, an enforcement or bankruptcy
case, a joint meeting) points at what it proves. Every foreign key is
RESTRICT: a record with files cannot be deleted from under them.
"""

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
    ]
