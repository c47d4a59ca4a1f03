"""Settings from the environment (DESIGN.md §6a)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

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

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""1 MiB: the largest real request (a meeting with its agenda) is a few KiB."""
MIN_MAX_BODY_BYTES = 1024


@dataclass(frozen=True)
class Settings:
    database_url: str
    env: Environment
    secret_key: str
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    cors_origins: tuple[str, ...] = ()

    @property
    def debug(self) -> bool:
        return self.env is Environment.DEVELOPMENT

    @classmethod
    def from_env(cls) -> Settings:
        """Read FUYUAN_DATABASE_URL, FUYUAN_ENV, FUYUAN_SECRET_KEY, FUYUAN_MAX_BODY_BYTES
        and FUYUAN_CORS_ORIGINS.

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
        return cls(
            database_url=url,
            env=env,
            secret_key=secret,
            max_body_bytes=_max_body_bytes(os.environ.get("FUYUAN_MAX_BODY_BYTES", "")),
            cors_origins=_cors_origins(os.environ.get("FUYUAN_CORS_ORIGINS", "")),
        )


def _max_body_bytes(raw: str) -> int:
    """FUYUAN_MAX_BODY_BYTES: a whole number of bytes, at least 1024; unset means 1 MiB."""
    if not raw.strip():
        return DEFAULT_MAX_BODY_BYTES
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError as err:
        raise SettingsError("FUYUAN_MAX_BODY_BYTES", f"{raw!r} is not a number of bytes") from err
    if value < MIN_MAX_BODY_BYTES:
        raise SettingsError(
            "FUYUAN_MAX_BODY_BYTES", f"{value} is too small: at least {MIN_MAX_BODY_BYTES}"
        )
    return value


def _cors_origins(raw: str) -> tuple[str, ...]:
    """FUYUAN_CORS_ORIGINS: comma-separated origins such as ``https://dash.example.gov.cn``.

    Each must be a scheme and host (and port), without a path; ``*`` is refused,
    since the API takes bearer tokens and a wildcard would let any site try them.
    """
    origins = []
    for part in raw.split(","):
        origin = part.strip().rstrip("/")
        if not origin:
            continue
        parsed = urlsplit(origin)
        if (
            parsed.scheme not in ("http", "https")
            or not parsed.hostname
            or parsed.path
            or parsed.query
            or parsed.fragment
            or parsed.username is not None
        ):
            raise SettingsError(
                "FUYUAN_CORS_ORIGINS",
                f"{part.strip()!r} is not an origin like https://host[:port] (no path, no *)",
            )
        origins.append(origin)
    return tuple(origins)
