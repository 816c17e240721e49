"""Joining: the become-a-mentor and join-as-a-member forms, open to people without an
account, and staff's review of each application. See docs/joining.md.

`create_app` adds the routes with `*joining_routes()`.
"""

from starlette.routing import Route

from . import apply, review

POST = ["POST"]


def joining_routes() -> list[Route]:
    return [
        Route("/join", apply.choice_page),
        Route("/join/mentor", apply.mentor_form),
        Route("/join/mentor", apply.mentor_apply, methods=POST),
        Route("/join/member", apply.member_form),
        Route("/join/member", apply.member_apply, methods=POST),
        Route("/join/thanks", apply.thanks_page),
        Route("/applications", review.applications_page),
        Route("/applications/stream", review.applications_stream),
        Route("/applications/{id}", review.application_page),
        Route("/applications/{id}/accept", review.accept_application, methods=POST),
        Route("/applications/{id}/decline", review.decline_application, methods=POST),
    ]
