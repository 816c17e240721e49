"""Asking the community: questions with skill tags, answers, the one that helped, and a
helpful link into the resource library. See docs/community.md.

`create_app` adds the routes with `*community_routes()`.
"""

from __future__ import annotations

from starlette.routing import Route

from ..notifications import Kind, register_kind
from . import actions, pages

register_kind(
    Kind(
        "new_answer",
        "Someone answers your question",
        "An email when someone answers a question you asked the community.",
    )
)

POST = ["POST"]


def community_routes() -> list[Route]:
    return [
        Route("/community", pages.community_page),
        Route("/community", actions.ask, methods=POST),
        Route("/community/stream", pages.community_stream),
        Route("/community/new", pages.new_question_page),
        Route("/community/{id}", pages.question_page),
        Route("/community/{id}/stream", pages.answers_stream),
        Route("/community/{id}/answers", actions.answer, methods=POST),
        Route("/community/answers/{id}/helpful", actions.helpful, methods=POST),
        Route("/community/answers/{id}/library", actions.to_library, methods=POST),
    ]
