"""The `fuyuan` command as an operator types it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.columns import width
from tests.conftest import ROOT, cli_command

LOCALE_VARIABLES = ("LANG", "LC_ALL", "LC_MESSAGES")


def fuyuan(*args: str, url: str, stdin: str = "", on: str | None = None,
           **env: str) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The command as an operator runs it, in English (LANG=en_US.UTF-8) unless ``env``
    names a locale; ``on`` a day (YYYY-MM-DD) if given, at 18:00 Beijing."""
    inherited = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    environment = {**inherited, "LANG": "en_US.UTF-8", "FUYUAN_DATABASE_URL": url, **env}
    now = f"{on}T10:00:00+00:00" if on is not None else None
    return subprocess.run(
        cli_command(*args, now=now),
        input=stdin, env=environment, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'cli.sqlite3'}"


def test_migrate_seed_and_account_commands(url: str) -> None:
    first = fuyuan("migrate", url=url).stdout.splitlines()
    # it says what it applied (issue 18: it said "up to date" after applying everything)
    names = sorted(path.stem for path in (ROOT / "store" / "migrations").glob("0*.py"))
    applied = [f"fuyuan: applied migration {name}" for name in names]
    done = f"fuyuan: database is up to date ({len(names)} migration(s) applied)"
    assert first == [*applied, done]
    # migrating again is harmless, and says there was nothing to do
    again = fuyuan("migrate", url=url)
    assert (again.returncode, again.stdout) == (
        0,
        "fuyuan: database is up to date (nothing to apply)\n",
    )

    seeded = fuyuan("seed", "--demo", url=url)
    assert seeded.returncode == 0, seeded.stderr
    assert "111 tasks" in seeded.stdout
    assert "demonstrations only" in seeded.stderr

    again = fuyuan("seed", "--demo", url=url)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    assert fuyuan("seed", "--demo", "--if-empty", url=url).returncode == 0

    created = fuyuan(
        "account", "create", "czj-2", "--role", "UNIT_LIAISON", "--unit", "KF-CZJ",
        url=url, stdin="a-good-long-password\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "czj-2 created" in created.stdout

    duplicate = fuyuan(
        "account", "create", "czj-2", "--role", "UNIT_LIAISON", "--unit", "KF-CZJ",
        url=url, stdin="a-good-long-password\n",
    )  # fmt: skip
    assert duplicate.returncode == 2
    assert "exists already" in duplicate.stderr

    wrong_unit = fuyuan(
        "account", "create", "x", "--role", "COURT_LIAISON", "--unit", "KF-CZJ",
        url=url, stdin="a-good-long-password\n",
    )  # fmt: skip
    assert wrong_unit.returncode == 2
    assert "unitId" in wrong_unit.stderr

    short = fuyuan("account", "reset-password", "czj-2", url=url, stdin="short\n")
    assert short.returncode == 2
    assert "at least 10" in short.stderr
    reset = fuyuan("account", "reset-password", "czj-2", url=url, stdin="another-long-one\n")
    assert reset.returncode == 0, reset.stderr
    assert "reset" in reset.stdout

    assert fuyuan("account", "deactivate", "czj-2", url=url).returncode == 0
    missing = fuyuan("account", "deactivate", "nobody", url=url)
    assert missing.returncode == 2
    assert "nobody" in missing.stderr


def test_sweep_escalates_overdue_demo_tasks_once(url: str) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    # the demo supervised its overdue tasks at 重点 on 2026-11-19; by 2026-12-18 some are
    # ten working days late or more: the sweep names them as candidates for 挂牌 but
    # never lists one (挂牌 is the office's decision, issue 15)
    first = fuyuan("sweep", "--today", "2026-12-18", url=url, on="2026-12-18")
    assert first.returncode == 0, first.stderr
    assert "→ 挂牌" not in first.stdout
    escalated = re.search(r"fuyuan: (\d+) task\(s\) escalated", first.stdout)
    assert escalated is not None
    assert int(escalated.group(1)) == first.stdout.count(" → ")
    candidates = re.search(r"fuyuan: (\d+) candidate\(s\) for 挂牌", first.stdout)
    assert candidates is not None
    assert int(candidates.group(1)) == first.stdout.count(": candidate for 挂牌") > 0
    second = fuyuan("sweep", "--today", "2026-12-18", url=url, on="2026-12-18")
    assert "fuyuan: 0 task(s) escalated" in second.stdout
    # the candidates stay candidates until a coordinator decides
    assert second.stdout.count(": candidate for 挂牌") == int(candidates.group(1))
    # issue 14: on a day of a year without an official calendar the sweep still
    # judges what it can, names the candidates (2026's known days already make ten
    # for the tasks due by mid-December) and lists the rest with the reason, exit 0
    in_2027 = fuyuan("sweep", "--today", "2027-03-01", url=url, on="2027-03-01")
    assert in_2027.returncode == 0, in_2027.stderr
    assert ": candidate for 挂牌 (重点, at least" in in_2027.stdout
    assert "一般 → 重点 (at least" in in_2027.stdout
    # 重点 needs one known working day late, which every task due in 2026 has: the
    # sweep can judge them all, and says why the days are a lower bound
    assert "could not be judged" not in in_2027.stdout
    assert "The official holidays of 2027 are not entered yet" in in_2027.stderr


def test_progress_prints_the_figures_as_a_table_and_as_json(url: str) -> None:
    # given the demo data
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    # when the operator asks for one unit's progress as JSON
    scope = ("--from", "2023-01-01", "--to", "2026-12-31", "--unit", "KF-CZJ",
             "--as-of", "2026-11-20T18:00")  # fmt: skip
    as_json = fuyuan("progress", *scope, "--json", url=url)
    assert as_json.returncode == 0, as_json.stderr
    figures = json.loads(as_json.stdout)
    # then the figures are the unit's own, as of that moment (Asia/Shanghai)
    assert figures["asOf"] == "2026-11-20T10:00:00+00:00"
    assert [row["unit"] for row in figures["byUnit"]] == ["KF-CZJ"]
    assert figures["total"] == figures["open"] + figures["closed"] + figures["cancelled"] > 0
    expected = figures["closed"] / (figures["total"] - figures["cancelled"])
    assert figures["closureRate"] == pytest.approx(expected)
    # and the table shows the same figures, "—" for a rate without denominator
    table = fuyuan("progress", *scope, url=url)
    assert table.returncode == 0, table.stderr
    assert re.search(rf"^total\s+{figures['total']}$", table.stdout, re.MULTILINE)
    assert f"{figures['closureRate'] * 100:.1f}%" in table.stdout
    empty = fuyuan("progress", "--kind", "BANKRUPTCY_MATTER", "--unit", "KF-CZJ", url=url)
    assert re.search(r"^closure rate\s+—$", empty.stdout, re.MULTILINE), empty.stdout
    # and the clocks (issue 14) with the limits of the settings: 签收时限 2 by default
    assert re.search(
        rf"^accepted late\s+{figures['acceptedLate']} \(over 2 working days\)$",
        table.stdout,
        re.MULTILINE,
    )
    patient = fuyuan("progress", *scope, url=url, FUYUAN_ACCEPT_WITHIN_WORKING_DAYS="60")
    assert "(over 60 working days)" in patient.stdout
    assert set(figures) >= {"averageReviewDays", "reviewsLate", "reviewsOpenLate"}
    # and a unit that does not exist is named
    unknown = fuyuan("progress", "--unit", "KF-NONE", url=url)
    assert unknown.returncode == 2
    assert "no unit KF-NONE" in unknown.stderr


def test_ledger_export_writes_every_row_as_the_office_sees_them(url: str, tmp_path: Path) -> None:
    # given the demo data
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    # when the operator exports the tasks, the closed ones, and the units as of a moment
    out = tmp_path / "tasks.xlsx"
    done = fuyuan("ledger", "export", "tasks", "--out", str(out), url=url)
    closed = tmp_path / "closed.xlsx"
    only = '{"tasks": {"state": ["CLOSED"]}}'
    filtered = fuyuan("ledger", "export", "tasks", "--filter", only, "--out", str(closed), url=url)
    units = tmp_path / "units.xlsx"
    moment = ("--as-of", "2026-11-20T18:00")
    summary = fuyuan("ledger", "export", "units", *moment, "--out", str(units), url=url)
    # then every task is there, the filter keeps the closed ones, the summary is as of then
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"fuyuan: wrote 111 rows to {out}"
    sheet = load_workbook(out).active
    assert sheet is not None
    assert str(sheet["A1"].value).startswith("交办事项台账（范围：全部；")
    assert sheet.max_row == 2 + 111
    assert filtered.returncode == 0, filtered.stderr
    closed_sheet = load_workbook(closed).active
    assert closed_sheet is not None
    states = {row[8] for row in closed_sheet.iter_rows(min_row=3, values_only=True)}
    assert states == {"已销号"}
    assert summary.returncode == 0, summary.stderr
    units_sheet = load_workbook(units).active
    assert units_sheet is not None
    assert "截至2026-11-20 18:00 北京时间" in str(units_sheet["A1"].value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--filter", "{nope"), "not JSON", id="not-json"),
        pytest.param(("--filter", '{"tasks": {"colour": "RED"}}'), "no field `colour`", id="field"),
        pytest.param(("--filter", '{"enforcementCases": {}}'), "does not apply", id="another-list"),
        pytest.param(("--as-of", "2026-11-20T18:00"), "units ledger", id="as-of"),
    ],
)
def test_ledger_export_refuses_a_bad_filter(
    url: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    assert fuyuan("migrate", url=url).returncode == 0

    done = fuyuan("ledger", "export", "tasks", *args, "--out", str(tmp_path / "x.xlsx"), url=url)

    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_ledger_template_and_import_refuse_a_second_import_with_a_nonzero_status(
    url: str, tmp_path: Path
) -> None:
    # given the demo data, its case ledger, and the decisions template filled in
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    cases = tmp_path / "cases.xlsx"
    assert fuyuan("ledger", "export", "cases", "--out", str(cases), url=url).returncode == 0
    template = tmp_path / "decisions.xlsx"
    written = fuyuan("ledger", "template", "decisions", "--out", str(template), url=url)
    assert written.returncode == 0, written.stderr
    book = load_workbook(template)
    assert book.sheetnames == ["议定事项", "选项", "填写说明"]
    book["议定事项"].append(
        ["开封市府院联动联席会议第2次会议", "清理涉党政机关执行积案", "KF-CZJ", None, None]
    )
    book.save(template)

    # when the demo's own cases are imported again, and the decisions twice
    again = fuyuan("ledger", "import", "cases", str(cases), "--dry-run", url=url)
    checked = fuyuan("ledger", "import", "decisions", str(template), "--dry-run", url=url)
    first = fuyuan("ledger", "import", "decisions", str(template), url=url)
    second = fuyuan("ledger", "import", "decisions", str(template), url=url)

    # then every case is a duplicate, the decisions import once
    assert again.returncode == 1
    assert again.stderr.count("DUPLICATE\t") == 60
    assert "60 problems; nothing was imported" in again.stderr
    assert "DUPLICATE\tsheet 「执行案件台账」, row 3, column 「案号」: " in again.stderr
    assert checked.returncode == 0, checked.stderr
    assert "all 1 rows can be imported, creating 1 records (a dry run: nothing stored)" in (
        checked.stdout
    )
    assert first.returncode == 0, first.stderr
    assert "imported 1 rows, created 1 records (import batch 1)" in first.stdout
    assert second.returncode == 1
    assert "cannot be imported again" in second.stderr


def test_production_refuses_a_short_secret_key(url: str) -> None:
    done = fuyuan("migrate", url=url, FUYUAN_ENV="production", FUYUAN_SECRET_KEY="too-short")
    assert done.returncode == 2
    assert "FUYUAN_SECRET_KEY" in done.stderr
    assert "at least 32 characters" in done.stderr


def test_commands_other_than_serve_make_no_secret(url: str, tmp_path: Path) -> None:
    # the server makes the installation's secret on its first start; migrating does not
    environment = {**os.environ, "FUYUAN_DATABASE_URL": url, "FUYUAN_SECRET_KEY": ""}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        env=environment, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_several_workers_are_refused_on_sqlite(url: str) -> None:
    done = fuyuan("serve", "--workers", "2", url=url)
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr


def test_an_unknown_environment_is_named(url: str) -> None:
    done = fuyuan("migrate", url=url, FUYUAN_ENV="staging")
    assert done.returncode == 2
    assert "FUYUAN_ENV" in done.stderr


CALENDAR_2027 = Path(__file__).resolve().parents[2] / "docs" / "calendar-2027.example.toml"


def test_calendar_import_show_and_check(url: str, tmp_path: Path) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    # the package's years are stored and agree with it
    check = fuyuan("calendar", "check", url=url)
    assert check.returncode == 0, check.stderr
    assert "0 year(s) where the stored calendar and the package disagree" in check.stdout
    assert "2026  chinesecalendar" in fuyuan("calendar", "show", url=url).stdout
    # a bad file is refused with each date named, and nothing is stored
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'year = 2027\nsource = "x"\nholidays = [2027-02-06, 2027-02-06, 2028-01-01]\n'
        'workdays = [2027-02-17, "2027-13-01"]\n',
        encoding="utf-8",
    )
    refused = fuyuan("calendar", "import", str(bad), url=url)
    assert refused.returncode == 2
    assert "'2027-13-01' is not a date" in refused.stderr
    bad.write_text(bad.read_text(encoding="utf-8").replace(', "2027-13-01"', ""), encoding="utf-8")
    refused = fuyuan("calendar", "import", str(bad), url=url)
    assert refused.returncode == 2
    for words in (
        "holidays.1: 2027-02-06 is listed twice",
        "holidays.2: 2028-01-01 is not in 2027",
        "workdays.0: 2027-02-17 is a Wednesday",
        "2027-01-01 (元旦) is missing",
    ):
        assert words in refused.stderr
    assert fuyuan("calendar", "show", "2027", url=url).returncode == 1
    # the sample file goes in, and shows
    entered = fuyuan("calendar", "import", str(CALENDAR_2027), url=url)
    assert entered.returncode == 0, entered.stderr
    assert "calendar 2027 entered" in entered.stdout
    shown = fuyuan("calendar", "show", "2027", url=url).stdout
    assert "workdays: 2027-02-20 2027-05-08 2027-09-26 2027-10-09" in shown
    assert "by the command line" in shown
    # migrate keeps it; check names it as a year the package does not know
    assert fuyuan("migrate", url=url).returncode == 0
    assert "2027: stored (ADMIN), not in the package" in fuyuan("calendar", "check", url=url).stdout


def test_sweep_warns_from_november_while_next_year_is_missing(url: str) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    october = fuyuan("sweep", "--today", "2026-10-30", url=url)
    assert october.returncode == 0
    assert "not entered yet" not in october.stderr
    december = fuyuan("sweep", "--today", "2026-12-18", url=url, on="2026-12-18")
    assert december.returncode == 0
    # the demo has no task in 2027: the warning is said all the same, by when (no "0 tasks")
    assert "The official holidays of 2027 are not entered yet: enter them before 2027-01-01" in (
        december.stderr
    )
    # one open task due in 2027 is counted, in the words the dashboard's banner uses
    with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
        conn.execute(
            "UPDATE task SET due_on = '2027-01-15' WHERE id = "
            "(SELECT MIN(id) FROM task WHERE state = 'ASSIGNED')"
        )
    december = fuyuan("sweep", "--today", "2026-12-18", url=url, on="2026-12-18")
    assert december.returncode == 0
    assert (
        "fuyuan: warning: The official holidays of 2027 are not entered yet: the warnings and "
        "working-day figures of 1 open task(s) cannot be worked out" in december.stderr
    )
    assert fuyuan("calendar", "import", str(CALENDAR_2027), url=url).returncode == 0
    # with 2027 entered, the warning is gone and a sweep in 2027 judges again
    again = fuyuan("sweep", "--today", "2026-12-18", url=url, on="2026-12-18")
    assert "not entered yet" not in again.stderr
    in_2027 = fuyuan("sweep", "--today", "2027-03-01", url=url, on="2027-03-01")
    assert in_2027.returncode == 0, in_2027.stderr
    assert "task(s) escalated" in in_2027.stdout


def test_calendar_import_on_each_database(database_url: str) -> None:
    entered = fuyuan("calendar", "import", str(CALENDAR_2027), url=database_url)
    assert entered.returncode == 0, entered.stderr
    assert "28 holidays, 4 make-up working days" in entered.stdout
    again = fuyuan("calendar", "show", "2027", url=database_url)
    assert "holidays: 2027-01-01 2027-01-02 2027-01-03 2027-02-06" in again.stdout


def test_the_sweep_says_the_missing_year_on_each_database(database_url: str) -> None:
    swept = fuyuan("sweep", "--today", "2026-11-02", url=database_url)
    assert swept.returncode == 0, swept.stderr
    assert (
        "fuyuan: warning: The official holidays of 2027 are not entered yet: enter them before "
        "2027-01-01" in swept.stderr
    )
    assert fuyuan("calendar", "import", str(CALENDAR_2027), url=database_url).returncode == 0
    swept = fuyuan("sweep", "--today", "2026-11-02", url=database_url)
    assert "not entered yet" not in swept.stderr


def test_unit_create_update_deactivate_and_show(url: str) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    # an administrator adds a court outside 开封, whose cases can then be entered
    created = fuyuan(
        "unit", "create", "SX-PLFY", "--name", "平利县人民法院", "--kind", "COURT",
        "--region", "610926", "--court-code", "陕0926", url=url,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "SX-PLFY · 平利县人民法院 · 法院 · 610926 · 陕0926" in created.stdout
    # a wrong court code is named
    wrong = fuyuan(
        "unit", "create", "SX-X", "--name", "某法院", "--kind", "COURT", "--court-code", "陕926",
        url=url,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "courtCode" in wrong.stderr
    assert "court_code.format" in wrong.stderr
    # an update changes what it names; '' clears the region
    updated = fuyuan("unit", "update", "SX-PLFY", "--name", "陕西省平利县人民法院",
                     "--region", "", url=url)  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    assert "陕西省平利县人民法院 · 法院 · 陕0926" in updated.stdout
    assert fuyuan("unit", "update", "SX-PLFY", url=url).returncode == 2
    # a deactivated unit is shown so, with the history of its changes
    deactivated = fuyuan("unit", "deactivate", "SX-PLFY", url=url)
    assert deactivated.returncode == 0, deactivated.stderr
    assert "assigned no new task" in deactivated.stdout
    again = fuyuan("unit", "deactivate", "SX-PLFY", url=url)
    assert again.returncode == 2
    assert "deactivated already" in again.stderr
    shown = fuyuan("unit", "show", "SX-PLFY", url=url)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "SX-PLFY · 陕西省平利县人民法院 · 法院 · 陕0926 · 已停用"
    assert [line.split()[2] for line in lines[1:]] == ["新建", "修改", "停用"]
    assert "(命令行)" in lines[1]
    assert "region: 610926 → —" in lines[2]


@pytest.mark.parametrize(
    ("today", "refused"),
    [
        pytest.param("2026-11-20", False, id="today"),
        pytest.param("2026-11-19", False, id="yesterday"),
        pytest.param("2026-11-21", True, id="tomorrow"),
        pytest.param("2027-03-01", True, id="next-year"),
    ],
)
def test_sweep_refuses_a_day_that_has_not_come(url: str, today: str, refused: bool) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    before = _sweep_events(url)

    swept = fuyuan("sweep", "--today", today, url=url, on="2026-11-20")

    if refused:
        assert swept.returncode == 2
        assert f"--today {today} is after today (2026-11-20)" in swept.stderr
        assert _sweep_events(url) == before  # nothing written
    else:
        assert swept.returncode == 0, swept.stderr
        assert "task(s) escalated" in swept.stdout


def _sweep_events(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM task_event WHERE action = 'supervise' AND actor_id IS NULL"
        ).fetchone()
    return int(count)


def test_sweep_dry_run_prints_what_it_would_do_and_writes_nothing(url: str) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    before = _sweep_events(url)

    dry = fuyuan("sweep", "--today", "2026-12-18", "--dry-run", url=url, on="2026-12-18")
    again = fuyuan("sweep", "--today", "2026-12-18", "--dry-run", url=url, on="2026-12-18")
    real = fuyuan("sweep", "--today", "2026-12-18", url=url, on="2026-12-18")

    assert dry.returncode == 0, dry.stderr
    assert _sweep_events(url) - before == real.stdout.count(" → ") > 0
    would = re.search(r"fuyuan: dry run: (\d+) task\(s\) would be escalated; nothing written",
                      dry.stdout)  # fmt: skip
    assert would is not None
    assert int(would.group(1)) == dry.stdout.count(": would be ") > 0
    assert again.stdout == dry.stdout  # the dry run changed nothing
    # the real run does what the dry run said
    assert real.stdout.replace(": ", ": would be ", 1).splitlines()[0] == dry.stdout.splitlines()[0]
    assert f"fuyuan: {would.group(1)} task(s) escalated" in real.stdout


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        pytest.param("2026-11-01", "2026-11-21", "periodEnd", id="ends-tomorrow"),
        pytest.param("2026-12-01", "2026-12-31", "periodStart", id="starts-in-the-future"),
        pytest.param(
            "2026-10-31",
            "2026-10-01",
            "the period ends before it starts",
            id="ends-before-it-starts",
        ),
    ],
)
def test_briefing_refuses_the_periods_generate_briefing_refuses(
    url: str, tmp_path: Path, start: str, end: str, message: str
) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    out = tmp_path / "out"

    refused = fuyuan("briefing", "--from", start, "--to", end, "--out", str(out), url=url,
                     on="2026-11-20")  # fmt: skip

    assert refused.returncode == 2
    assert refused.stderr.startswith("fuyuan: ")
    assert message in refused.stderr
    assert not out.exists()


def test_briefing_writes_the_three_files_for_a_period_ending_today(
    url: str, tmp_path: Path
) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0

    done = fuyuan("briefing", "--from", "2026-10-01", "--to", "2026-11-20", "--out", str(tmp_path),
                  url=url, on="2026-11-20")  # fmt: skip

    assert done.returncode == 0, done.stderr
    markdown = (tmp_path / "briefing-2026-10-01_2026-11-20.md").read_text(encoding="utf-8")
    assert markdown.startswith("**开封市府院联动联席会议办公室**\n\n2026年 草稿\n")
    assert (tmp_path / "briefing-2026-10-01_2026-11-20.docx").read_bytes()[:2] == b"PK"


def _display_columns(line: str, text: str) -> int:
    """Where ``text`` starts in ``line``, in terminal columns."""
    return width(line[: line.index(text)])


@pytest.mark.parametrize(
    ("env", "heading", "total"),
    [
        pytest.param({}, "闭环进度（截至北京时间", "总数", id="no-locale"),
        pytest.param({"LANG": "C.UTF-8"}, "闭环进度（截至北京时间", "总数", id="C"),
        pytest.param({"LANG": "zh_CN.UTF-8"}, "闭环进度（截至北京时间", "总数", id="zh_CN"),
        pytest.param({"LANG": "en_GB.UTF-8"}, "closure progress as of", "total", id="en_GB"),
        pytest.param({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "closure progress as of",
                     "total", id="LC_ALL-first"),
    ],
)  # fmt: skip
def test_progress_speaks_the_locales_language_and_lines_up_chinese_names(
    url: str, env: dict[str, str], heading: str, total: str
) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    assert fuyuan("seed", "--demo", url=url).returncode == 0
    inherited = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "progress", "--region", "禹王台区"],
        env={**inherited, "FUYUAN_DATABASE_URL": url, **env},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(heading)
    assert re.match(rf"{total}\s+\d+$", lines[1])
    # the whole name of the unit, and its figures under the headings, counted in columns
    name = "KF-YWT-WTX 开封市禹王台区汪屯乡人民政府"
    (row,) = [line for line in lines if name in line]
    heading_row = next(line for line in lines if line.startswith(("责任单位", "unit")))
    assert width(heading_row) == width(row)  # the numbers end in the same column
    rows = [line for line in lines[lines.index(heading_row) : lines.index(row) + 1] if line]
    assert len({width(line) for line in rows}) == 1, rows


def _said(stderr: str) -> str:
    """What the command said on standard error, without the operator's log lines."""
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("INFO "))


