"""Evidence files in a real browser (issue 19): a liaison attaches a PDF to 申请销号 by
choosing it, sees it upload, and the history lists it with a link that downloads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import live_server, prepare
from tests.files_fixtures import TINY_PDF
from tests.frontend.test_dashboard import (
    WIDTHS,
    Tab,
    _api,
    _no_sideways_scroll,
    _require_browser,
    _shoot,
    browser,
    screens,
)

__all__ = ["browser", "screens"]  # fixtures, shared with test_dashboard.py

CREATE = (
    """mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id version } } }"""
)
MOVE = """mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) { task { version } errors { message } } }"""
UNIT = """query ($code: String!) { units(filter: {search: $code}) { nodes { id code } } }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo served with its evidence files in the test's own folder."""
    _require_browser()
    folder = tmp_path_factory.mktemp("files")
    url = f"sqlite://{folder / 'demo.sqlite3'}"
    prepare(url, ("migrate",), ("seed", "--demo"))
    env = {"FUYUAN_FILES_DIR": str(folder / "files")}
    with live_server(url, folder / "server.log", env=env) as base:
        yield base


def _task_in_progress(base: str, title: str) -> str:
    units = _api(base, "demo-coordinator", UNIT, code="KF-CZJ")["units"]["nodes"]
    unit = next(u for u in units if u["code"] == "KF-CZJ")
    task = _api(
        base, "demo-coordinator", CREATE,
        input={"kind": "OTHER", "title": title, "responsibleUnitId": unit["id"]},
    )["createTask"]["task"]  # fmt: skip
    version = task["version"]
    for who, action, extra in (
        ("demo-coordinator", "assign", {"dueOn": "2027-06-30"}),
        ("demo-unit", "accept", {}),
        ("demo-unit", "start", {}),
    ):
        moved = _api(
            base, who, MOVE,
            input={"taskId": task["id"], "action": action, "expectedVersion": version, **extra},
        )["transitionTask"]  # fmt: skip
        assert not moved["errors"], moved
        version = moved["task"]["version"]
    return str(task["id"])


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_pdf_attached_to_a_closure_request_is_listed_and_downloads(
    browser: Any, server: str, screens: Path, width: str
) -> None:
    task_id = _task_in_progress(server, f"收集结案材料（{width}）")
    tab = Tab(browser, server, width=WIDTHS[width]).sign_in("demo-unit")
    page = tab.page
    tab.go(f"tasks/{task_id}")
    page.get_by_role("button", name="申请销号").wait_for()
    # when: the liaison chooses the closure notice, and it uploads
    page.locator("#action-files").set_input_files(
        files=[{"name": "结案通知书.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    row = page.locator("#action-files-list li[data-file='结案通知书.pdf']")
    row.get_by_text("已上传").wait_for()
    _shoot(page, screens, f"files-uploaded-{width}")
    # and asks for closure with the file alone as evidence
    page.get_by_role("button", name="申请销号").click()
    # then: the history's 申请销号 lists the file, and its link downloads the same bytes
    link = page.locator("#history button[data-url]", has_text="结案通知书.pdf")
    link.wait_for()
    _no_sideways_scroll(page)
    _shoot(page, screens, f"files-history-{width}")
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == "结案通知书.pdf"
    assert Path(download.path()).read_bytes() == TINY_PDF
    tab.close()


def test_a_program_renamed_pdf_is_refused_in_the_form(
    browser: Any, server: str, screens: Path
) -> None:
    task_id = _task_in_progress(server, "收集结案材料（拒收）")
    tab = Tab(browser, server).sign_in("demo-unit")
    page = tab.page
    tab.go(f"tasks/{task_id}")
    page.get_by_role("button", name="申请销号").wait_for()
    page.locator("#action-files").set_input_files(
        files=[{"name": "收据.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + bytes(200)}]
    )
    refused = page.locator("#action-files-list li.error")
    refused.get_by_text("可执行程序（MZ 格式）").wait_for()
    assert "只接受 PDF" in refused.inner_text()
    _shoot(page, screens, "files-refused")
    # the browser logs the refused upload's 400 itself: that one is expected
    tab.problems = [p for p in tab.problems if "status of 400" not in p]
    tab.close()
