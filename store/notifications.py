"""Notifications (提醒, issue 20): who is told of what, written beside its cause.

A notification is written in the transaction of the event that causes it
(``store.operations.tasks.append_event`` calls :func:`notify_event` right after
the event row), so it exists exactly when its cause does: a transition that
rolls back leaves no reminder of itself. Beside each notification, in the same
transaction, go its deliveries (``delivery``: the outbox the worker of
``store.outbox`` claims), one per channel the recipient chose when it is
reminded at once, and one per group robot of the unit concerned.

Who is told:

* the liaisons of the task's responsible unit (unit and court liaisons of that
  unit only: a liaison never hears of another unit's task) — 交办/改派, 督办,
  催办, 销号 approved or rejected, 延期 granted or refused, and the sweep's
  BLUE (due within 3 working days) and RED (overdue) warnings;
* the coordinators (联席办) — a closure or an extension requested;
* the leaders — a briefing issued.

Nobody is told of what they did themselves. A notification keeps facts (code,
title, dates, the level …), never a sentence: :func:`render` writes the text in
the reader's language when it is read or delivered.

The sweep's warnings are once per task, colour and due date: ``dedup_key`` is
unique, so a second sweep the same day, or the next, writes nothing; an
extension moves the due date, and the new deadline is warned of again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from store.enums import (
    NotificationChannel,
    NotificationKind,
    NotificationMode,
    Role,
)
from store.errors import NotFound, ValidationError
from store.inputs import optional_single_line
from store.models import (
    Account,
    Briefing,
    Delivery,
    Notification,
    Task,
    TaskEvent,
    Unit,
    UnitRobot,
)
from workflow.i18n import N_, _

__all__ = [
    "KIND_OF_ACTION",
    "Rendered",
    "mark_read",
    "notifications_of",
    "notify_briefing",
    "notify_event",
    "notify_warning",
    "render",
    "set_preferences",
    "set_robot",
    "unread_count",
]

LIAISON_ROLES = (Role.UNIT_LIAISON, Role.COURT_LIAISON)

#: The events that tell someone, and what they tell.
KIND_OF_ACTION: dict[str, NotificationKind] = {
    "assign": NotificationKind.ASSIGNED,
    "reassign": NotificationKind.ASSIGNED,
    "supervise": NotificationKind.SUPERVISED,
    "urge": NotificationKind.URGED,
    "request_closure": NotificationKind.CLOSURE_REQUESTED,
    "approve_closure": NotificationKind.CLOSURE_APPROVED,
    "reject_closure": NotificationKind.CLOSURE_REJECTED,
    "request_extension": NotificationKind.EXTENSION_REQUESTED,
    "extend": NotificationKind.EXTENSION_GRANTED,
    "refuse_extension": NotificationKind.EXTENSION_REFUSED,
}

#: What the coordinators are told; every other kind of a task goes to its unit.
TO_COORDINATORS = frozenset(
    {NotificationKind.CLOSURE_REQUESTED, NotificationKind.EXTENSION_REQUESTED}
)

#: The channels an account may choose for itself (robots belong to units).
PERSONAL_CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.WEBHOOK)

TITLES: dict[NotificationKind, str] = {
    NotificationKind.ASSIGNED: N_("New task for your unit: {code} {title}"),
    NotificationKind.DUE_SOON: N_("Due soon: {code} {title} is due on {due_on}"),
    NotificationKind.OVERDUE: N_("Overdue: {code} {title} was due on {due_on}"),
    NotificationKind.SUPERVISED: N_("Supervised (督办): {code} {title}, now {level}"),
    NotificationKind.URGED: N_("Urged (催办): {code} {title}"),
    NotificationKind.CLOSURE_REQUESTED: N_("Closure requested: {code} {title}"),
    NotificationKind.CLOSURE_APPROVED: N_("Closure approved: {code} {title} is struck off"),
    NotificationKind.CLOSURE_REJECTED: N_("Closure rejected: {code} {title}"),
    NotificationKind.EXTENSION_REQUESTED: N_("Extension requested: {code} {title}, to {due_on}"),
    NotificationKind.EXTENSION_GRANTED: N_(
        "Extension granted: {code} {title} is now due on {due_on}"
    ),
    NotificationKind.EXTENSION_REFUSED: N_("Extension refused: {code} {title}"),
    NotificationKind.BRIEFING_ISSUED: N_("Briefing issued: {title}"),
    NotificationKind.DIGEST: N_("Waiting on you today: {count} items"),
}


@dataclass(frozen=True)
class Rendered:
    """A notification's text in the current language."""

    title: str
    body: str