def test_lang_chooses_the_language_of_the_errors(url: str) -> None:
    assert fuyuan("migrate", url=url).returncode == 0
    flag = fuyuan("--lang", "zh", "progress", "--unit", "KF-NONE", url=url)
    locale = fuyuan("progress", "--unit", "KF-NONE", url=url, LANG="zh_CN.UTF-8")
    assert flag.returncode == locale.returncode == 2
    assert _said(flag.stderr) == _said(locale.stderr) == "fuyuan：没有单位 KF-NONE"
    english = fuyuan("--lang", "en", "progress", "--unit", "KF-NONE", url=url)
    assert _said(english.stderr) == "fuyuan: no unit KF-NONE"


# --------------------------------------------------------------------------- help and usage


@pytest.mark.parametrize(
    ("args", "env", "said", "not_said"),
    [
        pytest.param(("--help",), {"LANG": "C.UTF-8"},
                     ["用法：fuyuan", "\n位置参数：\n", "\n选项：\n", "显示本帮助信息并退出",
                      "将逾期事项的督办等级升为重点"],
                     ["usage:", "options", "show this help", "选项:"], id="chinese-by-default"),
        pytest.param(("--lang", "en", "--help"), {"LANG": "zh_CN.UTF-8"},
                     ["usage: fuyuan", "positional arguments", "options:",
                      "show this help message and exit", "raise the supervision level"],
                     ["用法", "选项"], id="lang-en"),
        pytest.param(("--help",), {"LANG": "en_GB.UTF-8"},
                     ["usage: fuyuan", "serve the API, GraphiQL and the dashboard"], ["用法"],
                     id="locale-en"),
        pytest.param(("--lang=zh", "ledger", "import", "--help"), {"LANG": "en_US.UTF-8"},
                     ["用法：fuyuan ledger import", "逐行检查并列出问题，不保存任何记录"],
                     ["usage:", "check every row"], id="subcommand-chinese"),
    ],
)  # fmt: skip
def test_help_speaks_the_commands_language(
    args: tuple[str, ...], env: dict[str, str], said: list[str], not_said: list[str], url: str
) -> None:
    done = fuyuan(*args, url=url, **env)
    assert done.returncode == 0, done.stderr
    for text in said:
        assert text in done.stdout
    for text in not_said:
        assert text not in done.stdout
    # Chinese help is wrapped by display width: no line of it wider than 80 columns
    # (argparse's list of subcommands is one word, as long as it is in both languages)
    prose = [line for line in done.stdout.splitlines() if not line.isascii()]
    assert all(width(line) <= 80 for line in prose), prose


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        pytest.param(("ledger", "import"),
                     "fuyuan ledger import：错误：缺少必填参数：kind, file",
                     "fuyuan ledger import: error: the following arguments are required: "
                     "kind, file", id="required"),
        pytest.param(("ledger", "import", "xls", "f.xlsx"),
                     "fuyuan ledger import：错误：参数 kind：'xls' 不是可选值（可选：'cases', "
                     "'matters', 'decisions'）",
                     "fuyuan ledger import: error: argument kind: invalid choice: 'xls' "
                     "(choose from 'cases', 'matters', 'decisions')", id="invalid-choice"),
        pytest.param(("sweep", "--today", "11/20"),
                     "fuyuan sweep：错误：参数 --today：'11/20' 不是日期（应如2026-11-20）",
                     "fuyuan sweep: error: argument --today: '11/20' is not a date like "
                     "2026-11-20", id="argument-type"),
        pytest.param(("migrate", "--now"),
                     "fuyuan：错误：无法识别的参数：--now",
                     "fuyuan: error: unrecognized arguments: --now", id="unrecognized"),
    ],
)  # fmt: skip
def test_argparse_refuses_in_the_commands_language(
    args: tuple[str, ...], chinese: str, english: str, url: str
) -> None:
    zh = fuyuan(*args, url=url, LANG="zh_CN.UTF-8")
    en = fuyuan("--lang", "en", *args, url=url)
    assert (zh.returncode, en.returncode) == (2, 2)
    assert zh.stderr.startswith("用法：fuyuan")
    assert chinese in zh.stderr
    assert en.stderr.startswith("usage: fuyuan")
    assert english in en.stderr
