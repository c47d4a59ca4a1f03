"""The dashboard in a real browser: Playwright driving Debian's Chromium against
a real `fuyuan serve` on a seeded demo database.

The browser is the package manager's (/usr/bin/chromium); Playwright never
downloads one. Without it the tests skip, saying why — except in CI
(FUYUAN_REQUIRE_POSTGRES=1), where a missing browser fails.

Screenshots of every page at 1280 px and 390 px go to a folder under the pytest
tmp dir and are copied to /tmp/fuyuan-screens/ for review.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BROWSER_SKIP, CHROMIUM, live_server, prepare

REVIEW_DIR = Path("/tmp/fuyuan-screens")
WIDTHS = {"wide": 1280, "narrow": 390}
PASSWORD = "fuyuan-demo"


def _require_browser() -> Any:
    """Playwright's sync API, or a skip (a failure in CI) naming what is missing."""
    in_ci = bool(os.environ.get("FUYUAN_REQUIRE_POSTGRES"))
    if not CHROMIUM.exists():
        reason = BROWSER_SKIP
        if in_ci:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        from playwright import sync_api
    except ImportError:
        reason = "browser tests skipped: playwright is not installed (pip install -e '.[dev]')"
        if in_ci:
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_api


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`fuyuan migrate`, `seed --demo` and `serve` on a free port; the scenarios
    below each move different demo tasks, so they share one server."""
    _require_browser()
    folder = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite://{folder / 'demo.sqlite3'}"
    prepare(url, ("migrate",), ("seed", "--demo"))
    with live_server(url, folder / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    sync_api = _require_browser()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screens")


class Tab:
    """A signed-in browser tab (its own context, so its own sessionStorage),
    failing the test on any script error or CSP violation."""

    def __init__(self, browser: Any, base: str, *, width: int = 1280, block_live: bool = False):
        self.base = base
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        self.page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console: {msg.text}") if msg.type == "error" else None
            ),
        )
        if block_live:
            # A tab that lost its live connection: the socket never answers.
            self.page.route_web_socket(re.compile(r".*/graphql$"), lambda ws: None)

    def sign_in(self, username: str) -> Tab:
        self.page.goto(f"{self.base}/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.get_by_role("heading", name="待办", level=1).wait_for()
        return self

    def go(self, fragment: str, heading: str | None = None) -> None:
        self.page.goto(f"{self.base}/#/{fragment}")
        if heading:
            self.page.get_by_role("heading", name=heading, level=1).wait_for()
        else:
            self.page.locator("main h1").wait_for()

    def wait_live(self) -> None:
        self.page.wait_for_selector("body[data-live='live']")

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.problems


def _api(base: str, username: str, query: str, **variables: Any) -> dict[str, Any]:
    token = httpx.post(
        f"{base}/graphql",
        json={
            "query": "mutation ($u: String!, $p: String!) "
            "{ login(input: {username: $u, password: $p}) { token } }",
            "variables": {"u": username, "p": PASSWORD},
        },
    ).json()["data"]["login"]["token"]
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert "errors" not in answer, answer
    return dict(answer["data"])


TASK_BY_CODE = """
query ($code: String!) {
  tasks(filter: {search: $code}, first: 1) { nodes { id code state version kind } }
}
"""

SUPERVISE = """
mutation ($id: ID!, $version: Int!) {
  transitionTask(input: {taskId: $id, action: "supervise", expectedVersion: $version}) {
    task { version } errors { code message }
  }
}
"""


def _task(base: str, code: str, username: str = "demo-coordinator") -> dict[str, Any]:
    nodes = _api(base, username, TASK_BY_CODE, code=code)["tasks"]["nodes"]
    assert nodes, f"no task {code}"
    assert nodes[0]["code"] == code, nodes
    return dict(nodes[0])


def test_a_unit_liaison_sees_only_its_tasks_accepts_and_starts_one(
    browser: Any, server: str
) -> None:
    # given: demo-unit (开封市财政局) signed in
    tab = Tab(browser, server).sign_in("demo-unit")
    page = tab.page
    # when: it opens the task list
    tab.go("tasks", "交办事项")
    # then: every row is its own unit's
    units = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert units, "the unit sees no tasks"
    assert set(units) == {"开封市财政局"}
    assert page.get_by_label("责任单位").count() == 0  # no other unit to pick
    # when: it opens its assigned task, accepts it, then starts it
    page.get_by_role("link", name="FY-2026-0010").click()
    page.locator("#history").wait_for()
    before = page.locator("#history li").count()
    assert page.locator("button[data-action]").all_inner_texts() == ["签收", "退回", "申请延期"]
    page.get_by_role("button", name="签收").click()
    page.get_by_text("已签收，当前状态：已签收。").wait_for()
    page.get_by_role("button", name="开始办理").click()
    page.get_by_text("已开始办理，当前状态：办理中。").wait_for()
    # then: the history grew by two, newest first, and the buttons follow the state
    assert page.locator("#history li").count() == before + 2
    assert page.locator("#history li").first.inner_text().count("开始办理") == 1
    assert page.locator("#task-state").inner_text() == "办理中"
    assert "开始办理" not in page.locator("button[data-action]").all_inner_texts()
    tab.close()


def test_a_coordinator_approves_a_closure_and_the_closure_rate_moves(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("overview", "总览")
    rate_before = page.locator("#fig-closure .figure-value").inner_text()
    task = _task(server, "FY-2026-0073")
    assert task["state"] == "CLOSURE_REQUESTED"
    # when: the coordinator follows the closure figure's link … and approves one closure
    page.locator("#fig-closure").click()
    page.get_by_role("heading", name="交办事项", level=1).wait_for()
    assert page.get_by_label("办理状态").input_value() == "CLOSED"
    tab.go(f"tasks/{task['id']}")
    page.get_by_role("button", name="销号", exact=True).click()
    page.get_by_text("已销号，当前状态：已销号。").wait_for()
    # then: the overview shows a higher closure rate
    tab.go("overview", "总览")
    rate_after = page.locator("#fig-closure .figure-value").inner_text()
    assert float(rate_after.rstrip("%")) > float(rate_before.rstrip("%")), (rate_before, rate_after)
    tab.close()


def test_a_second_tab_sees_a_transition_live(browser: Any, server: str) -> None:
    # given: the coordinator watching a task and, in another browser, the leader a list
    watcher = Tab(browser, server).sign_in("demo-coordinator")
    reported = _task(server, "FY-2026-0003")
    started = _task(server, "FY-2025-0029")
    watcher.go(f"tasks/{reported['id']}")
    history_before = watcher.page.locator("#history li").count()
    watcher.wait_live()
    list_tab = Tab(browser, server).sign_in("demo-leader")
    list_tab.go("tasks?search=FY-2025-0029", "交办事项")
    lister = list_tab.page
    assert lister.locator(".state-cell").inner_text() == "已签收"
    list_tab.wait_live()
    # when: demo-unit2, in a browser of its own, reports progress and starts a task
    actor = Tab(browser, server).sign_in("demo-unit2")
    actor.go(f"tasks/{reported['id']}")
    actor.page.get_by_label("意见说明（退回、撤销、驳回等须填写）").fill("已拨付首期款项")
    actor.page.get_by_role("button", name="报告进展").click()
    actor.page.get_by_text("已报告进展").wait_for()
    actor.go(f"tasks/{started['id']}")
    actor.page.get_by_role("button", name="开始办理").click()
    actor.page.get_by_text("已开始办理").wait_for()
    # then: without a reload, the watched task shows the report and the list the new state
    watcher.page.locator("#history li").nth(history_before).wait_for(timeout=10_000)
    assert "已拨付首期款项" in watcher.page.locator("#history li").first.inner_text()
    watcher.page.get_by_text("此事项刚有新的流转").wait_for()
    lister.locator(".state-cell", has_text="办理中").wait_for(timeout=10_000)
    actor.close()
    list_tab.close()
    watcher.close()


def test_a_stale_page_is_told_of_the_conflict_and_reloaded(browser: Any, server: str) -> None:
    # given: a coordinator's tab that has lost its live connection, showing a task
    tab = Tab(browser, server, block_live=True).sign_in("demo-coordinator")
    task = _task(server, "FY-2026-0075")
    tab.go(f"tasks/{task['id']}")
    assert tab.page.locator("#task-version").inner_text() == f"版本 {task['version']}"
    # when: someone else changes it, and then the tab acts on what it shows
    moved = _api(server, "demo-coordinator", SUPERVISE, id=task["id"], version=task["version"])
    assert moved["transitionTask"]["errors"] == []
    new_version = moved["transitionTask"]["task"]["version"]
    tab.page.get_by_role("button", name="督办").click()
    # then: it says so, and shows the task as it is now
    tab.page.get_by_text("该事项已被他人更新（版本冲突）").wait_for()
    assert tab.page.locator("#task-version").inner_text() == f"版本 {new_version}"
    assert _task(server, "FY-2026-0075")["version"] == new_version  # nothing else changed
    tab.close()


def test_a_coordinator_generates_issues_and_downloads_a_briefing(
    browser: Any, server: str, tmp_path: Path
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("briefings", "工作通报")
    page.get_by_label("统计期间起").fill("2026-01-01")
    page.get_by_label("统计期间止").fill("2026-11-20")
    page.get_by_role("button", name="生成草稿").click()
    draft = page.locator("article[data-status='DRAFT']").first
    draft.wait_for()
    editor = draft.get_by_label("六、下一步工作要求")
    if editor.count():
        editor.fill("一、各责任单位于月底前完成超期事项清理。")
        draft.get_by_role("button", name="保存下一步工作要求").click()
        page.get_by_text("已保存下一步工作要求。").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    draft.get_by_role("button", name="印发").click()
    page.get_by_text("已印发").first.wait_for()
    issued = page.locator("article[data-status='ISSUED']").first
    for extension in ("docx", "html", "md"):
        with page.expect_download() as info:
            issued.locator(f"button[data-download='{extension}']").click()
        saved = tmp_path / f"briefing.{extension}"
        info.value.save_as(saved)
        assert saved.stat().st_size > 0
    assert (tmp_path / "briefing.docx").read_bytes()[:2] == b"PK"
    assert "府院联动" in (tmp_path / "briefing.md").read_text(encoding="utf-8")
    tab.close()


def _cases_file(path: Path, respondent: str) -> Path:
    from tests.schema.test_ledger_import import case_row, cases_file

    path.write_bytes(cases_file(case_row(96001, respondent=respondent)))
    return path


def test_a_coordinator_checks_imports_a_list_and_exports_the_ledger(
    browser: Any, server: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("import", "清单导入")
    # the template downloads
    with page.expect_download() as info:
        page.get_by_role("button", name="下载模板").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    assert load_workbook(template).sheetnames[0] == "执行案件"
    # a list naming a unit that does not exist: the dry run shows the problem, nothing more
    page.get_by_label("清单文件（.xlsx）").set_input_files(
        str(_cases_file(tmp_path / "bad.xlsx", "开封市财政厅"))
    )
    page.get_by_role("button", name="试导入（只检查）").click()
    page.get_by_text("共 1 个问题，未导入任何记录。").wait_for()
    assert "第2行「被执行人」" in page.locator("#import-result table").inner_text()
    assert page.get_by_role("button", name="正式导入").is_disabled()
    # the corrected list passes the dry run, then imports
    page.get_by_label("清单文件（.xlsx）").set_input_files(
        str(_cases_file(tmp_path / "good.xlsx", "KF-CZJ"))
    )
    page.get_by_role("button", name="试导入（只检查）").click()
    page.get_by_text("检查通过：1 行均可导入，将新建 2 条记录。", exact=False).wait_for()
    page.get_by_role("button", name="正式导入").click()
    page.get_by_text("已导入「good.xlsx」：1 行，新建 2 条记录", exact=False).wait_for()
    # the case ledger, searched for it, holds the imported case
    tab.go("cases?search=96001", "涉党政机关执行案件")
    with page.expect_download() as info:
        page.get_by_role("button", name="导出台账").click()
    ledger = tmp_path / "ledger.xlsx"
    info.value.save_as(ledger)
    sheet = load_workbook(ledger).active
    assert sheet is not None
    numbers = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert numbers == ["（2024）豫02执96001号"]
    tab.close()


PAGES: list[tuple[str, str]] = [
    # (fragment, its heading)
    ("", "待办"),
    ("overview", "总览"),
    ("tasks", "交办事项"),
    ("tasks?warning=RED", "交办事项"),
    ("cases", "涉党政机关执行案件"),
    ("bankruptcy", "企业破产案件"),
    ("meetings", "联席会议"),
    ("workflow?kind=ENFORCEMENT", "办理流程：涉党政机关执行案件"),
    ("briefings", "工作通报"),
    ("import", "清单导入"),
]

FIRST_LINK_PAGES: list[tuple[str, str]] = [
    # (a list, what its first link opens)
    ("tasks", "task"),
    ("cases", "case"),
    ("bankruptcy", "bankruptcy-case"),
    ("meetings", "meeting"),
]


def _shoot(page: Any, screens: Path, name: str) -> None:
    path = screens / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    REVIEW_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, REVIEW_DIR / path.name)


def _no_sideways_scroll(page: Any) -> None:
    """Only tables may scroll sideways (inside their own box); the page never does."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