def _date(value: Any) -> dt.date | str:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return "" if value is None else str(value)


def render(notification: Notification) -> Rendered:
    """The title and body of ``notification`` in the current language (``workflow.i18n``)."""
    facts = notification.facts
    fields = {
        "code": facts.get("code", ""),
        "title": facts.get("title", ""),
        "due_on": _date(facts.get("dueOn")),
        "level": facts.get("level", ""),
        "count": facts.get("count", 0),
    }
    title = _(TITLES[notification.kind], **fields)
    lines = []
    if facts.get("unit"):
        lines.append(_("Unit: {unit}", unit=facts["unit"]))
    if facts.get("comment"):
        lines.append(_("Comment: {comment}", comment=facts["comment"]))
    for item in facts.get("items", []):
        lines.append(
            _(
                "{section}: {code} {title}",
                section=item.get("section", ""),
                code=item.get("code", ""),
                title=item.get("title", ""),
            )
        )
    return Rendered(str(title), "\n".join(str(line) for line in lines))


async def _liaisons(unit_id: int, conn: BaseDBAsyncClient) -> list[Account]:
    rows: list[Account] = (
        await Account.filter(unit_id=unit_id, role__in=LIAISON_ROLES, is_active=True)
        .using_db(conn)
        .order_by("id")
    )
    return rows


async def _with_role(role: Role, conn: BaseDBAsyncClient) -> list[Account]:
    rows: list[Account] = (
        await Account.filter(role=role, is_active=True).using_db(conn).order_by("id")
    )
    return rows


def task_facts(task: Task, **extra: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "code": task.code,
        "title": task.title,
        "taskId": task.id,
        "dueOn": task.due_on.isoformat() if task.due_on else None,
        "level": task.supervision_level.label if task.supervision_level else "",
    }
    facts.update({key: value for key, value in extra.items() if value not in (None, "")})
    return facts


async def notify_event(
    task: Task, event: TaskEvent, actor: Account | None, *, using_db: BaseDBAsyncClient
) -> list[Notification]:
    """The notifications ``event`` causes, written on the caller's transaction."""
    kind = KIND_OF_ACTION.get(event.action)
    if kind is None:
        return []
    if kind in TO_COORDINATORS:
        recipients = await _with_role(Role.COORDINATOR, using_db)
        unit_id = None
    else:
        unit_id = task.responsible_unit_id  # type: ignore[attr-defined]
        recipients = await _liaisons(unit_id, using_db)
    payload = event.payload or {}
    due_on = payload.get("requestedDueOn") if kind is NotificationKind.EXTENSION_REQUESTED else None
    if kind is NotificationKind.EXTENSION_REQUESTED and due_on is None and event.due_on:
        due_on = event.due_on.isoformat()
    facts = task_facts(task, comment=event.comment, action=event.action)
    if due_on:
        facts["dueOn"] = due_on
    if kind in TO_COORDINATORS and actor is not None:
        facts["unit"] = await _unit_name(task.responsible_unit_id, using_db)  # type: ignore[attr-defined]
    return await write_notifications(
        [a for a in recipients if actor is None or a.id != actor.id],
        kind,
        facts,
        at=event.occurred_at,
        task=task,
        event=event,
        robot_unit_id=unit_id,
        using_db=using_db,
    )


