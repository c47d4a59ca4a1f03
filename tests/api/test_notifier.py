"""The delivery worker against real receivers: an SMTP server and an HTTP server (issue 20)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator

import httpx
import pytest

from api.channels import ChannelSettings
from api.notifier import WorkerSettings, run_once, send_digests
from store.enums import DeliveryState, NotificationChannel, NotificationKind, Role
from store.models import Account, Delivery, Notification, UnitRobot
from store.operations.transitions import transition_task
from store.outbox import resend
from tests.conftest import fuyuan_command, prepare
from tests.receivers import HttpReceiver, Received, http_server, smtp_server
from tests.store.factories import World, account, at, other_task
from tests.store.factories import world as make_world
from workflow.clock import SHANGHAI

SECRET = "SEC-dingtalk-test-secret"
SMS_SECRET = "sms-gateway-secret"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Received]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def hooks() -> Iterator[HttpReceiver]:
    with http_server() as server:
        yield server


def _settings(smtp_port: int, hooks: HttpReceiver, **extra: object) -> WorkerSettings:
    channels = ChannelSettings(
        public_url="https://fuyuan.kaifeng.gov.cn",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_security="none",
        smtp_from="fuyuan@kaifeng.gov.cn",
        sms_webhook_url=hooks.url("/sms"),
        sms_webhook_secret=SMS_SECRET,
    )
    return WorkerSettings(channels=channels, **extra)  # type: ignore[arg-type]


async def _drain(settings: WorkerSettings) -> None:
    async with httpx.AsyncClient() as client:
        while await run_once(settings, client):
            pass


async def _liaison(w: World, *channels: str) -> Account:
    w.finance_liaison.email = "zhao@kaifeng.gov.cn"
    w.finance_liaison.phone = "13703780003"
    w.finance_liaison.notify_channels = list(channels)
    await w.finance_liaison.save()
    return w.finance_liaison


async def _assign(w: World) -> None:
    task = await other_task(w, "督促履行生效判决", due_on=dt.date(2026, 12, 30))
    await transition_task(task.id, "assign", w.coordinator, expected_version=1, now=at())


async def test_an_email_reaches_a_real_smtp_server_in_chinese_with_its_id(
    db: str, smtp: tuple[int, Received], hooks: HttpReceiver
) -> None:
    # given a liaison reminded by e-mail
    w = await make_world()
    await _liaison(w, "EMAIL")
    # when a task is assigned to its unit and the worker runs
    await _assign(w)
    await _drain(_settings(smtp[0], hooks))
    # then the SMTP server received one message, in Chinese, with a link to the task
    (mail,) = smtp[1].items
    delivery = await Delivery.get()
    assert mail["delivery_id"] == str(delivery.delivery_id)
    assert mail["message_id"] == f"<{delivery.delivery_id}@fuyuan>"
    assert mail["to"] == ["zhao@kaifeng.gov.cn"]
    assert "新交办事项" in mail["subject"]
    assert "督促履行生效判决" in mail["plain"]
    assert "https://fuyuan.kaifeng.gov.cn/#/tasks/" in mail["plain"]
    assert 'href="https://fuyuan.kaifeng.gov.cn/#/tasks/' in mail["html"]
    assert delivery.state is DeliveryState.SENT


def _expected_dingtalk_sign(timestamp: str, secret: str) -> str:
    # DingTalk's documented algorithm: string_to_sign = timestamp + "\n" + secret;
    # HMAC-SHA256 keyed by the secret; base64; then URL-encoded in the query.
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("utf-8")


async def test_the_dingtalk_robot_gets_a_signed_request_and_wecom_its_markdown(
    db: str, smtp: tuple[int, Received], hooks: HttpReceiver
) -> None:
    # given the unit's 钉钉 group (加签) and its 企业微信 group
    w = await make_world()
    await UnitRobot.create(
        unit=w.finance, channel=NotificationChannel.DINGTALK, url=hooks.url("/ding"), secret=SECRET
    )
    await UnitRobot.create(unit=w.finance, channel=NotificationChannel.WECOM, url=hooks.url("/wx"))
    # when a task is assigned and the worker runs
    await _assign(w)
    await _drain(_settings(smtp[0], hooks))
    # then each group got one message
    by_path = {item["path"]: item for item in hooks.received.items}
    assert set(by_path) == {"/ding", "/wx"}
    ding = by_path["/ding"]
    (timestamp,) = ding["query"]["timestamp"]
    (sign,) = ding["query"]["sign"]
    # signed by DingTalk's rule, computed here independently
    assert sign == _expected_dingtalk_sign(timestamp, SECRET)
    assert abs(int(timestamp) / 1000 - dt.datetime.now(dt.UTC).timestamp()) < 60
    assert ding["json"]["msgtype"] == "markdown"
    assert "新交办事项" in ding["json"]["markdown"]["title"]
    assert "督促履行生效判决" in by_path["/wx"]["json"]["markdown"]["content"]
    ids = {str(d.delivery_id) for d in await Delivery.all()}
    assert {ding["delivery_id"], by_path["/wx"]["delivery_id"]} == ids


async def test_the_sms_webhook_body_is_signed_with_hmac_sha256(
    db: str, smtp: tuple[int, Received], hooks: HttpReceiver
) -> None:
    w = await make_world()
    await _liaison(w, "WEBHOOK")
    await _assign(w)
    await _drain(_settings(smtp[0], hooks))
    (sms,) = hooks.received.items
    expected = hmac.new(SMS_SECRET.encode(), sms["raw"], hashlib.sha256).hexdigest()
    assert sms["headers"]["X-Fuyuan-Signature"] == f"sha256={expected}"
    assert sms["json"]["phone"] == "13703780003"
    assert sms["json"]["deliveryId"] == sms["delivery_id"]
    assert sms["json"]["text"].startswith("【府院联动】新交办事项")


async def test_failures_retry_then_dead_letter_then_resend(
    db: str, smtp: tuple[int, Received], hooks: HttpReceiver
) -> None:
    # given an SMS gateway that fails twice, and a worker allowed two tries
    w = await make_world()
    await _liaison(w, "WEBHOOK")
    await _assign(w)
    hooks.fail_first = 2
    settings = _settings(smtp[0], hooks, max_attempts=2, backoff_base=dt.timedelta(minutes=1))
    # when the worker tries, waits out the backoff, and tries again
    await _drain(settings)
    delivery = await Delivery.get()
    assert delivery.state is DeliveryState.PENDING
    assert delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error
    await Delivery.filter(id=delivery.id).update(next_attempt_at=dt.datetime.now(dt.UTC))
    await _drain(settings)
    # then it is dead, with its last error, and nothing arrived
    delivery = await Delivery.get()
    assert delivery.state is DeliveryState.DEAD
    assert delivery.attempts == 2
    assert "HTTP 500" in delivery.last_error
    assert hooks.received.items == []
    # and sent again by the administrator, it arrives once, with the same id
    await resend(delivery.id)
    await _drain(settings)
    assert (await Delivery.get()).state is DeliveryState.SENT
    assert hooks.received.ids() == [str(delivery.delivery_id)]


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        pytest.param(_local(dt.date(2026, 12, 1), 8, 30), 1, id="working-day-0830"),
        pytest.param(_local(dt.date(2026, 12, 1), 8, 29), 0, id="before-0830"),
        pytest.param(_local(dt.date(2026, 10, 1), 9, 0), 0, id="national-day"),
        pytest.param(_local(dt.date(2026, 12, 5), 9, 0), 0, id="saturday"),
        pytest.param(_local(dt.date(2026, 10, 10), 9, 0), 1, id="make-up-saturday"),
    ],
)
async def test_the_daily_digest_goes_out_on_working_days_only(
    db: str, smtp: tuple[int, Received], hooks: HttpReceiver, moment: dt.datetime, written: int
) -> None:
    # given a liaison who chose one daily e-mail, with a task waiting to be accepted
    w = await make_world()
    liaison = await _liaison(w, "EMAIL")
    liaison.notify_mode = "DIGEST"  # type: ignore[assignment]
    await liaison.save()
    await account("finance-now", Role.UNIT_LIAISON, w.finance)
    await _assign(w)
    assert await Delivery.all().count() == 0, "no immediate e-mail in digest mode"
    # when the digest time comes, and the worker looks again a little later
    assert await send_digests(moment) == written
    if written:
        assert await send_digests(moment + dt.timedelta(minutes=5)) == 0
    await _drain(_settings(smtp[0], hooks))
    # then on a working day one e-mail lists what waits, and none on a day off
    assert len(smtp[1].items) == written
    if written:
        (mail,) = smtp[1].items
        assert "今日待办：共1项" in mail["subject"]
        assert "待签收" in mail["plain"]
        assert "督促履行生效判决" in mail["plain"]
        digest = await Notification.get(kind=NotificationKind.DIGEST)
        assert digest.recipient_id == liaison.id  # type: ignore[attr-defined]


async def test_a_lost_lease_is_sent_again_with_the_same_id(
    db: str, smtp: tuple[int, Received], hooks: HttpReceiver
) -> None:
    # given a delivery claimed by a worker that died before recording it
    w = await make_world()
    await _liaison(w, "WEBHOOK")
    await _assign(w)
    from store.outbox import claim

    (claimed,) = await claim(10, lease=dt.timedelta(milliseconds=1))
    # when another worker runs after the lease ran out
    await _drain(_settings(smtp[0], hooks))
    # then it is sent, with the id the first claim held
    assert hooks.received.ids() == [str(claimed.delivery_id)]
    assert json.loads(hooks.received.items[0]["raw"])["deliveryId"] == str(claimed.delivery_id)


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        pytest.param(
            ("--account", "demo-unit", "--email", "zhao@kaifeng.gov.cn", "--channels", "EMAIL"),
            0, "提醒渠道 EMAIL（即时）", id="account",
        ),
        pytest.param(("--account", "demo-unit", "--mode", "WEEKLY"), 2, "提醒方式须为", id="mode"),
        pytest.param(
            ("--robot", "KF-CZJ", "--channel", "DINGTALK", "--url", "https://oapi.dingtalk.com/r"),
            0, "已设置 DINGTALK 群机器人", id="robot",
        ),
        pytest.param(("--robot", "KF-CZJ", "--channel", "FAX", "--url", "https://x"), 2,
                     "群机器人须为", id="not-a-robot"),
        pytest.param(("--once",), 0, "发送队列：已发送0条，待发送0条，发送失败0条", id="once"),
    ],
)  # fmt: skip
def test_fuyuan_notify_sets_up_the_channels_and_runs_once(
    demo_cli_url: str, args: tuple[str, ...], status: int, said: str
) -> None:
    done = fuyuan_command("--lang", "zh", "notify", *args, url=demo_cli_url)
    assert done.returncode == status, done.stderr
    assert said in done.stdout + done.stderr


@pytest.fixture(scope="module")
def demo_cli_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite://{tmp_path_factory.mktemp('notify-cli') / 'demo.sqlite3'}"
    prepare(url, ("migrate",), ("seed", "--demo"))
    return url
