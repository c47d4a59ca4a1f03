"""markNotificationsRead (the viewer's own), setNotificationPreferences (one's own, or
any account's for the administrator) and resendDelivery (the administrator's)."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.errors import Forbidden, UserError
from schema.mutations.base import MutationInput, errors_field, mutate, required_id, required_ids
from schema.types.notifications import DeliveryType
from schema.types.units import AccountType
from store.enums import NotificationChannel, NotificationMode, Role
from store.errors import NotFound, ValidationError
from store.models import Account
from store.notifications import mark_read, set_preferences
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


@strawberry.input(
    description="How an account is reminded: its e-mail address, the channels beside the "
    "bell (EMAIL, WEBHOOK: the city's SMS gateway, to its phone) and IMMEDIATE or DIGEST "
    "(每日汇总). What is left out stays as it is."
)
class SetNotificationPreferencesInput:
    account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The Account; yours when left out. Only the administrator names another.",
    )
    email: str | None = strawberry.field(
        default=None, description="The e-mail address; an empty string removes it."
    )
    channels: list[NotificationChannel] | None = strawberry.field(
        default=None, description="EMAIL and/or WEBHOOK; an empty list: the bell only."
    )
    mode: NotificationMode | None = strawberry.field(
        default=None, description="IMMEDIATE: as it happens; DIGEST: once each working day."
    )


@strawberry.type(description="The result of setNotificationPreferences.")
class SetNotificationPreferencesPayload:
    account: AccountType | None = strawberry.field(
        description="The account as stored; null when refused."
    )
    errors: list[UserError] = errors_field()


async def resolve_set_notification_preferences(
    info: Info, input: MutationInput[SetNotificationPreferencesInput]
) -> SetNotificationPreferencesPayload:
    account_id = input.account_id

    async def choose(viewer: Account) -> SetNotificationPreferencesPayload:
        target = viewer
        if account_id is not None:
            row_id = required_id(account_id, expected="Account", field="accountId")
            if row_id != viewer.id:
                if viewer.role is not Role.ADMIN:
                    # the same answer whether the account exists or not
                    raise Forbidden(
                        _(
                            "you may set only your own reminders: leave accountId out; "
                            "the administrator sets other accounts'"
                        )
                    )
                found = await Account.get_or_none(id=row_id)
                if found is None:
                    raise NotFound("accountId", "account", account_id)
                target = found
        account = await set_preferences(
            target,
            email=input.email,
            channels=[c.value for c in input.channels] if input.channels is not None else None,
            mode=input.mode.value if input.mode is not None else None,
        )
        return SetNotificationPreferencesPayload(account=AccountType.from_model(account), errors=[])

    return await mutate(info, SetNotificationPreferencesPayload, choose)


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
