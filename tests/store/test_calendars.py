"""The official calendar as data: seeded from the package, entered by an administrator,
validated date by date, never overwritten by `migrate`, and what every part of the app judges by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tortoise import connections

from store.calendars import (
    calendar_file,
    calendar_notice,
    calendar_problems,
    check_against_package,
    load_calendar,
    missing_next_year,
    refresh_calendar,
    set_official_calendar,
)
from store.enums import CalendarOrigin, TaskState
from store.errors import InvalidCalendar
from store.models import OfficialCalendar, OfficialCalendarChange, Task
from store.setup import migrate
from tests.store.factories import World, other_task
from tests.store.factories import world as make_world
from workflow.calendar import default_calendar, install_calendar
from workflow.errors import CalendarUnavailable
from workflow.i18n import language
from workflow.warnings import WarningColor, warning_for

D = dt.date
ROOT_EXAMPLE = "docs/calendar-2027.example.toml"


def _days(first: D, last: D) -> list[D]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# The State Council's notices (国务院办公厅关于…部分节假日安排的通知), written out by hand:
# each holiday period "X月X日至X日放假调休，共N天" as its days, and the 上班 days.
NOTICES: dict[int, tuple[str, list[D], list[D]]] = {
    2024: (
        "国办发明电〔2023〕7号",
        [
            D(2024, 1, 1),  # 元旦: 1月1日放假，与周末连休
            *_days(D(2024, 2, 10), D(2024, 2, 17)),  # 春节: 2月10日至17日，共8天
            *_days(D(2024, 4, 4), D(2024, 4, 6)),  # 清明节: 4月4日至6日，共3天
            *_days(D(2024, 5, 1), D(2024, 5, 5)),  # 劳动节: 5月1日至5日，共5天
            D(2024, 6, 10),  # 端午节: 6月10日放假，与周末连休
            *_days(D(2024, 9, 15), D(2024, 9, 17)),  # 中秋节: 9月15日至17日，共3天
            *_days(D(2024, 10, 1), D(2024, 10, 7)),  # 国庆节: 10月1日至7日，共7天
        ],
        # 2月4日（星期日）、2月18日（星期日）、4月7日（星期日）、4月28日（星期日）、
        # 5月11日（星期六）、9月14日（星期六）、9月29日（星期日）、10月12日（星期六）上班
        [
            D(2024, 2, 4),
            D(2024, 2, 18),
            D(2024, 4, 7),
            D(2024, 4, 28),
            D(2024, 5, 11),
            D(2024, 9, 14),
            D(2024, 9, 29),
            D(2024, 10, 12),
        ],
    ),
    2025: (
        "国办发明电〔2024〕12号",
        [
            D(2025, 1, 1),  # 元旦: 1月1日放假1天，不调休
            *_days(D(2025, 1, 28), D(2025, 2, 4)),  # 春节: 1月28日至2月4日，共8天
            *_days(D(2025, 4, 4), D(2025, 4, 6)),  # 清明节: 4月4日至6日，共3天
            *_days(D(2025, 5, 1), D(2025, 5, 5)),  # 劳动节: 5月1日至5日，共5天
            *_days(D(2025, 5, 31), D(2025, 6, 2)),  # 端午节: 5月31日至6月2日，共3天
            *_days(D(2025, 10, 1), D(2025, 10, 8)),  # 国庆节、中秋节: 10月1日至8日，共8天
        ],
        # 1月26日（周日）、2月8日（周六）、4月27日（周日）、9月28日（周日）、10月11日（周六）上班
        [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
    ),
    2026: (
        "国办发明电〔2025〕7号",
        [
            *_days(D(2026, 1, 1), D(2026, 1, 3)),  # 元旦: 1月1日至3日，共3天
            *_days(D(2026, 2, 15), D(2026, 2, 23)),  # 春节: 2月15日至23日，共9天
            *_days(D(2026, 4, 4), D(2026, 4, 6)),  # 清明节: 4月4日至6日，共3天
            *_days(D(2026, 5, 1), D(2026, 5, 5)),  # 劳动节: 5月1日至5日，共5天
            *_days(D(2026, 6, 19), D(2026, 6, 21)),  # 端午节: 6月19日至21日，共3天
            *_days(D(2026, 9, 25), D(2026, 9, 27)),  # 中秋节: 9月25日至27日，共3天
            *_days(D(2026, 10, 1), D(2026, 10, 7)),  # 国庆节: 10月1日至7日，共7天
        ],
        # 1月4日（周日）、2月14日（周六）、2月28日（周六）、5月9日（周六）、
        # 9月20日（周日）、10月10日（周六）上班
        [
            D(2026, 1, 4),
            D(2026, 2, 14),
            D(2026, 2, 28),
            D(2026, 5, 9),
            D(2026, 9, 20),
            D(2026, 10, 10),
        ],
    ),
}

# Not the official 2027 calendar (published November 2026, unknown here): a plausible one.
HOLIDAYS_2027 = [
    *_days(D(2027, 1, 1), D(2027, 1, 3)),
    *_days(D(2027, 2, 6), D(2027, 2, 13)),
    *_days(D(2027, 4, 3), D(2027, 4, 5)),
    *_days(D(2027, 5, 1), D(2027, 5, 5)),
    D(2027, 6, 9),
    D(2027, 9, 15),
    *_days(D(2027, 10, 1), D(2027, 10, 7)),
]
WORKDAYS_2027 = [D(2027, 2, 20), D(2027, 5, 8), D(2027, 9, 26), D(2027, 10, 9)]


@pytest.fixture(autouse=True)
def package_calendar_after() -> Iterator[None]:
    """A year a test enters is the process's calendar only until the test ends."""
    yield
    install_calendar(None)


