"""Notifications (提醒) on the viewer, and the deliveries an administrator watches."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry import relay

from schema.context import Info
from schema.types.base import ModelNode, fk_or_none, local_time
from schema.types.tasks import TaskType
from store import models
from store.enums import DeliveryState, NotificationChannel, NotificationKind
from store.notifications import render


@strawberry.type(name="Notification", description="提醒: something the viewer is told of.")
class NotificationType(ModelNode):
    model = models.Notification
    row: strawberry.Private[models.Notification]
    id: relay.NodeID[int]
    kind: NotificationKind = strawberry.field(description="What it tells.")

    @classmethod
    def from_model(cls, row: models.Notification) -> Self:
        return cls(row=row, id=row.id, kind=row.kind)

    @strawberry.field(description="One line, in the reader's language.")
    def title(self) -> str:
        return render(self.row).title

    @strawberry.field(description="More lines (the comment, the unit …); may be empty.")
    def body(self) -> str:
        return render(self.row).body

    @strawberry.field(description="The task's code (FY-2026-0001), when it is about a task.")
    def task_code(self) -> str | None:
        code = self.row.facts.get("code")
        return str(code) if code and fk_or_none(self.row, "task") is not None else None

    @strawberry.field(
        description="The task it is about, while the viewer may still see it; null otherwise."
    )
    async def task(self, info: Info) -> TaskType | None:
        task_id = fk_or_none(self.row, "task")
        if task_id is None:
            return None
        task = await info.context.loaders.task_by_id.load(task_id)
        return TaskType.from_model(task) if task is not None else None

    @strawberry.field(description="When it was written, in Beijing time.")
    def created_at(self) -> dt.datetime:
        moment = local_time(self.row.created_at)
        assert moment is not None
        return moment

    @strawberry.field(description="When the viewer marked it read; null while unread.")
    def read_at(self) -> dt.datetime | None:
        return local_time(self.row.read_at)


@strawberry.type(
    name="Delivery",
    description="One sending of a notification on one channel (the outbox the worker empties).",
)
class DeliveryType(ModelNode):
    model = models.Delivery
    row: strawberry.Private[models.Delivery]
    id: relay.NodeID[int]
    channel: NotificationChannel = strawberry.field(description="Where it goes.")
    target: str = strawberry.field(
        description="The address, phone number, or the id of the unit's robot."
    )
    delivery_id: str = strawberry.field(
        description="The id the receiver deduplicates on (Message-ID, header, JSON field)."
    )
    state: DeliveryState = strawberry.field(description="PENDING, SENT or DEAD.")
    attempts: int = strawberry.field(description="How many times it was tried.")
    last_error: str = strawberry.field(description="Why the last try failed; empty if none.")

    @classmethod
    def from_model(cls, row: models.Delivery) -> Self:
        return cls(
            row=row,
            id=row.id,
            channel=row.channel,
            target=row.target,
            delivery_id=str(row.delivery_id),
            state=row.state,
            attempts=row.attempts,
            last_error=row.last_error,
        )

    @strawberry.field(description="When it is tried next (pending), in Beijing time.")
    def next_attempt_at(self) -> dt.datetime | None:
        return local_time(self.row.next_attempt_at)

    @strawberry.field(description="When it was sent; null until then.")
    def sent_at(self) -> dt.datetime | None:
        return local_time(self.row.sent_at)