async def _unit_name(unit_id: int, conn: BaseDBAsyncClient) -> str:
    unit = await Unit.get_or_none(id=unit_id, using_db=conn)
    return unit.name if unit is not None else ""


async def notify_warning(
    task: Task, kind: NotificationKind, *, at: dt.datetime
) -> list[Notification]:
    """The sweep's BLUE (``DUE_SOON``) or RED (``OVERDUE``) warning of ``task``, once per
    task, colour, due date and liaison; [] when every liaison was warned already."""
    colour = "BLUE" if kind is NotificationKind.DUE_SOON else "RED"
    due = task.due_on.isoformat() if task.due_on else "-"
    try:
        async with in_transaction() as conn:
            unit_id = task.responsible_unit_id  # type: ignore[attr-defined]
            recipients = await _liaisons(unit_id, conn)
            keys = {a.id: f"{colour}:{task.id}:{due}:{a.id}" for a in recipients}
            seen: set[Any] = set(
                await Notification.filter(dedup_key__in=list(keys.values()))
                .using_db(conn)
                .values_list("dedup_key", flat=True)
            )
            fresh = [a for a in recipients if keys[a.id] not in seen]
            if not fresh:
                return []
            return await write_notifications(
                fresh,
                kind,
                task_facts(task),
                at=at,
                task=task,
                robot_unit_id=unit_id,
                dedup_keys=keys,
                using_db=conn,
            )
    except IntegrityError:
        # Another sweep warned them at the same moment: once is enough.
        return []


async def notify_briefing(
    briefing: Briefing, *, at: dt.datetime, using_db: BaseDBAsyncClient
) -> list[Notification]:
    """Tell the leaders a briefing is issued (on the issuing transaction)."""
    leaders = await _with_role(Role.LEADER, using_db)
    return await write_notifications(
        leaders,
        NotificationKind.BRIEFING_ISSUED,
        {"title": briefing.title, "briefingId": briefing.id},
        at=at,
        briefing=briefing,
        using_db=using_db,
    )


def personal_targets(account: Account) -> list[tuple[NotificationChannel, str]]:
    """The channels ``account`` chose and can be reached on (an address, a phone)."""
    targets = []
    for channel in PERSONAL_CHANNELS:
        if channel.value not in (account.notify_channels or []):
            continue
        target = account.email if channel is NotificationChannel.EMAIL else account.phone
        if target:
            targets.append((channel, target))
    return targets


async def write_notifications(
    recipients: Sequence[Account],
    kind: NotificationKind,
    facts: dict[str, Any],
    *,
    at: dt.datetime,
    using_db: BaseDBAsyncClient,
    task: Task | None = None,
    event: TaskEvent | None = None,
    briefing: Briefing | None = None,
    robot_unit_id: int | None = None,
    dedup_keys: dict[int, str] | None = None,
    deliver_now: bool = False,
) -> list[Notification]:
    """One notification per recipient and its deliveries, on ``using_db``: to the channels
    of those reminded at once (or of everyone, with ``deliver_now``: the digest)."""
    at = at.astimezone(dt.UTC)
    written = []
    deliveries: list[Delivery] = []
    for account in recipients:
        notification = await Notification.create(
            recipient=account,
            kind=kind,
            task=task,
            event=event,
            briefing=briefing,
            facts=facts,
            dedup_key=(dedup_keys or {}).get(account.id),
            created_at=at,
            using_db=using_db,
        )
        written.append(notification)
        if deliver_now or account.notify_mode is NotificationMode.IMMEDIATE:
            deliveries.extend(
                _delivery(notification, channel, target, at)
                for channel, target in personal_targets(account)
            )
    if robot_unit_id is not None and written:
        robots = await UnitRobot.filter(unit_id=robot_unit_id).using_db(using_db).order_by("id")
        deliveries.extend(
            _delivery(written[0], robot.channel, str(robot.id), at) for robot in robots
        )
    if deliveries:
        await Delivery.bulk_create(deliveries, using_db=using_db)
    return written