@pytest.mark.parametrize("size", list(WIDTHS))
def test_every_page_renders_readably_at_both_widths(
    browser: Any, server: str, screens: Path, size: str
) -> None:
    tab = Tab(browser, server, width=WIDTHS[size])
    tab.page.goto(f"{server}/")
    tab.page.get_by_role("heading", name="登录").wait_for()
    _shoot(tab.page, screens, f"login-{size}")
    tab.sign_in("demo-coordinator")
    for fragment, heading in PAGES:
        tab.go(fragment, heading)
        tab.page.wait_for_load_state("networkidle")
        _no_sideways_scroll(tab.page)
        _shoot(tab.page, screens, f"{fragment.split('?')[0] or 'inbox'}"
               f"{'-red' if 'RED' in fragment else ''}-{size}")  # fmt: skip
    for fragment, name in FIRST_LINK_PAGES:
        tab.go(fragment)
        tab.page.locator("tbody th a").first.click()
        tab.page.locator(".crumbs").wait_for()
        tab.page.wait_for_load_state("networkidle")
        _no_sideways_scroll(tab.page)
        _shoot(tab.page, screens, f"{name}-{size}")
    tab.close()


def test_the_dashboard_works_from_the_keyboard(browser: Any, server: str) -> None:
    tab = Tab(browser, server)
    page = tab.page
    page.goto(f"{server}/")
    page.get_by_label("用户名").wait_for()
    # the username field has focus; type, tab to the password, submit with Enter
    page.keyboard.type("demo-leader")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="待办", level=1).wait_for()
    # the heading of a new page takes focus, so a screen reader starts there
    assert page.evaluate("document.activeElement.tagName") == "H1"
    tab.go("overview", "总览")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    # the next stop is the first figure; back up through the navigation to 交办事项
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "fig-closure"
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent") == "交办事项":
            break
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="交办事项", level=1).wait_for()
    # every control of the filter form has a label
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('main input, main select, main textarea')]
             .filter(el => !el.labels || el.labels.length === 0).map(el => el.id)"""
    )
    assert unlabelled == []
    # a leader reads, and is offered no action
    page.locator("tbody th a").first.focus()
    page.keyboard.press("Enter")
    page.get_by_text("您对此事项当前没有可办理的操作。").wait_for()
    tab.close()


def test_signing_out_forgets_the_token(browser: Any, server: str) -> None:
    tab = Tab(browser, server).sign_in("demo-unit")
    assert tab.page.evaluate("sessionStorage.getItem('fuyuan.token')")
    tab.page.get_by_role("button", name="退出登录").click()
    tab.page.get_by_role("heading", name="登录").wait_for()
    assert tab.page.evaluate("sessionStorage.getItem('fuyuan.token')") is None
    tab.page.goto(f"{server}/#/tasks")
    tab.page.get_by_role("heading", name="登录").wait_for()
    tab.close()


# ------------------------------------------------------------------ the official calendar

CALENDAR_2027 = Path(__file__).resolve().parents[2] / "docs" / "calendar-2027.example.toml"

CREATE_TASK = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { id code } errors { code message } }
}
"""

