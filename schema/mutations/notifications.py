"""markNotificationsRead (the viewer's own) and resendDelivery (the administrator's)."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import MutationInput, errors_field, mutate, required_id, required_ids
from schema.types.notifications import DeliveryType
from schema.types.units import AccountType
from store.errors import ValidationError
from store.models import Account
from store.notifications import mark_read
from store.outbox import resend
from workflow.i18n import _


@strawberry.input(description="Which of your notifications to mark read: `ids`, or `all`.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="These notifications (at most 100); another's are ignored."
    )
    all: bool | None = strawberry.field(default=None, description="Every unread one.")


@strawberry.type(description="The result of markNotificationsRead.")
class MarkNotificationsReadPayload:
    marked: int | None = strawberry.field(description="How many were unread and now are read.")
    viewer: AccountType | None = strawberry.field(
        description="You, to read `unreadNotificationCount` again."
    )
    errors: list[UserError] = errors_field()


async def resolve_mark_notifications_read(
    info: Info, input: MutationInput[MarkNotificationsReadInput]
) -> MarkNotificationsReadPayload:
    async def mark(viewer: Account) -> MarkNotificationsReadPayload:
        if bool(input.all) == (input.ids is not None):
            raise ValidationError(
                "ids", "ids.or_all", _("give either `ids` or `all: true`, not both and not neither")
            )
        ids = (
            None
            if input.all
            else required_ids(input.ids or [], expected="Notification", field="ids")
        )
        marked = await mark_read(viewer, ids)
        return MarkNotificationsReadPayload(
            marked=marked, viewer=AccountType.from_model(viewer), errors=[]
        )

    return await mutate(info, MarkNotificationsReadPayload, mark)


@strawberry.input(description="A dead (or pending) delivery to send again now.")
class ResendDeliveryInput:
    delivery_id: strawberry.ID = strawberry.field(description="The Delivery.")


@strawberry.type(description="The result of resendDelivery.")
class ResendDeliveryPayload:
    delivery: DeliveryType | None = strawberry.field(description="The delivery, pending again.")
    errors: list[UserError] = errors_field()


async def resolve_resend_delivery(
    info: Info, input: MutationInput[ResendDeliveryInput]
) -> ResendDeliveryPayload:
    async def send_again(viewer: Account) -> ResendDeliveryPayload:
        row_id = required_id(input.delivery_id, expected="Delivery", field="deliveryId")
        delivery = await resend(row_id)
        return ResendDeliveryPayload(delivery=DeliveryType.from_model(delivery), errors=[])

    return await mutate(info, ResendDeliveryPayload, send_again)
