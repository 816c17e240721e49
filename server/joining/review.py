"""Staff review applications: a list, one page each, accept or decline with a note.

Accepting creates the account and the profile and queues the welcome email in one
transaction (the email is sent if and only if the account was made); declining creates
nothing but a polite email with the note (`declines.py`). Everyone but staff gets 403
(and anyone signed out is sent to sign in).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.accounts import User
from storage.application_queries import (
    ApplicationRefused,
    accept,
    decline,
    get_application,
    list_applications,
)
from storage.applications import JoinApplication
from storage.database import write_transaction

from ..notifications import Kind, notify, register_kind, site_url, wake_outbox
from ..people_live import changes_of, live_fragment
from ..people_pages import NOT_FOUND, common_context, path_id, signed_in
from ..settings import Settings
from ..templating import render, render_fragment
from .declines import decline_message, send_decline

log = logging.getLogger("mentorhub.joining")

WELCOME = register_kind(
    Kind(
        "welcome",
        "Welcome to mentorHub",
        "How to sign in and book the introduction meeting, once an application is accepted.",
        optional=False,
    )
)
NOTE_LIMIT = 1000


def staff_only(request: Request) -> User:
    user = signed_in(request)
    if user.role != "staff":
        raise HTTPException(403, "Only staff review applications.")
    return user


def _list_context(engine: Any) -> dict[str, Any]:
    applications = list_applications(engine)
    return {
        "pending": [a for a in applications if a.state == "pending"],
        "decided": [a for a in applications if a.state != "pending"],
        **common_context(),
    }


async def applications_page(request: Request) -> Response:
    staff_only(request)
    context = await asyncio.to_thread(_list_context, request.app.state.engine)
    return render(request, "joining/applications.html", context)


async def applications_stream(request: Request) -> Response:
    """GET /applications/stream: the list again (SSE) after each new application or
    decision here, or within a few seconds of one elsewhere (server/people_live.py)."""
    staff_only(request)
    engine = request.app.state.engine

    async def fragment() -> str:
        context = await asyncio.to_thread(_list_context, engine)
        return render_fragment(request, "joining/_applications.html", context)

    return live_fragment(request, fragment)


async def _application(request: Request) -> JoinApplication:
    found = await asyncio.to_thread(
        get_application, request.app.state.engine, path_id(request, "id")
    )
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


def _page(
    request: Request, application: JoinApplication, status_code: int = 200, **extra: Any
) -> Response:
    context = {"application": application, "note_limit": NOTE_LIMIT, **common_context(), **extra}
    return render(request, "joining/application.html", context, status_code=status_code)


async def application_page(request: Request) -> Response:
    staff_only(request)
    return _page(request, await _application(request))


async def _note(request: Request) -> tuple[str, str | None]:
    async with request.form() as data:
        note = str(data.get("note") or "").strip()
    if len(note) > NOTE_LIMIT:
        return note, f"At most {NOTE_LIMIT} characters, please ({len(note)} now)."
    return note, None


def sign_in_help(settings: Settings) -> dict[str, Any]:
    """What the welcome email says about signing in (docs/auth.md)."""
    return {
        "provider": settings.provider_name if settings.oidc_issuer else None,
        "dev_sign_in": settings.dev_sign_in_enabled,
        "booking_url": settings.introduction_booking_url,
    }


async def accept_application(request: Request) -> Response:
    staff = staff_only(request)
    application = await _application(request)
    note, error = await _note(request)
    if error:
        return _page(request, application, 422, note=note, note_error=error)
    site = site_url(request)
    help_ = sign_in_help(request.app.state.settings)

    def write() -> User:
        with write_transaction(request.app.state.engine) as connection:
            user = accept(connection, application.id or 0, staff.id or 0, note)
            notify(
                connection, WELCOME.key, user, site_url=site, note=note,
                applied_as=application.kind, **help_,
            )  # fmt: skip
            return user

    try:
        user = await asyncio.to_thread(write)
    except ApplicationRefused as refused:
        fresh = await _application(request)
        return _page(request, fresh, 409, note=note, refused=str(refused))
    wake_outbox(request.app.state)
    changes_of(request.app.state).changed()
    log.info("application %s accepted by %s: user %s", application.id, staff.id, user.id)
    return RedirectResponse(f"/applications/{application.id}", status_code=303)


async def decline_application(request: Request) -> Response:
    staff = staff_only(request)
    application = await _application(request)
    note, error = await _note(request)
    if error:
        return _page(request, application, 422, note=note, note_error=error)

    def write() -> None:
        with write_transaction(request.app.state.engine) as connection:
            decline(connection, application.id or 0, staff.id or 0, note)

    try:
        await asyncio.to_thread(write)
    except ApplicationRefused as refused:
        fresh = await _application(request)
        return _page(request, fresh, 409, note=note, refused=str(refused))
    changes_of(request.app.state).changed()
    log.info("application %s declined by %s", application.id, staff.id)
    outbox = request.app.state.outbox
    message = decline_message(application, note, site_url(request))
    polite_email = BackgroundTask(
        send_decline, request.app.state.engine, outbox.sender, outbox.from_address,
        application.id, message,
    )  # fmt: skip
    return RedirectResponse(
        f"/applications/{application.id}", status_code=303, background=polite_email
    )