CALENDAR_NOTICE = "{ calendarNotice { missingYear affectedTasks message } }"
OFFICIAL_2027 = "{ officialCalendar(year: 2027) { source holidays workdays origin enteredBy } }"


def _example_2027() -> dict[str, Any]:
    import tomllib

    return tomllib.loads(CALENDAR_2027.read_text(encoding="utf-8"))


def _holidays_block() -> str:
    """The `holidays = [ … ]` lines of the example file, comments and all, as pasted."""
    text = CALENDAR_2027.read_text(encoding="utf-8")
    start = text.index("holidays = [")
    return text[start : text.index("]", start) + 1]


def _task_due_in_2027(server: str, title: str) -> None:
    unit = _api(server, "demo-coordinator", "{ units(first: 1) { nodes { id } } }")
    created = _api(
        server,
        "demo-coordinator",
        CREATE_TASK,
        input={
            "kind": "OTHER",
            "title": title,
            "responsibleUnitId": unit["units"]["nodes"][0]["id"],
            "dueOn": "2027-01-15",
        },
    )
    assert created["createTask"]["errors"] == []


def test_coordinators_and_the_administrator_see_the_missing_year_on_every_page(
    browser: Any, server: str, screens: Path
) -> None:
    # given: the demo (calendar up to 2026) and one open task due in 2027
    _task_due_in_2027(server, "2027年一季度清理超期事项")
    notice = _api(server, "demo-coordinator", CALENDAR_NOTICE)["calendarNotice"]
    assert notice["missingYear"] == 2027
    assert notice["message"] == (
        f"2027年节假日安排尚未录入：{notice['affectedTasks']}项事项的预警与用时无法判定"
    )
    assert notice["affectedTasks"] >= 1
    # when: the coordinator signs in, then opens another page
    tab = Tab(browser, server).sign_in("demo-coordinator")
    banner = tab.page.locator("#calendar-notice")
    banner.get_by_text(notice["message"]).wait_for()
    tab.go("tasks", "交办事项")
    # then: the banner stays, asking for the administrator (no link: not the coordinator's page)
    assert notice["message"] in banner.inner_text()
    assert "请系统管理员录入" in banner.inner_text()
    assert banner.locator("a").count() == 0
    tab.close()
    # a leader is not told
    leader = Tab(browser, server).sign_in("demo-leader")
    leader.go("tasks", "交办事项")
    leader.page.wait_for_load_state("networkidle")
    assert leader.page.locator("#calendar-notice").is_hidden()
    leader.close()
    # the administrator is, with a link to the page that takes the year, at both widths
    for size, width in WIDTHS.items():
        admin = Tab(browser, server, width=width).sign_in("demo-admin")
        link = admin.page.get_by_role("link", name="录入2027年节假日安排")
        link.wait_for()
        admin.page.wait_for_load_state("networkidle")
        _no_sideways_scroll(admin.page)
        _shoot(admin.page, screens, f"calendar-notice-{size}")
        if size == "wide":
            link.click()
            admin.page.get_by_role("heading", name="节假日安排", level=1).wait_for()
            assert admin.page.get_by_label("年份", exact=True).input_value() == "2027"
        admin.close()


