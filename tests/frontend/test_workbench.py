"""The workbench in a real browser: the dashboard without introspection (production
mode), buttons that cannot be pressed twice, the forms for every write, the
administrator's pages and the inbox (待办). Same browser and server as
tests/frontend/test_dashboard.py, whose Tab and fixtures these tests share.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import live_server, prepare
from tests.frontend.test_dashboard import (
    WIDTHS,
    Tab,
    _api,
    _no_sideways_scroll,
    _require_browser,
    _shoot,
    browser,
    screens,
    server,
)

__all__ = ["browser", "screens", "server"]  # fixtures, shared with test_dashboard.py

FIRST_SHOWN = {"wide": 3, "narrow": 2}
"""What a section of the inbox lists before 查看全部 (frontend_stub/pages/inbox.js)."""


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo served as in production: introspection refused, no GraphiQL."""
    _require_browser()
    folder = tmp_path_factory.mktemp("production")
    url = f"sqlite://{folder / 'demo.sqlite3'}"
    prepare(url, ("migrate",), ("seed", "--demo"))
    env = {"FUYUAN_ENV": "production", "FUYUAN_SECRET_KEY": "production-test-" + "k" * 40}
    with live_server(url, folder / "server.log", env=env) as base:
        yield base


def test_the_briefing_page_works_in_production_mode(browser: Any, production_server: str) -> None:
    # given: a server that refuses introspection
    refused = _introspect(production_server)
    assert "introspection" in refused.lower(), refused
    # when: the coordinator opens 工作通报 and generates a draft
    tab = Tab(browser, production_server).sign_in("demo-coordinator")
    tab.go("briefings", "工作通报")
    page = tab.page
    page.get_by_label("统计期间起").fill("2026-01-01")
    page.get_by_label("统计期间止").fill("2026-11-20")
    page.get_by_role("button", name="生成草稿").click()
    # then: the draft is there, with its editable 六、下一步工作要求, and no error
    draft = page.locator("article[data-status='DRAFT']").first
    draft.wait_for()
    assert draft.get_by_label("六、下一步工作要求").count() == 1
    assert page.get_by_text("introspection").count() == 0
    assert page.get_by_role("heading", name="出错了").count() == 0
    tab.close()


def _introspect(base: str) -> str:
    import httpx

    answer = httpx.post(f"{base}/graphql", json={"query": "{ __schema { types { name } } }"})
    return str(answer.json().get("errors", [{}])[0].get("message", ""))


BRIEFINGS = "{ briefings(first: 100) { nodes { id title status periodStart periodEnd } } }"


def _drafts(base: str, period_end: str) -> list[dict[str, Any]]:
    nodes = _api(base, "demo-coordinator", BRIEFINGS)["briefings"]["nodes"]
    return [b for b in nodes if b["status"] == "DRAFT" and b["periodEnd"] == period_end]


def test_a_double_click_makes_one_draft_which_can_be_deleted(browser: Any, server: str) -> None:
    # given: the coordinator on 工作通报, counting the generateBriefing requests sent
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.url) if "generateBriefing" in (r.post_data or "") else None,
    )
    tab.go("briefings", "工作通报")
    page.get_by_label("统计期间起").fill("2026-09-01")
    page.get_by_label("统计期间止").fill("2026-09-30")
    button = page.get_by_role("button", name="生成草稿")
    # when: 生成草稿 is double-clicked
    button.dblclick()
    # then: the button showed it was working, one request went out, and one draft came
    page.get_by_text("已生成通报草稿").wait_for()
    assert len(sent) == 1, sent
    assert len(_drafts(server, "2026-09-30")) == 1
    assert page.locator("article[data-status='DRAFT']").count() >= 1
    # when: the draft is deleted (confirmed)
    draft = _drafts(server, "2026-09-30")[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"button[data-delete='{draft['id']}']").click()
    # then: it is gone, on the page and on the server
    page.get_by_text(f"已删除通报草稿：{draft['title']}").wait_for()
    assert page.locator(f"article[data-briefing-id='{draft['id']}']").count() == 0
    assert _drafts(server, "2026-09-30") == []
    tab.close()


