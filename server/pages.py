"""Curriculum pages: the list, the editor, the timeline, and the htmx actions on items.

Every view is rendered from the room's document; every action is a pycrdt
transaction on it (Room.edit), so it reaches open editors through the same relay
as their own edits.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from collab import edits
from collab.room import SERVER, Room
from collab.schema import (
    COLUMNS,
    Curriculum,
    Item,
    client_schema,
    columns,
    read_curriculum,
    timeline,
)
from domain.read_rows import item_rows
from storage.curriculum_queries import people_on

from .access import Access, document_access
from .dashboards.workload import workload_of
from .goals.panel import panel_context
from .htmx import wants_partial
from .library.actions import review_prompts
from .listing import curricula_for
from .progress import progress_towards_goals
from .sign_off import sign_offs_for
from .templating import current_user, render
from .urls import curriculum_path

NOT_FOUND = "There is no curriculum here, or you may not open it."
COLORS = ("#b8336a", "#2a6f97", "#3a7d44", "#9c4f00", "#6d3fb5", "#00707a", "#a23b1f")


def color_for(key: str) -> str:
    """A stable presence colour per person (hash-spread, so similar names differ)."""
    digest = hashlib.sha256(key.encode()).digest()
    return COLORS[digest[0] % len(COLORS)]


async def access_or_404(request: Request, doc_id: str, needed: Access) -> Access:
    access = await document_access(request.app.state, current_user(request), doc_id)
    if access < needed:
        raise HTTPException(404, NOT_FOUND)  # the same answer whether it exists or not
    return access


def timeline_context(
    curriculum: Curriculum, review_prompts: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "curriculum": curriculum,
        "timeline": timeline(curriculum),
        "progress": progress_towards_goals(curriculum),
        # finished cards linked to the library: {item id: (resource id, own rating)}
        "review_prompts": review_prompts or {},
    }


async def not_saved(request: Request, exc: Exception) -> Response:
    """A change could not be stored (the room was unloaded, collab/room.py): say so."""
    return PlainTextResponse(
        "Your change could not be saved. Reload the page and try again.", status_code=503
    )


async def home(request: Request) -> Response:
    """Where a signed-in person lands: their dashboard (server/dashboards/)."""
    return RedirectResponse("/dashboard", status_code=303)


async def editor(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    access = await access_or_404(request, doc_id, Access.READ)
    async with request.app.state.rooms.using(doc_id) as room:
        curriculum = read_curriculum(room.doc)
    workload = await workload_of(request.app.state, doc_id, item_rows(curriculum.items))
    people = (await asyncio.to_thread(people_on, request.app.state.engine, [doc_id]))[doc_id]
    user = current_user(request)
    name = user.name if user is not None else "Guest"
    scheme = "wss" if request.url.scheme == "https" else "ws"
    return render(
        request,
        "editor.html",
        {
            "doc_id": doc_id,
            "access": "edit" if access >= Access.EDIT else "read",
            "curriculum": curriculum,
            # by name, as the curricula list shows them (the document's meta holds emails)
            "member_names": [p.name for p in people if p.role == "member"],
            "mentor_names": [p.name for p in people if p.role == "mentor"],
            "columns": columns(curriculum),
            "ws_url": f"{scheme}://{request.url.netloc}/collab",
            "user_name": name,
            "user_color": color_for(user.email if user is not None else name),
            "schema_json": json.dumps(client_schema(), ensure_ascii=False),
            **panel_context(curriculum),  # the dream job panel (server/goals/)
            "workload": workload,  # does Now fit? (server/dashboards/workload.py)
        },
    )


async def timeline_view(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    access = await access_or_404(request, doc_id, Access.READ)
    async with request.app.state.rooms.using(doc_id) as room:
        curriculum = read_curriculum(room.doc)
    prompts = await review_prompts(request.app.state, curriculum, current_user(request))
    context = {"doc_id": doc_id, "can_edit": access >= Access.EDIT}
    context.update(timeline_context(curriculum, prompts))
    template = "_timeline.html" if wants_partial(request) else "timeline.html"
    if template == "timeline.html":  # with its goals' sign-offs (server/sign_off.py)
        context["sign_offs"] = await sign_offs_for(request.app.state, current_user(request), doc_id)
        now_cards = item_rows(curriculum.items)  # does Now fit? (server/dashboards/workload.py)
        context["workload"] = await workload_of(request.app.state, doc_id, now_cards)
    return render(request, template, context)


async def _edit_and_show(request: Request, doc_id: str, change: Any) -> Response:
    """Apply `change(doc)` through the room; answer with the updated timeline."""
    user = current_user(request)
    async with request.app.state.rooms.using(doc_id) as room:
        room: Room
        try:
            await room.edit(change, actor=user.id if user is not None else None)
        except edits.CurriculumError as error:
            curriculum = read_curriculum(room.doc)
            context = {"doc_id": doc_id, "can_edit": True, "error": str(error)}
            context.update(timeline_context(curriculum))
            return render(
                request,
                "_timeline.html" if wants_partial(request) else "timeline.html",
                context,
                status_code=422,
            )
        curriculum = read_curriculum(room.doc)
    if not wants_partial(request):
        return RedirectResponse(curriculum_path(doc_id, "timeline"), status_code=303)
    prompts = await review_prompts(request.app.state, curriculum, user)
    context = {"doc_id": doc_id, "can_edit": True, **timeline_context(curriculum, prompts)}
    return render(request, "_timeline.html", context)


async def add_item(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    await access_or_404(request, doc_id, Access.EDIT)
    async with request.form() as form:
        fields = {name: form.get(name) for name in edits.FORM_FIELDS if name != "estimate"}
        fields["estimate"] = form.get("estimate_minutes")
    values, errors = edits.new_item_from_form(
        {name: value if isinstance(value, str) else "" for name, value in fields.items()}
    )
    user = current_user(request)

    def change(doc: Any) -> str:
        if errors:
            raise edits.CurriculumError(" ".join(errors.values()))
        assigned_by = user.email if user is not None else None
        return edits.add_item(doc, **values, assigned_by=assigned_by, origin=SERVER)

    return await _edit_and_show(request, doc_id, change)


async def move_item(request: Request) -> Response:
    doc_id, item_id = request.path_params["doc_id"], request.path_params["item_id"]
    await access_or_404(request, doc_id, Access.EDIT)
    async with request.form() as form:
        status = form.get("status")

    def change(doc: Any) -> None:
        if not isinstance(status, str) or status not in COLUMNS:
            raise edits.CurriculumError(f"The column must be one of {', '.join(COLUMNS)}.")
        edits.move_item(doc, item_id, status, origin=SERVER)

    return await _edit_and_show(request, doc_id, change)


def _item_of(curriculum: Curriculum, item_id: str) -> Item:
    item = next((i for i in curriculum.items if i.id == item_id), None)
    if item is None:
        raise HTTPException(404, NOT_FOUND)
    return item


async def open_item(request: Request) -> Response:
    """GET: follow a resource's link. A plain redirect: it changes nothing."""
    doc_id, item_id = request.path_params["doc_id"], request.path_params["item_id"]
    await access_or_404(request, doc_id, Access.READ)
    async with request.app.state.rooms.using(doc_id) as room:
        item = _item_of(read_curriculum(room.doc), item_id)
    return RedirectResponse(item.url or curriculum_path(doc_id), status_code=303)


async def start_item(request: Request) -> Response:
    """POST: the member opened a resource's link; the first time records when they started.

    Sent by static/open-link.js as the link is followed (same-origin fetch with the CSRF
    header); a request another site makes is refused even before the CSRF check.
    """
    doc_id, item_id = request.path_params["doc_id"], request.path_params["item_id"]
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HTTPException(403, "Only mentorHub's own pages may record a start.")
    await access_or_404(request, doc_id, Access.READ)
    user = current_user(request)
    async with request.app.state.rooms.using(doc_id) as room:
        curriculum = read_curriculum(room.doc)
        item = _item_of(curriculum, item_id)
        if user is not None and user.email == curriculum.member and item.started_at is None:
            await room.edit(
                lambda doc: edits.mark_started(doc, item_id, origin=SERVER), actor=user.id
            )
    return Response(status_code=204)


async def curricula(request: Request) -> Response:
    """The curricula this user can open, with live counts per column; a visitor signs in
    first (as on the dashboard and the library), rather than reading "No curricula yet"."""
    user = current_user(request)
    if user is None:
        return RedirectResponse("/auth/login", status_code=303)
    summaries = await curricula_for(request.app.state, user)
    return render(request, "curricula.html", {"curricula": summaries})
