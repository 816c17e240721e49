"""How a /collab WebSocket reaches its endpoint: a short path past Starlette's full stack.

Every other request goes through `ServerErrorMiddleware`, the app's seven middlewares,
`ExceptionMiddleware` and the Router. A WebSocket to `/collab/{doc_id}` needs only three
of those layers: `RequestIdMiddleware` (its id in the logs), `TrustedHostMiddleware` (a
Host that is not ours is refused) and `SessionMiddleware` (who is signed in). The
others pass a WebSocket through untouched (security headers, the body limit, CSRF and
gzip act on HTTP only; `ServerErrorMiddleware` too), or are not needed: the Router only
matches the path, and no exception handler applies to a socket (an exception escaping
`collab_socket` reaches uvicorn, which logs it as before; nor does the endpoint build
URLs with `websocket.url_for`, which would need the Router). Yet each layer's frame
stayed alive for the connection's whole life; this path keeps only the three.

`CollabEntry` is installed as the Starlette app's middleware stack (`install`), the
layer `Starlette.__call__` runs right after setting `scope["app"]` to the app, so
`create_app` still returns the Starlette app itself: its type, `app.state`, `app.routes`,
TestClient and the command line see no difference, and no wrapper has to forward
attribute access (a forwarding wrapper fails `isinstance` and keeps attributes assigned
to it). The price: `app.add_middleware` now raises, as on an app that has started.
Only WebSockets whose path the `/collab/{doc_id}` route matches take the short path,
matched by a `WebSocketRoute` exactly as the Router matched them; everything else
(HTTP, lifespan, other paths, `/collab/x/y`) goes to Starlette's stack unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

from starlette.applications import Starlette
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from .auth.sessions import SessionMiddleware
from .collab_endpoint import collab_socket
from .logs import RequestIdMiddleware

PATH = "/collab/{doc_id}"


def open_socket(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
    """`collab_socket` as an ASGI app (its coroutine returned, not awaited: one frame less
    per connection)."""
    return collab_socket(WebSocket(scope, receive=receive, send=send))


class CollabEntry:
    """/collab WebSockets to their short path, everything else to `rest`."""

    def __init__(self, rest: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.rest = rest
        # composed once, not per connection
        self.collab: ASGIApp = RequestIdMiddleware(
            TrustedHostMiddleware(SessionMiddleware(open_socket), allowed_hosts=allowed_hosts)
        )
        self.route = WebSocketRoute(PATH, self.collab)  # for its matching: the Router's own

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            match, child_scope = self.route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)  # path_params: {"doc_id": ...}
                await self.collab(scope, receive, send)
                return
        await self.rest(scope, receive, send)


def install(app: Starlette, allowed_hosts: Sequence[str]) -> Starlette:
    """Put the /collab path in front of the app's own middleware stack; returns `app`."""
    app.middleware_stack = CollabEntry(app.build_middleware_stack(), allowed_hosts)
    return app