def test_the_administrator_enters_2027_on_the_month_grid(
    browser: Any, server: str, screens: Path
) -> None:
    example = _example_2027()
    # a task due in 2027, so that correcting the year later asks to confirm
    _task_due_in_2027(server, "2027年春节前化解信访积案")
    tab = Tab(browser, server).sign_in("demo-admin")
    page = tab.page
    # given: the page from the navigation, listing the package's years and proposing 2027
    page.locator("#nav").get_by_role("link", name="节假日安排").click()
    page.get_by_role("heading", name="节假日安排", level=1).wait_for()
    assert page.get_by_label("年份", exact=True).input_value() == "2027"
    known = page.locator(".known-years tbody tr[data-year='2026']").first
    assert "日历软件包" in known.inner_text()
    assert page.locator("tr[data-year='2027']").count() == 0
    # when: it pastes the notice's holidays (the example file's lines) and types the
    # make-up days — one of them a Wednesday — then clicks 10-09 twice (休, then 班)
    page.get_by_label("来源（文号）").fill("国办发明电〔2026〕示例号")
    page.get_by_label("放假日期（休）").fill(_holidays_block())
    page.get_by_label("调休上班日期（班）").fill("2027-02-20, 2027-05-08\n2027-09-26 2027-02-17")
    day = page.locator("#cal-grid [data-date='2027-10-09']")
    day.click()
    assert day.inner_text().split() == ["9", "休"]
    day.click()
    assert day.inner_text().split() == ["9", "班"]
    # then: the grid shows the year as it will be counted, before anything is saved
    grid = page.locator("#cal-grid")
    assert grid.locator(".day.holiday").count() == len(example["holidays"]) == 28
    assert grid.locator(".day.workday").count() == 5
    assert "休" in grid.locator("[data-date='2027-01-01']").inner_text()
    assert "休" in grid.locator("[data-date='2027-02-13']").inner_text()  # a Saturday off
    assert "班" in grid.locator("[data-date='2027-02-17']").inner_text()
    assert "放假 28 天，调休上班 5 天" in page.locator("#cal-totals").inner_text()
    page.wait_for_load_state("networkidle")
    _no_sideways_scroll(page)
    _shoot(page, screens, "calendar-entry-wide")
    # when: it saves, the server refuses the Wednesday, next to the make-up days, on the grid
    page.get_by_role("button", name="保存").click()
    errors = page.locator("#cal-workdays-errors")
    errors.get_by_text("2027年2月17日是星期三：调休上班日只能是星期六或星期日").wait_for()
    assert "bad" in (grid.locator("[data-date='2027-02-17']").get_attribute("class") or "")
    _shoot(page, screens, "calendar-error-wide")
    assert _api(server, "demo-admin", OFFICIAL_2027)["officialCalendar"] is None
    assert page.locator("tr[data-year='2027']").count() == 0
    # when: it clicks the Wednesday back to a working day and saves again
    grid.locator("[data-date='2027-02-17']").click()
    assert "放假 28 天，调休上班 4 天" in page.locator("#cal-totals").inner_text()
    page.get_by_role("button", name="保存").click()
    # then: saved, listed with who entered it, the grid moves to 2028 and the banner is gone
    page.get_by_text("已保存2027年节假日安排：放假 28 天，调休上班 4 天。").wait_for()
    row = page.locator(".known-years tr[data-year='2027']")
    row.wait_for()
    for words in ("国办发明电〔2026〕示例号", "管理员录入"):
        assert words in row.inner_text()
    stored = _api(server, "demo-admin", OFFICIAL_2027)["officialCalendar"]
    assert stored["enteredBy"]
    assert stored["enteredBy"] in row.inner_text()
    assert stored["holidays"] == [day.isoformat() for day in example["holidays"]]
    assert stored["workdays"] == [day.isoformat() for day in example["workdays"]]
    assert page.get_by_label("年份", exact=True).input_value() == "2028"
    page.locator("#calendar-notice").wait_for(state="hidden")
    # when: it corrects 2027, which a task is now counted on: the server asks to confirm
    row.get_by_role("button", name="修改2027年").click()
    assert page.get_by_label("年份", exact=True).input_value() == "2027"
    assert grid.locator(".day.holiday").count() == 28
    page.get_by_label("来源（文号）").fill("国办发明电〔2026〕示例号（更正）")
    page.get_by_role("button", name="保存（替换已录入的2027年）").click()
    confirm = page.locator("#cal-confirm")
    confirm.get_by_text("2027年已经录入，且有").wait_for()
    assert "项事项的日期在该年内。" in confirm.inner_text()
    assert "replace" not in confirm.inner_text()  # the API's word; the button says it here
    assert _api(server, "demo-admin", OFFICIAL_2027)["officialCalendar"]["source"] == (
        "国办发明电〔2026〕示例号"
    )
    confirm.get_by_role("button", name="确认替换").click()
    page.get_by_text("已保存2027年节假日安排").wait_for()
    assert _api(server, "demo-admin", OFFICIAL_2027)["officialCalendar"]["source"] == (
        "国办发明电〔2026〕示例号（更正）"
    )
    tab.close()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_calendar_page_reads_at_both_widths(
    browser: Any, server: str, screens: Path, size: str
) -> None:
    tab = Tab(browser, server, width=WIDTHS[size]).sign_in("demo-admin")
    tab.go("calendar?year=2027", "节假日安排")
    tab.page.locator("#cal-grid [data-date='2027-12-31']").wait_for()
    tab.page.wait_for_load_state("networkidle")
    _no_sideways_scroll(tab.page)
    _shoot(tab.page, screens, f"calendar-{size}")
    tab.close()


