"""Subscriptions: ``taskEvents``, the task events as they are committed.

Served over a websocket speaking graphql-transport-ws at /graphql; the token
goes in the ``connection_init`` payload (``{"Authorization": "Bearer …"}``)
or the handshake's Authorization header. Events come from ``store.notify``:
only committed ones, in commit order, from every worker process.

What an event costs does not grow with its subscribers. For each event a
process reads, once, whether the accounts subscribed in it are still good
(so that a deactivated account's subscriptions end at the next event, whoever
deactivated it: another worker, or ``fuyuan account deactivate``), and, once
some subscriber wants the event, the event row and who may see its task
(:class:`store.visibility.TaskAudience`); each subscriber then decides in
memory. Subscribers of one account share their DataLoaders for the event.
An account holds at most :data:`MAX_SUBSCRIPTIONS_PER_ACCOUNT` subscriptions
in a process.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

import strawberry

from schema.context import Info
from schema.errors import CodedError, Unauthenticated
from schema.ids import decode_id
from schema.loaders import Loaders
from schema.permissions import IsAuthenticated, require_viewer
from schema.types.tasks import TaskEventType
from store import errors, notify
from store.models import Account, TaskEvent
from store.visibility import TaskAudience, task_audience
from workflow.errors import ErrorCode
from workflow.i18n import _

T = TypeVar("T")

MAX_SUBSCRIPTIONS_PER_ACCOUNT = 20
"""Open ``taskEvents`` subscriptions one account may hold in one server process.

The dashboard opens one or two per tab; twenty leaves room for a day's worth of
tabs, while an account opening hundreds (each a queue and a task of the server)
is refused with TOO_MANY_SUBSCRIPTIONS."""


class SubscriptionEnded(CodedError):
    """The server ended a subscription (the subscriber fell behind, or shutdown)."""

    code = ErrorCode.SUBSCRIPTION_ENDED


class TooManySubscriptions(CodedError):
    """The account holds :data:`MAX_SUBSCRIPTIONS_PER_ACCOUNT` subscriptions already."""

    code = "TOO_MANY_SUBSCRIPTIONS"

    def __init__(self, limit: int) -> None:
        super().__init__(
            _(
                "this account has {limit} taskEvents subscriptions open on this server "
                "already, the most it may; close one (or a dashboard tab) first",
                limit=limit,
            ),
            limit=limit,
        )


# --------------------------------------------------------------------------- this process

_open: collections.Counter[int] = collections.Counter()
"""Account id → the subscriptions it has open in this process."""


@contextlib.contextmanager
def _seat(viewer: Account) -> Iterator[None]:
    """Count a subscription of ``viewer`` while inside; TooManySubscriptions past the cap."""
    if _open[viewer.id] >= MAX_SUBSCRIPTIONS_PER_ACCOUNT:
        raise TooManySubscriptions(MAX_SUBSCRIPTIONS_PER_ACCOUNT)
    _open[viewer.id] += 1
    try:
        yield
    finally:
        _open[viewer.id] -= 1
        if _open[viewer.id] <= 0:
            del _open[viewer.id]


AccountStates = dict[int, tuple[bool, int]]
"""Account id → (is_active, token_generation)."""


async def _account_states(account_ids: Iterable[int]) -> AccountStates:
    rows = await Account.filter(id__in=list(account_ids)).values_list(
        "id", "is_active", "token_generation"
    )
    return {account_id: (is_active, generation) for account_id, is_active, generation in rows}


async def _subscribed_account_states(announcement: notify.Announcement) -> AccountStates:
    """The states of every account subscribed in this process (when ``announcement``
    arrived), in one query."""
    return await _account_states(list(_open))


@dataclass
class _Event:
    """One event as this process's subscribers receive it: read once for all of them."""

    row: TaskEvent | None
    audience: TaskAudience | None
    loaders: dict[int, Loaders] = field(default_factory=dict)

    def loaders_for(self, viewer: Account) -> Loaders:
        """Loaders for answering this event to ``viewer``, shared by its subscriptions:
        fresh per event (not rows cached at an earlier one), scoped to the viewer."""
        if viewer.id not in self.loaders:
            self.loaders[viewer.id] = Loaders(viewer)
        return self.loaders[viewer.id]


async def _read_event(announcement: notify.Announcement) -> _Event:
    row, audience = await asyncio.gather(
        TaskEvent.get_or_none(id=announcement.event_id), task_audience(announcement.task_id)
    )
    return _Event(row, audience)


async def _once(
    announcement: notify.Announcement,
    key: str,
    work: Callable[[notify.Announcement], Awaitable[T]],
) -> T:
    """``work(announcement)``, computed by the first subscriber to ask and awaited by
    the others (shielded: one subscriber leaving does not cancel it for the rest)."""
    task: asyncio.Future[T] | None = announcement.shared.get(key)
    if task is None:
        task = asyncio.ensure_future(work(announcement))
        announcement.shared[key] = task
    return await asyncio.shield(task)


async def _check_account(viewer: Account, states: AccountStates) -> None:
    """Unauthenticated if ``viewer``'s account was deactivated or its tokens revoked
    since it signed in; ``states`` misses it if it subscribed after they were read."""
    state = states.get(viewer.id)
    if state is None:
        state = (await _account_states([viewer.id])).get(viewer.id, (False, -1))
    is_active, generation = state
    if not is_active:
        raise Unauthenticated(_("sign in again: the account of this token is deactivated"))
    if generation != viewer.token_generation:
        raise Unauthenticated(_("sign in again: this token was revoked"))


# --------------------------------------------------------------------------- the schema


@strawberry.type(description="Live updates, over a websocket speaking graphql-transport-ws.")
class Subscription:
    @strawberry.subscription(
        description=(
            "Each task event as it is committed (transitions, the overdue sweep, new tasks, "
            "workflow migrations), in commit order; narrowed by task or by responsible unit. "
            "A subscriber that falls more than 1000 events behind is ended with "
            "SUBSCRIPTION_ENDED: reload and subscribe again. An account may hold "
            f"{MAX_SUBSCRIPTIONS_PER_ACCOUNT} subscriptions on a server (TOO_MANY_SUBSCRIPTIONS "
            "beyond); they end with UNAUTHENTICATED once it is deactivated."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def task_events(
        self,
        info: Info,
        task_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the events of this task."),
        ] = None,
        unit_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only the events of tasks this unit is responsible for."
            ),
        ] = None,
    ) -> AsyncGenerator[TaskEventType, None]:
        viewer = require_viewer(info)
        wanted_task = decode_id(task_id, expected="Task", argument="taskId") if task_id else None
        wanted_unit = decode_id(unit_id, expected="Unit", argument="unitId") if unit_id else None
        # The websocket signed in when it opened: the account may have gone since.
        await _check_account(viewer, {})
        try:
            with _seat(viewer):
                async with notify.subscribe() as announcements:
                    async for announcement in announcements:
                        states = await _once(announcement, "accounts", _subscribed_account_states)
                        await _check_account(viewer, states)
                        if wanted_task is not None and announcement.task_id != wanted_task:
                            continue
                        if wanted_unit is not None and announcement.unit_id != wanted_unit:
                            continue
                        event = await _once(announcement, "event", _read_event)
                        # A task the viewer may not see (store.visibility): its events
                        # are never sent.
                        if event.row is None or event.audience is None:
                            continue
                        if not event.audience.admits(viewer):
                            continue
                        info.context.loaders = event.loaders_for(viewer)
                        yield TaskEventType.from_model(event.row)
        except errors.SubscriptionEnded as err:
            raise SubscriptionEnded(err.message) from err
