"""officialCalendar for every signed-in role; setOfficialCalendar for administrators only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from strawberry.relay import to_base64

from schema import queries
from store.models import OfficialCalendar, OfficialCalendarChange, Task
from tests.schema.conftest import Clients
from tests.store.test_calendars import HOLIDAYS_2027, WORKDAYS_2027
from workflow.calendar import install_calendar
from workflow.clock import local_today

OFFICIAL_CALENDAR = """
query ($year: Int!) {
  officialCalendar(year: $year) { year source holidays workdays origin enteredBy enteredAt }
}
"""

SET_OFFICIAL_CALENDAR = """
mutation ($input: SetOfficialCalendarInput!) {
  setOfficialCalendar(input: $input) {
    officialCalendar { __typename year source holidays workdays origin enteredBy }
    errors { field code message }
  }
}
"""

TASK_WARNING = """
query ($id: ID!) { node(id: $id) { ... on Task { dueOn warning } } }
"""


@pytest.fixture(autouse=True)
def package_calendar_after() -> Iterator[None]:
    yield
    install_calendar(None)


def _input(**changes: object) -> dict[str, object]:
    return {
        "year": 2027,
        "source": "示例 (test, not official)",
        "holidays": [day.isoformat() for day in HOLIDAYS_2027],
        "workdays": [day.isoformat() for day in WORKDAYS_2027],
        **changes,
    }


async def test_every_signed_in_role_reads_a_year_and_a_missing_one_is_null(api: Clients) -> None:
    for client in (api.unit, api.leader, api.court, api.coordinator, api.admin):
        data = await client.data(OFFICIAL_CALENDAR, year=2026)
        calendar = data["officialCalendar"]
        assert (calendar["year"], calendar["origin"], calendar["enteredBy"]) == (
            2026,
            "PACKAGE",
            None,
        )
        assert "2026-10-01" in calendar["holidays"]
        assert calendar["workdays"][0] == "2026-01-04"
        assert (await client.data(OFFICIAL_CALENDAR, year=2027))["officialCalendar"] is None
    anonymous = await api.anonymous(OFFICIAL_CALENDAR, year=2026)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_only_an_administrator_may_enter_a_year(api: Clients) -> None:
    for client in (api.coordinator, api.leader, api.unit, api.court):
        body = await client(SET_OFFICIAL_CALENDAR, input=_input())
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await OfficialCalendar.exists(year=2027)


async def test_a_2027_entered_by_the_administrator_gives_a_task_due_in_it_a_real_colour(
    api: Clients,
) -> None:
    # given a task assigned 150 days ago (about 100 working days), not accepted, due
    # 2027-12-15: before 2027 is entered, its colour is UNKNOWN (issue 14: whether over
    # two thirds of its time is gone depends on how many working days 2027 has before
    # the 15th of December; a task assigned lately would be judged NONE). Counted from
    # the office's day, so that it holds on any day of 2026: a fixed assignment date
    # turned YELLOW whatever 2027 holds once December 2026 came.
    task = await Task.filter(state="ASSIGNED").first()
    assert task is not None
    assigned_on = local_today() - dt.timedelta(days=150)
    await Task.filter(id=task.id).update(assigned_on=assigned_on, due_on="2027-12-15")
    task_id = to_base64("Task", task.id)
    before = await api.coordinator.data(TASK_WARNING, id=task_id)
    assert before["node"] == {"dueOn": "2027-12-15", "warning": "UNKNOWN"}
    # when the administrator enters 2027
    data = await api.admin.data(SET_OFFICIAL_CALENDAR, input=_input())
    payload = data["setOfficialCalendar"]
    assert payload["errors"] == []
    entered = payload["officialCalendar"]
    assert entered["__typename"] == "OfficialCalendar"
    assert (entered["year"], entered["origin"]) == (2027, "ADMIN")
    assert entered["enteredBy"]  # the administrator's name
    assert entered["workdays"] == [day.isoformat() for day in WORKDAYS_2027]
    # then the task has a colour the engine judged, for every reader
    after = await api.coordinator.data(TASK_WARNING, id=task_id)
    assert after["node"]["warning"] in {"NONE", "BLUE", "YELLOW", "RED"}
    read = await api.unit.data(OFFICIAL_CALENDAR, year=2027)
    assert read["officialCalendar"]["source"] == "示例 (test, not official)"


async def test_a_bad_year_comes_back_in_errors_naming_each_date_and_nothing_is_stored(
    api: Clients,
) -> None:
    holidays = [day.isoformat() for day in HOLIDAYS_2027[1:]]  # 元旦 missing
    data = await api.admin.data(
        SET_OFFICIAL_CALENDAR,
        input=_input(holidays=[*holidays, "2028-01-03"], workdays=["2027-02-17"]),
    )
    payload = data["setOfficialCalendar"]
    assert payload["officialCalendar"] is None
    errors = {tuple(error["field"]): error for error in payload["errors"]}
    assert {error["code"] for error in payload["errors"]} == {"VALIDATION"}
    assert "2028-01-03 is not in 2027" in errors["input", "holidays", str(len(holidays))]["message"]
    assert "2027-02-17 is a Wednesday" in errors["input", "workdays", "0"]["message"]
    assert "2027-01-01 (元旦) is missing" in errors["input", "holidays"]["message"]
    assert not await OfficialCalendar.exists(year=2027)
    assert await OfficialCalendarChange.all().count() == 0


async def test_replacing_a_year_with_tasks_needs_replace(api: Clients) -> None:
    first = await api.admin.data(SET_OFFICIAL_CALENDAR, input=_input())
    assert first["setOfficialCalendar"]["errors"] == []
    task = await Task.filter(state="ASSIGNED").first()
    assert task is not None
    await Task.filter(id=task.id).update(due_on="2027-03-01")
    again = await api.admin.data(
        SET_OFFICIAL_CALENDAR, input=_input(source="国办发明电〔2026〕N号")
    )
    (error,) = again["setOfficialCalendar"]["errors"]
    assert (error["field"], error["code"]) == (["input", "replace"], "VALIDATION")
    replaced = await api.admin.data(
        SET_OFFICIAL_CALENDAR, input=_input(source="国办发明电〔2026〕N号", replace=True)
    )
    assert replaced["setOfficialCalendar"]["officialCalendar"]["source"] == "国办发明电〔2026〕N号"
    assert await OfficialCalendarChange.filter(year=2027).count() == 2


OFFICIAL_CALENDARS = """
{ officialCalendars { year source origin enteredBy enteredAt } }
"""

CALENDAR_NOTICE = """
{ calendarNotice { missingYear affectedTasks message } }
"""


async def test_every_signed_in_role_lists_the_years_known(api: Clients) -> None:
    for client in (api.unit, api.leader, api.court, api.coordinator, api.admin):
        years = (await client.data(OFFICIAL_CALENDARS))["officialCalendars"]
        assert [row["year"] for row in years] == list(range(2004, 2027))
        assert {row["origin"] for row in years} == {"PACKAGE"}
        assert years[-1]["source"].startswith("chinesecalendar ")
    anonymous = await api.anonymous(OFFICIAL_CALENDARS)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # a year the administrator enters is listed last, with who entered it
    assert (await api.admin.data(SET_OFFICIAL_CALENDAR, input=_input()))["setOfficialCalendar"][
        "errors"
    ] == []
    latest = (await api.unit.data(OFFICIAL_CALENDARS))["officialCalendars"][-1]
    assert (latest["year"], latest["origin"], latest["source"]) == (
        2027,
        "ADMIN",
        "示例 (test, not official)",
    )
    assert latest["enteredBy"]


@pytest.mark.parametrize(
    ("due_in_2027", "message"),
    [
        pytest.param(0, "2027年节假日安排尚未录入：请在2027年1月1日前录入，否则跨入2027年的事项"
                        "将无法判定预警与用时", id="none-yet-no-count"),
        pytest.param(2, "2027年节假日安排尚未录入：2项事项的预警与用时无法判定", id="two-counted"),
    ],
)  # fmt: skip
async def test_the_notice_never_says_zero_tasks(
    api: Clients, monkeypatch: pytest.MonkeyPatch, due_in_2027: int, message: str
) -> None:
    # given: 2 December, 2027 not entered, and as many open tasks due in 2027 as the case says
    monkeypatch.setattr(queries, "local_today", lambda: dt.date(2026, 12, 2))
    open_ids = await Task.filter(state__in=["ASSIGNED", "IN_PROGRESS"]).limit(due_in_2027)
    await Task.filter(id__in=[t.id for t in open_ids]).update(due_on="2027-01-15")
    # then: the banner's sentence, in Chinese (the dashboard asks for it)
    api.coordinator.language = "zh-CN"
    notice = (await api.coordinator.data(CALENDAR_NOTICE))["calendarNotice"]
    assert notice["affectedTasks"] == due_in_2027
    assert notice["message"] == message
    assert "0项" not in notice["message"]


async def test_coordinators_and_administrators_are_told_of_the_missing_year(
    api: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = [dt.date(2026, 10, 31)]
    monkeypatch.setattr(queries, "local_today", lambda: today[0])
    # given one open task due in 2027 and a closed one (which needs nothing any more)
    assigned = await Task.filter(state="ASSIGNED").first()
    closed = await Task.filter(state="CLOSED").first()
    assert assigned is not None
    assert closed is not None
    await Task.filter(id__in=[assigned.id, closed.id]).update(due_on="2027-01-15")
    # before November: nothing to say
    assert (await api.coordinator.data(CALENDAR_NOTICE))["calendarNotice"] is None
    # from 1 November: the coordinator and the administrator see it; the others do not
    today[0] = dt.date(2026, 12, 2)
    expected = {
        "missingYear": 2027,
        "affectedTasks": 1,
        "message": "2027年节假日安排尚未录入：1项事项的预警与用时无法判定",
    }
    for client in (api.coordinator, api.admin):
        client.language = "zh-CN"  # as the dashboard asks
        assert (await client.data(CALENDAR_NOTICE))["calendarNotice"] == expected
    for client in (api.unit, api.court, api.leader):
        assert (await client.data(CALENDAR_NOTICE))["calendarNotice"] is None
    anonymous = await api.anonymous(CALENDAR_NOTICE)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # and once the administrator enters 2027, nobody is told any more
    assert (await api.admin.data(SET_OFFICIAL_CALENDAR, input=_input()))["setOfficialCalendar"][
        "errors"
    ] == []
    for client in (api.coordinator, api.admin):
        assert (await client.data(CALENDAR_NOTICE))["calendarNotice"] is None
