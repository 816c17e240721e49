"""mentorHub's own sessions: a random id in a signed cookie, referring to a `user_session` row.

The row (keyed by the SHA-256 of the id, so a copy of the database signs nobody in)
can be revoked and expires after SESSION_MAX_AGE_SECONDS. `SessionMiddleware`, a
plain ASGI middleware, resolves the cookie on HTTP and WebSocket requests alike and
puts the user (or None) in `scope["state"]["user"]`: `request.state.user`,
`websocket.state.user`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, Signer
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from storage.account_queries import create_session, delete_session, session_user
from storage.accounts import User

from ..settings import Settings

log = logging.getLogger("mentorhub.auth.sessions")

COOKIE = "mentorhub_session"


def _signer(settings: Settings) -> Signer:
    return Signer(settings.secret_key, salt="mentorhub.session")


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def read_cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    """The value of cookie `name` in raw ASGI headers, or None."""
    for key, value in headers:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header: as if absent
                continue
            if name in jar:
                return jar[name].value
    return None


def unsign(settings: Settings, value: str | None) -> str | None:
    """The session id inside a cookie value, if its signature holds."""
    if not value:
        return None
    try:
        return _signer(settings).unsign(value).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


async def start_session(settings: Settings, engine: Any, user_id: int) -> str:
    """A new session for the user; returns the cookie value (a fresh id every sign-in)."""
    session_id = secrets.token_urlsafe(32)
    await asyncio.to_thread(
        create_session, engine, session_hash(session_id), user_id, settings.session_max_age_seconds
    )
    return _signer(settings).sign(session_id).decode()


async def end_session(engine: Any, scope_state: dict[str, Any]) -> int | None:
    """Delete the request's session row (sign-out); returns its user's id, None without one."""
    session_id = scope_state.get("session_id")
    if session_id:
        ended: int | None = await asyncio.to_thread(
            delete_session, engine, session_hash(session_id)
        )
        return ended
    return None


def set_session_cookie(response: Response, settings: Settings, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=settings.is_production)


class SessionMiddleware:
    """Resolve the session cookie to `scope["state"]["user"]` (and `session_id`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        app_state = scope["app"].state
        state["user"] = None
        state["session_id"] = None
        session_id = unsign(app_state.settings, read_cookie(scope["headers"], COOKIE))
        state["session_cookie_id"] = session_id  # binds CSRF tokens, even once expired
        if session_id is not None:
            user: User | None = None
            try:
                user = await asyncio.to_thread(
                    session_user, app_state.engine, session_hash(session_id)
                )
            except SQLAlchemyError as error:  # the database is away: nobody is signed in
                log.warning("sessions unavailable: %s", type(error).__name__)
            if user is not None:
                state["user"] = user
                state["session_id"] = session_id
        await self.app(scope, receive, send)
