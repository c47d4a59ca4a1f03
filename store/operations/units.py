"""Units (单位) and accounts (联络员)."""

from __future__ import annotations

from argon2 import PasswordHasher
from tortoise.transactions import in_transaction

from store.enums import Role, UnitKind
from store.errors import Duplicate, NotFound, ValidationError
from store.inputs import column_length, identifier, optional_single_line, single_line
from store.models import Account, Unit
from store.operations.common import UnitRef, parse_enum, resolve_unit

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


async def create_unit(
    *,
    code: str,
    name: str,
    kind: UnitKind | str,
    region: str | None = None,
    parent: UnitRef | None = None,
    court_code: str | None = None,
) -> Unit:
    """Create a unit; a court must carry its court code (豫02, 豫0202 …)."""
    code = identifier(code, field="code", max_length=column_length(Unit, "code"))
    name = single_line(name, field="name", max_length=column_length(Unit, "name"))
    region = optional_single_line(region, field="region", max_length=column_length(Unit, "region"))
    court_code = optional_single_line(
        court_code, field="courtCode", max_length=column_length(Unit, "court_code")
    )
    unit_kind = parse_enum(UnitKind, kind, field="kind")
    if unit_kind is UnitKind.COURT and not court_code:
        raise ValidationError("courtCode", "court_code.required", "a court needs its court code")
    if unit_kind is not UnitKind.COURT and court_code:
        raise ValidationError("courtCode", "court_code.court_only", "only courts have a court code")
    parent_unit = await resolve_unit(parent, field="parentId") if parent is not None else None
    async with in_transaction() as conn:
        if await Unit.filter(code=code).using_db(conn).exists():
            raise Duplicate("code", "unit", code)
        if await Unit.filter(name=name).using_db(conn).exists():
            raise Duplicate("name", "unit", name)
        return await Unit.create(
            code=code,
            name=name,
            kind=unit_kind,
            region=region,
            parent=parent_unit,
            court_code=court_code,
            using_db=conn,
        )


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
            "password", "password.length", f"must have at least {MIN_PASSWORD_LENGTH} characters"
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
    account_unit = await resolve_unit(unit, field="unitId", kinds=kinds)
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
            "password", "password.length", f"must have at least {MIN_PASSWORD_LENGTH} characters"
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