async def _enter_2027(w: World | None = None, *, replace: bool = False) -> OfficialCalendar:
    return await set_official_calendar(
        year=2027,
        source="示例 (test, not official)",
        holidays=HOLIDAYS_2027,
        workdays=WORKDAYS_2027,
        replace=replace,
        entered_by=w.leader if w else None,
    )


@pytest.mark.parametrize("year", sorted(NOTICES))
async def test_the_stored_years_equal_the_state_council_notices_day_by_day(
    db: str, year: int
) -> None:
    # given a migrated database (seeded from the package)
    row = await OfficialCalendar.get(year=year)
    _, holidays, workdays = NOTICES[year]
    # then its days off and make-up working days are the notice's, day by day
    assert row.origin == CalendarOrigin.PACKAGE
    assert row.holidays == [day.isoformat() for day in sorted(holidays)]
    assert row.workdays == [day.isoformat() for day in sorted(workdays)]
    # and every day of the year is a working day exactly when the notice makes it one
    calendar = default_calendar()
    for day in _days(D(year, 1, 1), D(year, 12, 31)):
        expected = day in workdays or (day.weekday() < 5 and day not in holidays)
        assert calendar.is_working_day(day) is expected, day


async def test_the_package_years_are_seeded_and_agree_with_the_package(db: str) -> None:
    years = [row.year for row in await OfficialCalendar.all()]
    assert years == list(range(2004, 2027))
    assert await check_against_package() == []


async def test_an_entered_2027_counts_for_warnings_and_calendar_day(db: str) -> None:
    # given a task assigned today and due on 2027-01-15, before 2027 is entered
    today = D(2026, 12, 2)
    with pytest.raises(CalendarUnavailable):
        default_calendar().is_working_day(D(2027, 1, 15))
    # issue 14: weeks before its deadline it is judged whatever 2027 holds (NONE) …
    assert warning_for("ASSIGNED", today, D(2027, 1, 15), today, default_calendar()) is (
        WarningColor.NONE
    )
    # … but one assigned on 12-29, due 2027-01-05, is near or not by 2027 (UNKNOWN)
    end = D(2026, 12, 29)
    with pytest.raises(CalendarUnavailable):
        warning_for("ASSIGNED", end, D(2027, 1, 5), end, default_calendar())
    # when an administrator enters 2027
    w = await make_world()
    row = await _enter_2027(w)
    # then the row says who and where from, and the process's calendar knows 2027
    assert (row.year, row.origin, row.source) == (
        2027,
        CalendarOrigin.ADMIN,
        "示例 (test, not official)",
    )
    calendar = default_calendar()
    assert calendar.supported_years[-1] == 2027
    assert calendar.is_working_day(D(2027, 2, 20))  # the make-up Saturday
    assert not calendar.is_working_day(D(2027, 2, 8))  # a Monday of 春节
    colour = warning_for("ASSIGNED", today, D(2027, 1, 15), today, calendar)
    assert colour in set(WarningColor)
    # 12-30, 12-31, 01-04, 01-05: four working days, so not BLUE on 12-29
    assert warning_for("ASSIGNED", end, D(2027, 1, 5), end, calendar) is WarningColor.NONE
    # and calendar_day (the SQL figures) runs to 2027-12-31, counting on from 2026
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        'SELECT "day", "working_seq" FROM "calendar_day" WHERE "day" IN (?, ?)'
        if db.startswith("sqlite")
        else 'SELECT "day", "working_seq" FROM "calendar_day" WHERE "day" IN ($1, $2)',
        [D(2026, 12, 31), D(2027, 1, 15)]
        if not db.startswith("sqlite")
        else ["2026-12-31", "2027-01-15"],
    )
    seq = {str(r["day"]): r["working_seq"] for r in rows}
    # 2027-01-04..08 and 11..15 are working days (1–3 元旦)
    assert seq["2027-01-15"] - seq["2026-12-31"] == 10
    # and the change is recorded
    (change,) = await OfficialCalendarChange.all()
    assert (change.year, change.old_holidays, change.tasks_counted) == (2027, None, 0)
    assert change.new_workdays == [day.isoformat() for day in WORKDAYS_2027]


