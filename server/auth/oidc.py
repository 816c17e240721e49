"""Sign-in with OpenID Connect (Authlib): authorization code flow with PKCE (S256), state
and nonce checked, the ID token's signature, issuer and audience verified.

Authlib keeps the state, nonce and PKCE verifier of a flow in Starlette's
SessionMiddleware: a short-lived signed cookie on /auth only (see routes.py), apart
from mentorHub's own session, which starts once the callback has checked everything.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.account_queries import AccountError, oidc_sign_in

from ..settings import Settings
from .ratelimit import sign_in_limited
from .signin import failed, signed_in

log = logging.getLogger("mentorhub.auth.oidc")

CLIENT = "oidc"


def make_oidc_client(settings: Settings) -> Any | None:
    """The Authlib client for OIDC_ISSUER, or None when no provider is configured.

    Nothing is fetched here: the discovery document is read on the first sign-in.
    """
    if settings.oidc_issuer is None:
        return None
    from authlib.integrations.starlette_client import OAuth  # only with a provider to use

    oauth = OAuth()
    return oauth.register(
        name=CLIENT,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )


async def start(request: Request) -> Response:
    """GET /auth/oidc/start: off to the provider, with state, nonce and a PKCE challenge."""
    if (limited := sign_in_limited(request)) is not None:
        return limited
    client = request.app.state.oidc
    if client is None:  # no provider configured
        raise HTTPException(404)
    try:
        await _prepare(client, request.app.state.settings)
        redirect_uri = str(request.url_for("auth_callback"))
        response: Response = await client.authorize_redirect(request, redirect_uri)
    except Exception as error:  # the provider is unreachable or misconfigured
        log.warning("sign-in could not start: %s: %s", type(error).__name__, error)
        return failed(request, status_code=502)
    return response


async def callback(request: Request) -> Response:
    """GET /auth/callback: check state, swap the code (with the PKCE verifier), verify the
    ID token and its nonce, then find or create the user and start their session."""
    if (limited := sign_in_limited(request)) is not None:
        return limited
    client = request.app.state.oidc
    if client is None:  # no provider configured
        raise HTTPException(404)
    try:
        await _prepare(client, request.app.state.settings)
        token = await client.authorize_access_token(request)
        claims = token.get("userinfo")
        if not claims or not claims.get("sub") or not claims.get("iss"):
            raise ValueError("no verified ID token in the provider's answer")
    except Exception as error:  # forged state, wrong nonce, bad signature, provider errors
        log.warning("sign-in refused: %s: %s", type(error).__name__, error)
        request.session.clear()
        return failed(request)
    request.session.clear()
    engine = request.app.state.engine
    try:
        user = await asyncio.to_thread(
            oidc_sign_in, engine, str(claims["iss"]), str(claims["sub"]), dict(claims)
        )
    except AccountError as error:
        log.warning("sign-in refused: %s", error)
        return failed(request)
    assert user.id is not None
    log.info("user %s signed in with OpenID Connect", user.id)
    return await signed_in(request, user.id, RedirectResponse("/dashboard", status_code=303))


async def _prepare(client: Any, settings: Settings) -> None:
    """Read the discovery document: it must name the configured issuer (OIDC Discovery
    §4.3); and send the client secret the way the provider takes it (LinkedIn only takes
    it in the request body, `client_secret_post`; most take HTTP Basic)."""
    metadata = await client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != settings.oidc_issuer:
        raise ValueError(f"the provider calls itself {metadata.get('issuer')!r}")
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" not in methods and "client_secret_post" in methods:
        client.client_kwargs["token_endpoint_auth_method"] = "client_secret_post"
