"""The community pages: the questions (those a person can answer first), one question
with its answers (live over SSE), and the form to ask."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from storage.accounts import User
from storage.community_queries import (
    Question,
    answers_to,
    get_question,
    offered_skills,
    open_questions_for,
    recent_questions,
)

from ..access import can_curate_library
from ..live_feed import feed_stream
from ..people_forms import Form
from ..people_pages import NOT_FOUND, common_context, path_id, signed_in
from ..templating import render, render_fragment

LIST_KEY = "community"  # the change-feed key of the questions list


def question_key(question_id: int) -> str:
    """The change-feed key of one question's answers."""
    return f"community-question-{question_id}"


def _list_context(engine: Any, user: User) -> dict[str, Any]:
    assert user.id is not None
    return {
        "for_you": open_questions_for(engine, user.id),
        "questions": recent_questions(engine),
        "offers": offered_skills(engine, user.id),
        **common_context(),
    }


async def community_page(request: Request) -> Response:
    user = signed_in(request)
    context = await asyncio.to_thread(_list_context, request.app.state.engine, user)
    return render(request, "community/index.html", context)


async def community_stream(request: Request) -> Response:
    user = signed_in(request)

    async def fragment() -> tuple[set[str] | None, str]:
        context = await asyncio.to_thread(_list_context, request.app.state.engine, user)
        return {LIST_KEY}, render_fragment(request, "community/_questions.html", context)

    return feed_stream(request, fragment)


async def new_question_page(
    request: Request, form: Form | None = None, status: int = 200
) -> Response:
    signed_in(request)
    context = {"form": form or Form(), **common_context()}
    return render(request, "community/new.html", context, status_code=status)


async def the_question(request: Request) -> Question:
    question = await asyncio.to_thread(
        get_question, request.app.state.engine, path_id(request, "id")
    )
    if question is None:
        raise HTTPException(404, NOT_FOUND)
    return question


async def answers_context(request: Request, user: User, question: Question) -> dict[str, Any]:
    answers = await asyncio.to_thread(answers_to, request.app.state.engine, question.id)
    return {
        "question": question, "answers": answers, "is_asker": user.id == question.asker_id,
        "curator": can_curate_library(user), **common_context(),
    }  # fmt: skip


async def question_page(
    request: Request, form: Form | None = None, status: int = 200, notice: str = ""
) -> Response:
    user = signed_in(request)
    question = await the_question(request)
    context = await answers_context(request, user, question)
    context.update(form=form or Form(), notice=notice)
    return render(request, "community/question.html", context, status_code=status)


async def answers_stream(request: Request) -> Response:
    user = signed_in(request)
    question = await the_question(request)

    async def fragment() -> tuple[set[str] | None, str]:
        fresh = await asyncio.to_thread(get_question, request.app.state.engine, question.id)
        context = await answers_context(request, user, fresh or question)
        return {question_key(question.id)}, render_fragment(
            request, "community/_answers.html", context
        )

    return feed_stream(request, fragment)
