"""The warning rule in SQL (store/warning_sql.py) colours every task as the engine does.

Hypothesis draws a moment and a handful of tasks around it — any state,
assigned or not, due before, on, near or long after the moment's date (its
weekends and holidays included), or without a due date — and stores each as
a task row with one event, so that ``task_state_interval`` holds its interval
too. Every SQL that applies the rule to many tasks must then give each task
the colour ``workflow.warnings.warning_for`` gives it on the moment's date
(Asia/Shanghai):

* the task list's ``warning`` filter, for each colour, and its ``overdue``
  filter (``schema.filters.tasks``, over the task rows);
* the progress figures' colour (``WarningSql.colour`` over the intervals in
  force, as ``reports.progress`` counts them) and their warning counts;
* a briefing's overdue list (``reports.snapshot.overdue_items``): the RED ones.

Moments and dates reach past the official calendar's last year into a year
it has not got (issue 14): there the engine gives a colour wherever the known
days settle it and UNKNOWN (``judge_warning`` without a colour) where the
missing year could change it, and the SQL must list exactly those as UNKNOWN
and every other task with its colour. Each example
gets a unit of its own, since events are never deleted. The test is sync and
drives one ``asyncio.Runner`` (see tests/fuzz/conftest.py for why).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from tortoise import Tortoise, connections

from reports.progress import compute_progress
from reports.snapshot import overdue_items
from schema.filters.tasks import TaskFilter, filter_tasks
from schema.types.tasks import TaskWarning
from store.enums import TaskKind, TaskState, UnitKind
from store.intervals import Scope, SqlParams, intervals_in_force
from store.models import Task, TaskEvent, Unit
from store.warning_sql import CODES, UNKNOWN, WarningSql
from tests.conftest import open_database
from tests.store.factories import at
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.warnings import NOT_STARTED_STATES, judge_warning, warning_windows

T = TypeVar("T")

#: The calendar's last year, the one before, and the first weeks of the year
#: after it (which the calendar has not got): the moments drawn.
LAST_YEAR = max(default_calendar().supported_years)
FIRST_DAY = dt.date(LAST_YEAR - 1, 1, 1)
LAST_DAY = dt.date(LAST_YEAR, 12, 31)
MISSING_UNTIL = LAST_DAY + dt.timedelta(days=45)

#: Every state; the not-started ones (which YELLOW needs) twice as often.
STATES = st.sampled_from([*TaskState, *(s for s in TaskState if s.value in NOT_STARTED_STATES)])

COLOURS: dict[int, TaskWarning] = {
    **{code: TaskWarning[colour.value] for colour, code in CODES.items()},
    UNKNOWN: TaskWarning.UNKNOWN,
}
_units = itertools.count(1)


@dataclass(frozen=True)
class Drawn:
    """A task as drawn: its state and dates (``assigned_on`` None: never assigned)."""

    state: TaskState
    created_on: dt.date
    assigned_on: dt.date | None
    due_on: dt.date | None


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    """A moment in Asia/Shanghai at any hour, so its UTC date is sometimes the day before."""
    day = draw(
        st.dates(FIRST_DAY + dt.timedelta(days=60), LAST_DAY)
        | st.dates(LAST_DAY - dt.timedelta(days=20), MISSING_UNTIL)
    )
    return at(day, draw(st.integers(0, 23)), draw(st.sampled_from([0, 59])))


@st.composite
def tasks_before(draw: st.DrawFn, today: dt.date) -> Drawn:
    """A task that existed on ``today``, due mostly around it (where the colours change)."""
    created_on = today - dt.timedelta(days=draw(st.integers(0, 40) | st.integers(10, 30)))
    assigned = draw(st.booleans())
    assigned_on = created_on + dt.timedelta(days=draw(st.integers(0, 3))) if assigned else None
    if assigned_on is not None and assigned_on > today:
        assigned_on = today
    start = assigned_on or created_on
    days = st.integers
    due_on = draw(
        st.none()
        | days(-4, 10).map(lambda n: today + dt.timedelta(n))
        | days(-2, 40).map(lambda n: start + dt.timedelta(n))
        | st.dates(LAST_DAY - dt.timedelta(days=10), LAST_DAY + dt.timedelta(days=90))
    )
    return Drawn(draw(STATES), created_on, assigned_on, due_on)


class Database:
    """A migrated database of each backend, driven from sync code on one event loop."""

    def __init__(self, url: str) -> None:
        self._runner = asyncio.Runner()
        self.run(open_database(url))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coroutine)

    def close(self) -> None:
        self.run(Tortoise.close_connections())
        self._runner.close()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        database.close()


async def store(drawn: list[Drawn]) -> tuple[Unit, list[Task]]:
    """The tasks as rows of a new unit, each with the one event that opened its interval."""
    number = next(_units)
    unit = await Unit.create(code=f"W-{number}", name=f"预警单位{number}", kind=UnitKind.DEPARTMENT)
    tasks = []
    for index, task in enumerate(drawn):
        row = await Task.create(
            code=f"W-{number}-{index}",
            kind=TaskKind.OTHER,
            title=f"事项{index}",
            responsible_unit=unit,
            state=task.state,
            assigned_on=task.assigned_on,
            due_on=task.due_on,
        )
        # Midnight of the day (Asia/Shanghai): never after a moment on that day.
        day = task.assigned_on or task.created_on
        await TaskEvent.create(
            task=row,
            seq=1,
            action="assign" if task.assigned_on is not None else "create",
            from_state=None,
            to_state=task.state,
            occurred_at=at(day, 0),
            occurred_on=day,
            due_on=task.due_on,
        )
        tasks.append(row)
    return unit, tasks


async def sql_colours(unit: Unit, moment: dt.datetime, today: dt.date) -> dict[int, TaskWarning]:
    """Each task's colour as the progress statement works it out, over its interval."""
    conn = connections.get("default")
    p = SqlParams(conn.capabilities.dialect == "sqlite")
    colour = WarningSql(p, warning_windows(today, default_calendar())).colour()
    source = intervals_in_force(p, Scope(unit_ids=(unit.id,)), moment)
    _, rows = await conn.execute_query(f"SELECT i.task_id, {colour} AS w {source}", p.values)
    return {int(row["task_id"]): COLOURS[int(row["w"])] for row in rows}


