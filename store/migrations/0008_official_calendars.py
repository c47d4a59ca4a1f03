"""The official calendar as data (issue 14): one row per year, and the history of its changes.

``official_calendar`` holds each year of the State Council's notice (its days
off and make-up working days, its source, who entered it and when, and
whether it came from the ``chinese_calendar`` package or an administrator).
The rows themselves are data, not schema: ``fuyuan migrate`` seeds the
package's years after the migrations run (``store.calendars.seed_package_years``),
never touching a year an administrator entered. ``official_calendar_change``
keeps every administrator's entry or replacement with the lists before and after.
"""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from store.enums import CalendarOrigin


def _json(**options: object) -> fields.JSONField:  # type: ignore[type-arg]
    return fields.JSONField(
        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads, **options
    )


def _account(source_field: str, related_name: str) -> fields.ForeignKeyField:  # type: ignore[type-arg]
    return fields.ForeignKeyField(
        "models.Account",
        source_field=source_field,
        null=True,
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        on_delete=OnDelete.RESTRICT,
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0007_idempotency_keys")]

    initial = False

    operations = [
        ops.CreateModel(
            name="OfficialCalendar",
            fields=[
                (
                    "year",
                    fields.IntField(primary_key=True, generated=False, unique=True, db_index=True),
                ),
                (
                    "source",
                    fields.CharField(description="e.g. 国办发明电〔2025〕7号", max_length=200),
                ),
                ("holidays", _json(default=list, description="days off, ISO dates")),
                (
                    "workdays",
                    _json(default=list, description="make-up working days (调休上班), ISO dates"),
                ),
                (
                    "origin",
                    fields.CharEnumField(
                        description="PACKAGE: PACKAGE\nADMIN: ADMIN",
                        enum_type=CalendarOrigin,
                        max_length=10,
                    ),
                ),
                ("entered_by", _account("entered_by_id", "entered_calendars")),
                ("entered_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "official_calendar",
                "app": "models",
                "pk_attr": "year",
                "table_description": (
                    "One year of the PRC official working-day calendar (国务院办公厅 notice)."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OfficialCalendarChange",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("year", fields.IntField()),
                ("old_source", fields.CharField(null=True, max_length=200)),
                ("old_holidays", _json(null=True)),
                ("old_workdays", _json(null=True)),
                ("new_source", fields.CharField(max_length=200)),
                ("new_holidays", _json()),
                ("new_workdays", _json()),
                ("tasks_counted", fields.IntField(default=0)),
                ("changed_by", _account("changed_by_id", "calendar_changes")),
                ("changed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "official_calendar_change",
                "app": "models",
                "indexes": [Index(fields=["year", "id"])],
                "pk_attr": "id",
                "table_description": (
                    "An administrator's entry or replacement of a year: the lists before and after."
                ),
            },
            bases=["Model"],
        ),
    ]
