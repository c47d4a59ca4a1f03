"""The default order of task lists (open first, by 办结时限) reads an index, not a sort
of the whole table: the expression of migration 0015's index and the one
``schema.filters.tasks.order_tasks`` sorts by are the same, on both databases."""

from __future__ import annotations

import pytest
from tortoise import connections

from schema.filters.ordering import OrderDirection
from schema.filters.tasks import TaskOrder, TaskOrderField, order_tasks
from store import models
from tests.conftest import dialect


async def _plan(url: str, sql: str) -> str:
    client = connections.get("default")
    if dialect(url) == "sqlite":
        _, rows = await client.execute_query(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row["detail"]) for row in rows)
    # An empty table is cheaper to scan than to read by index: forbid the scan, so
    # the plan shows whether the index can serve the order at all.
    async with client._in_transaction() as connection:
        await connection.execute_query("SET LOCAL enable_seqscan = off")
        _, rows = await connection.execute_query(f"EXPLAIN {sql}")
    return "\n".join(str(row["QUERY PLAN"]) for row in rows)


@pytest.mark.parametrize(
    ("order", "uses_index"),
    [
        pytest.param(None, True, id="the-default-order"),
        pytest.param(TaskOrder(field=TaskOrderField.OPEN_FIRST), True, id="open-first-asked"),
        pytest.param(
            TaskOrder(field=TaskOrderField.CODE, direction=OrderDirection.ASC),
            False,
            id="another-order-does-not",
        ),
    ],
)
async def test_a_page_in_the_default_order_is_read_by_the_open_first_index(
    db: str, order: TaskOrder | None, uses_index: bool
) -> None:
    # given the page statement of the task list, as the API builds it
    sql = order_tasks(models.Task.all(), order).limit(50).offset(0).sql(params_inline=True)
    # when the database plans it
    plan = await _plan(db, sql)
    # then the open-first index serves the order (no sort of the whole table)
    assert ("idx_task_open_first" in plan) is uses_index, plan
    if uses_index:
        assert "TEMP B-TREE" not in plan, plan
        assert "Sort" not in plan, plan
