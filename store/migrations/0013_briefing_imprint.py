"""The 版记 of a briefing (issue 18): its 报、送、发 lines, edited on the draft.

Three columns of ``briefing``, empty by default (a database default too, so
the briefings stored before keep a value and read as having no such line).
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


def _line(description: str) -> fields.CharField:
    return fields.CharField(default="", db_default="", description=description, max_length=500)


class Migration(migrations.Migration):
    dependencies = [("models", "0012_import_batches")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Briefing", name="report_to", field=_line("版记 报：the offices above")
        ),
        ops.AddField(
            model_name="Briefing", name="send_to", field=_line("版记 送：the offices beside")
        ),
        ops.AddField(
            model_name="Briefing",
            name="distribute_to",
            field=_line("版记 发：the offices below"),
        ),
    ]