def test_a_button_at_work_is_busy_and_takes_no_second_press(browser: Any, server: str) -> None:
    # given: a briefing page whose server answers slowly
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("briefings", "工作通报")

    def slow(route: Any) -> None:
        if "generateBriefing" in (route.request.post_data or ""):
            page.wait_for_timeout(800)
        route.continue_()

    page.route("**/graphql", slow)
    page.get_by_label("统计期间起").fill("2026-08-01")
    page.get_by_label("统计期间止").fill("2026-08-31")
    button = page.get_by_role("button", name="生成草稿")
    # when: it is pressed
    button.click(no_wait_after=True)
    # then: while the work runs, it is disabled and says it is busy
    page.locator("#generate[aria-busy='true']").wait_for()
    assert button.is_disabled()
    page.get_by_text("已生成通报草稿").wait_for()
    page.unroute("**/graphql")
    assert len(_drafts(server, "2026-08-31")) == 1
    tab.close()


# ------------------------------------------------------------------ forms for every write


def _open_form(page: Any, form_id: str) -> Any:
    """The folded form of that id, opened."""
    box = page.locator(f"details[data-form='{form_id}']")
    box.locator("summary").click()
    form = page.locator(f"#{form_id}")
    form.wait_for()
    return form


def _field_error(form: Any, name: str) -> str:
    errors = form.locator(f"[data-field='{name}'] .field-errors li")
    try:
        errors.first.wait_for(timeout=10_000)
    except Exception:
        shown = form.locator(".field-errors li").all_inner_texts()
        raise AssertionError(f"no error next to {name}; the form shows {shown}") from None
    return str(errors.first.inner_text())