def test_only_the_administrator_has_the_calendar_page(browser: Any, server: str) -> None:
    for username in ("demo-coordinator", "demo-leader", "demo-unit"):
        tab = Tab(browser, server).sign_in(username)
        nav = tab.page.locator("#nav")
        assert nav.get_by_role("link", name="总览").count() == 1
        assert nav.get_by_role("link", name="节假日安排").count() == 0
        # typed in by hand, the address shows the years, and no form to change them
        tab.go("calendar", "节假日安排")
        # (the years the package knows; an earlier test may have entered 2027 as well)
        tab.page.locator(".known-years tr[data-year='2026']").wait_for()
        assert tab.page.get_by_text("录入或修改节假日安排需要系统管理员账号").count() == 1
        assert tab.page.get_by_role("button", name="保存").count() == 0
        assert tab.page.locator("#cal-grid").count() == 0
        tab.close()


# ------------------------------------------------------------------ refusals in Chinese

TASKS_WITH_ACTIONS = """
query ($state: [TaskState!]) {
  tasks(filter: {state: $state, kind: ENFORCEMENT}, first: 50) {
    nodes {
      id code
      availableActions { action }
      unavailableActions { action reason }
      subject { ... on EnforcementCase { amountDue amountPerformed } }
    }
  }
}
"""


