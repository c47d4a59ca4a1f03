"""The bell (提醒) in a real browser: the unread count, kept live, the panel, mark read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.frontend.test_dashboard import (
    WIDTHS,
    Tab,
    _api,
    _no_sideways_scroll,
    _shoot,
    browser,
    screens,
    server,
)

__all__ = ["browser", "screens", "server"]  # fixtures, shared with test_dashboard.py

OWN_ACCEPTED = "{ tasks(first: 1, filter: {state: [ACCEPTED]}) { nodes { id code version } } }"
URGE = """
mutation ($input: TransitionTaskInput!) { transitionTask(input: $input) { errors { code } } }
"""


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_bell_rings_live_and_its_panel_marks_read(
    browser: Any, server: str, screens: Path, size: str
) -> None:
    # given the finance bureau's liaison signed in (the demo leaves it unread reminders;
    # the other width's run may have read them)
    tab = Tab(browser, server, width=WIDTHS[size]).sign_in("demo-unit")
    page = tab.page
    page.wait_for_function("() => document.getElementById('bell-count')?.textContent !== ''")
    before = int(page.locator("#bell-count").text_content() or "0")
    # when the office urges one of the bureau's tasks (催办), elsewhere
    (task,) = _api(server, "demo-unit", OWN_ACCEPTED)["tasks"]["nodes"]
    answer = _api(
        server,
        "demo-coordinator",
        URGE,
        input={
            "taskId": task["id"],
            "action": "urge",
            "expectedVersion": task["version"],
            "comment": "请于本周内报告进展",
        },
    )
    assert answer["transitionTask"]["errors"] == []
    # then the bell counts one more without a reload
    page.wait_for_function(
        "n => document.getElementById('bell-count').textContent === String(n)", arg=before + 1
    )
    # and its panel shows the reminder first, with a link to the task
    page.get_by_role("button", name="提醒").click()
    panel = page.locator("#bell-panel")
    panel.get_by_text(f"催办：{task['code']}").first.wait_for()
    assert panel.locator("li").first.get_by_role("link").get_attribute("href") == (
        f"#/tasks/{task['id']}"
    )
    _no_sideways_scroll(page)
    _shoot(page, screens, f"bell-{size}")
    # when one is marked read, then all
    panel.get_by_role("button", name="标为已读", exact=True).first.click()
    page.wait_for_function(
        "n => document.getElementById('bell-count').textContent === String(n)", arg=before
    )
    if before:
        panel.get_by_role("button", name="全部标为已读").click()
    page.wait_for_function("() => document.getElementById('bell-count').hidden")
    page.wait_for_function(
        "() => document.querySelectorAll('#bell-panel [data-notification]').length === 0"
    )
    assert panel.get_by_text("已读", exact=True).count() > 0
    tab.close()


PREFERENCES = "{ viewer { email notifyChannels notifyMode } }"


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_liaison_chooses_its_reminders_in_the_bell(
    browser: Any, server: str, screens: Path, size: str
) -> None:
    # given the second bureau's liaison, reminded in the app only
    tab = Tab(browser, server, width=WIDTHS[size]).sign_in("demo-unit2")
    page = tab.page
    page.get_by_role("button", name="提醒").click()
    panel = page.locator("#bell-panel")
    panel.get_by_text("提醒方式", exact=True).click()
    form = panel.locator("#reminders-form")
    # when it asks for e-mail without an address, the server's refusal is under the box
    # and nothing is saved
    before = _api(server, "demo-unit2", PREFERENCES)["viewer"]
    form.get_by_label("电子邮箱").fill("")
    form.get_by_label("电子邮件", exact=True).check()
    form.get_by_role("button", name="保存提醒方式").click()
    form.locator("[data-field='email']").get_by_text("电子邮件提醒需要电子邮件地址").wait_for()
    assert _api(server, "demo-unit2", PREFERENCES)["viewer"] == before
    # when it gives one and a daily digest, it is saved and said so
    form.get_by_label("电子邮箱").fill(f"qian.{size}@kaifeng.gov.cn")
    form.get_by_label("提醒频率").select_option("DIGEST")
    form.get_by_role("button", name="保存提醒方式").click()
    form.get_by_text("已保存：电子邮件，每日汇总").wait_for()
    _no_sideways_scroll(page)
    _shoot(page, screens, f"bell-reminders-{size}")
    stored = _api(server, "demo-unit2", PREFERENCES)["viewer"]
    assert stored == {
        "email": f"qian.{size}@kaifeng.gov.cn", "notifyChannels": ["EMAIL"], "notifyMode": "DIGEST"
    }  # fmt: skip
    tab.close()
