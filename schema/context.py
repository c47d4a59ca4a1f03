"""The per-request context: the request and its DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from schema.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None = None
    loaders: Loaders = field(default_factory=Loaders)


Info = StrawberryInfo[Context, None]
