"""Units (单位) and accounts (联络员)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from store.enums import Role, UnitChangeAction, UnitKind
from store.errors import Duplicate, NotFound, ValidationError
from store.identifiers import check_court_region, check_region, parse_court_code
from store.inputs import column_length, identifier, optional_single_line, single_line
from store.models import Account, BankruptcyCase, EnforcementCase, Unit, UnitChange
from store.operations.common import UnitRef, parse_enum, resolve_unit
from workflow.clock import utcnow
from workflow.i18n import _

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


UNIT_FIELDS = ("name", "kind", "region", "parent", "court_code")
"""What updateUnit may change; the code is the unit's stable key and never changes."""

_UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class UnitValues:
    """A unit's fields as an administrator gives them, checked (:func:`_checked`)."""

    name: str
    kind: UnitKind
    region: str | None
    parent: Unit | None
    court_code: str | None

    def recorded(self) -> dict[str, Any]:
        """The values as ``unit_change.changes`` keeps them (the parent by its code)."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "region": self.region,
            "parent": self.parent.code if self.parent is not None else None,
            "court_code": self.court_code,
        }


async def _checked(
    *,
    name: str,
    kind: UnitKind | str,
    region: str | None,
    parent: UnitRef | None,
    court_code: str | None,
    unit: Unit | None = None,
    region_kept: bool = False,
) -> UnitValues:
    """Check the fields of a new unit, or of ``unit`` changed, naming the input at fault.

    The kind is one of UnitKind; the region a division code or a 县区
    (``check_region``); a court carries its court code (``parse_court_code``)
    and no other unit does, and a court's region, when a code, is in its court
    code's province; the parent is an active unit, and never the unit itself or
    one of the units under it.
    """
    name = single_line(name, field="name", max_length=column_length(Unit, "name"))
    unit_kind = parse_enum(UnitKind, kind, field="kind")
    region = optional_single_line(region, field="region", max_length=column_length(Unit, "region"))
    if region is not None and not region_kept:
        # a region kept as it was is not judged again: units made before regions were
        # checked keep theirs until an administrator changes it
        region = check_region(region, field="region")
    court_code = optional_single_line(
        court_code, field="courtCode", max_length=column_length(Unit, "court_code")
    )
    if unit_kind is UnitKind.COURT and not court_code:
        raise ValidationError("courtCode", "court_code.required", _("a court needs its court code"))
    if unit_kind is not UnitKind.COURT and court_code:
        raise ValidationError(
            "courtCode", "court_code.court_only", _("only courts have a court code")
        )
    if court_code is not None:
        court_code = parse_court_code(court_code, field="courtCode")
        check_court_region(court_code, region, field="region")
    parent_unit = (
        await resolve_unit(parent, field="parentId", active_only=True)
        if parent is not None
        else None
    )
    if unit is not None and parent_unit is not None:
        await _check_not_under(unit, parent_unit)
    return UnitValues(name, unit_kind, region, parent_unit, court_code)


async def _check_not_under(unit: Unit, parent: Unit) -> None:
    """Refuse ``parent`` for ``unit`` when it is the unit or lies under it (a cycle)."""
    seen: set[int] = set()
    current: Unit | None = parent
    while current is not None and current.id not in seen:
        if current.id == unit.id:
            raise ValidationError(
                "parentId",
                "unit.parent_cycle",
                _(
                    "{name} is {name2} itself or one of its units: a unit cannot belong to itself",
                    name=parent.name,
                    name2=unit.name,
                ),
            )
        seen.add(current.id)
        parent_id = current.parent_id  # type: ignore[attr-defined]
        current = await Unit.get_or_none(id=parent_id) if parent_id is not None else None


async def _check_unique(values: UnitValues, conn: BaseDBAsyncClient, unit_id: int | None) -> None:
    for field, column, value in (
        ("name", "name", values.name),
        ("courtCode", "court_code", values.court_code),
    ):
        if value is None:
            continue
        query = Unit.filter(**{column: value}).using_db(conn)
        if unit_id is not None:
            query = query.exclude(id=unit_id)
        if await query.exists():
            raise Duplicate(field, "unit", value)


async def _record(
    unit: Unit,
    action: UnitChangeAction,
    changes: dict[str, list[Any]],
    actor: Account | None,
    at: dt.datetime,
    conn: BaseDBAsyncClient,
) -> None:
    await UnitChange.create(
        unit=unit, action=action, changes=changes, changed_by=actor, changed_at=at, using_db=conn
    )


async def create_unit(
    *,
    code: str,
    name: str,
    kind: UnitKind | str,
    region: str | None = None,
    parent: UnitRef | None = None,
    court_code: str | None = None,
    actor: Account | None = None,
    at: dt.datetime | None = None,
) -> Unit:
    """Create a unit, recording it (``unit_change`` CREATE) with ``actor`` (None: the command
    line), in one transaction; a court must carry its court code (豫02, 陕0926, 最高法 …)."""
    at = at or utcnow()
    code = identifier(code, field="code", max_length=column_length(Unit, "code"))
    if not _UNIT_CODE.match(code):
        raise ValidationError(
            "code",
            "unit.code",
            _(
                "{code!r}: a unit's code is Latin letters, digits, - and _ (KF-CZJ, "
                "SX-PLFY), so that it is typed the same everywhere",
                code=code,
            ),
        )
    values = await _checked(
        name=name, kind=kind, region=region, parent=parent, court_code=court_code
    )
    async with in_transaction() as conn:
        if await Unit.filter(code=code).using_db(conn).exists():
            raise Duplicate("code", "unit", code)
        await _check_unique(values, conn, None)
        unit = await Unit.create(
            code=code,
            name=values.name,
            kind=values.kind,
            region=values.region,
            parent=values.parent,
            court_code=values.court_code,
            using_db=conn,
        )
        recorded = {"code": code, **values.recorded()}
        changes = {field: [None, value] for field, value in recorded.items() if value is not None}
        await _record(unit, UnitChangeAction.CREATE, changes, actor, at, conn)
    return unit


async def update_unit(
    ref: UnitRef,
    changes: Mapping[str, Any],
    *,
    actor: Account | None = None,
    at: dt.datetime | None = None,
) -> Unit:
    """Change some of a unit's fields (``UNIT_FIELDS``; a field left out is kept, one given as
    None is cleared), recording the values before and after (``unit_change`` UPDATE).

    The fields are checked together, as on creation (a court keeps a court code).
    A unit with accounts or cases keeps its kind: their roles and cases rest on it.
    """
    at = at or utcnow()
    unknown = sorted(set(changes) - set(UNIT_FIELDS))
    if unknown:
        raise ValidationError(
            unknown[0], "unit.field", _("only {names} change", names=", ".join(UNIT_FIELDS))
        )
    unit = await resolve_unit(ref, field="id")
    await unit.fetch_related("parent")
    before = UnitValues(unit.name, unit.kind, unit.region, unit.parent, unit.court_code)
    after = await _checked(
        name=changes.get("name", before.name),
        kind=changes.get("kind", before.kind),
        region=changes.get("region", before.region),
        # a parent kept is not checked again (it may have been deactivated since)
        parent=changes.get("parent"),
        court_code=changes.get("court_code", before.court_code),
        unit=unit,
        region_kept="region" not in changes,
    )
    if "parent" not in changes:
        after = dataclasses.replace(after, parent=before.parent)
    old, new = before.recorded(), after.recorded()
    changed = {field: [old[field], new[field]] for field in new if old[field] != new[field]}
    if not changed:
        return unit
    async with in_transaction() as conn:
        if "kind" in changed:
            await _check_kind_unused(unit, conn)
        await _check_unique(after, conn, unit.id)
        unit.name, unit.kind, unit.region = after.name, after.kind, after.region
        unit.parent, unit.court_code = after.parent, after.court_code
        await unit.save(
            update_fields=["name", "kind", "region", "parent_id", "court_code"], using_db=conn
        )
        await _record(unit, UnitChangeAction.UPDATE, changed, actor, at, conn)
    return unit


async def _check_kind_unused(unit: Unit, conn: BaseDBAsyncClient) -> None:
    uses: list[tuple[str, QuerySet[Any]]] = [
        ("accounts", Account.filter(unit_id=unit.id)),
        (
            "enforcement cases",
            EnforcementCase.filter(Q(court_id=unit.id) | Q(respondent_id=unit.id)),
        ),
        ("bankruptcy cases", BankruptcyCase.filter(court_id=unit.id)),
    ]
    for what, query in uses:
        if await query.using_db(conn).exists():
            raise ValidationError(
                "kind",
                "unit.kind_in_use",
                _(
                    "{name} has {what}, which rest on its kind {label}: create a unit of "
                    "the new kind instead",
                    name=unit.name,
                    what=what,
                    label=unit.kind.label,
                ),
            )


async def deactivate_unit(
    ref: UnitRef, *, actor: Account | None = None, at: dt.datetime | None = None
) -> Unit:
    """Deactivate a unit (``unit_change`` DEACTIVATE): it keeps its cases, tasks and history,
    and is given no new task, case, account or unit under it (``unit.inactive``).

    Refused for a unit already deactivated and for one with active units under it
    (deactivate or move them first).
    """
    at = at or utcnow()
    unit = await resolve_unit(ref, field="id")
    if not unit.is_active:
        raise ValidationError(
            "id",
            "unit.inactive",
            _("{name} ({code}) is deactivated already", name=unit.name, code=unit.code),
        )
    async with in_transaction() as conn:
        children = await Unit.filter(parent_id=unit.id, is_active=True).using_db(conn)
        if children:
            names = "、".join(child.name for child in children[:5])
            raise ValidationError(
                "id",
                "unit.active_children",
                _(
                    "{name} has active units under it ({names}): deactivate them or give "
                    "them another parent first",
                    name=unit.name,
                    names=names,
                ),
            )
        updated = await (
            Unit.filter(id=unit.id, is_active=True)
            .using_db(conn)
            .update(is_active=False, deactivated_at=at)
        )
        if not updated:
            raise ValidationError(
                "id",
                "unit.inactive",
                _("{name} ({code}) is deactivated already", name=unit.name, code=unit.code),
            )
        await _record(
            unit, UnitChangeAction.DEACTIVATE, {"is_active": [True, False]}, actor, at, conn
        )
    unit.is_active, unit.deactivated_at = False, at
    return unit


async def create_account(
    *,
    username: str,
    password: str,
    role: Role | str,
    unit: UnitRef,
    display_name: str | None = None,
    phone: str | None = None,
) -> Account:
    """Create an account with an argon2 password hash.

    A court liaison belongs to a court; a unit liaison to a government unit;
    a coordinator to the joint-meeting office.
    """
    username = identifier(username, field="username", max_length=column_length(Account, "username"))
    display = single_line(
        display_name or username,
        field="displayName",
        max_length=column_length(Account, "display_name"),
    )
    phone = optional_single_line(phone, field="phone", max_length=column_length(Account, "phone"))
    account_role = parse_enum(Role, role, field="role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password",
            "password.length",
            _(
                "must have at least {MIN_PASSWORD_LENGTH} characters",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            ),
        )
    kinds = {
        Role.COURT_LIAISON: (UnitKind.COURT,),
        Role.COORDINATOR: (UnitKind.OFFICE,),
        Role.UNIT_LIAISON: (
            UnitKind.PARTY_GOV_ORGAN,
            UnitKind.DEPARTMENT,
            UnitKind.DISTRICT_GOV,
        ),
    }.get(account_role)
    account_unit = await resolve_unit(unit, field="unitId", kinds=kinds, active_only=True)
    if await Account.filter(username=username).exists():
        raise Duplicate("username", "account", username)
    return await Account.create(
        username=username,
        display_name=display,
        role=account_role,
        unit=account_unit,
        phone=phone,
        password_hash=hash_password(password),
    )


async def reset_password(username: str, password: str) -> Account:
    """Give an account a new password and revoke the tokens issued under the old one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password",
            "password.length",
            _(
                "must have at least {MIN_PASSWORD_LENGTH} characters",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            ),
        )
    account = await Account.get_or_none(username=username)
    if account is None:
        raise NotFound("username", "account", username)
    account.password_hash = hash_password(password)
    account.token_generation += 1
    await account.save(update_fields=["password_hash", "token_generation", "updated_at"])
    return account


async def deactivate_account(username: str) -> Account:
    """Deactivate an account and revoke its tokens (their generation no longer matches)."""
    account = await Account.get_or_none(username=username)
    if account is None:
        raise NotFound("username", "account", username)
    account.is_active = False
    account.token_generation += 1
    await account.save(update_fields=["is_active", "token_generation", "updated_at"])
    return account
