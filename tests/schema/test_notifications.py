"""The viewer's notifications, the bell's count, marking read, and the dead letters (issue 20)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from strawberry.relay import to_base64

from store.enums import DeliveryState, NotificationChannel, NotificationKind, TaskState
from store.models import Account, Delivery, Notification, Task
from tests.schema.conftest import Api, Clients

MINE = """
query ($unreadOnly: Boolean!) {
  viewer {
    username unreadNotificationCount
    notifications(first: 100, unreadOnly: $unreadOnly) {
      totalCount
      nodes { id kind title taskCode readAt task { code responsibleUnit { code } } }
    }
  }
}
"""
COUNT = "{ viewer { unreadNotificationCount } }"
OTHERS = """
{ accounts(first: 5) { nodes { username unreadNotificationCount } } }
"""
MARK = """
mutation ($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) {
    marked viewer { unreadNotificationCount } errors { field code message }
  }
}
"""
ASSIGN = """
mutation ($input: TransitionTaskInput!) {
  transitionTask(input: $input) { task { state } errors { code message } }
}
"""
DEAD = """
{ deadDeliveries(first: 10) { totalCount nodes { id channel deliveryId attempts lastError } } }
"""
RESEND = """
mutation ($id: ID!) {
  resendDelivery(input: {deliveryId: $id}) { delivery { state attempts } errors { code } }
}
"""
EMAIL = """
query ($id: ID!) { node(id: $id) { ... on Account { email } } }
"""


async def _count(client: Api) -> int:
    return int((await client.data(COUNT))["viewer"]["unreadNotificationCount"])


async def test_a_liaison_reads_only_notifications_of_its_own_units_tasks(api: Clients) -> None:
    # given the demo, whose tasks were assigned to the units (the coordinator's 交办)
    data = (await api.unit.data(MINE, unreadOnly=False))["viewer"]
    nodes = data["notifications"]["nodes"]
    # then the finance bureau's liaison was told of its own tasks, and of no other unit's
    assert nodes, "the demo's 交办 told demo-unit"
    assert {n["task"]["responsibleUnit"]["code"] for n in nodes if n["task"]} == {"KF-CZJ"}
    assert data["unreadNotificationCount"] == sum(1 for n in nodes if n["readAt"] is None)
    theirs = (await api.unit2.data(MINE, unreadOnly=False))["viewer"]["notifications"]["nodes"]
    assert {n["id"] for n in nodes}.isdisjoint({n["id"] for n in theirs})
    assert "KF-CZJ" not in {n["task"]["responsibleUnit"]["code"] for n in theirs if n["task"]}


async def test_nobody_reads_another_accounts_notifications(api: Clients) -> None:
    # an administrator listing accounts may not read their bells
    body = await api.admin(OTHERS)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # and a notification's ID answers null to anyone but its recipient
    mine = (await api.unit.data(MINE, unreadOnly=False))["viewer"]["notifications"]["nodes"]
    found = await api.coordinator.data(
        "query ($id: ID!) { node(id: $id) { id } }", id=mine[0]["id"]
    )
    assert found["node"] is None


async def test_an_urge_rings_the_units_bell_and_no_other(api: Clients) -> None:
    # given a task the finance bureau is working on
    task = await Task.filter(state=TaskState.ACCEPTED, responsible_unit__code="KF-CZJ").first()
    assert task is not None, "the demo has one"
    before, other_before = await _count(api.unit), await _count(api.unit2)
    # when the office urges it (催办)
    data = await api.coordinator.data(
        ASSIGN,
        input={
            "taskId": to_base64("Task", task.id),
            "action": "urge",
            "expectedVersion": task.version,
            "comment": "请于本周内报告进展",
        },
    )
    assert data["transitionTask"]["errors"] == []
    # then the finance bureau's bell counts one more, the other unit's does not move
    assert await _count(api.unit) == before + 1
    assert await _count(api.unit2) == other_before
    newest = (await api.unit.data(MINE, unreadOnly=True))["viewer"]["notifications"]["nodes"][0]
    assert newest["kind"] == "URGED"
    assert newest["taskCode"] == task.code
    assert task.code in newest["title"]


@pytest.mark.parametrize(
    ("given", "code"),
    [
        pytest.param({}, "VALIDATION", id="neither"),
        pytest.param({"ids": [], "all": True}, "VALIDATION", id="both"),
        pytest.param({"ids": ["bm90LWFuLWlk"]}, "VALIDATION", id="not-an-id"),
        pytest.param({"ids": [to_base64("Task", 1)]}, "VALIDATION", id="another-type"),
    ],
)
async def test_mark_read_refuses_a_bad_input(
    api: Clients, given: dict[str, Any], code: str
) -> None:
    data = await api.unit.data(MARK, input=given)
    payload = data["markNotificationsRead"]
    assert [e["code"] for e in payload["errors"]] == [code]
    assert payload["marked"] is None


async def test_marking_read_touches_only_the_viewers_own(api: Clients) -> None:
    mine = (await api.unit.data(MINE, unreadOnly=True))["viewer"]["notifications"]["nodes"]
    theirs = (await api.unit2.data(MINE, unreadOnly=True))["viewer"]["notifications"]["nodes"]
    assert mine
    assert theirs
    other_before = await _count(api.unit2)
    # when the liaison marks one of its own and one of the other unit's
    data = await api.unit.data(MARK, input={"ids": [mine[0]["id"], theirs[0]["id"]]})
    payload = data["markNotificationsRead"]
    # then only its own is marked
    assert payload["errors"] == []
    assert payload["marked"] == 1
    assert payload["viewer"]["unreadNotificationCount"] == len(mine) - 1
    assert await _count(api.unit2) == other_before
    # and "all" empties its bell
    data = await api.unit.data(MARK, input={"all": True})
    assert data["markNotificationsRead"]["viewer"]["unreadNotificationCount"] == 0


async def test_dead_letters_are_the_administrators_and_can_be_sent_again(api: Clients) -> None:
    # given a delivery that failed every try
    notification = await Notification.filter(kind=NotificationKind.ASSIGNED).first()
    assert notification is not None
    dead = await Delivery.create(
        notification=notification,
        channel=NotificationChannel.EMAIL,
        target="zhao@kaifeng.gov.cn",
        delivery_id=uuid.uuid4(),
        state=DeliveryState.DEAD,
        attempts=8,
        last_error="SMTP 550 mailbox unavailable",
        next_attempt_at=notification.created_at,
        created_at=notification.created_at,
    )
    # then the coordinator may not see the outbox, the administrator sees it with its error
    assert (await api.coordinator(DEAD))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = (await api.admin.data(DEAD))["deadDeliveries"]
    assert listed["nodes"][0]["deliveryId"] == str(dead.delivery_id)
    assert listed["nodes"][0]["lastError"] == "SMTP 550 mailbox unavailable"
    # and sends it again: pending, tries counted afresh, out of the dead letters
    again = await api.admin.data(RESEND, id=listed["nodes"][0]["id"])
    assert again["resendDelivery"] == {
        "delivery": {"state": "PENDING", "attempts": 0},
        "errors": [],
    }
    assert (await api.admin.data(DEAD))["deadDeliveries"]["totalCount"] == listed["totalCount"] - 1
    missing = await api.admin.data(RESEND, id=to_base64("Delivery", 999999))
    assert missing["resendDelivery"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_an_email_address_is_masked_like_a_phone(api: Clients) -> None:
    account = await Account.get(username="demo-unit")
    account.email = "zhaoll@kaifeng.gov.cn"
    await account.save()
    node = to_base64("Account", account.id)
    assert (await api.unit.data(EMAIL, id=node))["node"]["email"] == "zhaoll@kaifeng.gov.cn"
    assert (await api.coordinator.data(EMAIL, id=node))["node"]["email"] == (
        "zhaoll@kaifeng.gov.cn"
    )
    assert (await api.leader.data(EMAIL, id=node))["node"]["email"] == "z***@kaifeng.gov.cn"


PREFERENCES = """
mutation ($input: SetNotificationPreferencesInput!) {
  setNotificationPreferences(input: $input) {
    account { username email notifyChannels notifyMode }
    errors { field code message }
  }
}
"""


async def test_a_liaison_chooses_its_own_reminders_and_the_administrator_anyones(
    api: Clients,
) -> None:
    # when the unit liaison asks for a daily digest by e-mail
    chosen = await api.unit.data(
        PREFERENCES,
        input={"email": " zhao@kaifeng.gov.cn ", "channels": ["EMAIL"], "mode": "DIGEST"},
    )
    # then it is stored as given (the address trimmed) and answered
    payload = chosen["setNotificationPreferences"]
    assert payload["errors"] == []
    stored = await Account.get(username="demo-unit")
    assert (stored.email, stored.notify_channels, stored.notify_mode.value) == (
        "zhao@kaifeng.gov.cn", ["EMAIL"], "DIGEST",
    )  # fmt: skip
    # when it names another account, it is refused as a role is, and nothing changes
    other = await Account.get(username="demo-unit2")
    body = await api.unit(
        PREFERENCES, input={"accountId": to_base64("Account", other.id), "mode": "DIGEST"}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "only your own reminders" in body["errors"][0]["message"]
    assert (await Account.get(id=other.id)).notify_mode.value == "IMMEDIATE"
    # when the administrator chooses for that account, it is stored
    admin = await api.admin.data(
        PREFERENCES,
        input={"accountId": to_base64("Account", other.id), "email": "qian@kaifeng.gov.cn",
               "channels": ["EMAIL"]},
    )  # fmt: skip
    assert admin["setNotificationPreferences"]["errors"] == []
    assert (await Account.get(id=other.id)).email == "qian@kaifeng.gov.cn"


@pytest.mark.parametrize(
    ("given", "field", "english", "chinese"),
    [
        pytest.param({"email": "zhao.kaifeng.gov.cn"}, "email", "is not an e-mail address",
                     "不是有效的电子邮件地址", id="no-at"),
        pytest.param({"email": "", "channels": ["EMAIL"]}, "email", "need an e-mail address",
                     "需要电子邮件地址", id="e-mail-without-address"),
        pytest.param({"channels": ["DINGTALK"]}, "channels", "EMAIL and WEBHOOK",
                     "提醒渠道只能是", id="a-unit-robot"),
    ],
)  # fmt: skip
async def test_reminder_choices_a_liaison_gets_wrong_are_refused_in_its_language(
    api: Clients, given: dict[str, Any], field: str, english: str, chinese: str
) -> None:
    before = await Account.get(username="demo-unit")
    for language, words in (("en", english), ("zh-CN", chinese)):
        api.unit.language = language
        body = await api.unit.data(PREFERENCES, input=given)
        errors = body["setNotificationPreferences"]["errors"]
        assert [e["field"] for e in errors] == [["input", field]], errors
        assert words in errors[0]["message"], errors
    after = await Account.get(username="demo-unit")
    assert (after.email, after.notify_channels) == (before.email, before.notify_channels)
