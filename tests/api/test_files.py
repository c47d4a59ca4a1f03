"""POST /files and GET /files/{id} (issue 19): upload, attach, read and download, on
disk and on a real S3 server (moto), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.app import create_app
from api.files import content_disposition
from api.settings import Environment, Settings
from tests.conftest import ROOT
from tests.files_fixtures import TINY_JPEG, TINY_PDF, make_bucket, moto_server, tiny_png
from tests.schema.conftest import Api, Clients, StatementCounter, statements

TASK_WITH_FILES = """
query ($id: ID!) {
  node(id: $id) {
    ... on Task {
      attachments { id name size contentType sha256 uploadedBy { username } uploadedAt url }
      events(first: 1) { nodes { attachments { id name } } }
    }
  }
}
"""

OWN_TASKS = """
{ tasks(first: 100) { nodes { id version availableActions { action } } } }
"""

REPORT = """
mutation ($taskId: ID!, $version: Int!, $files: [ID!]) {
  transitionTask(input: {taskId: $taskId, action: "report", expectedVersion: $version,
                         comment: "已付款，收据附后", evidenceFileIds: $files}) {
    event { attachments { name contentType url } }
    errors { field code message }
  }
}
"""


__all__ = ["statements"]  # the fixture, shared with tests/schema


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["disk", "s3"])
async def settings(
    request: pytest.FixtureRequest, demo_database_url: str, tmp_path: Path
) -> Settings:
    base = Settings(
        database_url=demo_database_url,
        env=Environment.DEVELOPMENT,
        secret_key="t" * 32,
        files_dir=tmp_path / "files",
        max_file_bytes=1024 * 1024,
    )
    if request.param == "disk":
        return base
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"fuyuan-{secrets.token_hex(4)}"
    await make_bucket(endpoint, bucket)
    return replace(base, files_url=f"s3://{bucket}/evidence", s3_endpoint_url=endpoint)


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    EXECUTOR_CACHE.clear()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://fuyuan.test",
            headers={"accept-language": "en"},
        ) as client,
    ):
        yield client


@pytest.fixture
def api(http: httpx.AsyncClient) -> Clients:
    return Clients(
        anonymous=Api(http),
        coordinator=Api(http, "demo-coordinator"),
        court=Api(http, "demo-court"),
        unit=Api(http, "demo-unit"),
        unit2=Api(http, "demo-unit2"),
        leader=Api(http, "demo-leader"),
        admin=Api(http, "demo-admin"),
    )


async def upload(
    who: Api, data: bytes, name: str = "执行款收据.pdf", content_type: str = "application/pdf"
) -> httpx.Response:
    await who("{ viewer { id } }")  # signs in
    return await who.http.post(
        "/files", files={"file": (name, data, content_type)}, headers=who.headers()
    )


async def download(who: Api, url: str) -> httpx.Response:
    await who("{ viewer { id } }")
    return await who.http.get(url, headers=who.headers())


async def new_task(api: Clients, liaison: Api, unit_code: str) -> dict[str, Any]:
    """A new enforcement case against ``unit_code``, its task in progress with ``liaison``."""
    from strawberry.relay import to_base64

    from store.models import Unit
    from tests.schema.test_closure_and_payments import CREATE_CASE, CREATE_TASK, _move

    def unit_id(unit: Unit) -> str:
        return to_base64("Unit", unit.id)

    made = await api.court.data(
        CREATE_CASE,
        input={
            "caseNumber": f"（2026）豫02执{secrets.randbelow(80000) + 10000}号",
            "courtId": unit_id(await Unit.get(code="KF-ZY")),
            "applicantName": "开封市宏达建筑工程有限公司",
            "applicantKind": "ENTERPRISE",
            "respondentId": unit_id(await Unit.get(code=unit_code)),
            "basis": "（2025）豫02民终3021号",
            "cause": "建设工程施工合同纠纷",
            "amountDue": "860000.00",
            "filedOn": "2026-03-02",
            "source": "PROVINCE_ASSIGNED",
        },
    )
    case_id = made["createEnforcementCase"]["enforcementCase"]["id"]
    created = await api.coordinator.data(
        CREATE_TASK,
        input={"kind": "ENFORCEMENT", "title": "督促履行生效判决", "enforcementCaseId": case_id},
    )
    task = created["createTask"]["task"]
    version = task["version"]
    for client, action in ((api.coordinator, "assign"), (liaison, "accept"), (liaison, "start")):
        version = (await _move(client, task["id"], action, version))["task"]["version"]
    return {"id": task["id"], "version": version, "caseId": case_id}


async def test_upload_attach_read_and_download(api: Clients) -> None:
    # given a scan uploaded by the unit's liaison
    answer = await upload(api.unit, TINY_PDF)
    assert answer.status_code == 201, answer.text
    uploaded = answer.json()
    assert uploaded["name"] == "执行款收据.pdf"
    assert uploaded["size"] == len(TINY_PDF)
    assert uploaded["sha256"] == hashlib.sha256(TINY_PDF).hexdigest()
    assert uploaded["contentType"] == "application/pdf"
    # when it is attached to a progress report on its own task
    task = await new_task(api, api.unit, "KF-CZJ")
    result = await api.unit.data(
        REPORT, taskId=task["id"], version=task["version"], files=[uploaded["id"]]
    )
    assert result["transitionTask"]["errors"] == []
    [attachment] = result["transitionTask"]["event"]["attachments"]
    assert attachment["name"] == "执行款收据.pdf"
    # then the task and its last event list it
    node = (await api.unit.data(TASK_WITH_FILES, id=task["id"]))["node"]
    [listed] = node["attachments"]
    assert listed["uploadedBy"] == {"username": "demo-unit"}
    assert listed["url"] == attachment["url"] == f"/files/{uploaded['id']}"
    assert node["events"]["nodes"][0]["attachments"] == [
        {"id": uploaded["id"], "name": "执行款收据.pdf"}
    ]
    # and it downloads with its Chinese name, the sniffed type and nosniff
    got = await download(api.unit, listed["url"])
    assert got.status_code == 200
    assert got.content == TINY_PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''%E6%89%A7%E8%A1%8C" in got.headers["content-disposition"]
    assert got.headers["content-disposition"].startswith("attachment;")
    # the coordinator sees it too; the other unit gets 404, like a file that does not exist
    assert (await download(api.coordinator, listed["url"])).status_code == 200
    other = await download(api.unit2, listed["url"])
    missing = await download(api.unit2, "/files/QXR0YWNobWVudDo5OTk5OTk=")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    # and an attached file cannot be attached again
    task["version"] += 1
    again = await api.unit.data(
        REPORT, taskId=task["id"], version=task["version"], files=[uploaded["id"]]
    )
    [error] = again["transitionTask"]["errors"]
    assert error["field"] == ["input", "evidenceFileIds", "0"]


async def test_another_units_file_cannot_be_attached(api: Clients) -> None:
    uploaded = (await upload(api.unit, tiny_png(), name="scan.png")).json()
    assert uploaded["contentType"] == "image/png"  # by the bytes, not the client's word
    task = await new_task(api, api.unit2, "KF-XFQ")
    result = await api.unit2.data(
        REPORT, taskId=task["id"], version=task["version"], files=[uploaded["id"]]
    )
    [error] = result["transitionTask"]["errors"]
    assert error["code"] == "NOT_FOUND"
    assert uploaded["id"] in error["message"]
    # nothing was written: the report did not happen
    again = await api.unit2.data(REPORT, taskId=task["id"], version=task["version"], files=None)
    assert again["transitionTask"]["errors"] == []


async def test_payment_with_its_receipt(api: Clients) -> None:
    receipt = (await upload(api.coordinator, TINY_JPEG, name="转账凭证.jpg")).json()
    case = {"id": (await new_task(api, api.unit, "KF-CZJ"))["caseId"]}
    result = await api.coordinator.data(
        """mutation ($caseId: ID!, $files: [ID!]) {
          recordPerformance(input: {caseId: $caseId, paidOn: "2026-06-01", amount: "1.00",
                                    method: FISCAL_ALLOCATION, fileIds: $files}) {
            performanceRecord { attachments { name contentType } }
            errors { field code message }
          }
        }""",
        caseId=case["id"],
        files=[receipt["id"]],
    )
    assert result["recordPerformance"]["errors"] == []
    assert result["recordPerformance"]["performanceRecord"]["attachments"] == [
        {"name": "转账凭证.jpg", "contentType": "image/jpeg"}
    ]


@pytest.mark.parametrize(
    ("data", "name", "found"),
    [
        pytest.param(b"MZ\x90\x00" + bytes(60), "收据.pdf", "a Windows program", id="exe-as-pdf"),
        pytest.param(b"<html><script>x</script></html>", "a.pdf", "an HTML page", id="html"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png", "an SVG", id="svg"),
    ],
)
async def test_a_file_of_another_type_is_refused(
    api: Clients, data: bytes, name: str, found: str
) -> None:
    answer = await upload(api.unit, data, name=name)
    assert answer.status_code == 400
    assert answer.json()["code"] == "VALIDATION"
    assert f"「{name}」" in answer.json()["message"]
    assert found in answer.json()["message"]


async def test_an_oversized_upload_is_refused_with_413(api: Clients) -> None:
    await api.unit("{ viewer { id } }")
    # declared too large: refused before the body is read
    big = bytes(2 * 1024 * 1024)
    declared = await api.unit.http.post(
        "/files",
        files={"file": ("big.pdf", b"%PDF-" + big, "application/pdf")},
        headers=api.unit.headers(),
    )
    assert declared.status_code == 413

    # streamed without a length: refused once it passes the limit
    async def body() -> AsyncIterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n%PDF-'
        for _ in range(40):
            yield bytes(64 * 1024)
        yield b"\r\n--b--\r\n"

    streamed = await api.unit.http.post(
        "/files",
        content=body(),
        headers={**api.unit.headers(), "content-type": "multipart/form-data; boundary=b"},
    )
    assert streamed.status_code == 413


async def test_upload_needs_a_token(api: Clients) -> None:
    answer = await api.anonymous.http.post("/files", files={"file": ("a.pdf", TINY_PDF)})
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "receipt.pdf",
            "attachment; filename=\"receipt.pdf\"; filename*=UTF-8''receipt.pdf",
            id="ascii",
        ),
        pytest.param(
            "收据.pdf",
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E6%94%B6%E6%8D%AE.pdf",
            id="chinese",
        ),
        pytest.param(
            'a"b;c.pdf',
            "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf",
            id="quotes",
        ),
    ],
)
def test_content_disposition_has_an_ascii_fallback(name: str, expected: str) -> None:
    assert content_disposition(name) == expected


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FUYUAN_DATABASE_URL": settings.database_url,
        "FUYUAN_FILES_DIR": str(settings.files_dir),
        "FUYUAN_FILES_URL": settings.files_url,
        "FUYUAN_S3_ENDPOINT_URL": settings.s3_endpoint_url or "",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--lang", "en", "files", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


async def test_files_check_and_gc_commands(api: Clients, settings: Settings) -> None:
    uploaded = (await upload(api.unit, TINY_PDF, name="gc.pdf")).json()
    checked = await asyncio.to_thread(_cli, settings, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 file(s), 1 blob(s) referenced; 0 dangling reference(s), 0 corrupt" in checked.stdout
    dry = await asyncio.to_thread(_cli, settings, "gc", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "0 unreferenced for over 24 hours would be removed" in dry.stdout
    # when the blob is lost (a restore that forgot var/files), check says so and fails
    from api.app import create_app

    blobs = create_app(settings).state.blobs
    await blobs.delete(uploaded["sha256"])
    lost = await asyncio.to_thread(_cli, settings, "check")
    assert lost.returncode == 1
    assert f"missing: {uploaded['sha256']}" in lost.stdout
    assert "1 dangling reference(s)" in lost.stdout


async def test_a_refusal_speaks_chinese_by_default(api: Clients) -> None:
    api.unit.language = ""
    answer = await upload(api.unit, b"MZ\x90\x00" + bytes(60), name="执行款收据.pdf")
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "「执行款收据.pdf」是可执行程序（MZ 格式）：只接受 PDF、JPEG、PNG、OFD、DOCX 和 XLSX 文件"
    )


ATTACHMENT_PAGE = """
query ($first: Int!) {
  tasks(first: $first, filter: {kind: ENFORCEMENT}) { nodes {
    id
    attachments { id name uploadedBy { username } }
    events(first: 2) { nodes { attachments { id url } } }
    subject {
      ... on EnforcementCase { attachments { id } }
      ... on BankruptcyCase { attachments { id } }
      ... on JointMeeting { attachments { id } }
    }
  } }
}
"""


async def test_attachments_cost_the_same_statements_for_5_tasks_and_15(
    api: Clients, statements: StatementCounter
) -> None:
    # given a file on the first task of the page and on its latest event
    from strawberry.relay import from_base64

    from store.models import Account, StoredFile, TaskEvent

    first = (await api.coordinator.data(ATTACHMENT_PAGE, first=1))["tasks"]["nodes"][0]
    task_id = int(from_base64(first["id"])[1])
    event = await TaskEvent.filter(task_id=task_id).order_by("-seq").first()
    assert event is not None
    await StoredFile.create(
        name="收据.pdf", size=len(TINY_PDF), sha256=hashlib.sha256(TINY_PDF).hexdigest(),
        content_type="application/pdf", uploaded_by=await Account.get(username="demo-court"),
        uploaded_at=dt.datetime.now(dt.UTC), task_id=task_id, event_id=event.id,
    )  # fmt: skip
    # when a page of 5, then of 15, is read with every attachments field (the cost limit
    # allows no more with so many nested lists)
    statements.statements.clear()
    small = await api.coordinator.data(ATTACHMENT_PAGE, first=5)
    for_5 = list(statements.statements)
    statements.statements.clear()
    large = await api.coordinator.data(ATTACHMENT_PAGE, first=15)
    for_15 = list(statements.statements)
    # then both cost the same number of SQL statements: one per kind of record, batched
    assert small["tasks"]["nodes"][0]["attachments"][0]["uploadedBy"] == {"username": "demo-court"}
    assert len(large["tasks"]["nodes"]) == 15
    assert len(for_5) == len(for_15), "\n".join(for_15)


async def test_a_retried_request_with_its_files_answers_its_first_result(api: Clients) -> None:
    # given a report sent with a file and an idempotency key, and a payment likewise
    uploaded = (await upload(api.unit, TINY_PDF)).json()
    task = await new_task(api, api.unit, "KF-CZJ")
    report = """mutation ($input: TransitionTaskInput!) {
      transitionTask(input: $input) { event { id attachments { id } } errors { code message } } }"""
    sent = {
        "taskId": task["id"], "action": "report", "expectedVersion": task["version"],
        "comment": "已付款", "evidenceFileIds": [uploaded["id"]], "idempotencyKey": "retry-1",
    }  # fmt: skip
    first = (await api.unit.data(report, input=sent))["transitionTask"]
    # when the same request is sent again (its answer was lost on the way)
    again = (await api.unit.data(report, input=sent))["transitionTask"]
    # then it answers the first event, with its file, and attaches nothing twice
    assert first["errors"] == []
    assert again["errors"] == []
    assert again["event"] == first["event"]
    assert first["event"]["attachments"] == [{"id": uploaded["id"]}]
    # and the same file in a new request (a new key) is refused, naming it
    sent["idempotencyKey"] = "retry-2"
    sent["expectedVersion"] = task["version"] + 1
    refused = (await api.unit.data(report, input=sent))["transitionTask"]
    assert refused["errors"][0]["code"] == "VALIDATION"
    assert uploaded["id"] in refused["errors"][0]["message"]