def test_registering_a_case_shows_the_refusal_next_to_the_case_number(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("cases", "涉党政机关执行案件")
    form = _open_form(page, "new-case-form")
    form.get_by_label("案号", exact=True).fill("（2026）豫0202执字第1号")
    form.get_by_label("执行法院").select_option(label="开封市中级人民法院")
    form.get_by_label("被执行单位").select_option(label="开封市财政局")
    form.get_by_label("申请执行人", exact=True).fill("开封市某建筑工程有限公司")
    form.get_by_label("执行依据（生效文书案号）").fill("（2025）豫02民初567号")
    form.get_by_label("案由").fill("建设工程施工合同纠纷")
    form.get_by_label("执行标的（元）").fill("1200000.00")
    form.get_by_label("立案日期").fill("2026-03-02")
    # when: the case number breaks the rule, the API's message is next to it, and only it
    form.get_by_role("button", name="登记案件").click()
    message = _field_error(form, "caseNumber")
    assert "caseNumber" in message or "案号" in message, message
    assert form.get_by_label("案号", exact=True).get_attribute("aria-invalid") == "true"
    assert form.locator(".field-errors li").count() == 1
    # when: it is corrected, the case is registered and its page opens
    form.get_by_label("案号", exact=True).fill("（2026）豫02执9871号")
    form.get_by_role("button", name="登记案件").click()
    page.get_by_role("heading", name="（2026）豫02执9871号", level=1).wait_for()
    page.get_by_text("已登记执行案件 （2026）豫02执9871号。").wait_for()
    # then: a payment recorded on it, refused first for its amount
    payment = _open_form(page, "payment-form")
    payment.get_by_label("金额（元）").fill("十万元")
    payment.get_by_role("button", name="记录履行").click()
    assert _field_error(payment, "amount")
    payment.get_by_label("金额（元）").fill("300000.00")
    payment.get_by_role("button", name="记录履行").click()
    page.get_by_text("已记录履行。").wait_for()
    assert "300,000.00 元" in page.locator("main").inner_text()
    tab.close()


def test_the_coordinator_assigns_a_task_with_its_due_date_in_one_step(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("tasks", "交办事项")
    form = _open_form(page, "new-task-form")
    form.get_by_label("事项名称", exact=True).fill("清理2026年度超期未办结事项")
    form.get_by_label("责任单位").select_option(label="开封市财政局")
    # when: 交办 without a due date: said next to 办结时限, nothing is sent
    form.get_by_role("button", name="交办").click()
    assert _field_error(form, "dueOn") == "交办须填写办结时限"
    # when: a due date in the past: the API refuses it, next to 办结时限
    form.get_by_label("办结时限", exact=True).fill("2020-01-06")
    form.get_by_role("button", name="交办").click()
    refused = _field_error(form, "dueOn")
    assert refused != "交办须填写办结时限", refused
    # when: a proper date: the task is created and assigned, and its page opens
    form.get_by_label("办结时限", exact=True).fill("2027-06-30")
    form.get_by_role("button", name="交办").click()
    page.get_by_text("已交办 FY-").wait_for()
    assert page.locator("#task-state").inner_text() == "已交办"
    assert "2027-06-30" in page.locator("main").inner_text()
    tab.close()


def test_a_meeting_and_its_decision_are_recorded_from_the_dashboard(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("meetings", "联席会议")
    form = _open_form(page, "meeting-form")
    form.get_by_label("会议名称").fill("2026年第九次府院联动联席会议")
    form.get_by_label("第几次").fill("9")
    # when: the date is left out, the form says so next to it
    form.get_by_role("button", name="登记会议").click()
    assert _field_error(form, "heldOn") == "请填写召开日期"
    form.get_by_label("召开日期").fill("2026-11-18")
    form.get_by_label("议题（每行一项）").fill("涉党政机关执行案件清理\n破产企业职工安置")
    form.get_by_role("button", name="登记会议").click()
    page.get_by_role("heading", name="2026年第九次府院联动联席会议", level=1).wait_for()
    assert page.locator("main ol li").count() == 2
    # then: a decision, refused without its unit, then recorded and assigned
    decision = _open_form(page, "decision-form")
    decision.get_by_label("议定事项", exact=True).fill("市财政局于12月底前拨付执行款")
    decision.get_by_label("办结时限", exact=True).fill("2027-03-31")
    decision.get_by_role("button", name="记录并交办").click()
    assert _field_error(decision, "responsibleUnitId") == "请选择责任单位"
    decision.get_by_label("责任单位").select_option(label="开封市财政局")
    decision.get_by_role("button", name="记录并交办").click()
    page.get_by_text("已记录议定事项").wait_for()
    row = page.locator("tbody tr", has_text="市财政局于12月底前拨付执行款")
    assert "已交办" in row.inner_text()
    tab.close()


def test_a_coordination_matter_and_its_order_are_added_and_a_loop_is_refused(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    tab.go("bankruptcy", "企业破产案件")
    page.locator("tbody th a").first.click()
    page.locator(".crumbs").wait_for()
    before = page.locator("tbody tr").count()
    codes: list[str] = []
    for kind, due in (("财产接管", "2027-04-30"), ("资产处置", "2027-05-31")):
        form = _open_form(page, "matter-form")
        form.get_by_label("事项类型").select_option(label=kind)
        form.get_by_label("办结时限", exact=True).fill(due)
        form.get_by_role("button", name="添加").click()
        page.get_by_text("已添加协调事项").wait_for()
        page.locator("tbody tr").nth(before + len(codes)).wait_for()
        codes.append(page.locator("tbody tr").last.locator("th").inner_text())
    first, added = codes
    # when: 资产处置 waits for 财产接管 …
    order = _open_form(page, "dependency-form")
    order.get_by_label("后办事项").select_option(label=_option(order, "后办事项", added))
    order.get_by_label("须先办结的事项").select_option(
        label=_option(order, "须先办结的事项", first)
    )
    order.get_by_role("button", name="保存顺序").click()
    page.get_by_text("已设置办理顺序").wait_for()
    # … then the first for the new one: a loop, refused next to the field
    order = _open_form(page, "dependency-form")
    order.get_by_label("后办事项").select_option(label=_option(order, "后办事项", first))
    order.get_by_label("须先办结的事项").select_option(
        label=_option(order, "须先办结的事项", added)
    )
    order.get_by_role("button", name="保存顺序").click()
    message = _field_error(order, "dependsOnId")
    assert added in message or "cycle" in message.lower() or "循环" in message, message
    tab.close()


def _option(form: Any, label: str, code: str) -> str:
    options = form.get_by_label(label).locator("option").all_inner_texts()
    return str(next(text for text in options if text.startswith(code)))


# ------------------------------------------------------------------ the administrator's pages

ACCOUNT = "query ($id: ID!) { node(id: $id) { ... on Account { username active } } }"


def _sign_in_works(base: str, username: str, password: str) -> bool:
    import httpx

    answer = httpx.post(
        f"{base}/graphql",
        json={
            "query": "mutation ($u: String!, $p: String!) "
            "{ login(input: {username: $u, password: $p}) { token } }",
            "variables": {"u": username, "p": password},
        },
    ).json()
    return bool(answer["data"]["login"]["token"])


def test_the_administrator_creates_resets_and_deactivates_an_account(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-admin")
    page = tab.page
    page.locator("#nav").get_by_role("link", name="账号管理").click()
    page.get_by_role("heading", name="账号管理", level=1).wait_for()
    form = _open_form(page, "account-form")
    form.get_by_label("用户名").fill("zhang-czj")
    form.get_by_label("姓名").fill("张联络员")
    form.get_by_label("所属单位").select_option(label="开封市财政局（政府部门）")
    # when: the password is too short, the API says so next to it
    form.get_by_label("初始密码").fill("short")
    form.get_by_role("button", name="创建账号").click()
    assert _field_error(form, "password")
    assert not _sign_in_works(server, "zhang-czj", "short")
    form.get_by_label("初始密码").fill("kaifeng-2026-a")
    form.get_by_role("button", name="创建账号").click()
    page.get_by_text("已创建账号 zhang-czj。").wait_for()
    assert _sign_in_works(server, "zhang-czj", "kaifeng-2026-a")
    # the password is reset
    reset = _open_form(page, "reset-form")
    reset.get_by_label("账号").select_option(label="zhang-czj（张联络员）")
    reset.get_by_label("新密码").fill("kaifeng-2026-b")
    reset.get_by_role("button", name="重置密码").click()
    page.get_by_text("已重置 zhang-czj 的密码。").wait_for()
    assert not _sign_in_works(server, "zhang-czj", "kaifeng-2026-a")
    assert _sign_in_works(server, "zhang-czj", "kaifeng-2026-b")
    # and the account deactivated, found by the search box (the list has pages of 20)
    page.get_by_label("按用户名或姓名查找").fill("zhang")
    assert page.locator("#account-list tbody tr").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="停用zhang-czj").click()
    page.get_by_text("已停用账号 zhang-czj。").wait_for()
    assert "已停用" in page.locator("tr[data-username='zhang-czj']").inner_text()
    assert not _sign_in_works(server, "zhang-czj", "kaifeng-2026-b")
    # its own account offers no 停用
    page.get_by_label("按用户名或姓名查找").fill("demo-admin")
    page.locator("tr[data-username='demo-admin']").wait_for()
    assert page.get_by_role("button", name="停用demo-admin").count() == 0
    tab.close()


def test_the_administrator_creates_updates_and_deactivates_a_unit(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-admin")
    page = tab.page
    page.locator("#nav").get_by_role("link", name="单位管理").click()
    page.get_by_role("heading", name="单位管理", level=1).wait_for()
    form = _open_form(page, "unit-form")
    form.get_by_label("单位名称").fill("开封市统计局")
    form.get_by_label("类型").select_option(label="政府部门")
    # when: the code has a space, the API says so next to it
    form.get_by_label("单位代码").fill("KF TJJ")
    form.get_by_role("button", name="创建单位").click()
    assert _field_error(form, "code")
    form.get_by_label("单位代码").fill("KF-TJJ")
    form.get_by_role("button", name="创建单位").click()
    page.get_by_text("已创建单位 开封市统计局。").wait_for()
    # it is renamed
    edit = _open_form(page, "edit-unit-form")
    edit.get_by_label("单位", exact=True).select_option(label="开封市统计局（KF-TJJ）")
    assert edit.get_by_label("单位名称").input_value() == "开封市统计局"
    edit.get_by_label("单位名称").fill("开封市统计局（普查中心）")
    edit.get_by_role("button", name="保存修改").click()
    page.get_by_text("已保存单位 开封市统计局（普查中心）。").wait_for()
    # and deactivated
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="停用开封市统计局（普查中心）").click()
    page.get_by_text("已停用单位 开封市统计局（普查中心）。").wait_for()
    assert "已停用" in page.locator("tr[data-code='KF-TJJ']").inner_text()
    tab.close()


def test_only_the_administrator_has_the_account_and_unit_pages(browser: Any, server: str) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    nav = tab.page.locator("#nav")
    assert nav.get_by_role("link", name="账号管理").count() == 0
    tab.go("accounts", "账号管理")
    tab.page.get_by_text("账号管理需要系统管理员账号。").wait_for()
    assert tab.page.locator("#account-form").count() == 0
    tab.close()


# ------------------------------------------------------------------ the inbox (待办)

INBOX = "{ inbox { total sections { kind label count tasks { code } } } }"
CREATE_AND_NAME = """
mutation ($input: CreateTaskInput!) {
  createTask(input: $input) { task { id code version } errors { message } }
}
"""
ASSIGN = """
mutation ($id: ID!, $version: Int!) {
  transitionTask(input: {taskId: $id, action: "assign", expectedVersion: $version}) {
    task { state } errors { message } }
}
"""
UNIT_BY_NAME = "query ($q: String!) { units(first: 5, filter: {search: $q}) { nodes { id name } } }"


def _inbox(base: str, username: str) -> dict[str, dict[str, Any]]:
    sections = _api(base, username, INBOX)["inbox"]["sections"]
    return {section["kind"]: section for section in sections}


def _wait_badge(page: Any, count: int) -> None:
    """The header's 待办 count shows ``count`` (page scripts may not be eval'd: CSP)."""
    badge = page.locator("#inbox-count").filter(has_text=re.compile(rf"^{count}$"))
    badge.wait_for(timeout=10_000)


def test_a_unit_liaison_starts_on_its_inbox_which_follows_new_work_live(
    browser: Any, server: str
) -> None:
    # given: demo-unit (开封市财政局) signed in: its first page is 待办
    tab = Tab(browser, server).sign_in("demo-unit")
    page = tab.page
    expected = _inbox(server, "demo-unit")
    to_accept = page.locator("section[data-kind='TO_ACCEPT']")
    assert to_accept.locator("h2").inner_text() == f"待签收 {expected['TO_ACCEPT']['count']}"
    # the first few are shown; 查看全部（N） opens the rest
    codes = [t["code"] for t in expected["TO_ACCEPT"]["tasks"]]
    assert to_accept.locator("tbody tr:visible").count() == min(len(codes), FIRST_SHOWN["wide"])
    if len(codes) > FIRST_SHOWN["wide"]:
        to_accept.get_by_role("button", name=f"查看全部（{len(codes)}）").click()
    shown = set(to_accept.locator("tbody tr:visible th").all_inner_texts())
    assert shown == set(codes)
    assert set(page.locator(".inbox-section tbody td:nth-child(3)").all_inner_texts()) <= {
        "开封市财政局"
    }
    for kind in ("REJECTED", "SUPERVISED", "EXTENSION_ANSWERED", "DUE_SOON", "OVERDUE"):
        assert page.locator(f"section[data-kind='{kind}']").count() == 1
    total = _api(server, "demo-unit", INBOX)["inbox"]["total"]
    _wait_badge(page, total)
    tab.wait_live()
    # when: the office assigns 财政局 a new task
    unit = _api(server, "demo-coordinator", UNIT_BY_NAME, q="开封市财政局")["units"]["nodes"][0]
    created = _api(server, "demo-coordinator", CREATE_AND_NAME, input={
        "kind": "OTHER", "title": "核报2026年度涉诉资金拨付情况",
        "responsibleUnitId": unit["id"], "dueOn": "2026-12-31"})["createTask"]["task"]  # fmt: skip
    _api(server, "demo-coordinator", ASSIGN, id=created["id"], version=created["version"])
    # then: without a reload, it is listed under 待签收 and the header counts one more
    to_accept.locator("tbody th", has_text=created["code"]).wait_for(timeout=10_000)
    _wait_badge(page, total + 1)
    assert "待签收" in (page.locator("#inbox-count").get_attribute("title") or "")
    tab.close()


def test_the_coordinator_starts_on_closures_to_review_extensions_and_overdue_work(
    browser: Any, server: str
) -> None:
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    expected = _inbox(server, "demo-coordinator")
    kinds = page.locator(".inbox-section").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert sorted(kinds) == ["CLOSURE_TO_REVIEW", "EXTENSION_TO_DECIDE", "LISTING_CANDIDATE",
                             "OVERDUE"]  # fmt: skip
    for kind, label in (("CLOSURE_TO_REVIEW", "待审核销号"), ("EXTENSION_TO_DECIDE", "待审批延期"),
                        ("OVERDUE", "已超期"), ("LISTING_CANDIDATE", "挂牌候选")):  # fmt: skip
        heading = page.locator(f"section[data-kind='{kind}'] h2").inner_text()
        assert heading == f"{label} {expected[kind]['count']}"
    assert expected["OVERDUE"]["count"] > 0
    overdue = page.locator("section[data-kind='OVERDUE']")
    assert overdue.locator("tbody tr:visible").count() == FIRST_SHOWN["wide"]
    overdue.get_by_role("button", name=f"查看全部（{expected['OVERDUE']['count']}）").click()
    assert overdue.locator("tbody tr:visible").count() == len(expected["OVERDUE"]["tasks"])
    if expected["OVERDUE"]["count"] > len(expected["OVERDUE"]["tasks"]):
        assert overdue.get_by_text(f"共 {expected['OVERDUE']['count']} 件").is_visible()
    # the sections with work come before the empty ones
    counts = [expected[k]["count"] for k in kinds]
    assert counts == sorted(counts, key=lambda c: c == 0)
    # a task of the section opens from it
    first = page.locator("section[data-kind='OVERDUE'] tbody th a").first
    code = first.inner_text()
    first.click()
    page.locator(".crumbs", has_text=code).wait_for()
    tab.close()


def test_the_coordinator_opens_a_candidate_for_listing_where_it_is_decided(
    browser: Any, server: str
) -> None:
    # given: the coordinator's 挂牌候选, the sweep's candidates
    tab = Tab(browser, server).sign_in("demo-coordinator")
    page = tab.page
    expected = _inbox(server, "demo-coordinator")["LISTING_CANDIDATE"]
    assert expected["count"] > 0, "the demo has candidates for 挂牌"
    section = page.locator("section[data-kind='LISTING_CANDIDATE']")
    assert section.locator("h2").inner_text() == f"挂牌候选 {expected['count']}"
    assert "督办" in section.locator(".hint").inner_text()
    jump = page.locator("nav.inbox-jump button[data-kind='LISTING_CANDIDATE']")
    assert jump.inner_text() == f"挂牌候选 {expected['count']}"
    # when: it opens the first
    link = section.locator("tbody th a").first
    code = link.inner_text()
    assert code == expected["tasks"][0]["code"]
    link.click()
    # then: the task's page, where 督办 (挂牌) is one of the actions
    page.locator(".crumbs", has_text=code).wait_for()
    assert page.locator("button[data-action='supervise']").count() == 1
    tab.close()


def test_the_coordinators_inbox_is_short_on_a_phone_and_all_of_it_opens(
    browser: Any, server: str, screens: Path
) -> None:
    tab = Tab(browser, server, width=WIDTHS["narrow"]).sign_in("demo-coordinator")
    page = tab.page
    page.locator(".inbox-section").first.wait_for()
    page.wait_for_load_state("networkidle")
    _shoot(page, screens, "workbench-inbox-phone-coordinator")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    expected = _inbox(server, "demo-coordinator")

    def rows_shown(kind: str) -> int:
        return int(page.locator(f"section[data-kind='{kind}'] tbody tr:visible").count())

    for kind, section in expected.items():
        button = page.locator(f"section[data-kind='{kind}'] button.show-all")
        assert rows_shown(kind) == min(len(section["tasks"]), FIRST_SHOWN["narrow"])
        if len(section["tasks"]) > FIRST_SHOWN["narrow"]:
            button.click()
        rows = page.locator(f"section[data-kind='{kind}'] tbody tr:visible th")
        assert set(rows.all_inner_texts()) == {t["code"] for t in section["tasks"]}
    tab.close()


def test_the_default_task_list_shows_open_work_first(browser: Any, server: str) -> None:
    tab = Tab(browser, server).sign_in("demo-leader")
    tab.go("tasks", "交办事项")
    states = tab.page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.state)")
    assert states
    assert not {"CLOSED", "CANCELLED"} & set(states[:10]), states
    assert tab.page.get_by_label("排序").input_value() == "OPEN_FIRST"
    tab.close()


# ------------------------------------------------------------------ how they read

WORKBENCH_PAGES: list[tuple[str, str, str, str | None]] = [
    # (who, fragment, heading, the form opened)
    ("demo-unit", "", "待办", None),
    ("demo-coordinator", "", "待办", None),
    ("demo-coordinator", "tasks", "交办事项", "new-task-form"),
    ("demo-coordinator", "cases", "涉党政机关执行案件", "new-case-form"),
    ("demo-coordinator", "meetings", "联席会议", "meeting-form"),
    ("demo-coordinator", "briefings", "工作通报", None),
    ("demo-admin", "accounts", "账号管理", "account-form"),
    ("demo-admin", "units", "单位管理", "unit-form"),
]


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_workbench_pages_read_at_both_widths(
    browser: Any, server: str, screens: Path, size: str
) -> None:
    tabs: dict[str, Tab] = {}
    for who, fragment, heading, form in WORKBENCH_PAGES:
        if who not in tabs:
            tabs[who] = Tab(browser, server, width=WIDTHS[size]).sign_in(who)
        tab = tabs[who]
        tab.go(fragment, heading)
        if form:
            _open_form(tab.page, form)
            tab.page.locator(f"#{form} button[type=submit]").click()  # its errors shown
            tab.page.locator(f"#{form} .field-errors li").first.wait_for()
        tab.page.wait_for_load_state("networkidle")
        _no_sideways_scroll(tab.page)
        name = form or f"{fragment or 'inbox'}-{who.removeprefix('demo-')}"
        _shoot(tab.page, screens, f"workbench-{name}-{size}")
    for tab in tabs.values():
        tab.close()


# ------------------------------------------------------------------ the calendar banner

CALENDAR_NOTICE = "{ calendarNotice { missingYear affectedTasks message } }"


def test_the_missing_year_banner_never_says_zero_tasks(browser: Any, server: str) -> None:
    # given: the demo, whose open tasks are all due this year (none needs next year yet)
    notice = _api(server, "demo-coordinator", CALENDAR_NOTICE)["calendarNotice"]
    tab = Tab(browser, server).sign_in("demo-coordinator")
    banner = tab.page.locator("#calendar-notice")
    if notice is None:  # before November, with this year entered: nothing to say
        tab.page.locator("#inbox-total").wait_for()
        assert banner.is_hidden()
    else:
        # then: the banner says by when to enter the year, not "0项事项"
        banner.locator("strong").wait_for()
        text = banner.inner_text()
        assert notice["message"] in text
        assert "0项" not in text
        if notice["affectedTasks"] == 0:
            year = notice["missingYear"]
            assert f"请在{year}年1月1日前录入" in text
        else:
            assert f"{notice['affectedTasks']}项事项" in text
    tab.close()


# ------------------------------------------------------------------ the 版记 of a briefing

GENERATE = """
mutation ($input: GenerateBriefingInput!) {
  generateBriefing(input: $input) { briefing { id } errors { message } }
}
"""
BRIEFING_IMPRINT = """
query ($id: ID!) { node(id: $id) { ... on Briefing { status reportTo sendTo distributeTo } } }
"""


def test_the_imprint_of_a_draft_is_edited_field_by_field_and_read_only_once_issued(
    browser: Any, server: str, screens: Path
) -> None:
    # given: a draft for August, and the coordinator on 工作通报
    made = _api(server, "demo-coordinator", GENERATE,
                input={"periodStart": "2026-08-01", "periodEnd": "2026-08-31",
                       "title": "八月府院联动工作通报"})["generateBriefing"]  # fmt: skip
    assert made["errors"] == []
    draft_id = made["briefing"]["id"]
    tab = Tab(browser, server).sign_in("demo-coordinator")
    tab.go("briefings", "工作通报")
    page = tab.page
    form = page.locator(f"form[data-imprint='{draft_id}']")
    # when: 报 is filled in and 送 is far too long
    form.get_by_label("报：").fill("河南省府院联动联席会议办公室")
    form.get_by_label("送：").fill("开封市中级人民法院" * 60)
    form.get_by_role("button", name="保存版记").click()
    # then: the API's refusal is under 送, and nothing was saved
    refusal = form.locator("[data-field='sendTo'] .field-errors li")
    refusal.wait_for()
    assert "500" in refusal.inner_text()
    assert form.locator("[data-field='reportTo'] .field-errors li").count() == 0
    assert form.get_by_label("送：").get_attribute("aria-invalid") == "true"
    saved = _api(server, "demo-coordinator", BRIEFING_IMPRINT, id=draft_id)["node"]
    assert saved["reportTo"] == ""
    # when: 送 is corrected and 发 filled in
    form.get_by_label("送：").fill("开封市中级人民法院")
    form.get_by_label("发：").fill("各县区人民政府，市直各有关单位")
    form.get_by_role("button", name="保存版记").click()
    # then: saved, said, and the refusal gone
    page.get_by_text("已保存版记（报、送、发）。").wait_for()
    assert form.locator(".field-errors li").count() == 0
    saved = _api(server, "demo-coordinator", BRIEFING_IMPRINT, id=draft_id)["node"]
    assert (saved["reportTo"], saved["sendTo"], saved["distributeTo"]) == (
        "河南省府院联动联席会议办公室",
        "开封市中级人民法院",
        "各县区人民政府，市直各有关单位",
    )
    for size, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        form.scroll_into_view_if_needed()
        _shoot(page, screens, f"workbench-briefing-imprint-{size}")
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})
    # when: it is issued (六 written first)
    article = page.locator(f"article[data-briefing-id='{draft_id}']")
    article.get_by_label("六、下一步工作要求").fill("一是压实责任。\n二是按期办结。")
    article.get_by_role("button", name="保存下一步工作要求").click()
    page.get_by_text("已保存下一步工作要求。").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"button[data-issue='{draft_id}']").click()
    page.get_by_text("已印发：").wait_for()
    # then: the 版记 reads as printed, with nothing left to edit
    issued = page.locator(f"article[data-briefing-id='{draft_id}']")
    assert issued.get_attribute("data-status") == "ISSUED"
    assert issued.locator("form[data-imprint]").count() == 0
    assert issued.locator(".imprint-lines p").all_inner_texts() == [
        "报：河南省府院联动联席会议办公室", "送：开封市中级人民法院",
        "发：各县区人民政府，市直各有关单位"]  # fmt: skip
    tab.close()


