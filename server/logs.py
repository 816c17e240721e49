"""Logging: plain text for people, JSON lines for machines, each with its request id."""

from __future__ import annotations

import contextvars
import json
import logging
import random
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth.tokens import redact_tokens

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


class RedactingFormatter(logging.Formatter):
    """Another formatter's lines with every access token taken out (messages, request
    ids a client chose, tracebacks: the whole line)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact_tokens(self.inner.format(record))


def configure_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    inner = JsonFormatter() if fmt == "json" else TextFormatter()
    handler.setFormatter(RedactingFormatter(inner))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def request_id_of(scope: Scope) -> str:
    """The id a request goes by: the client's `X-Request-ID` when it is a printable one
    (cut to 64 characters), else a new one: 64 random bits from `random`, enough to tell
    requests apart in the logs (they are not secrets; a `uuid4` would ask the kernel for
    random bytes on every request and every /collab connection)."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            incoming = value.decode("latin-1")
            if incoming and incoming.isprintable():
                return incoming[:64]
            break
    return f"{random.getrandbits(64):016x}"


class RequestIdMiddleware:
    """Give every HTTP request and WebSocket connection an id, in logs and `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = request_id_of(scope)
        token = request_id.set(rid)
        if scope["type"] == "websocket":  # no response headers to add: keep the hot path bare
            try:
                await self.app(scope, receive, send)
            finally:
                request_id.reset(token)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