async def test_migrate_does_not_overwrite_an_entered_year(db: str) -> None:
    # given 2026 corrected by an administrator (a day off added by a local decision)
    row = await OfficialCalendar.get(year=2026)
    holidays = [D.fromisoformat(day) for day in row.holidays] + [D(2026, 12, 31)]
    workdays = [D.fromisoformat(day) for day in row.workdays]
    await set_official_calendar(
        year=2026,
        source="国办发明电〔2025〕7号 (corrected)",
        holidays=holidays,
        workdays=workdays,
        entered_by=None,
    )
    await _enter_2027()
    # when `fuyuan migrate` runs again (as after a package upgrade)
    await migrate(db)
    # then both entered years are as the administrator left them
    kept = await OfficialCalendar.get(year=2026)
    assert kept.origin == CalendarOrigin.ADMIN
    assert "2026-12-31" in kept.holidays
    assert (await OfficialCalendar.get(year=2027)).origin == CalendarOrigin.ADMIN
    # and `calendar check` says where 2026 and the package disagree
    (disagreement,) = [d for d in await check_against_package() if d.year == 2026]
    assert disagreement.only_stored == ("holiday 2026-12-31",)


BAD = [
    pytest.param(
        {"holidays": [D(2027, 1, 1), D(2028, 1, 2)]}, "holidays.1", "2028-01-02 is not in 2027",
        id="outside-the-year",
    ),
    pytest.param(
        {"holidays": [D(2027, 1, 1), D(2027, 2, 8), D(2027, 2, 8)]}, "holidays.2",
        "2027-02-08 is listed twice", id="listed-twice",
    ),
    pytest.param(
        {"holidays": [D(2027, 1, 1)], "workdays": [D(2027, 2, 17)]}, "workdays.0",
        "2027-02-17 is a Wednesday", id="workday-on-a-weekday",
    ),
    pytest.param(
        {"holidays": [D(2027, 1, 1), D(2027, 2, 6)], "workdays": [D(2027, 2, 6)]}, "workdays.0",
        "2027-02-06 is both a holiday and a make-up working day", id="holiday-and-workday",
    ),
    pytest.param(
        {"holidays": [D(2027, 2, 6)]}, "holidays", "2027-01-01 (元旦) is missing",
        id="no-new-year",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "words"), BAD)
