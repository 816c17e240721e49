"""Curriculum pages: the list, the editor, the timeline, and the htmx actions on items.

Every view is rendered from the room's document; every action is a pycrdt
transaction on it (Room.edit), so it reaches open editors through the same relay
as their own edits.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from collab import curriculum as cur
from collab.room import SERVER, Room

from .access import Access, document_access
from .htmx import wants_partial
from .listing import curricula_for
from .progress import progress_towards_goals
from .templating import current_user, render

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


def timeline_context(curriculum: cur.Curriculum) -> dict[str, Any]:
    return {
        "curriculum": curriculum,
        "timeline": cur.timeline(curriculum),
        "progress": progress_towards_goals(curriculum),
    }


async def home(request: Request) -> Response:
    return RedirectResponse("/curricula", status_code=303)


async def editor(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    access = await access_or_404(request, doc_id, Access.READ)
    async with request.app.state.rooms.using(doc_id) as room:
        curriculum = cur.read_curriculum(room.doc)
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
            "columns": cur.columns(curriculum),
            "ws_url": f"{scheme}://{request.url.netloc}/collab",
            "user_name": name,
            "user_color": color_for(user.email if user is not None else name),
            "kinds": cur.KINDS,
        },
    )


async def timeline_view(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    access = await access_or_404(request, doc_id, Access.READ)
    async with request.app.state.rooms.using(doc_id) as room:
        curriculum = cur.read_curriculum(room.doc)
    context = {"doc_id": doc_id, "can_edit": access >= Access.EDIT, **timeline_context(curriculum)}
    template = "_timeline.html" if wants_partial(request) else "timeline.html"
    return render(request, template, context)


async def _edit_and_show(request: Request, doc_id: str, change: Any) -> Response:
    """Apply `change(doc)` through the room; answer with the updated timeline."""
    user = current_user(request)
    async with request.app.state.rooms.using(doc_id) as room:
        room: Room
        try:
            await room.edit(change, actor=user.id if user is not None else None)
        except cur.CurriculumError as error:
            curriculum = cur.read_curriculum(room.doc)
            context = {"doc_id": doc_id, "can_edit": True, "error": str(error)}
            context.update(timeline_context(curriculum))
            return render(
                request,
                "_timeline.html" if wants_partial(request) else "timeline.html",
                context,
                status_code=422,
            )
        curriculum = cur.read_curriculum(room.doc)
    if not wants_partial(request):
        return RedirectResponse(f"/curricula/{doc_id}/timeline", status_code=303)
    context = {"doc_id": doc_id, "can_edit": True, **timeline_context(curriculum)}
    return render(request, "_timeline.html", context)


async def add_item(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    await access_or_404(request, doc_id, Access.EDIT)
    form = await request.form()
    user = current_user(request)

    def change(doc: Any) -> str:
        minutes = str(form.get("estimate_minutes") or "").strip()
        if minutes and not minutes.isdigit():
            raise cur.CurriculumError("Estimate must be a whole number of minutes.")
        return cur.add_item(
            doc,
            title=str(form.get("title") or "").strip(),
            url=str(form.get("url") or "").strip(),
            kind=str(form.get("kind") or "article"),
            skills=[s.strip() for s in str(form.get("skills") or "").split(",") if s.strip()],
            estimate_minutes=int(minutes) if minutes else None,
            status=str(form.get("status") or "later"),
            assigned_by=user.email if user is not None else None,
            origin=SERVER,
        )

    return await _edit_and_show(request, doc_id, change)


async def move_item(request: Request) -> Response:
    doc_id, item_id = request.path_params["doc_id"], request.path_params["item_id"]
    await access_or_404(request, doc_id, Access.EDIT)
    form = await request.form()
    status = str(form.get("status") or "")

    def change(doc: Any) -> None:
        cur.move_item(doc, item_id, status, origin=SERVER)

    return await _edit_and_show(request, doc_id, change)


async def open_item(request: Request) -> Response:
    """Follow a resource's link; the member opening it records when they started."""
    doc_id, item_id = request.path_params["doc_id"], request.path_params["item_id"]
    await access_or_404(request, doc_id, Access.READ)
    user = current_user(request)
    async with request.app.state.rooms.using(doc_id) as room:
        curriculum = cur.read_curriculum(room.doc)
        item = next((i for i in curriculum.items if i.id == item_id), None)
        if item is None:
            raise HTTPException(404, NOT_FOUND)
        if user is not None and user.email == curriculum.member and item.started_at is None:
            await room.edit(
                lambda doc: cur.mark_started(doc, item_id, origin=SERVER), actor=user.id
            )
    return RedirectResponse(item.url or f"/curricula/{doc_id}", status_code=303)


async def curricula(request: Request) -> Response:
    """The curricula this user can open, with live counts per column."""
    summaries = await curricula_for(request.app.state, current_user(request))
    return render(request, "curricula.html", {"curricula": summaries})
