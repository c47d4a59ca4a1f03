"""Subscriptions: ``taskEvents``, the task events as they are committed.

Served over a websocket speaking graphql-transport-ws at /graphql; the token
goes in the ``connection_init`` payload (``{"Authorization": "Bearer …"}``)
or the handshake's Authorization header. Events come from ``store.notify``:
only committed ones, in commit order, from every worker process.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from schema.context import Info
from schema.errors import CodedError
from schema.ids import decode_id
from schema.loaders import Loaders
from schema.permissions import IsAuthenticated, require_viewer
from schema.types.tasks import TaskEventType
from store import notify
from store.models import TaskEvent


class SubscriptionEnded(CodedError):
    """The server ended a subscription (the subscriber fell behind, or shutdown)."""

    code = "SUBSCRIPTION_ENDED"


@strawberry.type(description="Live updates, over a websocket speaking graphql-transport-ws.")
class Subscription:
    @strawberry.subscription(
        description=(
            "Each task event as it is committed (transitions, the overdue sweep, new tasks, "
            "workflow migrations), in commit order; narrowed by task or by responsible unit. "
            "A subscriber that falls more than 1000 events behind is ended with "
            "SUBSCRIPTION_ENDED: reload and subscribe again."
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
        try:
            async with notify.subscribe() as announcements:
                async for announcement in announcements:
                    if wanted_task is not None and announcement.task_id != wanted_task:
                        continue
                    if wanted_unit is not None and announcement.unit_id != wanted_unit:
                        continue
                    event = await TaskEvent.get_or_none(id=announcement.event_id)
                    # Each event is answered like a request of its own: fresh loaders,
                    # not the ones that cached rows as they were at an earlier event.
                    info.context.loaders = Loaders(viewer)
                    # The loaders are scoped to the viewer (store.visibility): a task it
                    # may not see loads as None, and its events are never sent.
                    task = await info.context.loaders.task_by_id.load(announcement.task_id)
                    if event is None or task is None:
                        continue
                    yield TaskEventType.from_model(event)
        except notify.SubscriptionEnded as err:
            raise SubscriptionEnded(err.message) from err
