"""Real receivers for the reminders the tests send: an SMTP server (aiosmtpd) and an HTTP
server for the robots and the SMS webhook. Each records what arrived, by delivery id."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """What a receiver was sent: every arrival, in order, with its delivery id."""

    items: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: dict[str, Any]) -> None:
        with self.lock:
            self.items.append(item)

    def ids(self) -> list[str]:
        """Every arrival's delivery id, repeats included."""
        with self.lock:
            return [str(item["delivery_id"]) for item in self.items]

    def accepted(self) -> set[str]:
        """What a receiver that deduplicates on the delivery id keeps: each id once."""
        return set(self.ids())


class _SmtpHandler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.add(
            {
                "delivery_id": message["X-Fuyuan-Delivery-Id"],
                "message_id": message["Message-ID"],
                "to": envelope.rcpt_tos,
                "subject": str(message["Subject"]),
                "plain": message.get_body(("plain",)).get_content(),  # type: ignore[union-attr]
                "html": message.get_body(("html",)).get_content(),  # type: ignore[union-attr]
            }
        )
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    """A real SMTP server on a free local port (no TLS: ``FUYUAN_SMTP_SECURITY=none``)."""
    received = Received()
    with socket.socket() as probe:  # aiosmtpd needs a port of its own: find a free one
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(_SmtpHandler(received), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@dataclass
class HttpReceiver:
    port: int
    received: Received
    #: Answer this many requests with HTTP 500 before accepting (retry tests).
    fail_first: int = 0

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def http_server() -> Iterator[HttpReceiver]:
    """An HTTP server on a free local port: answers ``{"errcode": 0}`` and records each POST."""
    received = Received()
    state = HttpReceiver(0, received)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the robots' servers do

        def _empty(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if state.fail_first > 0:
                state.fail_first -= 1
                self._empty(500)
                return
            try:
                document = json.loads(body)
            except ValueError:  # a request cut off by a killed sender: refused, not kept
                self._empty(400)
                return
            parts = urlsplit(self.path)
            received.add(
                {
                    "delivery_id": self.headers.get("X-Fuyuan-Delivery-Id"),
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "headers": dict(self.headers),
                    "raw": body,
                    "json": document,
                }
            )
            answer = b'{"errcode":0,"errmsg":"ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
