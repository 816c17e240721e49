"""The /auth routes, with the short-lived cookie Authlib keeps a sign-in flow's secrets in."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route

from ..settings import Settings
from . import oidc
from .signin import dev_sign_in, login_page, logout

FLOW_COOKIE = "mentorhub_oidc"
FLOW_MAX_AGE = 600  # seconds to finish signing in at the provider


def auth_mount(settings: Settings) -> Mount:
    # Starlette's SessionMiddleware serves Authlib only (state, nonce, PKCE verifier),
    # on /auth only; mentorHub's own session is server/auth/sessions.py.
    flow_cookie = Middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=FLOW_COOKIE,
        max_age=FLOW_MAX_AGE,
        path="/auth",
        same_site="lax",
        https_only=settings.is_production,
    )
    routes = [
        Route("/login", login_page, name="auth_login"),
        Route("/oidc/start", oidc.start, name="auth_oidc_start"),
        Route("/callback", oidc.callback, name="auth_callback"),
        Route("/logout", logout, methods=["POST"], name="auth_logout"),
        Route("/dev", dev_sign_in, methods=["POST"], name="auth_dev"),
    ]
    return Mount("/auth", routes=routes, middleware=[flow_cookie])
