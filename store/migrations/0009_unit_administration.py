"""Units an administrator keeps (issue 15): deactivation, and the history of every change.

``unit.is_active`` (true for every existing unit) and ``unit.deactivated_at``
mark a unit an administrator deactivated: it keeps its cases, tasks and
events, and takes no new task. ``unit_change`` keeps each creation, change and
deactivation with the fields before and after and the administrator who made it
(null for the command line).
"""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from store.enums import UnitChangeAction


class Migration(migrations.Migration):
    dependencies = [("models", "0008_official_calendars")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Unit",
            name="is_active",
            field=fields.BooleanField(
                default=True,
                db_default=True,
                description="False once deactivated: it keeps its history, takes no new task",
            ),
        ),
        ops.AddField(
            model_name="Unit",
            name="deactivated_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.CreateModel(
            name="UnitChange",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="changes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "action",
                    fields.CharEnumField(
                        description="CREATE: CREATE\nUPDATE: UPDATE\nDEACTIVATE: DEACTIVATE",
                        enum_type=UnitChangeAction,
                        max_length=12,
                    ),
                ),
                (
                    "changes",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "changed_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="changed_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="unit_changes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("changed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "unit_change",
                "app": "models",
                "indexes": [Index(fields=["unit_id", "id"])],
                "pk_attr": "id",
                "table_description": (
                    "An administrator's creation, change or deactivation of a unit, "
                    "with who did it."
                ),
            },
            bases=["Model"],
        ),
    ]
