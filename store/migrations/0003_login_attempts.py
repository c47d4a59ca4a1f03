from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0002_integrity_rules")]

    initial = False

    operations = [
        ops.CreateModel(
            name="LoginAttempt",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("username", fields.CharField(max_length=64)),
                ("client", fields.CharField(null=True, max_length=64)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("succeeded", fields.BooleanField()),
            ],
            options={
                "table": "login_attempt",
                "app": "models",
                "indexes": [Index(fields=["username", "at"]), Index(fields=["client", "at"])],
                "pk_attr": "id",
                "table_description": (
                    "One sign-in attempt, kept to throttle guessing (store/auth.py)."
                ),
            },
            bases=["Model"],
        ),
    ]
