"""taskEvents under attack: hundreds of subscriptions, and a deactivated subscriber.

Against live servers on SQLite and PostgreSQL, with real websocket clients
speaking graphql-transport-ws (as tests/schema/test_subscriptions.py does):

* one liaison opens 300 subscriptions: each event cost two queries per
  subscriber, and every transition of the server got 31× slower;
* 300 subscriptions of 15 accounts: the cost of an event must not grow with
  its subscribers (one visibility decision per event, fanned out in memory);
* an account is deactivated (by ``fuyuan account deactivate``, another process)
  while subscribed: its subscriptions kept receiving events.

Transition times are asserted as ratios to the same transitions without
subscribers, measured in the same test.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from schema.subscriptions import MAX_SUBSCRIPTIONS_PER_ACCOUNT
from store.demo import DEMO_PASSWORD
from tests.conftest import dialect, fuyuan_command, live_server
from tests.hardening.accounts import clone_accounts
from tests.hardening.conftest import LOGIN, Attack

SETTLE = 2.0  # seconds for the server to register subscriptions (no ack in the protocol)
WAIT = 60  # seconds expected messages may take on a busy 2-core machine
TRANSITIONS = 6  # measured per phase (the median is compared)

TASK_EVENTS = """
subscription ($unitId: ID) { taskEvents(unitId: $unitId) { id seq action task { code } } }
"""
VIEWER_UNIT = "{ viewer { unit { id code } } }"
TASKS_IN_STATE = """
query ($unitId: ID!, $state: TaskState!) {
  tasks(filter: {responsibleUnitId: $unitId, state: [$state]}, first: 1) {
    nodes { id code version }
  }
}
"""
TRANSITION = """
mutation ($taskId: ID!, $action: String!, $expectedVersion: Int!, $comment: String) {
  transitionTask(
    input: {taskId: $taskId, action: $action, expectedVersion: $expectedVersion, comment: $comment}
  ) {
    task { version }
    event { id }
    errors { code message }
  }
}
"""
POSTGRES_ONLY = [pytest.param("postgres", marks=pytest.mark.postgres)]


# --------------------------------------------------------------------------- clients


async def _graphql(
    base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


async def _login(base: str, username: str) -> str:
    data = await _graphql(base, LOGIN, {"username": username, "password": DEMO_PASSWORD})
    token: str = data["login"]["token"]
    assert token, data
    return token


async def _unit_and_task(base: str, token: str, state: str) -> tuple[str, dict[str, Any]]:
    """The id of the viewer's unit and one of its tasks in ``state``."""
    unit = (await _graphql(base, VIEWER_UNIT, token=token))["viewer"]["unit"]
    variables = {"unitId": unit["id"], "state": state}
    nodes = (await _graphql(base, TASKS_IN_STATE, variables, token))["tasks"]["nodes"]
    assert nodes, f"the demo data has no {state} task of {unit['code']}"
    return unit["id"], nodes[0]


async def _transition(
    base: str, token: str, task: dict[str, Any], action: str, comment: str
) -> dict[str, Any]:
    """Take ``action`` on ``task`` (its version is kept up to date); the payload."""
    variables = {
        "taskId": task["id"],
        "action": action,
        "expectedVersion": task["version"],
        "comment": comment,
    }
    payload: dict[str, Any] = (await _graphql(base, TRANSITION, variables, token))["transitionTask"]
    assert payload["errors"] == [], payload
    task["version"] = payload["task"]["version"]
    return payload


async def _reports(base: str, token: str, task: dict[str, Any]) -> tuple[float, list[str]]:
    """The median seconds of :data:`TRANSITIONS` progress reports, and their events' ids."""
    await _transition(base, token, task, "report", "warming up")
    seconds, events = [], []
    for n in range(TRANSITIONS):
        started = time.perf_counter()
        payload = await _transition(base, token, task, "report", f"进展 {n}")
        seconds.append(time.perf_counter() - started)
        events.append(payload["event"]["id"])
    return statistics.median(seconds), events


