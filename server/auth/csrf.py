"""CSRF protection: every POST, PUT, PATCH and DELETE carries a token bound to a cookie.

The token is an HMAC (keyed by SECRET_KEY) of the session id for a signed-in browser,
or of a random value kept in its own signed cookie (`mentorhub_csrf`) for anonymous
forms such as the sign-in page. It is accepted from the `X-CSRF-Token` header (htmx
sends it on every request, see base.html) or from the form field `csrf_token`.

`CSRFMiddleware` is plain ASGI. To read the form field it buffers the request body
(bounded by MAX_BODY_BYTES, server/body_limit.py, which sits before it), parses it,
and replays the same bytes to the application, which can then read its form as usual. Pages call
`csrf_token_for(request)` to put the token in their forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings
from .sessions import read_cookie

COOKIE = "mentorhub_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Endpoints that authenticate by a personal access token alone and ignore cookies: a
# forged cross-site request carries no token, so they need no CSRF token either.
TOKEN_ONLY = "/api/"


def _token(settings: Settings, purpose: str, value: str) -> str:
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def _signer(settings: Settings) -> Signer:
    return Signer(settings.secret_key, salt="mentorhub.csrf")


def csrf_token_for(request: Request) -> str:
    """The token this browser's forms and htmx requests must carry."""
    state = request.scope.setdefault("state", {})
    settings: Settings = request.app.state.settings
    if state.get("session_cookie_id"):
        return _token(settings, "session", state["session_cookie_id"])
    if not state.get("csrf_anon"):
        state["csrf_anon"], state["csrf_anon_new"] = secrets.token_urlsafe(32), True
    state["csrf_cookie_wanted"] = True
    return _token(settings, "anonymous", state["csrf_anon"])


def _valid_tokens(settings: Settings, state: dict[str, Any]) -> list[str]:
    tokens = []
    if state.get("session_cookie_id"):
        tokens.append(_token(settings, "session", state["session_cookie_id"]))
    if state.get("csrf_anon") and not state.get("csrf_anon_new"):
        tokens.append(_token(settings, "anonymous", state["csrf_anon"]))
    return tokens


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        state = scope.setdefault("state", {})
        signed = read_cookie(scope["headers"], COOKIE)
        try:
            state["csrf_anon"] = _signer(settings).unsign(signed or "").decode()
            state["csrf_anon_new"] = False
        except (BadSignature, UnicodeDecodeError):
            state["csrf_anon"], state["csrf_anon_new"] = secrets.token_urlsafe(32), True
        send = self._cookie_setter(settings, state, send)
        if scope["method"] in UNSAFE_METHODS and not scope["path"].startswith(TOKEN_ONLY):
            request = Request(scope)
            given = request.headers.get(HEADER)
            if given is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
                body = await _read_body(receive)
                given = await _form_field(scope, body)
                receive = _replay(body, receive)
            valid = _valid_tokens(settings, state)
            if not given or not any(hmac.compare_digest(given, token) for token in valid):
                response = PlainTextResponse("CSRF token missing or invalid.", 403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _cookie_setter(settings: Settings, state: dict[str, Any], send: Send) -> Send:
        """Set the anonymous cookie on the response when a page handed out its token."""

        async def sending(message: Message) -> None:
            wanted = state.get("csrf_cookie_wanted") and state.get("csrf_anon_new")
            if message["type"] == "http.response.start" and wanted:
                value = _signer(settings).sign(state["csrf_anon"]).decode()
                cookie = f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax"
                if settings.is_production:
                    cookie += "; Secure"
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        return sending


async def _read_body(receive: Receive) -> bytes:
    """The whole request body (its size is bounded by the body limit's receive)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands out `body` once, then defers to the real one (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _form_field(scope: Scope, body: bytes) -> str | None:
    async def no_more() -> Message:
        return {"type": "http.disconnect"}

    request = Request(scope, _replay(body, no_more))
    try:
        async with request.form() as form:
            value = form.get(FIELD)
    except Exception:  # an unparsable body has no token
        return None
    return value if isinstance(value, str) else None