def _delivery(
    notification: Notification, channel: NotificationChannel, target: str, at: dt.datetime
) -> Delivery:
    return Delivery(
        notification=notification,
        channel=channel,
        target=target,
        delivery_id=uuid.uuid4(),
        next_attempt_at=at,
        created_at=at,
    )


def notifications_of(account: Account, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The in-app notifications of ``account``, newest first (a queryset)."""
    query = Notification.filter(recipient_id=account.id).exclude(kind=NotificationKind.DIGEST)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return query.order_by("-id")


async def unread_count(account: Account) -> int:
    return int(await notifications_of(account, unread_only=True).count())


async def mark_read(
    account: Account, ids: Iterable[int] | None, *, at: dt.datetime | None = None
) -> int:
    """Mark ``ids`` (or every unread one, with None) of ``account``'s notifications read;
    the number marked. Another account's ids are left alone: they are not its own."""
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    query = Notification.filter(recipient_id=account.id, read_at__isnull=True)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    async with in_transaction() as conn:
        return int(await query.using_db(conn).update(read_at=at))


async def set_robot(
    unit_code: str, channel: NotificationChannel | str, url: str, secret: str = ""
) -> UnitRobot:
    """Set (or replace) a unit's 企业微信 or 钉钉 group robot (``fuyuan notify --robot``)."""
    if str(channel).upper() not in (NotificationChannel.WECOM, NotificationChannel.DINGTALK):
        raise ValidationError(
            "channel", "robot.channel", _("a group robot is WECOM (企业微信) or DINGTALK (钉钉)")
        )
    kind = NotificationChannel(str(channel).upper())
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise ValidationError("url", "robot.url", _("give the robot's webhook address (https://…)"))
    unit = await Unit.get_or_none(code=unit_code)
    if unit is None:
        raise NotFound("unit", "unit", unit_code)
    async with in_transaction() as conn:
        await UnitRobot.filter(unit=unit, channel=kind).using_db(conn).delete()
        return await UnitRobot.create(
            unit=unit, channel=kind, url=url, secret=secret, using_db=conn
        )


async def set_preferences(
    account: Account | str,
    *,
    email: str | None = None,
    channels: Sequence[str] | None = None,
    mode: str | None = None,
) -> Account:
    """Set an account's e-mail, reminder channels and mode: the account as loaded
    (setNotificationPreferences), or by its username (``fuyuan notify --account``)."""
    if isinstance(account, str):
        found = await Account.get_or_none(username=account)
        if found is None:
            raise NotFound("username", "account", account)
        account = found
    if email is not None:
        # one visible line (no control character: PostgreSQL refuses NUL in text)
        email = optional_single_line(email, field="email", max_length=254)
        if email and ("@" not in email or " " in email):
            raise ValidationError("email", "email.format", _("is not an e-mail address"))
        account.email = email
    if channels is not None:
        chosen = [c.strip().upper() for c in channels if c.strip()]
        allowed = {c.value for c in PERSONAL_CHANNELS}
        if any(c not in allowed for c in chosen):
            raise ValidationError(
                "channels", "channels.unknown", _("channels are EMAIL and WEBHOOK (SMS)")
            )
        account.notify_channels = chosen
    if mode is not None:
        if mode.upper() not in {m.value for m in NotificationMode}:
            raise ValidationError(
                "mode", "mode.unknown", _("the mode is IMMEDIATE or DIGEST (每日汇总)")
            )
        account.notify_mode = NotificationMode(mode.upper())
    if NotificationChannel.EMAIL.value in account.notify_channels and not account.email:
        raise ValidationError(
            "email",
            "email.required",
            _("reminders by e-mail need an e-mail address: give email as well"),
        )
    if NotificationChannel.WEBHOOK.value in account.notify_channels and not account.phone:
        raise ValidationError(
            "channels",
            "channels.phone_required",
            _("reminders by SMS need the account's telephone: enter it first"),
        )
    await account.save(update_fields=["email", "notify_channels", "notify_mode", "updated_at"])
    return account
