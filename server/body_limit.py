"""One limit on the body of every HTTP request, enforced before anything parses it.

Plain ASGI, placed early in the middleware stack: a request whose Content-Length is
over the limit gets 413 without a byte of its body being read; a body sent without a
length (chunked) is counted as it arrives and cut off at the limit. Whatever reads the
body later (the CSRF check, a form parser) reads through this counter.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """The request's body went past the limit while it was being read."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def too_large(self) -> PlainTextResponse:
        limit = f"{self.max_bytes // 1024} KiB" if self.max_bytes >= 1024 else "bytes"
        message = f"Request body too large: at most {limit} ({self.max_bytes} bytes)."
        return PlainTextResponse(message, status_code=413, headers={"Connection": "close"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared and (not declared.isdigit() or int(declared) > self.max_bytes):
            if declared.isdigit() and int(declared) <= 2 * self.max_bytes:
                await self.discard_rest(receive)  # a modest overshoot: let the 413 arrive
            await self.too_large()(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:  # too late to answer: drop the connection
                raise
            await self.discard_rest(receive)
            await self.too_large()(scope, receive, send)

    async def discard_rest(self, receive: Receive) -> None:
        """Read and drop what follows, up to the limit once more, so that a client that
        stops sending soon after the limit gets the 413 (a close with unread data would
        reset the connection and lose it); past that the connection is closed anyway."""
        dropped = 0
        while dropped <= self.max_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return
            dropped += len(message.get("body", b""))
            if not message.get("more_body", False):
                return
