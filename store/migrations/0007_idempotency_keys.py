"""Idempotency keys of the creating mutations (issue 12): a retry creates nothing twice.

``idempotency_key`` holds one row per account and key: the mutation it went
with, a fingerprint of the request and the id of the record it created,
written in the same transaction as the record (``store/idempotency.py``).
The unique index on ``(account_id, key)`` makes a key count once per account
on both databases and across every server worker: a second insert of the
same key fails, and the request that made it answers with the first result.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0006_state_intervals")]

    initial = False

    operations = [
        ops.CreateModel(
            name="IdempotencyKey",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="idempotency_keys",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("key", fields.CharField(max_length=128)),
                (
                    "operation",
                    fields.CharField(description="the mutation, e.g. createTask", max_length=40),
                ),
                (
                    "fingerprint",
                    fields.CharField(description="SHA-256 of the request", max_length=64),
                ),
                ("record_id", fields.IntField(description="the record the request created")),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "idempotency_key",
                "app": "models",
                "unique_together": (("account", "key"),),
                "pk_attr": "id",
                "table_description": (
                    "The idempotency key of a creating mutation and the record it created."
                ),
            },
            bases=["Model"],
        ),
    ]
