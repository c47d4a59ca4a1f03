"""taskEvents over graphql-transport-ws, against a real server on a real database.

Each test starts ``fuyuan serve`` (after ``migrate`` and ``seed --demo``) on
SQLite and on PostgreSQL, signs in over HTTP, and subscribes with a real
websocket client. A subscription has no acknowledgement in the protocol, so
the tests give the server a moment to register it, and then prove it was
listening by the first event it does receive: "nothing arrived for X" is
asserted as "the first event to arrive came after X".
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.conftest import live_server, prepare

PASSWORD = "fuyuan-demo"
SETTLE = 2.0  # seconds for the server to register a subscription (no ack in the protocol)
WAIT = 20  # seconds an expected message may take on a busy 2-core CI machine

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token errors { code } }
}
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
    event { id seq action }
    errors { code }
  }
}
"""
TASK_EVENTS = """
subscription ($taskId: ID, $unitId: ID) {
  taskEvents(taskId: $taskId, unitId: $unitId) {
    __typename id seq action fromState toState task { code state }
  }
}
"""

# Writes an event from a process of its own, straight through the store.
WRITER = """
import asyncio, sys
from tortoise import Tortoise
from store.db import tortoise_config
from store.models import Account, Task
from store.operations.transitions import transition_task

async def main(url: str, code: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        task = await Task.get(code=code)
        actor = await Account.get(username="demo-unit")
        done = await transition_task(task.id, "accept", actor, expected_version=task.version)
        print(done.event.id, done.event.seq)
    finally:
        await Tortoise.close_connections()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[str]:
    """`fuyuan migrate`, `seed --demo` and `serve` on a free port; yields the base URL."""
    prepare(database_url, ("migrate",), ("seed", "--demo"))
    with live_server(database_url, tmp_path / "server.log") as base:
        yield base


async def _graphql(
    base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


async def _login(base: str, username: str) -> str:
    data = await _graphql(base, LOGIN, {"username": username, "password": PASSWORD})
    token: str = data["login"]["token"]
    return token


async def _unit_and_task(
    base: str, token: str, state: str = "ASSIGNED"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The viewer's unit and one of its tasks in ``state``."""
    unit = (await _graphql(base, VIEWER_UNIT, token=token))["viewer"]["unit"]
    variables = {"unitId": unit["id"], "state": state}
    tasks = (await _graphql(base, TASKS_IN_STATE, variables, token))["tasks"]
    assert tasks["nodes"], f"the demo data has no {state} task of {unit['code']}"
    return unit, tasks["nodes"][0]


