"""Who may see which task (store/visibility.py): the query scope and the audience agree."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import pytest
from tortoise import Tortoise

from store.models import Account, Task, Unit
from store.visibility import task_audience, task_scope
from tests.conftest import open_database


@pytest.fixture
async def demo(demo_database_url: str) -> AsyncIterator[None]:
    await open_database(demo_database_url)
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def test_a_tasks_audience_admits_exactly_the_viewers_its_scope_shows_it_to(
    demo: None,
) -> None:
    # given: the demo, where demo-unit's unit also assists with two tasks of other units,
    # and a deactivated copy of a liaison
    assisting = await Unit.get(code="KF-CZJ")
    others = await Task.exclude(responsible_unit_id=assisting.id).order_by("id").limit(2)
    for task in others:
        await task.assisting_units.add(assisting)
    viewers = list(await Account.all())
    gone = await Account.get(username="demo-unit2")
    gone.is_active = False
    viewers.append(gone)
    # cast: tortoise types the rows of values_list(..., flat=True) as tuples.
    tasks = cast("list[int]", await Task.all().values_list("id", flat=True))
    audiences = {task_id: await task_audience(task_id) for task_id in tasks}
    # when: each viewer's tasks are found by the query scope and by the audience
    for viewer in viewers:
        scoped = set(
            cast("list[int]", await Task.filter(task_scope(viewer)).values_list("id", flat=True))
        )
        admitted = {
            task_id
            for task_id, audience in audiences.items()
            if audience is not None and audience.admits(viewer)
        }
        # then: the two agree, for every role
        assert admitted == scoped, viewer.username
        if viewer.username == "demo-unit":  # and the tasks its unit assists with are in both
            assert {task.id for task in others} <= admitted
    assert None not in audiences.values()
    assert await task_audience(10**6) is None