ACCOUNT_LIST = "{ accounts(first: 100) { totalCount nodes { username unit { name } } } }"


def test_the_accounts_page_is_short_on_a_phone_and_every_account_is_found(
    browser: Any, server: str, screens: Path
) -> None:
    accounts = _api(server, "demo-admin", ACCOUNT_LIST)["accounts"]
    assert accounts["totalCount"] > 20, "the demo has more accounts than a page of a wide screen"
    tab = Tab(browser, server, width=WIDTHS["narrow"]).sign_in("demo-admin")
    tab.go("accounts", "账号管理")
    page = tab.page
    page.wait_for_load_state("networkidle")
    _shoot(page, screens, "workbench-accounts-phone")
    # a page of 8 on a phone (20 on a wide screen), the page's height reasonable
    rows = page.locator("#account-list tbody tr")
    assert rows.count() == 8
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    assert page.locator("#account-count").inner_text() == f"共 {accounts['totalCount']} 个账号"
    # every account is on one of the pages
    seen: list[str] = []
    pages = int(page.locator("#account-page").inner_text().split("/")[1].strip(" 页"))
    for number in range(pages):
        seen += rows.evaluate_all("rs => rs.map(r => r.dataset.username)")
        if number < pages - 1:
            page.get_by_role("button", name="下一页").click()
            page.locator("#account-page", has_text=f"第 {number + 2} /").wait_for()
    assert sorted(seen) == sorted(a["username"] for a in accounts["nodes"])
    # a unit's accounts, and a search
    page.get_by_label("按单位筛选").select_option(label="开封市财政局")
    names = set(page.locator("#account-list tbody td:nth-child(4)").all_inner_texts())
    assert names == {"开封市财政局"}
    expected = sum(a["unit"]["name"] == "开封市财政局" for a in accounts["nodes"])
    assert rows.count() == expected
    page.get_by_label("按单位筛选").select_option(label="全部单位")
    page.get_by_label("按用户名或姓名查找").fill("demo-unit2")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.username)") == ["demo-unit2"]
    page.get_by_label("按用户名或姓名查找").fill("没有这个人")
    assert page.get_by_text("没有符合条件的账号。").is_visible()
    tab.close()
