"""Every route of finding each other: profiles, requests, the inbox, offers, the JSON
endpoint, email settings. `create_app` adds them with `*people_routes()`."""

from __future__ import annotations

from starlette.routing import Route

from . import inbox, mentoring_requests, offers, profiles
from .match_api import match_endpoint

POST = ["POST"]


def people_routes() -> list[Route]:
    return [
        Route("/profile", profiles.profile_page),
        Route("/profile", profiles.save_profile, methods=POST),
        Route("/people/{id}", profiles.person_page),
        Route("/settings/notifications", profiles.notifications_page),
        Route("/settings/notifications", profiles.save_notifications, methods=POST),
        Route("/requests", mentoring_requests.requests_page),
        Route("/requests", mentoring_requests.create_request, methods=POST),
        Route("/requests/new", mentoring_requests.new_request_page),
        Route("/requests/suggest", mentoring_requests.suggest, methods=POST),
        Route("/requests/{id}", mentoring_requests.request_page),
        Route("/requests/{id}/stream", mentoring_requests.request_stream),
        Route("/requests/{id}/proposals", mentoring_requests.ask_mentors, methods=POST),
        Route("/requests/{id}/close", mentoring_requests.close_request, methods=POST),
        Route("/inbox", inbox.inbox_page),
        Route("/inbox/stream", inbox.inbox_stream),
        Route("/proposals/{id}", inbox.proposal_page),
        Route("/proposals/{id}/answer", inbox.answer, methods=POST),
        Route("/mentorships/{id}/end", inbox.end, methods=POST),
        Route("/offers", offers.offers_page),
        Route("/offers", offers.create_offer, methods=POST),
        Route("/offers/new", offers.new_offer_page),
        Route("/offers/{id}", offers.offer_page),
        Route("/offers/{id}/stream", offers.offer_stream),
        Route("/offers/{id}/take", offers.take, methods=POST),
        Route("/offers/{id}/close", offers.close, methods=POST),
        Route("/api/match", match_endpoint, methods=POST),
    ]
