"""The account pages under /settings: personal access tokens, data export, ForgetMe."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from collab.schema import read_curriculum
from storage.access_change_queries import ACCOUNT_REMOVED, TOKEN_REVOKED
from storage.account_queries import list_tokens, revoke_token
from storage.accounts import User
from storage.curriculum_queries import curricula_rows
from storage.models import utcnow
from storage.profile_queries import export_people_data

from .access_changes import access_changed
from .auth.sessions import clear_session_cookie
from .auth.tokens import create_token
from .forget import forget_user
from .library.account import library_export
from .templating import render

NO_STORE = {"Cache-Control": "no-store"}
MAX_ROW_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database


def _user(request: Request) -> User | None:
    user: User | None = request.scope.get("state", {}).get("user")
    return user


def _sign_in_first() -> Response:
    return RedirectResponse("/auth/login", status_code=303)


async def settings_page(request: Request, new_token: str | None = None) -> Response:
    """GET /settings: profile and personal access tokens."""
    user = _user(request)
    if user is None:
        return _sign_in_first()
    tokens = await asyncio.to_thread(list_tokens, request.app.state.engine, user.id)
    context = {"profile": user, "tokens": tokens, "new_token": new_token}
    response = render(request, "account/settings.html", context)
    response.headers.update(NO_STORE)
    return response


async def create_token_action(request: Request) -> Response:
    """POST /settings/tokens: make a token and show it this once."""
    user = _user(request)
    if user is None:
        return _sign_in_first()
    async with request.form() as form:
        name = str(form.get("name") or "")
    token = await asyncio.to_thread(create_token, request.app.state.engine, user.id, name)
    return await settings_page(request, new_token=token)


async def revoke_token_action(request: Request) -> Response:
    """POST /settings/tokens/{token_id}/revoke: only the owner's own live tokens."""
    user = _user(request)
    if user is None:
        return _sign_in_first()
    given = request.path_params["token_id"]
    token_id = int(given) if re.fullmatch("[0-9]{1,10}", given) else MAX_ROW_ID + 1
    if token_id > MAX_ROW_ID:  # not a number, or past any row id: nobody's token
        raise HTTPException(404, "There is no such token.")
    engine = request.app.state.engine
    if not await asyncio.to_thread(revoke_token, engine, user.id, token_id):
        raise HTTPException(404)
    access_changed(request.app.state, user.id, TOKEN_REVOKED)  # its connections close now
    return RedirectResponse("/settings", status_code=303)


async def export(request: Request) -> Response:
    """GET /settings/export: everything mentorHub holds about the user, as JSON."""
    user = _user(request)
    if user is None:
        return _sign_in_first()
    state = request.app.state
    tokens = await asyncio.to_thread(list_tokens, state.engine, user.id)
    curricula = []
    for row in await asyncio.to_thread(curricula_rows, state.engine, user.id):
        async with state.rooms.using(row.doc_id) as room:
            content = read_curriculum(room.doc).to_dict()
        role = next(p.role for p in row.people if p.user_id == user.id)
        curricula.append({"id": row.doc_id, "title": row.title, "role": role, **content})
    data = {
        "exported_at": _iso(utcnow()),
        "profile": {
            "email": user.email,
            "name": user.name,
            "picture": user.picture,
            "role": user.role,
            "created_at": _iso(user.created_at),
            "signs_in_with": user.oidc_issuer,
        },
        "access_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
        "curricula": curricula,
        # profile, requests, offers, mentorships, email choices (storage/profile_queries.py)
        "finding_each_other": await asyncio.to_thread(export_people_data, state.engine, user.id),
        "library": await asyncio.to_thread(library_export, state.engine, user.id),
    }
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="mentorhub-export.json"', **NO_STORE},
    )


async def forget_page(request: Request) -> Response:
    """GET /settings/forget: offer the export first, then a confirm form."""
    user = _user(request)
    if user is None:
        return _sign_in_first()
    return render(request, "account/forget.html", {"profile": user})


async def forget_action(request: Request) -> Response:
    """POST /settings/forget: erase the account (the form must be confirmed)."""
    user = _user(request)
    if user is None:
        return _sign_in_first()
    async with request.form() as form:
        confirmed = form.get("confirm") == "yes"
    if not confirmed:
        context = {"profile": user, "error": "Tick the box to confirm."}
        return render(request, "account/forget.html", context, status_code=422)
    state = request.app.state
    await forget_user(state.engine, state.store, state.rooms, user, keys=state.certificate_keys)
    access_changed(state, user.id, ACCOUNT_REMOVED)  # streams end, other instances close too
    request.scope["state"]["user"] = None
    request.scope["state"]["session_id"] = None
    request.scope["state"]["session_cookie_id"] = None
    response = render(request, "account/forgotten.html", {})
    clear_session_cookie(response, state.settings)
    return response


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def account_routes() -> list[Any]:
    return [
        Route("/settings", settings_page),
        Route("/settings/tokens", create_token_action, methods=["POST"]),
        Route("/settings/tokens/{token_id}/revoke", revoke_token_action, methods=["POST"]),
        Route("/settings/export", export),
        Route("/settings/forget", forget_page),
        Route("/settings/forget", forget_action, methods=["POST"]),
    ]
