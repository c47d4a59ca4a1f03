"""Notifications (issue 20): the in-app reminders, the outbox of their deliveries,
the units' group robots, and each account's e-mail and reminder preferences.

``notification`` rows are written in the transaction of the event that causes
them; ``delivery`` is the outbox the worker (``fuyuan notify``) claims; each
delivery's ``delivery_id`` is the receiver's deduplication key.
"""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from store.enums import DeliveryState, NotificationChannel, NotificationKind, NotificationMode


class Migration(migrations.Migration):
    dependencies = [("models", "0015_open_first_index")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "recipient",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="recipient_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description=(
                            "ASSIGNED: ASSIGNED\n"
                            "DUE_SOON: DUE_SOON\n"
                            "OVERDUE: OVERDUE\n"
                            "SUPERVISED: SUPERVISED\n"
                            "URGED: URGED\n"
                            "CLOSURE_REQUESTED: CLOSURE_REQUESTED\n"
                            "CLOSURE_APPROVED: CLOSURE_APPROVED\n"
                            "CLOSURE_REJECTED: CLOSURE_REJECTED\n"
                            "EXTENSION_REQUESTED: EXTENSION_REQUESTED\n"
                            "EXTENSION_GRANTED: EXTENSION_GRANTED\n"
                            "EXTENSION_REFUSED: EXTENSION_REFUSED\n"
                            "BRIEFING_ISSUED: BRIEFING_ISSUED\n"
                            "DIGEST: DIGEST"
                        ),
                        enum_type=NotificationKind,
                        max_length=24,
                    ),
                ),
                (
                    "task",
                    fields.ForeignKeyField(
                        "models.Task",
                        source_field="task_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.TaskEvent",
                        source_field="event_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "briefing",
                    fields.ForeignKeyField(
                        "models.Briefing",
                        source_field="briefing_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "facts",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("dedup_key", fields.CharField(null=True, unique=True, max_length=120)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "notification",
                "app": "models",
                "indexes": [Index(fields=["recipient_id", "read_at"])],
                "pk_attr": "id",
                "table_description": (
                    "提醒: one reminder to one account, written in the transaction of its cause."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "notification",
                    fields.ForeignKeyField(
                        "models.Notification",
                        source_field="notification_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "channel",
                    fields.CharEnumField(
                        description=(
                            "EMAIL: EMAIL\nWEBHOOK: WEBHOOK\nWECOM: WECOM\nDINGTALK: DINGTALK"
                        ),
                        enum_type=NotificationChannel,
                        max_length=10,
                    ),
                ),
                (
                    "target",
                    fields.CharField(description="address, phone or robot id", max_length=500),
                ),
                ("delivery_id", fields.UUIDField(unique=True)),
                (
                    "state",
                    fields.CharEnumField(
                        default=DeliveryState.PENDING,
                        description=("PENDING: PENDING\nSENT: SENT\nDEAD: DEAD"),
                        enum_type=DeliveryState,
                        max_length=10,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_error", fields.TextField(default="", unique=False)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "delivery",
                "app": "models",
                "indexes": [Index(fields=["state", "next_attempt_at"])],
                "pk_attr": "id",
                "table_description": (
                    "One sending of a notification on one channel: the outbox"
                    " row the worker claims."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="UnitRobot",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="robots",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "channel",
                    fields.CharEnumField(
                        description=(
                            "EMAIL: EMAIL\nWEBHOOK: WEBHOOK\nWECOM: WECOM\nDINGTALK: DINGTALK"
                        ),
                        enum_type=NotificationChannel,
                        max_length=10,
                    ),
                ),
                (
                    "url",
                    fields.CharField(description="the robot's webhook address", max_length=500),
                ),
                (
                    "secret",
                    fields.CharField(default="", description="钉钉 加签 secret", max_length=200),
                ),
            ],
            options={
                "table": "unit_robot",
                "app": "models",
                "unique_together": (("unit", "channel"),),
                "pk_attr": "id",
                "table_description": (
                    "A unit's group robot (企业微信 or 钉钉 群机器人), set by the administrator."
                ),
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Account",
            name="email",
            field=fields.CharField(null=True, description="personal data", max_length=254),
        ),
        ops.AddField(
            model_name="Account",
            name="notify_channels",
            field=fields.JSONField(
                default=list,
                description="the channels it is reminded on: EMAIL, WEBHOOK (SMS)",
                db_default="[]",
                encoder=functools.partial(dumps, separators=(",", ":")),
                decoder=loads,
            ),
        ),
        ops.AddField(
            model_name="Account",
            name="notify_mode",
            field=fields.CharEnumField(
                default=NotificationMode.IMMEDIATE,
                description="each reminder at once, or one daily digest",
                db_default="IMMEDIATE",
                enum_type=NotificationMode,
                max_length=10,
            ),
        ),
    ]
