"""POST /api/match: the ranking of `mentorhub match`, as JSON, for programmes' scripts.

Authenticated by a personal access token only (`Authorization: Bearer mh_…`); the
session cookie is ignored here, which is why the CSRF check does not apply to requests
that carry a bearer token (see server/auth/csrf.py). See docs/api.md.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.matching import InvalidProfile, offer_from_dict, request_from_dict
from storage.account_queries import get_user_by_email, normalise_email

from .auth.tokens import token_given, user_for_token
from .matchmaking import rank_ask

MAX_BODY_BYTES = 64 * 1024
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


async def match_endpoint(request: Request) -> Response:
    authorization = request.headers.get("authorization", "")
    token = token_given(request.headers, {}) if authorization else None
    user = await user_for_token(request.app.state.engine, token) if token else None
    if user is None:
        return _error(
            401,
            "a personal access token is required: Authorization: Bearer mh_…",
            **{"WWW-Authenticate": "Bearer"},
        )
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _error(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(400, "the body must be JSON")
    if not isinstance(data, dict) or len({"request", "offer"} & set(data)) != 1:
        return _error(400, 'send {"request": {...}} or {"offer": {...}}, exactly one')
    which = "request" if "request" in data else "offer"
    ask_data = data[which]
    if not isinstance(ask_data, dict):
        return _error(422, f"{which} must be a JSON object")
    try:
        ask = request_from_dict(ask_data) if which == "request" else offer_from_dict(ask_data)
        limit = _limit(data.get("limit", DEFAULT_LIMIT))
        on = date.fromisoformat(data["on"]) if data.get("on") is not None else None
    except (InvalidProfile, TypeError, ValueError) as error:
        return _error(422, f"{which}: {error}" if isinstance(error, InvalidProfile) else str(error))
    if user.role != "staff" and normalise_email(ask.author) != user.email:
        author_field = "member" if which == "request" else "mentor"
        return _error(403, f"only staff may match for someone else: {author_field} must be you")
    engine = request.app.state.engine
    author = await asyncio.to_thread(get_user_by_email, engine, ask.author)
    ranking = await asyncio.to_thread(rank_ask, engine, ask, author.id if author else None, on)
    return JSONResponse({"matches": [m.as_dict() for m in ranking.matches[:limit]]})


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_LIMIT:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return value
