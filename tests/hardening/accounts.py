"""More accounts for the hardening tests: people to sign in, subscribers to fan out to."""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships neither stubs nor py.typed

from tests.conftest import asyncpg_dsn
from tests.hardening.conftest import Attack


def clone_accounts(attack: Attack, like: str, count: int) -> list[str]:
    """``count`` more accounts with ``like``'s unit, role and password: people to sign in.

    Written straight into the database: fuyuan has no API to create accounts.
    """
    names = [f"{like}-{n}" for n in range(count)]
    sql = (
        "INSERT INTO account (username, display_name, unit_id, role, password_hash, is_active,"
        " token_generation, created_at, updated_at) SELECT {0}, {1}, unit_id, role,"
        " password_hash, is_active, 0, created_at, updated_at FROM account WHERE username = {2}"
    )
    rows = [(name, name, like) for name in names]
    if attack.dialect == "sqlite":
        with sqlite3.connect(attack.database_url.removeprefix("sqlite://")) as conn:
            conn.executemany(sql.format("?", "?", "?"), rows)
        return names

    async def insert() -> None:
        conn = await asyncpg.connect(asyncpg_dsn(attack.database_url))
        try:
            await conn.executemany(sql.format("$1", "$2", "$3"), rows)
        finally:
            await conn.close()

    asyncio.run(insert())
    return names
