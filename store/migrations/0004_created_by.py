from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0003_login_attempts")]

    initial = False

    operations = [
        ops.AddField(
            model_name="BankruptcyCase",
            name="created_by",
            field=fields.ForeignKeyField(
                "models.Account",
                source_field="created_by_id",
                null=True,
                description="who registered it (null for the command line and demo data)",
                db_constraint=True,
                to_field="id",
                related_name="created_bankruptcy_cases",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="EnforcementCase",
            name="created_by",
            field=fields.ForeignKeyField(
                "models.Account",
                source_field="created_by_id",
                null=True,
                description="who registered it (null for the command line and demo data)",
                db_constraint=True,
                to_field="id",
                related_name="created_enforcement_cases",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="JointMeeting",
            name="created_by",
            field=fields.ForeignKeyField(
                "models.Account",
                source_field="created_by_id",
                null=True,
                description="who registered it (null for the command line and demo data)",
                db_constraint=True,
                to_field="id",
                related_name="created_meetings",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
    ]
