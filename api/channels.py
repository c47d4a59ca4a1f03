"""The channels reminders go out on: SMTP e-mail, 企业微信 and 钉钉 group robots, and a
signed webhook for the city's SMS gateway (issue 20; docs/operations.md, Reminders).

Each sender takes one claimed delivery and either returns (sent) or raises
:class:`SendFailed` with the reason the administrator will read. Every message
carries its delivery id, the receiver's deduplication key:

* e-mail: ``Message-ID: <delivery-id@fuyuan>`` and ``X-Fuyuan-Delivery-Id``;
* robots and the webhook: the ``X-Fuyuan-Delivery-Id`` header, and the webhook's
  JSON also holds it as ``deliveryId``.

The webhook's body is signed: ``X-Fuyuan-Signature: sha256=<hex HMAC-SHA256 of the
raw body under FUYUAN_SMS_WEBHOOK_SECRET>``. A 钉钉 robot with 加签 gets
``timestamp`` (milliseconds) and ``sign`` = urlencode(base64(HMAC-SHA256 of
``timestamp + "\\n" + secret`` under the secret)), as DingTalk documents.

Text is Chinese (the liaisons' language), rendered from the notification's facts
when sent (``store.notifications.render``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import time
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx
from strawberry.relay import to_base64

from store.enums import NotificationChannel
from store.models import Delivery, Notification, UnitRobot
from store.notifications import render
from workflow.i18n import _, language

__all__ = [
    "ChannelSettings",
    "SendFailed",
    "dingtalk_sign",
    "send",
    "webhook_signature",
]

DELIVERY_HEADER = "X-Fuyuan-Delivery-Id"
SIGNATURE_HEADER = "X-Fuyuan-Signature"


class SendFailed(Exception):
    """A delivery could not be sent; ``reason`` is what the dead letter shows."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ChannelSettings:
    """Where the channels are: from FUYUAN_SMTP_*, FUYUAN_SMS_WEBHOOK_* and FUYUAN_PUBLIC_URL."""

    public_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls | ssl | none
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "fuyuan@localhost"
    sms_webhook_url: str = ""
    sms_webhook_secret: str = ""
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> ChannelSettings:
        env = os.environ
        security = env.get("FUYUAN_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
        if security not in ("starttls", "ssl", "none"):
            security = "starttls"
        default_port = 465 if security == "ssl" else 587
        port = env.get("FUYUAN_SMTP_PORT", "").strip()
        return cls(
            public_url=env.get("FUYUAN_PUBLIC_URL", cls.public_url).rstrip("/"),
            smtp_host=env.get("FUYUAN_SMTP_HOST", ""),
            smtp_port=int(port) if port.isdigit() else default_port,
            smtp_security=security,
            smtp_username=env.get("FUYUAN_SMTP_USERNAME", ""),
            smtp_password=env.get("FUYUAN_SMTP_PASSWORD", ""),
            smtp_from=env.get("FUYUAN_SMTP_FROM", cls.smtp_from),
            sms_webhook_url=env.get("FUYUAN_SMS_WEBHOOK_URL", ""),
            sms_webhook_secret=env.get("FUYUAN_SMS_WEBHOOK_SECRET", ""),
        )


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """钉钉 加签: urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def webhook_signature(body: bytes, secret: str) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw body, the SMS gateway checks it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _link(settings: ChannelSettings, notification: Notification) -> str:
    task_id = notification.task_id  # type: ignore[attr-defined]
    if task_id is None:
        return f"{settings.public_url}/#/"
    return f"{settings.public_url}/#/tasks/{to_base64('Task', task_id)}"


def _texts(notification: Notification) -> tuple[str, str]:
    with language("zh"):
        text = render(notification)
    return text.title, text.body


async def send(delivery: Delivery, settings: ChannelSettings, client: httpx.AsyncClient) -> None:
    """Send ``delivery`` (claimed, with its notification fetched) on its channel."""
    if delivery.channel is NotificationChannel.EMAIL:
        await _email(delivery, settings)
    elif delivery.channel is NotificationChannel.WEBHOOK:
        await _webhook(delivery, settings, client)
    else:
        await _robot(delivery, settings, client)


async def _email(delivery: Delivery, settings: ChannelSettings) -> None:
    if not settings.smtp_host:
        raise SendFailed(_("e-mail is not set up: FUYUAN_SMTP_HOST is empty"))
    notification = delivery.notification
    title, body = _texts(notification)
    link = _link(settings, notification)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = delivery.target
    message["Subject"] = f"【府院联动】{title}"
    message["Message-ID"] = f"<{delivery.delivery_id}@fuyuan>"
    message[DELIVERY_HEADER] = str(delivery.delivery_id)
    plain = "\n".join(part for part in (title, body, f"查看：{link}") if part)
    message.set_content(plain, charset="utf-8")
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in body.splitlines())
    message.add_alternative(
        f"<html><body><p><strong>{html.escape(title)}</strong></p>{lines}"
        f'<p><a href="{html.escape(link)}">在府院联动工作平台查看</a></p></body></html>',
        subtype="html",
        charset="utf-8",
    )
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            use_tls=settings.smtp_security == "ssl",
            start_tls=settings.smtp_security == "starttls",
            timeout=settings.timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as err:
        raise SendFailed(
            _(
                "the mail server {host}:{port} refused or could not be reached: {error}",
                host=settings.smtp_host,
                port=settings.smtp_port,
                error=err,
            )
        ) from err


async def _post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    try:
        response = await client.post(
            url, content=body, headers={"Content-Type": "application/json", **headers}
        )
    except httpx.HTTPError as err:
        raise SendFailed(
            _(
                "{host} could not be reached: {error}",
                host=urllib.parse.urlsplit(url).netloc,
                error=repr(err),
            )
        ) from err
    if response.status_code >= 300:
        raise SendFailed(
            _(
                "{host} answered HTTP {status}",
                host=urllib.parse.urlsplit(url).netloc,
                status=response.status_code,
            )
        )
    return response


async def _webhook(
    delivery: Delivery, settings: ChannelSettings, client: httpx.AsyncClient
) -> None:
    if not settings.sms_webhook_url:
        raise SendFailed(_("the SMS webhook is not set up: FUYUAN_SMS_WEBHOOK_URL is empty"))
    notification = delivery.notification
    title, body = _texts(notification)
    payload = {
        "deliveryId": str(delivery.delivery_id),
        "phone": delivery.target,
        "kind": notification.kind.value,
        "text": f"【府院联动】{title}",
        "detail": body,
        "link": _link(settings, notification),
    }
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {DELIVERY_HEADER: str(delivery.delivery_id)}
    if settings.sms_webhook_secret:
        headers[SIGNATURE_HEADER] = webhook_signature(raw, settings.sms_webhook_secret)
    await _post(client, settings.sms_webhook_url, raw, headers)


async def _robot(delivery: Delivery, settings: ChannelSettings, client: httpx.AsyncClient) -> None:
    robot = await UnitRobot.get_or_none(id=int(delivery.target))
    if robot is None:
        raise SendFailed(_("the unit's group robot {robot} was removed", robot=delivery.target))
    notification = delivery.notification
    title, body = _texts(notification)
    text = "\n\n".join(
        part for part in (f"**{title}**", body, f"[查看]({_link(settings, notification)})") if part
    )
    url = robot.url
    content: dict[str, Any]
    if robot.channel is NotificationChannel.DINGTALK:
        content = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if robot.secret:
            timestamp = int(time.time() * 1000)
            joiner = "&" if "?" in url else "?"
            url = (
                f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(timestamp, robot.secret)}"
            )
    else:
        content = {"msgtype": "markdown", "markdown": {"content": text}}
    raw = json.dumps(content, ensure_ascii=False).encode()
    response = await _post(client, url, raw, {DELIVERY_HEADER: str(delivery.delivery_id)})
    # Both robots answer 200 with {"errcode": 0} on success, another errcode otherwise.
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise SendFailed(
            _(
                "the group robot refused the message: errcode {code}, {reason}",
                code=answer.get("errcode"),
                reason=answer.get("errmsg"),
            )
        )