async def _transition(
    base: str,
    token: str,
    task: dict[str, Any],
    action: str = "accept",
    *,
    version: int | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    variables = {
        "taskId": task["id"],
        "action": action,
        "expectedVersion": task["version"] if version is None else version,
        "comment": comment,
    }
    payload: dict[str, Any] = (await _graphql(base, TRANSITION, variables, token))["transitionTask"]
    return payload


def _global_id(type_name: str, row_id: str) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def _ws_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/graphql"


async def _send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def _receive(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(WAIT):
        message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def _first_for(ws: ClientConnection, ids: set[str]) -> dict[str, Any]:
    """The first message of each subscription in ``ids``, by id, within WAIT seconds."""
    found: dict[str, Any] = {}
    async with asyncio.timeout(WAIT):
        while set(found) != ids:
            message = json.loads(await ws.recv())
            if message["type"] == "ping":
                await _send(ws, {"type": "pong"})
            elif message.get("id") in ids:
                found.setdefault(message["id"], message)
    return found


@pytest.fixture
async def socket_of(served: str) -> AsyncIterator[Any]:
    """Open websockets speaking graphql-transport-ws, initialised with a token (or none)."""
    opened: list[ClientConnection] = []

    async def open_with(token: str | None) -> ClientConnection:
        ws = await connect(_ws_url(served), subprotocols=[Subprotocol("graphql-transport-ws")])
        opened.append(ws)
        assert ws.subprotocol == "graphql-transport-ws"
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await _send(ws, {"type": "connection_init", "payload": payload})
        assert (await _receive(ws))["type"] == "connection_ack"
        return ws

    yield open_with
    for ws in opened:
        await ws.close()


async def _subscribe(ws: ClientConnection, id: str, **variables: str) -> None:
    await _send(
        ws,
        {"id": id, "type": "subscribe", "payload": {"query": TASK_EVENTS, "variables": variables}},
    )


async def test_a_transition_reaches_its_units_subscriber_and_no_other_units(
    served: str, socket_of: Any
) -> None:
    # given: demo-unit with an ASSIGNED task, demo-unit2 with one IN_PROGRESS;
    # demo-unit subscribed to its unit's events and to its task's, and the
    # coordinator (who sees every unit's) to demo-unit2's unit's
    token = await _login(served, "demo-unit")
    token2 = await _login(served, "demo-unit2")
    coordinator = await _login(served, "demo-coordinator")
    unit, task = await _unit_and_task(served, token)
    unit2, task2 = await _unit_and_task(served, token2, "IN_PROGRESS")
    assert unit["code"] == "KF-CZJ"
    assert unit2["id"] != unit["id"]
    ws = await socket_of(token)
    await _subscribe(ws, "mine", unitId=unit["id"])
    await _subscribe(ws, "task", taskId=task["id"])
    ws_coordinator = await socket_of(coordinator)
    await _subscribe(ws_coordinator, "other", unitId=unit2["id"])
    await asyncio.sleep(SETTLE)

    # when: a stale accept is refused, then demo-unit accepts its task, then
    # demo-unit2 reports progress on its own
    refused = await _transition(served, token, task, version=task["version"] - 1)
    assert refused["errors"] == [{"code": "VERSION_CONFLICT"}]
    accepted = await _transition(served, token, task)
    assert accepted["errors"] == []
    reported = await _transition(served, token2, task2, "report", comment="已完成资产清查")
    assert reported["errors"] == []

    # then: the first event on each subscription is its own unit's (or task's);
    # nothing came of the refusal, nor of the other unit's event before its own
    first = await _first_for(ws, {"mine", "task"}) | await _first_for(ws_coordinator, {"other"})
    for id, expected_task, event, states in (
        ("mine", task, accepted["event"], ("ASSIGNED", "ACCEPTED")),
        ("task", task, accepted["event"], ("ASSIGNED", "ACCEPTED")),
        ("other", task2, reported["event"], ("IN_PROGRESS", "IN_PROGRESS")),
    ):
        assert first[id]["type"] == "next", first[id]
        received = first[id]["payload"]["data"]["taskEvents"]
        assert received["__typename"] == "TaskEvent"
        assert (received["id"], received["seq"], received["action"]) == (
            event["id"],
            event["seq"],
            event["action"],
        )
        assert (received["fromState"], received["toState"]) == states
        assert received["task"] == {"code": expected_task["code"], "state": states[1]}


@pytest.mark.parametrize(
    "token",
    [pytest.param(None, id="no-token"), pytest.param("not-a-token", id="bad-token")],
)
async def test_an_unauthenticated_subscription_is_refused(
    served: str, socket_of: Any, token: str | None
) -> None:
    ws = await socket_of(token)
    await _subscribe(ws, "1")
    message = await _receive(ws)
    assert message["id"] == "1"
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [error["extensions"]["code"] for error in errors] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_an_event_written_by_another_process_reaches_the_server_subscriber(
    database_url: str, served: str, socket_of: Any
) -> None:
    # given: a subscriber to KF-CZJ's events on the server
    token = await _login(served, "demo-unit")
    unit, task = await _unit_and_task(served, token)
    ws = await socket_of(token)
    await _subscribe(ws, "mine", unitId=unit["id"])
    await asyncio.sleep(SETTLE)

    # when: another process accepts the task, writing to the database directly
    writer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITER, database_url, task["code"],
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(writer.communicate(), 60)
    assert writer.returncode == 0, err.decode()
    event_id, seq = out.decode().split()

    # then: PostgreSQL's NOTIFY carried it to the server, and on to the subscriber
    message = (await _first_for(ws, {"mine"}))["mine"]
    assert message["type"] == "next", message
    received = message["payload"]["data"]["taskEvents"]
    assert (received["seq"], received["action"]) == (int(seq), "accept")
    assert received["task"] == {"code": task["code"], "state": "ACCEPTED"}
    assert received["id"] == _global_id("TaskEvent", event_id)