async def listed(unit: Unit, today: dt.date, spec: TaskFilter) -> set[int]:
    query = await filter_tasks(
        Task.filter(responsible_unit_id=unit.id), spec, today, personal_data=True
    )
    return {int(task_id) for (task_id,) in await query.values_list("id")}


async def check(drawn: list[Drawn], moment: dt.datetime) -> None:
    today = moment.astimezone(SHANGHAI).date()
    unit, tasks = await store(drawn)
    calendar = default_calendar()
    engine = {}
    for row, task in zip(tasks, drawn, strict=True):
        judged = judge_warning(task.state.value, task.assigned_on, task.due_on, today, calendar)
        found = judged.colour
        engine[row.id] = TaskWarning.UNKNOWN if found is None else TaskWarning[found.value]
    by_colour = {
        colour: {task_id for task_id, c in engine.items() if c is colour} for colour in TaskWarning
    }
    # the task list's filters, over the task rows
    for warning in TaskWarning:
        spec = TaskFilter(warning=warning)
        assert await listed(unit, today, spec) == by_colour[warning], warning
    red = by_colour[TaskWarning.RED]
    assert await listed(unit, today, TaskFilter(overdue=True)) == red
    assert await listed(unit, today, TaskFilter(overdue=False)) == set(engine) - red
    # the progress statement's colours and counts, over the intervals in force
    assert await sql_colours(unit, moment, today) == engine
    report = await compute_progress(Scope(unit_ids=(unit.id,), as_of=moment))
    assert report.warnings == {
        colour.name: len(by_colour[colour])
        for colour in (TaskWarning.RED, TaskWarning.YELLOW, TaskWarning.BLUE)
    }
    assert report.unknown == len(by_colour[TaskWarning.UNKNOWN])
    # a briefing's overdue list
    items, total = await overdue_items(moment, unit_ids=(unit.id,))
    codes = {row.code for row in tasks if row.id in red}
    assert ({item.code for item in items}, total) == (codes, len(codes))


@st.composite
def examples(draw: st.DrawFn) -> tuple[list[Drawn], dt.datetime]:
    moment = draw(moments())
    today = moment.astimezone(SHANGHAI).date()
    return draw(st.lists(tasks_before(today), min_size=1, max_size=8)), moment


def test_the_sql_colours_every_task_as_the_engine_does(database: Database) -> None:
    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(examples())
    def agree(example: tuple[list[Drawn], dt.datetime]) -> None:
        note(repr(example))  # hypothesis shows a drawn composite as an empty argument
        drawn, moment = example
        database.run(check(drawn, moment))

    agree()
