"""Settings from the environment (DESIGN.md §6a)."""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from store.blobs import DEFAULT_FILES_DIR
from store.db import database_url
from workflow.clocks import ACCEPT_WITHIN_WORKING_DAYS, REVIEW_WARN_WORKING_DAYS, ClockLimits
from workflow.i18n import _


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(_("{variable}: {problem}", variable=variable, problem=problem))
        self.variable = variable


logger = logging.getLogger("fuyuan.settings")

SECRET_FILE = Path("var") / "secret_key"
"""Where an installation keeps the secret it made itself when FUYUAN_SECRET_KEY is
unset: relative to the working directory, like the default SQLite database."""

MIN_SECRET_LENGTH = 32

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""1 MiB: the largest real request (a meeting with its agenda) is a few KiB."""
MIN_MAX_BODY_BYTES = 1024
DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 * 1024
"""16 MiB: the cap of a multipart request (importLedger's file; 5,000 rows are ~300 KiB)."""

DEFAULT_MAX_FILE_MB = 20
"""20 MiB: an evidence file (a scan of a receipt, a ruling) at POST /files."""
MAX_MAX_FILE_MB = 1024

#: The most working days a clock's limit may be set to (three months of them).
MAX_LIMIT_WORKING_DAYS = 60


@dataclass(frozen=True)
class Settings:
    database_url: str
    env: Environment
    secret_key: str
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    clock_limits: ClockLimits = field(default_factory=ClockLimits)
    files_dir: Path = DEFAULT_FILES_DIR
    files_url: str = ""
    s3_endpoint_url: str | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_MB * 1024 * 1024

    @property
    def debug(self) -> bool:
        return self.env is Environment.DEVELOPMENT

    @classmethod
    def from_env(cls, *, make_secret: bool = True) -> Settings:
        """Read FUYUAN_DATABASE_URL, FUYUAN_ENV, FUYUAN_SECRET_KEY, FUYUAN_MAX_BODY_BYTES,
        FUYUAN_MAX_UPLOAD_BYTES, FUYUAN_CORS_ORIGINS, FUYUAN_TRUSTED_PROXIES,
        FUYUAN_ACCEPT_WITHIN_WORKING_DAYS, FUYUAN_REVIEW_WARN_WORKING_DAYS and the
        evidence files' FUYUAN_FILES_DIR, FUYUAN_FILES_URL, FUYUAN_S3_ENDPOINT_URL and
        FUYUAN_MAX_FILE_MB.

        Without FUYUAN_SECRET_KEY, tokens are signed with the installation's own
        secret (:func:`installation_secret`), in production too; with
        ``make_secret=False`` (commands that sign no token) it is neither read nor
        made, and ``secret_key`` is empty. A FUYUAN_SECRET_KEY set in production
        must have at least 32 characters.
        """
        raw_env = os.environ.get("FUYUAN_ENV", Environment.DEVELOPMENT.value)
        try:
            env = Environment(raw_env)
        except ValueError as err:
            raise SettingsError(
                "FUYUAN_ENV",
                _("{raw_env!r} is neither development nor production", raw_env=raw_env),
            ) from err
        secret = os.environ.get("FUYUAN_SECRET_KEY", "")
        if secret and env is Environment.PRODUCTION and len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                "FUYUAN_SECRET_KEY",
                _("must be at least {count} characters in production", count=MIN_SECRET_LENGTH),
            )
        if not secret and make_secret:
            secret = installation_secret()
        url = database_url()
        if not url.startswith(("sqlite://", "postgres://", "asyncpg://", "psycopg://")):
            raise SettingsError(
                "FUYUAN_DATABASE_URL",
                _("{url!r} is neither a sqlite:// nor a postgres:// URL", url=url),
            )
        return cls(
            database_url=url,
            env=env,
            secret_key=secret,
            max_body_bytes=_max_body_bytes(os.environ.get("FUYUAN_MAX_BODY_BYTES", "")),
            max_upload_bytes=_max_body_bytes(
                os.environ.get("FUYUAN_MAX_UPLOAD_BYTES", ""),
                "FUYUAN_MAX_UPLOAD_BYTES",
                DEFAULT_MAX_UPLOAD_BYTES,
            ),
            cors_origins=_cors_origins(os.environ.get("FUYUAN_CORS_ORIGINS", "")),
            trusted_proxies=_trusted_proxies(os.environ.get("FUYUAN_TRUSTED_PROXIES", "")),
            files_dir=Path(os.environ.get("FUYUAN_FILES_DIR", "").strip() or DEFAULT_FILES_DIR),
            files_url=_files_url(os.environ.get("FUYUAN_FILES_URL", "")),
            s3_endpoint_url=os.environ.get("FUYUAN_S3_ENDPOINT_URL", "").strip() or None,
            max_file_bytes=_max_file_mb(os.environ.get("FUYUAN_MAX_FILE_MB", "")) * 1024 * 1024,
            clock_limits=ClockLimits(
                accept_within_working_days=_working_days(
                    "FUYUAN_ACCEPT_WITHIN_WORKING_DAYS", ACCEPT_WITHIN_WORKING_DAYS
                ),
                review_warn_working_days=_working_days(
                    "FUYUAN_REVIEW_WARN_WORKING_DAYS", REVIEW_WARN_WORKING_DAYS
                ),
            ),
        )


