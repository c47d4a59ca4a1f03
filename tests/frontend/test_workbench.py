"""The workbench in a real browser: the dashboard without introspection (production
mode), buttons that cannot be pressed twice, the forms for every write, the
administrator's pages and the inbox (待办). Same browser and server as
tests/frontend/test_dashboard.py, whose Tab and fixtures these tests share.
"""

from __future__ import annotations

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


KEEP = (WIDTHS, Path, _no_sideways_scroll, _shoot)  # used by the tests below
