"""HTTP hardening as pure ASGI middleware: security headers and a request body cap.

Pure ASGI (not ``BaseHTTPMiddleware``) so that websockets pass straight through
and streamed responses (briefing downloads) are not buffered. Both wrap
``send``/``receive`` and touch nothing else.
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workflow.i18n import _, language, negotiate

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""For every response but GraphiQL: the dashboard's own scripts, styles and API only."""

GRAPHIQL_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # strawberry's GraphiQL page is one HTML file with inline <script> and
        # <style> and React/GraphiQL from unpkg.com; it is served in development only.
        "script-src 'self' 'unsafe-inline' https://unpkg.com",
        "style-src 'self' 'unsafe-inline' https://unpkg.com",
        "img-src 'self' data: https://unpkg.com",
        "font-src 'self' data: https://unpkg.com",
        "connect-src 'self'",  # fetch and the subscription websocket, same origin
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

GRAPHIQL_PATH = "/graphql"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}

STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
"""One year, sent in production only: development runs on plain http://127.0.0.1."""


class SecurityHeaders:
    """Adds the security headers to every HTTP response, errors and files included.

    A header the app set itself is kept. HTML from ``/graphql`` (GraphiQL) gets
    a Content-Security-Policy that allows its inline code and CDN assets; every
    other response gets the strict one.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault(
                    "Content-Security-Policy",
                    GRAPHIQL_CONTENT_SECURITY_POLICY
                    if html and path == GRAPHIQL_PATH
                    else CONTENT_SECURITY_POLICY,
                )
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: The Content-Language of each language of the catalogs.
CONTENT_LANGUAGES = {"zh_CN": "zh-CN", "en": "en"}


class Language:
    """Speaks the client's language: Chinese, or English when ``Accept-Language``
    prefers it (``workflow.i18n.negotiate``), for everything the request answers —
    GraphQL errors, downloads, HTTP errors — and says so in ``Content-Language``.

    A websocket (the subscriptions) speaks the language of its handshake.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = None
        for name, value in scope.get("headers", ()):
            if name == b"accept-language":
                header = value.decode("latin-1")
        lang = negotiate(header)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Language", CONTENT_LANGUAGES[lang])
                vary = headers.get("vary")
                if vary is None:
                    headers["Vary"] = "Accept-Language"
                elif "accept-language" not in vary.lower():
                    headers["Vary"] = f"{vary}, Accept-Language"
            await send(message)

        with language(lang):
            await self.app(scope, receive, send_with_language)


class BodyTooLarge(Exception):
    """The request body grew past the cap while the app was reading it."""


class BodySizeLimit:
    """Refuses request bodies over ``max_bytes`` with 413 and a JSON error.

    A declared Content-Length over the cap is refused before the app runs; a
    chunked body is counted as it is read and refused once it passes the cap
    (as long as the app has not started answering).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_upload_bytes: int = 0,
        path_caps: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max(max_upload_bytes, max_bytes)
        """The cap of a multipart request (a file upload: importLedger's ledger)."""
        self.path_caps = path_caps or {}
        """Caps of their own for some paths (POST /files: FUYUAN_MAX_FILE_MB)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.max_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                cap = self.max_upload_bytes
        cap = self.path_caps.get(scope.get("path", ""), cap)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0  # the server (h11, httptools) refuses a malformed length
                if declared > cap:
                    await self._refuse(send, cap)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send, cap)

    async def _refuse(self, send: Send, cap: int) -> None:
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": _("the request body is larger than {cap} bytes", cap=cap),
                        "extensions": {"code": "PAYLOAD_TOO_LARGE", "maxBytes": cap},
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
