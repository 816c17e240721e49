"""Signing off goals: the member asks, a mentor of theirs signs off, a certificate is issued.

What a page shows of it comes from SQL: the goals and items of the read model (whether
every item serving a goal is done: `domain.certificates.readiness`), the sign-off
requests and the certificates. Signing off stores the certificate and marks the goal
done in the document through the room, the one way in for every change. Every change
is announced on the read model's change feed, so open pages refresh (`live_feed`).

For other pages (dashboards): `sign_offs_for(state, user, doc_id)` and the partial
`_sign_offs.html` (context: `sign_offs`, `back`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from collab import edits
from collab.room import SERVER
from domain.certificates import GoalReadiness, readiness
from domain.skills import GoalRef, ItemRef
from storage.certificate_queries import (
    SignOffError,
    ask_sign_off,
    certificates_of_curricula,
    decline_sign_off,
    sign_off_requests,
)
from storage.certificates import CertificateRecord, SignOffRequest
from storage.curriculum_queries import Person, people_on, role_on
from storage.models import utcnow
from storage.read_model_queries import goals_by_curriculum, items_by_curriculum

from .access import Access, access_for
from .certificate_issuing import SignOff, issue_for
from .certificate_keys import KeyUnavailable, issuer_for
from .htmx import wants_partial
from .live_feed import feed_stream
from .templating import current_user, render, render_fragment
from .urls import path

log = logging.getLogger("mentorhub.certificates")

NOT_FOUND = "There is no curriculum here, or you may not open it."
MAX_NOTE = 1000


@dataclass(frozen=True)
class GoalSignOff:
    """One goal: whether it is ready, its newest sign-off request, its live certificate."""

    readiness: GoalReadiness
    request: SignOffRequest | None = None
    certificate: CertificateRecord | None = None  # unless revoked

    @property
    def state(self) -> str:
        """certified | requested | ready | not-ready"""
        if self.certificate is not None:
            return "certified"
        if self.request is not None and self.request.state == "requested":
            return "requested"
        return "ready" if self.readiness.ready else "not-ready"

    @property
    def declined(self) -> SignOffRequest | None:
        """The newest request, when a mentor declined it (its note says why)."""
        request = self.request
        return request if request is not None and request.state == "declined" else None


@dataclass(frozen=True)
class SignOffs:
    """The sign-off state of a curriculum's goals, as one person sees it."""

    doc_id: str
    role: str | None  # the viewer's role on the curriculum: member, mentor; None for staff
    member: Person | None
    goals: tuple[GoalSignOff, ...]

    def goal(self, goal_id: str) -> GoalSignOff | None:
        return next((g for g in self.goals if g.readiness.goal_id == goal_id), None)


def load_sign_offs(
    engine: Engine, roles: dict[str, str | None]
) -> list[SignOffs]:  # blocking: a few queries, however many curricula
    """The sign-offs of the curricula in `roles` (doc id -> the viewer's role on it)."""
    doc_ids = list(roles)
    goals = goals_by_curriculum(engine, doc_ids)
    items = items_by_curriculum(engine, doc_ids)
    people = people_on(engine, doc_ids)
    newest: dict[tuple[str, str], SignOffRequest] = {}
    for request in sign_off_requests(engine, doc_ids):  # newest first
        newest.setdefault((request.doc_id, request.goal_id), request)
    live = {
        (c.doc_id, c.goal_id): c
        for c in reversed(certificates_of_curricula(engine, doc_ids))
        if c.revoked_at is None
    }
    found = []
    for doc_id in doc_ids:
        ready = readiness(
            [GoalRef(g.goal_id, g.title, g.skills) for g in goals[doc_id]],
            [ItemRef(i.item_id, i.title, i.skills, i.status) for i in items[doc_id]],
        )
        member = next((p for p in people[doc_id] if p.role == "member"), None)
        entries = tuple(
            GoalSignOff(r, newest.get((doc_id, r.goal_id)), live.get((doc_id, r.goal_id)))
            for r in ready
        )
        found.append(SignOffs(doc_id, roles[doc_id], member, entries))
    return found


async def sign_offs_for(state: Any, user: Any, doc_id: str) -> SignOffs | None:
    """The sign-offs of one curriculum as `user` sees them; None if they may not see it."""
    if user is None or user.id is None:
        return None
    exists, role = await asyncio.to_thread(role_on, state.engine, doc_id, user.id)
    if access_for(user, exists, role) == Access.NONE:
        return None
    (found,) = await asyncio.to_thread(load_sign_offs, state.engine, {doc_id: role})
    return found


def signing_off(
    sign_offs: SignOffs, goal: GoalSignOff, mentor_user_id: int, mentor_name: str, note: str
) -> SignOff:
    """What `issue_for` needs to answer the goal's waiting request (SignOffError if the
    member left the curriculum after asking)."""
    member = sign_offs.member
    if member is None:
        raise SignOffError("This curriculum has no member any more.")
    assert goal.request is not None and goal.request.id is not None
    return SignOff(
        request_id=goal.request.id,
        doc_id=sign_offs.doc_id,
        goal=goal.readiness,
        member_user_id=member.user_id,
        member_name=member.name,
        mentor_user_id=mentor_user_id,
        mentor_name=mentor_name,
        note=note,
    )


async def _viewing(request: Request) -> tuple[Any, SignOffs, GoalSignOff | None]:
    """The signed-in user, the curriculum's sign-offs and the goal of the path (404s)."""
    user = current_user(request)
    sign_offs = await sign_offs_for(request.app.state, user, request.path_params["doc_id"])
    if sign_offs is None:
        raise HTTPException(404, NOT_FOUND)
    goal_id = request.path_params.get("goal_id")
    return user, sign_offs, sign_offs.goal(goal_id) if goal_id else None


