"""login: a username and password in, a bearer token out."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import MutationInput, answer, errors_field
from schema.types.units import AccountType
from store.auth import login


@strawberry.input(description="A username and password.")
class LoginInput:
    username: str = strawberry.field(description="Sign-in name, e.g. demo-unit.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.type(description="The result of login.")
class LoginPayload:
    token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; null when login failed."
    )
    expires_at: dt.datetime | None = strawberry.field(description="When the token stops working.")
    account: AccountType | None = strawberry.field(description="The signed-in account.")
    errors: list[UserError] = errors_field(description="Why login failed; empty on success.")


async def resolve_login(info: Info, input: MutationInput[LoginInput]) -> LoginPayload:
    now = dt.datetime.now(dt.UTC)
    context = info.context
    request = context.request

    async def perform() -> LoginPayload:
        token, account = await login(
            input.username,
            input.password,
            secret=context.secret_key,
            ttl=context.token_ttl,
            now=now,
            client=request.client.host if request is not None and request.client else None,
        )
        context.viewer = account
        return LoginPayload(
            token=token,
            expires_at=now + context.token_ttl,
            account=AccountType.from_model(account),
            errors=[],
        )

    # Signing in is the one mutation with no viewer yet: no ``mutate``.
    return await answer(LoginPayload, perform())