UNIT_OF = "{ viewer { unit { id } } }"

NEW_CASE = """
mutation ($input: CreateEnforcementCaseInput!) {
  createEnforcementCase(input: $input) { enforcementCase { id amountDue amountPerformed } }
}
"""

NEW_TASK = """
mutation ($case: ID!) {
  createTask(input: {kind: ENFORCEMENT, title: "督促履行生效判决", enforcementCaseId: $case}) {
    task { id version }
  }
}
"""

MOVE = """
mutation ($id: ID!, $action: String!, $version: Int!, $dueOn: Date) {
  transitionTask(input: {taskId: $id, action: $action, expectedVersion: $version, dueOn: $dueOn}) {
    task { id version } errors { message }
  }
}
"""


def _unpaid_task_in_progress(base: str) -> dict[str, Any]:
    court = _api(base, "demo-court", UNIT_OF)["viewer"]["unit"]["id"]
    respondent = _api(base, "demo-unit", UNIT_OF)["viewer"]["unit"]["id"]
    case = _api(
        base,
        "demo-court",
        NEW_CASE,
        input={
            "caseNumber": f"(2026)豫02执{uuid.uuid4().int % 90000 + 10000}号",
            "courtId": court,
            "applicantName": "开封市宏达建筑工程有限公司",
            "applicantKind": "ENTERPRISE",
            "respondentId": respondent,
            "basis": "（2025）豫02民终3021号",
            "cause": "建设工程施工合同纠纷",
            "amountDue": "860000.00",
            "filedOn": "2026-03-02",
            "source": "PROVINCE_ASSIGNED",
        },
    )["createEnforcementCase"]["enforcementCase"]
    task = _api(base, "demo-coordinator", NEW_TASK, case=case["id"])["createTask"]["task"]
    for username, action, due in (
        ("demo-coordinator", "assign", "2026-12-30"),
        ("demo-unit", "accept", None),
        ("demo-unit", "start", None),
    ):
        moved = _api(
            base, username, MOVE, id=task["id"], action=action, version=task["version"], dueOn=due
        )["transitionTask"]
        assert moved["errors"] == [], moved
        task = moved["task"]
    return {**task, "subject": case}


