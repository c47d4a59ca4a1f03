"""Settings from the environment (DESIGN.md §6a)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

from store.db import database_url


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"


@dataclass(frozen=True)
class Settings:
    database_url: str
    env: Environment
    secret_key: str

    @property
    def debug(self) -> bool:
        return self.env is Environment.DEVELOPMENT

    @classmethod
    def from_env(cls) -> Settings:
        """Read FUYUAN_DATABASE_URL, FUYUAN_ENV and FUYUAN_SECRET_KEY.

        Production refuses to start without a real secret key.
        """
        raw_env = os.environ.get("FUYUAN_ENV", Environment.DEVELOPMENT.value)
        try:
            env = Environment(raw_env)
        except ValueError as err:
            raise SettingsError(
                "FUYUAN_ENV", f"{raw_env!r} is neither development nor production"
            ) from err
        secret = os.environ.get("FUYUAN_SECRET_KEY", "")
        if not secret:
            if env is Environment.PRODUCTION:
                raise SettingsError("FUYUAN_SECRET_KEY", "must be set in production")
            secret = DEVELOPMENT_SECRET
        elif env is Environment.PRODUCTION and len(secret) < 32:
            raise SettingsError("FUYUAN_SECRET_KEY", "must be at least 32 characters in production")
        url = database_url()
        if not url.startswith(("sqlite://", "postgres://", "asyncpg://", "psycopg://")):
            raise SettingsError(
                "FUYUAN_DATABASE_URL", f"{url!r} is neither a sqlite:// nor a postgres:// URL"
            )
        return cls(database_url=url, env=env, secret_key=secret)
