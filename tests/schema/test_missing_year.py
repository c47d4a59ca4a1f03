"""The API on a missing year: only the task that needs it is UNKNOWN, and says why (issue 14)."""

from __future__ import annotations

import datetime as dt

from store.enums import TaskState
from store.models import Task
from tests.schema.conftest import Clients
from workflow.calendar import default_calendar
from workflow.clock import local_today

COUNTS = """
query ($w: TaskWarning) { tasks(filter: {warning: $w}) { totalCount } }
"""
UNKNOWN = """
query {
  tasks(filter: {warning: UNKNOWN}) { totalCount nodes { code warning warningUnknownReason } }
}
"""
COLOURS = ("RED", "YELLOW", "BLUE", "NONE", "UNKNOWN")


async def _counts(api: Clients) -> dict[str, int]:
    return {
        colour: (await api.coordinator.data(COUNTS, w=colour))["tasks"]["totalCount"]
        for colour in COLOURS
    }


async def test_a_task_due_in_a_missing_year_is_unknown_with_the_year_and_no_other(
    api: Clients,
) -> None:
    # given the demo data, counted by colour today
    before = await _counts(api)
    assert before["UNKNOWN"] == 0
    missing = max(default_calendar().supported_years) + 1
    # and an open task of no colour, then assigned long ago (not accepted) and
    # moved to the end of a year the calendar has not got
    today = local_today()
    none = await api.coordinator.data(
        "{ tasks(filter: {warning: NONE, state: [IN_PROGRESS]}, first: 1) { nodes { code } } }"
    )
    code = none["tasks"]["nodes"][0]["code"]
    await Task.filter(code=code).update(
        state=TaskState.ASSIGNED,
        assigned_on=today - dt.timedelta(days=200),
        due_on=dt.date(missing, 12, 30),
    )
    # when the list is read again
    after = await _counts(api)
    # then that task alone is UNKNOWN, with the year named; the other colours
    # count exactly what they did
    reason = f"{missing}年节假日安排尚未录入"
    assert after == {**before, "NONE": before["NONE"] - 1, "UNKNOWN": 1}
    listed = (await api.coordinator.data(UNKNOWN))["tasks"]
    assert listed["nodes"] == [{"code": code, "warning": "UNKNOWN", "warningUnknownReason": reason}]
    # and a task with a colour has no reason
    red = await api.coordinator.data(
        "{ tasks(filter: {warning: RED}, first: 1) { nodes { warning warningUnknownReason } } }"
    )
    assert red["tasks"]["nodes"] == [{"warning": "RED", "warningUnknownReason": None}]
