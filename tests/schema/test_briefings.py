"""Briefings over HTTP: generate, edit, issue, list, and the downloads' authorization."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from docx import Document

from tests.schema.conftest import Api, Clients

GENERATE = """
mutation ($input: GenerateBriefingInput!) {
  generateBriefing(input: $input) {
    briefing { id serial title status periodStart periodEnd number files { docx markdown html } }
    errors { field code message }
  }
}
"""
UPDATE = """
mutation ($input: UpdateBriefingInput!) {
  updateBriefing(input: $input) {
    briefing { id nextSteps reportTo sendTo distributeTo } errors { field code message }
  }
}
"""
ISSUE = """
mutation ($input: IssueBriefingInput!) {
  issueBriefing(input: $input) {
    briefing { id serial status number } errors { field code message }
  }
}
"""
DELETE = """
mutation ($input: DeleteBriefingInput!) {
  deleteBriefing(input: $input) { deletedBriefingId errors { field code message } }
}
"""
LIST = "{ briefings { totalCount nodes { id number status } } }"
OCTOBER = {"periodStart": "2026-10-01", "periodEnd": "2026-10-31"}


async def _generate(api: Clients, **extra: Any) -> dict[str, Any]:
    data = await api.coordinator.data(GENERATE, input={**OCTOBER, **extra})
    payload: dict[str, Any] = data["generateBriefing"]
    assert payload["errors"] == []
    briefing: dict[str, Any] = payload["briefing"]
    return briefing


async def _download(http: httpx.AsyncClient, client: Api | None, path: str) -> httpx.Response:
    headers = {}
    if client is not None:
        await client("{ viewer { username } }")  # signs in
        headers["authorization"] = f"Bearer {client.token}"
    return await http.get(path, headers=headers)


async def test_a_coordinator_generates_edits_and_issues_a_briefing(api: Clients) -> None:
    draft = await _generate(api, title="开封市府院联动工作通报")
    assert draft["status"] == "DRAFT"
    assert draft["serial"] is None
    assert (draft["periodStart"], draft["periodEnd"]) == ("2026-10-01", "2026-10-31")

    edited = await api.coordinator.data(
        UPDATE, input={"briefingId": draft["id"], "nextSteps": "一是压实责任。"}
    )
    assert edited["updateBriefing"]["briefing"]["nextSteps"] == "一是压实责任。"
    issued = (await api.coordinator.data(ISSUE, input={"briefingId": draft["id"]}))["issueBriefing"]

    assert issued["errors"] == []
    assert issued["briefing"]["status"] == "ISSUED"
    assert issued["briefing"]["serial"] == 1
    assert issued["briefing"]["number"] == "2026年第1期"
    listed = (await api.leader.data(LIST))["briefings"]
    assert listed["nodes"][0] == {"id": draft["id"], "number": "2026年第1期", "status": "ISSUED"}


async def test_an_issued_briefing_refuses_edits_and_a_second_issue(api: Clients) -> None:
    draft = await _generate(api)
    await api.coordinator.data(UPDATE, input={"briefingId": draft["id"], "nextSteps": "一是。"})
    await api.coordinator.data(ISSUE, input={"briefingId": draft["id"]})

    edit = await api.coordinator.data(UPDATE, input={"briefingId": draft["id"], "nextSteps": "x"})
    again = await api.coordinator.data(ISSUE, input={"briefingId": draft["id"]})

    for payload in (edit["updateBriefing"], again["issueBriefing"]):
        assert payload["briefing"] is None
        assert payload["errors"][0]["code"] == "INVALID_TRANSITION"
        assert payload["errors"][0]["field"] == ["input", "briefingId"]
        assert "is issued" in payload["errors"][0]["message"]


async def test_issuing_without_next_steps_is_refused_in_chinese(api: Clients) -> None:
    draft = await _generate(api)
    api.coordinator.language = "zh-CN"

    refused = (await api.coordinator.data(ISSUE, input={"briefingId": draft["id"]}))[
        "issueBriefing"
    ]

    assert refused["briefing"] is None
    [error] = refused["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["input", "briefingId"])
    assert "“六、下一步工作要求”尚未填写，不能印发" in error["message"]
    listed = (await api.leader.data(LIST))["briefings"]["nodes"]
    assert listed == [{"id": draft["id"], "number": "2026年草稿", "status": "DRAFT"}]


async def test_the_imprint_lines_are_edited_on_the_draft(api: Clients) -> None:
    draft = await _generate(api)

    edited = await api.coordinator.data(UPDATE, input={
        "briefingId": draft["id"], "reportTo": "河南省府院联动联席会议办公室",
        "sendTo": "开封市中级人民法院", "distributeTo": "各县区人民政府"})  # fmt: skip
    refused = await api.coordinator.data(
        UPDATE, input={"briefingId": draft["id"], "sendTo": "一行\n两行"}
    )

    assert edited["updateBriefing"]["briefing"] == {
        "id": draft["id"], "nextSteps": "", "reportTo": "河南省府院联动联席会议办公室",
        "sendTo": "开封市中级人民法院", "distributeTo": "各县区人民政府"}  # fmt: skip
    assert refused["updateBriefing"]["briefing"] is None
    [error] = refused["updateBriefing"]["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["input", "sendTo"])


async def test_a_draft_is_deleted_and_a_retry_of_its_request_makes_a_new_one(
    api: Clients,
) -> None:
    # given: a draft made with an idempotency key, and an older draft beside it
    kept = await _generate(api)
    draft = await _generate(api, idempotencyKey="double-click-1")
    # when: it is deleted
    data = await api.coordinator.data(DELETE, input={"briefingId": draft["id"]})
    # then: it is gone from the list, the other draft stays, and its key is free again
    assert data["deleteBriefing"] == {"deletedBriefingId": draft["id"], "errors": []}
    listed = (await api.coordinator.data(LIST))["briefings"]["nodes"]
    assert [b["id"] for b in listed] == [kept["id"]]
    again = await _generate(api, idempotencyKey="double-click-1")
    assert again["id"] not in (draft["id"], kept["id"])


@pytest.mark.parametrize(
    ("target", "code", "words"),
    [
        pytest.param(
            "issued", "INVALID_TRANSITION", "is issued and cannot be deleted", id="issued"
        ),
        pytest.param("deleted", "NOT_FOUND", "no briefing", id="deleted-already"),
        pytest.param("task-id", "VALIDATION", "not of a Briefing", id="not-a-briefing-id"),
    ],
)
async def test_deleting_what_is_not_a_draft_is_refused(
    api: Clients, target: str, code: str, words: str
) -> None:
    draft = await _generate(api)
    if target == "issued":
        await api.coordinator.data(UPDATE, input={"briefingId": draft["id"], "nextSteps": "一是。"})
        await api.coordinator.data(ISSUE, input={"briefingId": draft["id"]})
        briefing_id = draft["id"]
    elif target == "deleted":
        await api.coordinator.data(DELETE, input={"briefingId": draft["id"]})
        briefing_id = draft["id"]
    else:
        tasks = await api.coordinator.data("{ tasks(first: 1) { nodes { id } } }")
        briefing_id = tasks["tasks"]["nodes"][0]["id"]

    data = await api.coordinator.data(DELETE, input={"briefingId": briefing_id})

    payload = data["deleteBriefing"]
    assert payload["deletedBriefingId"] is None
    assert payload["errors"][0]["code"] == code
    assert payload["errors"][0]["field"] == ["input", "briefingId"]
    assert words in payload["errors"][0]["message"]
    if target == "issued":
        listed = (await api.leader.data(LIST))["briefings"]["nodes"]
        assert listed == [{"id": draft["id"], "number": "2026年第1期", "status": "ISSUED"}]


async def test_a_period_ending_before_it_starts_is_a_validation_error(api: Clients) -> None:
    data = await api.coordinator.data(
        GENERATE, input={"periodStart": "2026-10-31", "periodEnd": "2026-10-01"}
    )
    assert data["generateBriefing"]["briefing"] is None
    assert data["generateBriefing"]["errors"][0]["code"] == "VALIDATION"


async def test_liaisons_see_no_briefing(api: Clients) -> None:
    await _generate(api)
    for client in (api.court, api.unit, api.admin):
        assert (await client.data(LIST))["briefings"]["totalCount"] == 0


async def test_downloads_need_a_token_and_a_role_that_reads_briefings(
    api: Clients, http: httpx.AsyncClient
) -> None:
    draft = await _generate(api)
    files = draft["files"]

    assert (await _download(http, None, files["docx"])).status_code == 401
    for client in (api.unit, api.court, api.admin):
        refused = await _download(http, client, files["docx"])
        assert refused.status_code == 403
        assert refused.json()["code"] == "FORBIDDEN"
    missing = await _download(http, api.leader, "/briefings/999999.docx")
    assert missing.status_code == 404
    docx = await _download(http, api.leader, files["docx"])
    assert docx.status_code == 200
    lines = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs[:5]]
    assert lines[0] == "开封市府院联动联席会议办公室"  # the 发文机关标志: the coordinator's office
    assert lines[4] == draft["title"]
    markdown = await _download(http, api.coordinator, files["markdown"])
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert f"\n# {draft['title']}\n" in markdown.text


async def test_the_html_download_escapes_user_text_and_runs_no_script(
    api: Clients, http: httpx.AsyncClient
) -> None:
    draft = await _generate(api)
    await api.coordinator.data(
        UPDATE, input={"briefingId": draft["id"], "nextSteps": "<script>alert(1)</script>"}
    )

    page = await _download(http, api.coordinator, draft["files"]["html"])

    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