def installation_secret(path: Path = SECRET_FILE) -> str:
    """The secret this installation signs tokens with: read from ``path``, made there
    on the first start.

    Made of 48 random bytes, in a file only its owner may read (mode 0600). Several
    processes starting at once (``fuyuan serve --workers 4``) all end up with the
    same one: each writes a draft of its own, complete before anyone can see it,
    and hard-links it to ``path``, which fails for all but the first; then each
    reads ``path`` back. Machines do not share it: behind a load balancer, set
    FUYUAN_SECRET_KEY to one value on all of them.
    """
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, path)
            logger.info("made this installation's secret for signing tokens: %s", path)
        except FileExistsError:
            pass  # another process made it first: its secret is the one
    except OSError as err:
        raise SettingsError(
            "FUYUAN_SECRET_KEY",
            _("unset, and the secret cannot be made in {path}: {err}", path=path, err=err),
        ) from err
    finally:
        draft.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    """The secret in ``path``; SettingsError if others may read it or it is too short."""
    with path.open(encoding="ascii", errors="replace") as source:
        mode = os.fstat(source.fileno()).st_mode
        secret = source.read().strip()
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SettingsError(
            str(path),
            _(
                "other users may read it (mode {mode:o}): run chmod 600 {path}",
                mode=mode & 0o777,
                path=path,
            ),
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            str(path),
            _(
                "holds no secret of at least {count} characters: delete it to make a new one "
                "(tokens signed with the old one stop working)",
                count=MIN_SECRET_LENGTH,
            ),
        )
    return secret


def _max_body_bytes(
    raw: str, name: str = "FUYUAN_MAX_BODY_BYTES", default: int = DEFAULT_MAX_BODY_BYTES
) -> int:
    """FUYUAN_MAX_BODY_BYTES (or ``name``): a whole number of bytes, at least 1024; unset
    means ``default`` (1 MiB)."""
    if not raw.strip():
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError as err:
        raise SettingsError(name, _("{raw!r} is not a number of bytes", raw=raw)) from err
    if value < MIN_MAX_BODY_BYTES:
        raise SettingsError(
            name, _("{value} is too small: at least {least}", value=value, least=MIN_MAX_BODY_BYTES)
        )
    return value


def _working_days(variable: str, default: int) -> int:
    """A number of working days from ``variable`` (0 to 60); unset means ``default``.

    FUYUAN_ACCEPT_WITHIN_WORKING_DAYS (签收时限, default 2) and
    FUYUAN_REVIEW_WARN_WORKING_DAYS (the office's review warns past it, default 5).
    """
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as err:
        raise SettingsError(
            variable, _("{raw!r} is not a number of working days", raw=raw)
        ) from err
    if not 0 <= value <= MAX_LIMIT_WORKING_DAYS:
        raise SettingsError(
            variable,
            _(
                "{value} is not between 0 and {most} working days",
                value=value,
                most=MAX_LIMIT_WORKING_DAYS,
            ),
        )
    return value


def _files_url(raw: str) -> str:
    """FUYUAN_FILES_URL: ``s3://bucket/prefix`` for evidence files in object storage;
    unset keeps them on disk under FUYUAN_FILES_DIR."""
    url = raw.strip()
    if url:
        parsed = urlsplit(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise SettingsError(
                "FUYUAN_FILES_URL", _("{url!r} is not an s3://bucket/prefix URL", url=url)
            )
    return url


def _max_file_mb(raw: str) -> int:
    """FUYUAN_MAX_FILE_MB: the largest evidence file, in MiB (whole, 1 to 1024; default 20)."""
    if not raw.strip():
        return DEFAULT_MAX_FILE_MB
    try:
        value = int(raw)
    except ValueError as err:
        raise SettingsError(
            "FUYUAN_MAX_FILE_MB", _("{raw!r} is not a whole number of MiB", raw=raw)
        ) from err
    if not 1 <= value <= MAX_MAX_FILE_MB:
        raise SettingsError(
            "FUYUAN_MAX_FILE_MB",
            _("{value} is not between 1 and {most}", value=value, most=MAX_MAX_FILE_MB),
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
                _(
                    "{origin!r} is not an origin like https://host[:port] (no path, no *)",
                    origin=part.strip(),
                ),
            )
        origins.append(origin)
    return tuple(origins)


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    """FUYUAN_TRUSTED_PROXIES: comma-separated addresses or networks (``10.0.0.5``,
    ``10.0.0.0/8``) of the reverse proxies whose ``X-Forwarded-For`` names the client.

    Empty by default: a client's own header is never believed, or every guess at a
    password could claim a new address and dodge the per-address limit.
    """
    proxies = []
    for part in raw.split(","):
        entry = part.strip()
        if not entry:
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as err:
            raise SettingsError(
                "FUYUAN_TRUSTED_PROXIES",
                _(
                    "{entry!r} is not an IP address or network like 10.0.0.5 or 10.0.0.0/8",
                    entry=entry,
                ),
            ) from err
        proxies.append(entry)
    return tuple(proxies)