def test_a_refused_action_says_why_in_chinese_and_a_disabled_one_shows_its_reason(
    browser: Any, server: str
) -> None:
    # given: an enforcement task of demo-unit in progress, nothing paid
    task = _unpaid_task_in_progress(server)
    tab = Tab(browser, server).sign_in("demo-unit")
    page = tab.page
    tab.go(f"tasks/{task['id']}")
    # when: the unit asks to close it, with its evidence
    page.get_by_label("证明材料（每行一项，申请销号须填写）").fill("凭证.pdf")
    page.get_by_role("button", name="申请销号").click()
    # then: the server's refusal is shown, in Chinese, with the amounts in 元 and what to do
    alert = page.locator("#action-message")
    alert.get_by_text("请先由法院确认履行情况，再申请销号").wait_for()
    shown = alert.inner_text()
    assert "「申请销号」需要全部履行到位" in shown
    assert f"应履行{task['subject']['amountDue']}元" in shown
    assert not re.search(r"\b(needs|due|performed)\b", shown), shown
    tab.close()

    # given: a closure the court has not confirmed yet, seen by the coordinator
    waiting = [
        task
        for task in _api(
            server, "demo-coordinator", TASKS_WITH_ACTIONS, state=["CLOSURE_REQUESTED"]
        )["tasks"]["nodes"]
        if "approve_closure" in {a["action"] for a in task["unavailableActions"]}
    ]
    assert waiting, "the demo has a closure request waiting for the court"
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go(f"tasks/{waiting[0]['id']}")
    # then: 销号 is there, disabled, with the reason beside it
    button = page.locator("button[data-unavailable='approve_closure']")
    assert button.inner_text() == "销号"
    assert button.is_disabled()
    reason = page.locator(f"#{button.get_attribute('aria-describedby')}").inner_text()
    assert reason.startswith("「销号」需要法院确认")
    assert "请先由法院确认" in reason
    assert page.locator("button[data-action='approve_closure']").count() == 0
    tab.close()
