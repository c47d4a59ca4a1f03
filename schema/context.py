"""The per-request context: the request, the viewer, and its DataLoaders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from schema.loaders import Loaders
from store.models import Account
from workflow.clock import SHANGHAI
from workflow.clocks import ClockLimits


@dataclass
class Context:
    request: Request | WebSocket | None
    response: Response | None = None
    viewer: Account | None = None
    auth_error: str | None = None
    secret_key: str = ""
    clock_limits: ClockLimits = field(default_factory=ClockLimits)
    token_ttl: dt.timedelta = dt.timedelta(hours=12)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # Made per request and per viewer: the loaders filter by what it may see.
        self.loaders = Loaders(self.viewer)

    @property
    def today(self) -> dt.date:
        """Today in Asia/Shanghai: the day deadlines and warnings are judged on."""
        return dt.datetime.now(SHANGHAI).date()


Info = StrawberryInfo[Context, None]
