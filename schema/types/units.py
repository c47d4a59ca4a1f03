"""Units (单位) and accounts (联络员)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay

from schema.context import Info
from schema.permissions import IsOwnAccount, IsOwnAccountOrAdmin
from schema.relay import After, Connection, First, paginate
from schema.types.base import ModelNode, fk, fk_or_none, local_time
from store import models
from store.enums import NotificationChannel, NotificationMode, Role, UnitKind
from store.notifications import notifications_of, unread_count
from store.visibility import mask_email, mask_phone, sees_personal_data

if TYPE_CHECKING:
    from schema.types.notifications import NotificationType

LazyNotification = Annotated["NotificationType", strawberry.lazy("schema.types.notifications")]


@strawberry.type(
    name="Unit",
    description="单位: a court, party or government organ, department, district government "
    "or the joint-meeting office.",
)
class UnitType(ModelNode):
    model = models.Unit
    row: strawberry.Private[models.Unit]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code of the unit, e.g. KF-CZJ.")
    name: str = strawberry.field(description="Full name (单位名称).")
    kind: UnitKind = strawberry.field(description="Kind of unit.")
    region: str | None = strawberry.field(
        description="县区 the unit belongs to; 市直单位 for city-level units."
    )
    court_code: str | None = strawberry.field(description="法院代字 of a court, e.g. 豫0202.")
    active: bool = strawberry.field(
        description="False once deactivated (已停用): the unit keeps its history and is "
        "assigned no new task; pickers for new work leave it out."
    )

    @classmethod
    def from_model(cls, row: models.Unit) -> Self:
        return cls(
            row=row,
            id=row.id,
            code=row.code,
            name=row.name,
            kind=row.kind,
            region=row.region,
            court_code=row.court_code,
            active=row.is_active,
        )

    @strawberry.field(description="When the unit was deactivated; null while active.")
    def deactivated_at(self) -> dt.datetime | None:
        return local_time(self.row.deactivated_at)

    @strawberry.field(description="The unit this one belongs to, if any (上级单位).")
    async def parent(self, info: Info) -> UnitType | None:
        parent_id = fk_or_none(self.row, "parent")
        return await load_unit(info, parent_id) if parent_id is not None else None


async def load_unit(info: Info, unit_id: int) -> UnitType:
    unit = await info.context.loaders.unit_by_id.load(unit_id)
    assert unit is not None, f"unit {unit_id} is referenced but missing"
    return UnitType.from_model(unit)


async def load_units(info: Info, unit_ids: list[int]) -> list[UnitType]:
    units = await info.context.loaders.unit_by_id.load_many(unit_ids)
    return [UnitType.from_model(unit) for unit in units if unit is not None]


@strawberry.type(name="Account", description="联络员 or other person who signs in.")
class AccountType(ModelNode):
    model = models.Account
    row: strawberry.Private[models.Account]
    id: relay.NodeID[int]
    username: str = strawberry.field(description="Sign-in name.")
    display_name: str = strawberry.field(description="Name shown to others.")
    role: Role = strawberry.field(description="What the account may see and do.")
    active: bool = strawberry.field(description="False once the account is deactivated.")

    @classmethod
    def from_model(cls, row: models.Account) -> Self:
        return cls(
            row=row,
            id=row.id,
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            active=row.is_active,
        )

    @strawberry.field(description="The unit the account belongs to.")
    async def unit(self, info: Info) -> UnitType:
        return await load_unit(info, fk(self.row, "unit"))

    @strawberry.field(
        description="Telephone (personal data): masked (138****1234) except for yourself, "
        "the joint-meeting office, courts and administrators."
    )
    def phone(self, info: Info) -> str | None:
        return self._personal(info, self.row.phone, mask_phone)

    @strawberry.field(
        description="E-mail address (personal data), where reminders go when chosen: masked "
        "(z***@kaifeng.gov.cn) as the phone is."
    )
    def email(self, info: Info) -> str | None:
        return self._personal(info, self.row.email, mask_email)

    def _personal(self, info: Info, value: str | None, mask: Callable[[str], str]) -> str | None:
        """A personal datum as the viewer may read it: whole for the account itself, the
        office, courts and administrators, masked for the others, nothing signed out."""
        viewer = info.context.viewer
        if value is None or viewer is None:
            return None
        if viewer.id == self.row.id or sees_personal_data(viewer) or viewer.role is Role.ADMIN:
            return value
        return mask(value)

    @strawberry.field(
        description="Your notifications (提醒), newest first; on `viewer` only.",
        permission_classes=[IsOwnAccount],
    )
    async def notifications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not yet marked read.")
        ] = False,
    ) -> Connection[LazyNotification]:
        from schema.types.notifications import NotificationType

        return await paginate(
            notifications_of(self.row, unread_only=unread_only),
            NotificationType.from_model,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="How many of your notifications are unread (the bell's number); on "
        "`viewer` only.",
        permission_classes=[IsOwnAccount],
    )
    async def unread_notification_count(self) -> int:
        return await unread_count(self.row)

    @strawberry.field(
        description="The channels the account's reminders also go to (EMAIL, WEBHOOK for "
        "SMS); for the account itself and the administrator.",
        permission_classes=[IsOwnAccountOrAdmin],
    )
    def notify_channels(self) -> list[NotificationChannel]:
        return [NotificationChannel(value) for value in self.row.notify_channels or []]

    @strawberry.field(
        description="Each reminder at once, or one daily digest; for the account itself and "
        "the administrator.",
        permission_classes=[IsOwnAccountOrAdmin],
    )
    def notify_mode(self) -> NotificationMode:
        return self.row.notify_mode


async def load_account(info: Info, account_id: int | None) -> AccountType | None:
    if account_id is None:
        return None
    account = await info.context.loaders.account_by_id.load(account_id)
    return AccountType.from_model(account) if account is not None else None
