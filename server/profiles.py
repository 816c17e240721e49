"""Profiles: editing one's own (/profile), seeing anyone's (/people/{id}), and choosing
which emails to get (/settings/notifications)."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.badge_queries import badges_of
from storage.notification_queries import preferences, set_preferences
from storage.profile_queries import get_person, update_profile

from .htmx import wants_partial
from .notifications import optional_kinds
from .people_forms import Form, profile_raw, read_profile
from .people_pages import NOT_FOUND, after_change, common_context, path_id, signed_in
from .templating import render


async def profile_page(request: Request) -> Response:
    user = signed_in(request)
    person = await asyncio.to_thread(get_person, request.app.state.engine, user.id)
    form = Form(raw=profile_raw(person.profile)) if person is not None else Form()
    return render(request, "people/profile.html", {"form": form, **common_context()})


async def save_profile(request: Request) -> Response:
    user = signed_in(request)
    async with request.form() as data:
        profile, form = read_profile(data, user)
    if profile is not None:
        await asyncio.to_thread(update_profile, request.app.state.engine, user.id, profile)
        after_change(request)
        if not wants_partial(request):
            return RedirectResponse("/profile", status_code=303)
    context = {"form": form, "saved": profile is not None, **common_context()}
    template = "people/_profile_form.html" if wants_partial(request) else "people/profile.html"
    return render(request, template, context, status_code=200 if form.ok else 422)


async def person_page(request: Request) -> Response:
    user = signed_in(request)
    engine = request.app.state.engine
    person = await asyncio.to_thread(get_person, engine, path_id(request, "id"))
    if person is None:
        raise HTTPException(404, NOT_FOUND)
    is_me = person.user_id == user.id
    context = {
        "person": person,
        "is_me": is_me,
        "badges": await asyncio.to_thread(badges_of, engine, person.user_id),
        "badges_owner": "you" if is_me else person.profile.name,
        **common_context(),
    }
    return render(request, "people/person.html", context)


async def notifications_page(request: Request, saved: bool = False) -> Response:
    user = signed_in(request)
    choices = await asyncio.to_thread(preferences, request.app.state.engine, user.id)
    context = {"kinds": optional_kinds(), "choices": choices, "saved": saved}
    return render(request, "people/notifications.html", context)


async def save_notifications(request: Request) -> Response:
    """POST /settings/notifications: the boxes ticked are on, every other kind off."""
    user = signed_in(request)
    async with request.form() as data:
        on = {str(value) for value in data.getlist("on")}
    choices = {kind.key: kind.key in on for kind in optional_kinds()}
    await asyncio.to_thread(set_preferences, request.app.state.engine, user.id, choices)
    return await notifications_page(request, saved=True)
