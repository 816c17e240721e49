"""The sign-in page, sign-out, development sign-in, and starting a session after a sign-in.

Every failed sign-in gets the same page and wording, whatever went wrong, so the
answers never tell whether an email has an account.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.access_change_queries import SIGNED_OUT
from storage.account_queries import get_user_by_email, list_users

from ..access_changes import access_changed
from ..settings import Settings
from ..templating import render
from .ratelimit import sign_in_limited
from .sessions import clear_session_cookie, end_session, set_session_cookie, start_session

log = logging.getLogger("mentorhub.auth.signin")

FAILED = "We could not sign you in. Please try again."


def failed(request: Request, status_code: int = 400) -> Response:
    return render(request, "auth/failed.html", {"message": FAILED}, status_code=status_code)


async def signed_in(request: Request, user_id: int, response: Response) -> Response:
    """Start a fresh session (a new id: the old one, if any, is ended) and set its cookie."""
    settings: Settings = request.app.state.settings
    engine = request.app.state.engine
    await end_session(engine, request.scope["state"])
    set_session_cookie(response, settings, await start_session(settings, engine, user_id))
    return response


async def login_page(request: Request) -> Response:
    """GET /auth/login: "Sign in with <provider>", and demo users when dev sign-in is on."""
    settings: Settings = request.app.state.settings
    demo_users = []
    if settings.dev_sign_in_enabled:
        demo_users = await asyncio.to_thread(list_users, request.app.state.engine)
    return render(
        request,
        "auth/login.html",
        {
            "provider": settings.provider_name if request.app.state.oidc else None,
            "demo_users": demo_users,
            "dev_sign_in": settings.dev_sign_in_enabled,
        },
    )


async def dev_sign_in(request: Request) -> Response:
    """POST /auth/dev: sign in as an existing user by email (development and tests only)."""
    settings: Settings = request.app.state.settings
    if not settings.dev_sign_in_enabled:
        raise HTTPException(404)
    if (limited := sign_in_limited(request)) is not None:
        return limited
    async with request.form() as form:
        email = str(form.get("email") or "")
    if not (0 < len(email) <= 320 and email.isprintable()):  # not an email any user has
        return failed(request)
    user = await asyncio.to_thread(get_user_by_email, request.app.state.engine, email)
    if user is None or user.id is None:
        return failed(request)
    log.info("user %s signed in (development sign-in)", user.id)
    return await signed_in(request, user.id, RedirectResponse("/dashboard", status_code=303))


async def logout(request: Request) -> Response:
    """POST /auth/logout: delete the session row and the cookie."""
    ended = await end_session(request.app.state.engine, request.scope["state"])
    access_changed(request.app.state, ended, SIGNED_OUT)  # its connections close now
    response = RedirectResponse("/auth/login", status_code=303)
    clear_session_cookie(response, request.app.state.settings)
    return response
