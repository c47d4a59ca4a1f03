"""createAccount, resetPassword, deactivateAccount: the accounts an administrator keeps
(the dashboard's 账号管理; ``fuyuan account …`` does the same from the command line)."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import MutationInput, errors_field, mutate, required_id
from schema.types.units import AccountType
from store.enums import Role
from store.errors import NotFound, ValidationError
from store.models import Account
from store.operations.units import create_account, deactivate_account, reset_password
from workflow.i18n import _

PASSWORD_DESCRIPTION = "The password: at least 10 characters; kept only as an argon2 hash."


@strawberry.input(description="A new account (联络员/用户).")
class CreateAccountInput:
    username: str = strawberry.field(description="Sign-in name: letters, digits, - and _.")
    password: str = strawberry.field(description=PASSWORD_DESCRIPTION)
    role: Role = strawberry.field(
        description="What it may do; a court liaison belongs to a court, a unit liaison to a "
        "government unit, a coordinator to the joint-meeting office."
    )
    unit_id: strawberry.ID = strawberry.field(description="Its unit: an active Unit.")
    display_name: str | None = strawberry.field(
        default=None, description="Name shown to others; the username when not given."
    )
    phone: str | None = strawberry.field(default=None, description="Telephone (personal data).")


@strawberry.input(description="A new password for an account; its signed-in sessions end.")
class ResetPasswordInput:
    account_id: strawberry.ID = strawberry.field(description="The Account.")
    password: str = strawberry.field(description=PASSWORD_DESCRIPTION)


@strawberry.input(description="The account to deactivate; its signed-in sessions end.")
class DeactivateAccountInput:
    account_id: strawberry.ID = strawberry.field(description="The Account.")


@strawberry.type(description="The result of createAccount, resetPassword or deactivateAccount.")
class AccountPayload:
    account: AccountType | None = strawberry.field(
        description="The account as stored; null when refused."
    )
    errors: list[UserError] = errors_field()


async def _username(account_id: strawberry.ID) -> str:
    row_id = required_id(account_id, expected="Account", field="accountId")
    account = await Account.get_or_none(id=row_id)
    if account is None:
        raise NotFound("accountId", "account", account_id)
    return account.username


async def resolve_create_account(
    info: Info, input: MutationInput[CreateAccountInput]
) -> AccountPayload:
    async def perform(viewer: Account) -> AccountPayload:
        unit_id = required_id(input.unit_id, expected="Unit", field="unitId")
        account = await create_account(
            username=input.username,
            password=input.password,
            role=input.role,
            unit=unit_id,
            display_name=input.display_name,
            phone=input.phone,
        )
        return AccountPayload(account=AccountType.from_model(account), errors=[])

    return await mutate(info, AccountPayload, perform)


async def resolve_reset_password(
    info: Info, input: MutationInput[ResetPasswordInput]
) -> AccountPayload:
    async def perform(viewer: Account) -> AccountPayload:
        account = await reset_password(await _username(input.account_id), input.password)
        return AccountPayload(account=AccountType.from_model(account), errors=[])

    return await mutate(info, AccountPayload, perform)


async def resolve_deactivate_account(
    info: Info, input: MutationInput[DeactivateAccountInput]
) -> AccountPayload:
    async def perform(viewer: Account) -> AccountPayload:
        username = await _username(input.account_id)
        if username == viewer.username:
            # the last administrator could lock everyone out of the account pages
            raise ValidationError(
                "accountId", "account.self", _("you cannot deactivate the account you are using")
            )
        account = await deactivate_account(username)
        return AccountPayload(account=AccountType.from_model(account), errors=[])

    return await mutate(info, AccountPayload, perform)