async def _respond(
    request: Request, doc_id: str, back: str, error: str | None = None, status: int = 200
) -> Response:
    """htmx: the section again (with the error); a plain form: back where it came from."""
    if not wants_partial(request):
        if error is not None:
            raise HTTPException(status, error)
        where = ("certificates",) if back == "certificates" else ("curricula", doc_id, "timeline")
        return RedirectResponse(path(*where), status_code=303)
    _user, sign_offs, _goal = await _viewing(request)
    context = {"sign_offs": sign_offs, "back": back, "error": error}
    return render(request, "_sign_offs.html", context, status_code=status)


async def _form(request: Request) -> dict[str, str]:
    async with request.form() as form:
        return {name: value for name, value in form.items() if isinstance(value, str)}


async def ask(request: Request) -> Response:
    """POST /curricula/{doc_id}/goals/{goal_id}/ask: the member asks for sign-off."""
    doc_id = request.path_params["doc_id"]
    user, sign_offs, goal = await _viewing(request)
    back = (await _form(request)).get("back", "timeline")
    if goal is None:
        raise HTTPException(404, "This curriculum has no such goal.")
    if sign_offs.role != "member":
        raise HTTPException(403, "Only the member whose curriculum this is asks for sign-off.")
    if goal.state != "ready":
        refusal = {
            "certified": "This goal has a certificate already.",
            "requested": "A mentor has been asked already.",
        }.get(goal.state, "Not every item serving this goal is done yet.")
        return await _respond(request, doc_id, back, refusal, 409)
    state = request.app.state
    try:
        await asyncio.to_thread(ask_sign_off, state.engine, doc_id, goal.readiness.goal_id,
                                user.id, utcnow())  # fmt: skip
    except SignOffError as error:
        return await _respond(request, doc_id, back, str(error), 409)
    await state.read_model.announce(doc_id)
    return await _respond(request, doc_id, back)


async def answer(request: Request) -> Response:
    """POST /curricula/{doc_id}/goals/{goal_id}/answer: a mentor signs off (issuing the
    certificate and marking the goal done) or declines, with an optional note."""
    doc_id = request.path_params["doc_id"]
    user, sign_offs, goal = await _viewing(request)
    form = await _form(request)
    back, decision, note = form.get("back", "timeline"), form.get("decision"), form.get("note", "")
    if goal is None:
        raise HTTPException(404, "This curriculum has no such goal.")
    if sign_offs.role != "mentor":
        raise HTTPException(403, "Only a mentor of this member can sign off.")
    note = note.strip()
    if decision not in ("sign-off", "decline"):
        return await _respond(request, doc_id, back, "Sign off, or decline.", 422)
    if len(note) > MAX_NOTE:
        return await _respond(
            request, doc_id, back, f"A note is at most {MAX_NOTE} characters.", 422
        )
    if goal.state != "requested" or goal.request is None or goal.request.id is None:
        return await _respond(
            request, doc_id, back, "Nobody is waiting for a sign-off of this goal.", 409
        )
    state = request.app.state
    try:
        if decision == "decline":
            await asyncio.to_thread(decline_sign_off, state.engine, goal.request.id, user.id,
                                    note, utcnow())  # fmt: skip
        elif not goal.readiness.ready:
            message = "Not every item serving this goal is done any more."
            return await _respond(request, doc_id, back, message, 409)
        else:
            await _issue(request, sign_offs, goal, user, note)
    except SignOffError as error:
        return await _respond(request, doc_id, back, str(error), 409)
    except KeyUnavailable:
        message = "Certificates cannot be signed right now; staff have been told why."
        return await _respond(request, doc_id, back, message, 503)
    await state.read_model.announce(doc_id)
    return await _respond(request, doc_id, back)


async def _issue(
    request: Request, sign_offs: SignOffs, goal: GoalSignOff, mentor: Any, note: str
) -> None:
    state = request.app.state
    sign_off = signing_off(sign_offs, goal, mentor.id, mentor.name, note)
    issuer = issuer_for(request)
    await asyncio.to_thread(issue_for, state.engine, state.certificate_keys, issuer, sign_off,
                            utcnow())  # fmt: skip
    goal_id = goal.readiness.goal_id
    async with state.rooms.using(sign_offs.doc_id) as room:
        try:
            await room.edit(
                lambda doc: edits.set_goal(doc, goal_id, done=True, origin=SERVER),
                actor=mentor.id,
            )
        except edits.CurriculumError:  # the goal was deleted meanwhile: the certificate stands
            log.info("certificates: goal %s of %s is gone; not marked done", goal_id,
                     sign_offs.doc_id)  # fmt: skip


async def sign_offs_stream(request: Request) -> Response:
    """GET /curricula/{doc_id}/sign-offs/stream: the section again after each change."""
    _user, sign_offs, _goal = await _viewing(request)
    doc_id = sign_offs.doc_id

    async def render_section() -> tuple[set[str] | None, str] | None:
        fresh = await sign_offs_for(request.app.state, current_user(request), doc_id)
        if fresh is None:  # no longer allowed to see it (ForgetMe, removed from it)
            return None
        context = {"sign_offs": fresh, "back": "timeline"}
        return {doc_id}, render_fragment(request, "_sign_offs.html", context)

    return feed_stream(request, render_section)


def sign_off_routes() -> list[Route]:
    return [
        Route("/curricula/{doc_id:id}/goals/{goal_id:id}/ask", ask, methods=["POST"]),
        Route("/curricula/{doc_id:id}/goals/{goal_id:id}/answer", answer, methods=["POST"]),
        Route("/curricula/{doc_id:id}/sign-offs/stream", sign_offs_stream),
    ]
