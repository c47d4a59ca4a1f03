"""Notifications (issue 20): written with their cause, to the accounts it concerns only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from store.enums import DeliveryState, NotificationChannel, NotificationKind, Role, TaskState
from store.errors import ValidationError
from store.models import Account, Delivery, Notification, Task, UnitRobot
from store.notifications import mark_read, render, set_preferences, set_robot, unread_count
from store.operations.sweep import run_sweep
from store.operations.tasks import append_event
from store.operations.transitions import transition_task
from tests.store.factories import TODAY, Step, World, account, at, other_task
from tests.store.factories import world as make_world
from workflow.i18n import language


async def _move(task: Task, steps: list[Step], day: dt.date = dt.date(2026, 11, 2)) -> Task:
    for hour, (action, actor, extra) in enumerate(steps, start=9):
        result = await transition_task(
            task.id, action, actor, expected_version=task.version, now=at(day, hour), **extra
        )
        task = result.task
    return task


async def _told(kind: NotificationKind) -> list[str]:
    rows = await Notification.filter(kind=kind).order_by("id").prefetch_related("recipient")
    return [row.recipient.username for row in rows]


def _steps(w: World) -> dict[str, list[Step]]:
    assign: Step = ("assign", w.coordinator, {})
    started: list[Step] = [
        assign,
        ("accept", w.finance_liaison, {}),
        ("start", w.finance_liaison, {}),
    ]
    closure: Step = ("request_closure", w.finance_liaison, {"evidence": ["付款凭证"]})
    return {"assign": [assign], "started": started, "closure": [*started, closure]}


@pytest.mark.parametrize(
    ("path", "last", "kind", "told"),
    [
        pytest.param("assign", None, NotificationKind.ASSIGNED, ["finance", "finance2"], id="交办"),
        pytest.param(
            "started", "supervise", NotificationKind.SUPERVISED, ["finance", "finance2"], id="督办"
        ),
        pytest.param("started", "urge", NotificationKind.URGED, ["finance", "finance2"], id="催办"),
        pytest.param(
            "closure", None, NotificationKind.CLOSURE_REQUESTED, ["coordinator"], id="申请销号"
        ),
        pytest.param(
            "closure",
            "reject_closure",
            NotificationKind.CLOSURE_REJECTED,
            ["finance", "finance2"],
            id="驳回",
        ),
        pytest.param(
            "closure",
            "approve_closure",
            NotificationKind.CLOSURE_APPROVED,
            ["finance", "finance2"],
            id="销号",
        ),
    ],
)
async def test_each_event_tells_the_accounts_it_concerns_and_no_one_else(
    db: str, path: str, last: str | None, kind: NotificationKind, told: list[str]
) -> None:
    # given a task of the finance bureau, which has two liaisons, and the HR bureau's liaison
    w = await make_world()
    await account("finance2", Role.UNIT_LIAISON, w.finance)
    await account("finance-gone", Role.UNIT_LIAISON, w.finance, active=False)
    task = await other_task(w, due_on=dt.date(2026, 12, 30))
    steps = _steps(w)[path]
    if last is not None:
        extra = {"comment": "请加快办理"} if last != "approve_closure" else {}
        steps = [*steps, (last, w.coordinator, extra)]  # type: ignore[list-item]
    # when the events happen
    await _move(task, steps)
    # then exactly the accounts concerned are told: never the actor, another unit,
    # or a deactivated account
    assert await _told(kind) == told


async def test_a_rolled_back_event_leaves_no_notification(db: str) -> None:
    # given a task in DRAFT
    w = await make_world()
    task = await other_task(w, due_on=dt.date(2026, 12, 30))
    # when its assign event is written and the transaction then fails
    with pytest.raises(RuntimeError):  # noqa: PT012 (the failure is the block's last line)
        async with in_transaction() as conn:
            await append_event(
                task,
                action="assign",
                from_state=TaskState.DRAFT,
                to_state=TaskState.ASSIGNED,
                actor=w.coordinator,
                at=at(),
                using_db=conn,
            )
            assert await Notification.filter().using_db(conn).count() == 1
            raise RuntimeError("the caller fails after the event")
    # then nobody is told of what never happened
    assert await Notification.all().count() == 0


async def test_extension_requested_goes_to_the_office_and_the_answer_to_the_unit(db: str) -> None:
    w = await make_world()
    task = await other_task(w, due_on=dt.date(2026, 12, 30))
    task = await _move(task, _steps(w)["started"])
    task = await _move(
        task,
        [
            (
                "request_extension",
                w.finance_liaison,
                {"due_on": dt.date(2027, 1, 15), "comment": "需要补充材料"},
            ),
            ("extend", w.coordinator, {"comment": "同意延期", "due_on": dt.date(2027, 1, 15)}),
        ],
    )
    assert await _told(NotificationKind.EXTENSION_REQUESTED) == ["coordinator"]
    assert await _told(NotificationKind.EXTENSION_GRANTED) == ["finance"]
    asked = await Notification.get(kind=NotificationKind.EXTENSION_REQUESTED)
    with language("zh"):
        assert "2027年1月15日" in render(asked).title


async def test_the_sweep_warns_each_deadline_once_per_task_and_colour(db: str) -> None:
    # given, on Thursday 2026-11-26, a task due tomorrow (BLUE), one overdue (RED),
    # one due in three weeks, and a task suspended while overdue
    w = await make_world()
    assign: Step = ("assign", w.coordinator, {})
    blue = await _move(await other_task(w, "明日到期", due_on=dt.date(2026, 11, 27)), [assign])
    red = await _move(await other_task(w, "已逾期", due_on=dt.date(2026, 11, 20)), [assign])
    await _move(await other_task(w, "三周后到期", due_on=dt.date(2026, 12, 17)), [assign])
    hrss = await _move(
        await other_task(w, "人社局的", unit=w.hrss, due_on=dt.date(2026, 11, 25)), [assign]
    )
    # when the sweep runs twice that day and once the next
    first = await run_sweep(today=TODAY, now=at(TODAY, 2))
    await run_sweep(today=TODAY, now=at(TODAY, 3))
    await run_sweep(today=TODAY + dt.timedelta(days=1), now=at(TODAY + dt.timedelta(days=1), 2))
    # then each liaison heard once per task and colour: the finance bureau of its two,
    # the HR bureau of its own only
    due_soon = await Notification.filter(kind=NotificationKind.DUE_SOON).prefetch_related(
        "recipient", "task"
    )
    overdue = await Notification.filter(kind=NotificationKind.OVERDUE).prefetch_related(
        "recipient", "task"
    )
    assert sorted((n.facts["code"], n.recipient.username) for n in due_soon) == [
        (blue.code, "finance")
    ]
    assert sorted((n.facts["code"], n.recipient.username) for n in overdue) == sorted(
        [(red.code, "finance"), (hrss.code, "hrss")]
    )
    assert first.warned == 3


async def test_deliveries_follow_the_recipients_choices_and_the_units_robots(db: str) -> None:
    # given a liaison reached by e-mail and SMS, one by e-mail in a daily digest,
    # and the unit's 钉钉 group
    w = await make_world()
    w.finance_liaison.email = "finance@kaifeng.gov.cn"
    w.finance_liaison.phone = "13812341234"
    w.finance_liaison.notify_channels = ["EMAIL", "WEBHOOK"]
    await w.finance_liaison.save()
    await Account.create(
        username="finance-digest",
        display_name="汇总",
        role=Role.UNIT_LIAISON,
        unit=w.finance,
        password_hash="!test-only",
        email="digest@kaifeng.gov.cn",
        notify_channels=["EMAIL"],
        notify_mode="DIGEST",
    )
    await UnitRobot.create(
        unit=w.finance, channel=NotificationChannel.DINGTALK, url="http://x/robot", secret="s"
    )
    # when a task is assigned to the unit
    await _move(await other_task(w, due_on=dt.date(2026, 12, 30)), _steps(w)["assign"])
    # then the outbox holds the liaison's e-mail and SMS and one message to the group
    rows = await Delivery.all().order_by("id")
    assert sorted((d.channel.value, d.target) for d in rows) == sorted(
        [
            ("EMAIL", "finance@kaifeng.gov.cn"),
            ("WEBHOOK", "13812341234"),
            ("DINGTALK", str((await UnitRobot.get()).id)),
        ]
    )
    assert {d.state for d in rows} == {DeliveryState.PENDING}
    assert len({d.delivery_id for d in rows}) == 3


async def test_marking_read_touches_only_the_readers_own(db: str) -> None:
    w = await make_world()
    await account("finance2", Role.UNIT_LIAISON, w.finance)
    for title in ("一", "二"):
        await _move(await other_task(w, title, due_on=dt.date(2026, 12, 30)), _steps(w)["assign"])
    mine = await Notification.filter(recipient=w.finance_liaison).order_by("id")
    other = await Notification.filter(recipient__username="finance2").first()
    assert other is not None
    assert await unread_count(w.finance_liaison) == 2
    assert await mark_read(w.finance_liaison, [mine[0].id, other.id]) == 1
    assert await unread_count(w.finance_liaison) == 1
    assert await mark_read(w.finance_liaison, None) == 1
    assert await unread_count(w.finance_liaison) == 0
    assert await unread_count(await Account.get(username="finance2")) == 2


@pytest.mark.parametrize(
    ("channel", "url", "code"),
    [
        pytest.param("DINGTALK", "https://oapi.dingtalk.com/robot/send?t=1", None, id="dingtalk"),
        pytest.param("wecom", "https://qyapi.weixin.qq.com/webhook/send?key=k", None, id="wecom"),
        pytest.param("EMAIL", "https://x", "robot.channel", id="not-a-robot"),
        pytest.param("DINGTALK", "oapi.dingtalk.com/robot", "robot.url", id="no-scheme"),
    ],
)  # fmt: skip
async def test_a_units_robot_is_set_with_a_checked_channel_and_address(
    db: str, channel: str, url: str, code: str | None
) -> None:
    w = await make_world()
    if code is None:
        robot = await set_robot(w.finance.code, channel, url, "SEC1")
        assert (robot.channel.value, robot.url) == (channel.upper(), url)
        again = await set_robot(w.finance.code, channel, url + "2")
        assert await UnitRobot.filter(unit=w.finance).count() == 1
        assert again.url == url + "2"
    else:
        with pytest.raises(ValidationError) as refused:
            await set_robot(w.finance.code, channel, url)
        assert refused.value.rule == code


@pytest.mark.parametrize(
    ("given", "code"),
    [
        pytest.param(
            {"email": "zhao@kaifeng.gov.cn", "channels": ["EMAIL"], "mode": "digest"},
            None,
            id="good",
        ),
        pytest.param({"email": ""}, None, id="no-email"),
        pytest.param({"email": "zhao.kaifeng.gov.cn"}, "email.format", id="no-at"),
        pytest.param({"email": "zhao@kaifeng\x00.gov.cn"}, "text.control", id="nul"),
        pytest.param({"email": "z" * 250 + "@kf.cn"}, "text.length", id="too-long"),
        pytest.param({"channels": ["EMAIL", "FAX"]}, "channels.unknown", id="fax"),
        pytest.param({"mode": "WEEKLY"}, "mode.unknown", id="weekly"),
        pytest.param({"channels": ["EMAIL"]}, "email.required", id="e-mail-without-address"),
        pytest.param({"email": "", "channels": ["EMAIL"]}, "email.required", id="address-removed"),
    ],
)  # fmt: skip
async def test_an_accounts_reminder_choices_are_checked(
    db: str, given: dict[str, Any], code: str | None
) -> None:
    w = await make_world()
    if code is None:
        account = await set_preferences(w.finance_liaison.username, **given)
        stored = await Account.get(id=account.id)
        assert stored.email == (given["email"] or None)
        if "mode" in given:
            assert stored.notify_mode.value == "DIGEST"
            assert stored.notify_channels == ["EMAIL"]
    else:
        with pytest.raises(ValidationError) as refused:
            await set_preferences(w.finance_liaison.username, **given)
        assert refused.value.rule == code
