"""/dashboard: a member's progress, a mentor's mentees, the staff's programme, chosen by
the role; as HTML (refreshed live over SSE) or JSON (`Accept: application/json`, or
/api/dashboard with a personal access token)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from domain.skills import load_vocabulary
from storage.accounts import User

from ..live_feed import feed_stream
from ..templating import current_user, render, render_fragment
from .common import require_access, token_user, unauthorised, wants_json
from .member import curriculum_progress, member_progress
from .personal import personal_of, watched_keys
from .programme import mentor_view, staff_view

NO_STORE = {"Cache-Control": "no-store"}


async def dashboard_of(state: Any, user: User) -> dict[str, Any]:
    """The template context of `user`'s dashboard: `kind` is member, mentor or staff."""
    assert user.id is not None
    now = datetime.now(UTC)
    if user.role == "staff":
        programme = await asyncio.to_thread(staff_view, state.engine, state.settings, now)
        return {"kind": "staff", "programme": programme, "now": now}
    personal = await asyncio.to_thread(personal_of, state.engine, user.id, user.role)
    mine = {"personal": personal, "badges": personal.badges, "badges_owner": "you",
            "skill_label": load_vocabulary().label}  # fmt: skip
    mine["watched_keys"] = watched_keys(user.id, personal)
    if user.role == "mentor":
        found = await asyncio.to_thread(mentor_view, state.engine, state.settings, user.id, now)
        return {"kind": "mentor", "mentees": found, "now": now, **mine}
    progress = await asyncio.to_thread(member_progress, state.engine, state.settings, user.id, now)
    return {"kind": "member", "progress": progress, "now": now, **mine}


def as_json(context: dict[str, Any]) -> dict[str, Any]:
    kind = context["kind"]
    if kind == "staff":
        return {"kind": kind, **context["programme"].as_dict()}
    mine = context["personal"].as_dict()
    if kind == "mentor":
        return {"kind": kind, "mentees": [m.as_dict() for m in context["mentees"]], **mine}
    return {"kind": kind, **context["progress"].as_dict(), **mine}


def watched(context: dict[str, Any]) -> set[str] | None:
    """The curricula (and the owner's badges and questions: `personal.watched_keys`)
    whose change refreshes the dashboard (None: every one)."""
    if context["kind"] == "staff":
        return None
    if context["kind"] == "mentor":
        return {m.doc_id for m in context["mentees"]} | context["watched_keys"]
    return {c.doc_id for c in context["progress"].curricula} | context["watched_keys"]


async def dashboard(request: Request) -> Response:
    user = current_user(request)
    if wants_json(request):
        user = user or await token_user(request)
        if user is None:
            return unauthorised()
        context = await dashboard_of(request.app.state, user)
        return JSONResponse(as_json(context), headers=NO_STORE)
    if user is None or user.id is None:
        return RedirectResponse("/auth/login", status_code=303)
    return render(request, "dashboards/dashboard.html", await dashboard_of(request.app.state, user))


async def dashboard_stream(request: Request) -> Response:
    user = current_user(request)
    if user is None or user.id is None:
        return JSONResponse({"error": "sign in first"}, status_code=401)

    async def render_live() -> tuple[set[str] | None, str]:
        context = await dashboard_of(request.app.state, user)
        template = f"dashboards/_{context['kind']}.html"
        return watched(context), render_fragment(request, template, context)

    return feed_stream(request, render_live)


async def api_dashboard(request: Request) -> Response:
    """GET /api/dashboard: a personal access token's owner's dashboard, as JSON."""
    user = await token_user(request)
    if user is None:
        return unauthorised()
    return JSONResponse(as_json(await dashboard_of(request.app.state, user)), headers=NO_STORE)


async def api_progress(request: Request) -> Response:
    """GET /api/curricula/{id}/progress: one curriculum's numbers, for anyone who may read it."""
    user = await token_user(request)
    if user is None:
        return unauthorised()
    doc_id = request.path_params["doc_id"]
    await require_access(request, user, doc_id)
    state = request.app.state
    now = datetime.now(UTC)
    found = await asyncio.to_thread(curriculum_progress, state.engine, state.settings, doc_id, now)
    if found is None:
        return JSONResponse({"error": "this curriculum has no progress yet"}, status_code=404)
    return JSONResponse({"curriculum": doc_id, **found.as_dict()}, headers=NO_STORE)