async def test_a_bad_calendar_is_refused_naming_the_date_and_nothing_is_stored(
    db: str, change: dict[str, list[D]], field: str, words: str
) -> None:
    entry = {"holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027, **change}
    problems = calendar_problems(2027, "x", entry["holidays"], entry["workdays"])
    assert [p.field for p in problems] == [field]
    assert words in problems[0].reason
    with pytest.raises(InvalidCalendar) as refused:
        await set_official_calendar(
            year=2027,
            source="x",
            holidays=entry["holidays"],
            workdays=entry["workdays"],
            entered_by=None,
        )
    assert words in str(refused.value)
    assert not await OfficialCalendar.exists(year=2027)
    assert await OfficialCalendarChange.all().count() == 0
    with pytest.raises(CalendarUnavailable):
        default_calendar().is_working_day(D(2027, 1, 4))


async def test_a_year_leaving_a_gap_is_refused(db: str) -> None:
    with pytest.raises(InvalidCalendar, match="enter 2027 before 2028"):
        await set_official_calendar(
            year=2028, source="x", holidays=[D(2028, 1, 1)], workdays=[], entered_by=None
        )


async def test_replacing_a_year_with_tasks_on_it_needs_replace_and_is_recorded(db: str) -> None:
    # given 2027 entered and a task due in it
    w = await make_world()
    await _enter_2027(w)
    task = await other_task(w, due_on=D(2027, 1, 15))
    assert task.state == TaskState.DRAFT
    # when the administrator enters 2027 again without replace
    with pytest.raises(InvalidCalendar, match="1 task\\(s\\) have dates in it"):
        await _enter_2027(w)
    # then nothing changed; with replace it goes through and the change keeps both lists
    assert await OfficialCalendarChange.all().count() == 1
    await set_official_calendar(
        year=2027,
        source="国办发明电〔2026〕N号",
        holidays=[*HOLIDAYS_2027, D(2027, 12, 31)],
        workdays=WORKDAYS_2027,
        replace=True,
        entered_by=w.leader,
    )
    change = await OfficialCalendarChange.filter(year=2027).order_by("-id").first()
    assert change is not None
    assert change.tasks_counted == 1
    assert change.old_source == "示例 (test, not official)"
    assert change.old_holidays == [day.isoformat() for day in HOLIDAYS_2027]
    assert change.new_holidays == [*change.old_holidays, "2027-12-31"]
    assert not default_calendar().is_working_day(D(2027, 12, 31))
    assert await Task.filter(due_on=D(2027, 1, 15)).count() == 1


async def test_from_november_a_missing_next_year_is_said_with_its_tasks(db: str) -> None:
    w = await make_world()
    await other_task(w, due_on=D(2027, 1, 15))
    assert await missing_next_year(D(2026, 10, 31)) is None
    assert await missing_next_year(D(2026, 12, 2)) == (2027, 1)
    await _enter_2027(w)
    assert await missing_next_year(D(2026, 12, 2)) is None


async def test_the_notice_counts_the_open_tasks_that_need_the_missing_year(db: str) -> None:
    w = await make_world()
    due_2027 = await other_task(w, "due in 2027", due_on=D(2027, 1, 15))
    await other_task(w, "due in 2028", due_on=D(2028, 3, 1))  # needs 2027 too
    await other_task(w, "due in 2026", due_on=D(2026, 12, 20))
    closed = await other_task(w, "closed, due in 2027", due_on=D(2027, 2, 1))
    await Task.filter(id=closed.id).update(state=TaskState.CLOSED)
    # before November nothing is said; from 1 November the two open ones count
    assert await calendar_notice(D(2026, 10, 31)) is None
    notice = await calendar_notice(D(2026, 11, 1))
    assert notice is not None
    assert (notice.missing_year, notice.affected_tasks) == (2027, 2)
    with language("zh_CN"):
        assert notice.message == "2027年节假日安排尚未录入：2项事项的预警与用时无法判定"
    # in 2027 itself, still missing, it is said whatever the month
    notice = await calendar_notice(D(2027, 3, 1))
    assert notice is not None
    assert (notice.missing_year, notice.affected_tasks) == (2027, 2)
    await Task.filter(id=due_2027.id).update(state=TaskState.CANCELLED)
    assert (await calendar_notice(D(2026, 12, 2))).affected_tasks == 1  # type: ignore[union-attr]
    # entered: nothing missing until 1 November 2027, when 2028 is
    await _enter_2027(w)
    assert await calendar_notice(D(2026, 12, 2)) is None
    assert await calendar_notice(D(2027, 10, 31)) is None
    notice = await calendar_notice(D(2027, 11, 1))
    assert notice is not None
    assert (notice.missing_year, notice.affected_tasks) == (2028, 1)


def test_the_example_file_reads_and_passes_the_rules() -> None:
    entry = calendar_file(ROOT_EXAMPLE)
    assert entry.year == 2027
    assert calendar_problems(entry.year, entry.source, entry.holidays, entry.workdays) == []
    assert list(entry.holidays) == HOLIDAYS_2027
    assert list(entry.workdays) == WORKDAYS_2027


async def test_a_process_picks_up_a_year_another_process_entered(db: str) -> None:
    # given a process (a server worker) that loaded the calendar at start
    await load_calendar()
    assert not await refresh_calendar(force=True)  # nothing changed since
    # when another process stores 2027 (written here behind this process's back)
    await OfficialCalendar.create(
        year=2027,
        source="x",
        holidays=[day.isoformat() for day in HOLIDAYS_2027],
        workdays=[day.isoformat() for day in WORKDAYS_2027],
        origin=CalendarOrigin.ADMIN,
        entered_at=dt.datetime.now(dt.UTC),
    )
    assert max(default_calendar().supported_years) == 2026
    # then this process's next check sees the new stamp and judges 2027 too
    assert await refresh_calendar(force=True)
    assert default_calendar().is_working_day(D(2027, 2, 20))


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        pytest.param("zh_CN", "2028年1月2日不在2027年内", id="chinese"),
        pytest.param("en", "2028-01-02 is not in 2027", id="english"),
    ],
)
def test_a_date_in_a_problem_reads_as_the_reader_writes_dates(lang: str, said: str) -> None:

    with language(lang):
        [problem] = calendar_problems(
            2027, "国办发明电〔2026〕1号", [dt.date(2027, 1, 1), dt.date(2028, 1, 2)], []
        )
    assert said in problem.message
