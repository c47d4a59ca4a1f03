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


KEEP = (WIDTHS, Path, _api, _no_sideways_scroll, _shoot)  # used by the tests below
