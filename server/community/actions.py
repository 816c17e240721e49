"""What people do on the community pages: ask, answer, mark the answer that helped, and
put a helpful answer's link into the resource library in one action."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.community import answer_from_fields, first_link, question_from_fields
from domain.library import resource_from_fields
from storage.account_queries import get_user
from storage.community_queries import (
    Answer,
    get_answer,
    get_question,
    insert_answer,
    insert_question,
    link_resource,
    mark_helpful,
)
from storage.database import write_transaction
from storage.library_queries import LibraryError, add_resource

from ..access import can_curate_library
from ..notifications import notify, site_url, wake_outbox
from ..people_forms import Form
from ..people_pages import NOT_FOUND, path_id, signed_in
from ..urls import path
from .pages import LIST_KEY, new_question_page, question_key, question_page, the_question

QUESTION_FIELDS = ("title", "body", "skills")


async def _form(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    async with request.form() as data:
        return {name: str(data.get(name) or "")[:20_000] for name in names}


async def _announce(request: Request, question_id: int) -> None:
    """Refresh the live views of the question and of the list (here and elsewhere)."""
    read_model = request.app.state.read_model
    await read_model.announce(question_key(question_id))
    await read_model.announce(LIST_KEY)


async def ask(request: Request) -> Response:
    """POST /community: a new question."""
    user = signed_in(request)
    raw = await _form(request, QUESTION_FIELDS)
    question, errors = question_from_fields(raw)
    if question is None:
        return await new_question_page(request, Form(raw=raw, errors=errors), 422)

    def write() -> int:
        with write_transaction(request.app.state.engine) as connection:
            return insert_question(connection, user.id or 0, question)

    question_id = await asyncio.to_thread(write)
    await request.app.state.read_model.announce(LIST_KEY)
    return RedirectResponse(path("community", question_id), status_code=303)


async def answer(request: Request) -> Response:
    """POST /community/{id}/answers: an answer; the asker is emailed."""
    user = signed_in(request)
    question = await the_question(request)
    raw = await _form(request, ("body",))
    body, error = answer_from_fields(raw)
    if body is None:
        return await question_page(request, Form(raw=raw, errors={"body": error or ""}), 422)
    engine = request.app.state.engine
    asker = await asyncio.to_thread(get_user, engine, question.asker_id)
    site = site_url(request)

    def write() -> None:
        with write_transaction(engine) as connection:
            insert_answer(connection, question.id, user.id or 0, body)
            if asker is not None and asker.id != user.id:
                notify(
                    connection, "new_answer", asker, site_url=site, author=user.name,
                    question=question.title, answer=body,
                    link=f"{site}{path('community', question.id)}",
                )  # fmt: skip

    await asyncio.to_thread(write)
    wake_outbox(request.app.state)
    await _announce(request, question.id)
    return RedirectResponse(path("community", question.id), status_code=303)


async def _the_answer(request: Request) -> Answer:
    found = await asyncio.to_thread(get_answer, request.app.state.engine, path_id(request, "id"))
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


async def helpful(request: Request) -> Response:
    """POST /community/answers/{id}/helpful: the asker marks (or unmarks) the answer."""
    user = signed_in(request)
    found = await _the_answer(request)
    question = await asyncio.to_thread(get_question, request.app.state.engine, found.question_id)
    if question is None:
        raise HTTPException(404, NOT_FOUND)
    if user.id != question.asker_id:
        raise HTTPException(403, "Only the person who asked marks the answer that helped.")
    await asyncio.to_thread(mark_helpful, request.app.state.engine, found)
    await _announce(request, question.id)
    return RedirectResponse(path("community", question.id), status_code=303)


async def to_library(request: Request) -> Response:
    """POST /community/answers/{id}/library: a helpful answer's link into the library -
    added by a mentor or staff, suggested (for a mentor to accept) by a member."""
    user = signed_in(request)
    found = await _the_answer(request)
    engine = request.app.state.engine
    question = await asyncio.to_thread(get_question, engine, found.question_id)
    if question is None:
        raise HTTPException(404, NOT_FOUND)
    if not found.helpful:
        raise HTTPException(409, "Only an answer marked as helpful goes to the library.")
    if found.library_resource_id is not None:
        raise HTTPException(409, "This answer's link is in the library already.")
    link = first_link(found.body)
    if link is None:
        raise HTTPException(409, "This answer has no link to add to the library.")
    fields = {
        "title": question.title, "url": link, "kind": "other", "level": "beginner",
        "style": "reading", "skills": ", ".join(question.skills),
        "description": f"Recommended in answer to “{question.title}”: {found.body}"[:2000],
        "visibility": "shared",
    }  # fmt: skip
    resource, errors = resource_from_fields(fields)
    if resource is None:
        raise HTTPException(409, " ".join(errors.values()))
    curator = can_curate_library(user)
    try:
        saved = await asyncio.to_thread(
            add_resource, engine, resource, added_by=user.id,
            state="accepted" if curator else "suggested",
        )  # fmt: skip
    except LibraryError as taken:
        if taken.existing is None:
            raise HTTPException(409, str(taken)) from None
        await asyncio.to_thread(link_resource, engine, found.id, taken.existing)
        await _announce(request, question.id)
        return await question_page(request, notice="That link is in the library already.")
    await asyncio.to_thread(link_resource, engine, found.id, saved.id)
    await request.app.state.library.changed()
    await _announce(request, question.id)
    return RedirectResponse(path("community", question.id), status_code=303)
