"""An index for the default order of task lists: open work first, by 办结时限.

``schema.filters.tasks.order_tasks`` sorts by ``CASE WHEN state IN ('CANCELLED',
'CLOSED') THEN 1 ELSE 0 END, due_on, id`` (issue 18's OPEN_FIRST;
``store.models.open_first_sql``). Without an index on that expression every page
read the whole task table and sorted it (18 ms per page at 50,000 tasks on
PostgreSQL, the largest part of the task page, bench/api.py --explain); with it
a page is an index range (0.2 ms). Both databases match an index on an
expression to the same expression in ORDER BY; tests/store/test_open_first_index.py
checks that each plan uses it, so the expression here and the one the lists sort
by cannot drift apart unnoticed.
"""

from tortoise import migrations
from tortoise.expressions import RawSQL
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0014_stored_files")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Task",
            index=Index(
                RawSQL("CASE WHEN \"state\" IN ('CANCELLED', 'CLOSED') THEN 1 ELSE 0 END"),
                RawSQL('"due_on"'),
                RawSQL('"id"'),
                name="idx_task_open_first",
            ),
        ),
    ]