class Socket:
    """A websocket speaking graphql-transport-ws; a reader keeps every message, by id."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, base: str, token: str) -> Socket:
        url = base.replace("http://", "ws://", 1) + "/graphql"
        ws = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        async with asyncio.timeout(WAIT):
            assert json.loads(await ws.recv())["type"] == "connection_ack"
        return cls(ws)

    async def _read(self) -> None:
        with contextlib.suppress(Exception):  # the socket closed: the test reads what came
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                else:
                    self.messages[message.get("id", "")].append(message)

    async def subscribe(self, id: str, **variables: str) -> None:
        payload = {"query": TASK_EVENTS, "variables": variables}
        await self.ws.send(json.dumps({"id": id, "type": "subscribe", "payload": payload}))

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


@contextlib.asynccontextmanager
async def sockets(base: str, token: str, count: int) -> AsyncIterator[list[Socket]]:
    opened = [await Socket.open(base, token) for _ in range(count)]
    try:
        yield opened
    finally:
        for socket in opened:
            await socket.close()


def received(socket: Socket, id: str) -> list[str]:
    """The ids of the events subscription ``id`` received."""
    return [
        message["payload"]["data"]["taskEvents"]["id"]
        for message in socket.messages[id]
        if message["type"] == "next" and message["payload"].get("data")
    ]


def error_codes(socket: Socket, id: str) -> list[str]:
    """The codes of the errors subscription ``id`` ended with, if it did."""
    codes = []
    for message in socket.messages[id]:
        errors = message["payload"] if message["type"] == "error" else []
        if message["type"] == "next":
            errors = message["payload"].get("errors") or []
        codes += [error["extensions"]["code"] for error in errors]
    return codes


async def _until(condition: Any) -> None:
    """Wait until ``condition()`` holds; fail after WAIT seconds."""
    async with asyncio.timeout(WAIT):
        while not condition():  # noqa: ASYNC110 (the sockets' readers fill what it reads)
            await asyncio.sleep(0.1)


def in_order(events: list[str], ids: list[str]) -> bool:
    """Whether ``ids`` hold every one of ``events``, in their order."""
    wanted = set(events)
    return [id for id in ids if id in wanted] == events


@pytest.fixture
def four_workers(demo_database_url: str, tmp_path: Path) -> Iterator[Attack]:
    """`fuyuan serve --workers 4` on a copy of the demo (PostgreSQL)."""
    log = tmp_path / "workers.log"
    with live_server(demo_database_url, log, args=("--workers", "4")) as base:
        yield Attack(base, demo_database_url, log, dialect(demo_database_url))


# --------------------------------------------------------------------------- many subscriptions


async def _one_liaison_subscribes_300_times(
    base: str,
) -> tuple[float, float, list[str], dict[str, list[str]], list[str]]:
    token = await _login(base, "demo-unit2")
    unit, task = await _unit_and_task(base, token, "IN_PROGRESS")
    alone, _ = await _reports(base, token, task)
    async with sockets(base, token, 10) as opened:
        for n in range(300):
            await opened[n % 10].subscribe(f"s{n}", unitId=unit)
        await asyncio.sleep(SETTLE)
        watched, events = await _reports(base, token, task)
        ids = [(opened[n % 10], f"s{n}") for n in range(300)]
        await _until(
            lambda: all(error_codes(s, id) or in_order(events, received(s, id)) for s, id in ids)
        )
        codes = [code for s, id in ids for code in error_codes(s, id)]
        got = {id: received(s, id) for s, id in ids if not error_codes(s, id)}
    return alone, watched, codes, got, events


def test_one_liaisons_300_subscriptions_do_not_slow_every_transition(attack: Attack) -> None:
    # given: demo-unit2 reporting progress on its task, first with nobody subscribed;
    # when: it opens 300 subscriptions to its unit's events, and reports again
    alone, watched, codes, got, events = asyncio.run(_one_liaison_subscribes_300_times(attack.base))
    print(
        f"transition: {alone * 1000:.1f} ms alone, {watched * 1000:.1f} ms with 300 "
        f"subscriptions of one liaison ({watched / alone:.1f}×)"
    )
    # then: its transitions take about as long as without them (they took 20-30× as long)
    assert watched < 4 * alone, (alone, watched)
    # and the subscriptions past the cap were refused with a code, the others got every event
    assert codes == ["TOO_MANY_SUBSCRIPTIONS"] * (300 - MAX_SUBSCRIPTIONS_PER_ACCOUNT)
    assert len(got) == MAX_SUBSCRIPTIONS_PER_ACCOUNT
    assert all(in_order(events, ids) for ids in got.values()), got


async def _fifteen_accounts_subscribe_20_times(
    base: str, usernames: list[str]
) -> tuple[float, float, dict[str, list[str]], list[str]]:
    token = await _login(base, "demo-unit2")
    unit, task = await _unit_and_task(base, token, "IN_PROGRESS")
    alone, _ = await _reports(base, token, task)
    async with contextlib.AsyncExitStack() as stack:
        ids = []
        for username in usernames:
            (socket,) = await stack.enter_async_context(
                sockets(base, await _login(base, username), 1)
            )
            for n in range(MAX_SUBSCRIPTIONS_PER_ACCOUNT):
                await socket.subscribe(f"{username}-{n}", unitId=unit)
                ids.append((socket, f"{username}-{n}"))
        await asyncio.sleep(SETTLE)
        watched, events = await _reports(base, token, task)
        await _until(lambda: all(in_order(events, received(s, id)) for s, id in ids))
        got = {id: received(s, id) for s, id in ids}
        assert not [code for s, id in ids for code in error_codes(s, id)]
    return alone, watched, got, events


def test_an_events_cost_does_not_grow_with_its_subscribers(attack: Attack) -> None:
    # given: 15 liaisons of demo-unit2's unit, each with as many subscriptions as allowed
    usernames = ["demo-unit2", *clone_accounts(attack, "demo-unit2", 14)]
    subscriptions = len(usernames) * MAX_SUBSCRIPTIONS_PER_ACCOUNT
    assert subscriptions == 300
    # when: demo-unit2 reports progress, first with nobody subscribed, then with them
    alone, watched, got, events = asyncio.run(
        _fifteen_accounts_subscribe_20_times(attack.base, usernames)
    )
    print(
        f"transition: {alone * 1000:.1f} ms alone, {watched * 1000:.1f} ms with 300 "
        f"subscriptions of 15 accounts ({watched / alone:.1f}×)"
    )
    # then: every subscription received every event
    assert len(got) == subscriptions
    assert all(in_order(events, ids) for ids in got.values()), got
    # and a transition took a small multiple of its time without subscribers (reading
    # the event and deciding who may see it once per subscriber made it 20-30× slower;
    # what is left is answering each subscription: executing its query, sending it)
    assert watched < 10 * alone, (alone, watched)


# --------------------------------------------------------------------------- deactivation


async def _deactivated_while_subscribed(attack: Attack) -> tuple[Socket, Socket, str]:
    base = attack.base
    liaison = await _login(base, "demo-unit")
    coordinator = await _login(base, "demo-coordinator")
    unit, task = await _unit_and_task(base, liaison, "ASSIGNED")
    async with sockets(base, liaison, 1) as (mine,), sockets(base, coordinator, 1) as (watch,):
        await mine.subscribe("mine", unitId=unit)
        await watch.subscribe("watch", unitId=unit)
        await asyncio.sleep(SETTLE)
        # when: an administrator deactivates demo-unit from the command line (another process)
        done = await asyncio.to_thread(
            fuyuan_command, "account", "deactivate", "demo-unit", url=attack.database_url
        )
        assert done.returncode == 0, done.stderr
        # and the coordinator then cancels a task of demo-unit's unit
        payload = await _transition(base, coordinator, task, "cancel", "交办有误，撤销")
        await _until(lambda: received(watch, "watch") and mine.messages["mine"])
        return mine, watch, payload["event"]["id"]


def _a_deactivated_account_stops_receiving(attack: Attack) -> None:
    mine, watch, event = asyncio.run(_deactivated_while_subscribed(attack))
    # then: the coordinator's subscription received the event
    assert received(watch, "watch") == [event]
    # and demo-unit's did not: it was ended, saying why
    assert received(mine, "mine") == []
    assert error_codes(mine, "mine") == ["UNAUTHENTICATED"]
    # in Chinese: the websocket speaks the language of its handshake (no Accept-Language)
    assert "账号已停用" in json.dumps(mine.messages["mine"], ensure_ascii=False)


def test_a_deactivated_accounts_subscription_ends(attack: Attack) -> None:
    _a_deactivated_account_stops_receiving(attack)


@pytest.mark.parametrize("demo_database_url", POSTGRES_ONLY, indirect=True)
def test_a_deactivated_accounts_subscription_ends_on_every_worker(four_workers: Attack) -> None:
    _a_deactivated_account_stops_receiving(four_workers)
