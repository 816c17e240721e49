"""How a /collab WebSocket reaches its endpoint: a short path past Starlette's full stack.

Every other request goes through `ServerErrorMiddleware`, the app's seven middlewares,
`ExceptionMiddleware` and the Router. A WebSocket to `/collab/{doc_id}` needs what only
three of those layers do: its request id in the logs (`request_id_of`, as
`RequestIdMiddleware` gives it), `TrustedHostMiddleware` (a Host that is not ours is
refused) and `SessionMiddleware` (who is signed in). The
others pass a WebSocket through untouched (security headers, the body limit, CSRF and
gzip act on HTTP only; `ServerErrorMiddleware` too), or are not needed: the Router only
matches the path, and no exception handler applies to a socket (an exception escaping
`collab_socket` reaches uvicorn, which logs it as before; nor does the endpoint build
URLs with `websocket.url_for`, which would need the Router). Yet each layer's frame
stayed alive for the connection's whole life. On this path none does: the request id is
set for the connection's task, the host and session checks run to their end in front of
the endpoint (a last layer notes that they let the connection through; a refused one
they answer themselves), and then the endpoint runs. Their frames, and the copies of the
request's headers they held, are gone before the connection settles in.

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
from .logs import request_id, request_id_of

PATH = "/collab/{doc_id}"


PASSED = "mentorhub.collab_entry.passed"  # in the scope: the checks let it through


async def mark_passed(scope: Scope, receive: Receive, send: Send) -> None:
    """The layer after the checks: it only notes that they let the connection through."""
    scope[PASSED] = True


class CollabEntry:
    """/collab WebSockets to their short path, everything else to `rest`."""

    def __init__(self, rest: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.rest = rest
        # composed once, not per connection; they answer a refused connection themselves
        self.checks: ASGIApp = TrustedHostMiddleware(
            SessionMiddleware(mark_passed), allowed_hosts=allowed_hosts
        )
        self.route = WebSocketRoute(PATH, self.checks)  # for its matching: the Router's own

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # the awaitable returned, not awaited here: one frame less per connection
        if scope["type"] == "websocket":
            match, child_scope = self.route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)  # path_params: {"doc_id": ...}
                return self.enter(scope, receive, send)
        return self.rest(scope, receive, send)

    async def enter(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The checks run to their end (their frames, and the request headers they hold,
        are gone by the time the connection settles in), then the endpoint."""
        request_id.set(request_id_of(scope))  # this task's: it ends with the connection
        await self.checks(scope, receive, send)
        if scope.pop(PASSED, False):
            await collab_socket(WebSocket(scope, receive=receive, send=send))


def install(app: Starlette, allowed_hosts: Sequence[str]) -> Starlette:
    """Put the /collab path in front of the app's own middleware stack; returns `app`."""
    app.middleware_stack = CollabEntry(app.build_middleware_stack(), allowed_hosts)
    return app
