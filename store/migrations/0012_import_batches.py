"""Ledger imports (issue 17, 清单式交办): who imported which file, and what it created.

``import_batch`` holds one row per imported workbook: its kind, name and
SHA-256 (unique: the same file is never imported twice), how many rows it had
and records it created, who imported it and when. ``enforcement_case`` and
``task`` each get a nullable ``import_batch_id``: the batch that created the
row, null for everything registered one at a time.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


def _batch(related_name: str) -> fields.ForeignKeyField:  # type: ignore[type-arg]
    return fields.ForeignKeyField(
        "models.ImportBatch",
        source_field="import_batch_id",
        null=True,
        description="the ledger import (清单式交办) that created it, null otherwise",
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        on_delete=OnDelete.RESTRICT,
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0011_clocks")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ImportBatch",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharField(description="cases, matters or decisions", max_length=16),
                ),
                ("file_name", fields.CharField(max_length=255)),
                (
                    "sha256",
                    fields.CharField(description="of the file's bytes", max_length=64, unique=True),
                ),
                ("rows", fields.IntField(description="data rows in the file")),
                ("created", fields.IntField(description="records created (cases and tasks)")),
                (
                    "imported_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="imported_by_id",
                        null=True,
                        description="null for the command line",
                        db_constraint=True,
                        to_field="id",
                        related_name="import_batches",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("imported_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "import_batch",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "One ledger import (清单式交办): who imported which file, and what it created."
                ),
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="EnforcementCase", name="import_batch", field=_batch("enforcement_cases")
        ),
        ops.AddField(model_name="Task", name="import_batch", field=_batch("tasks")),
    ]
