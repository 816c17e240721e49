"""The application forms, for people without an account.

Posting one is rate-limited like signing in (the same allowance per client IP), needs
the anonymous CSRF token, and answers the same whoever applies: it never says whether
an email has an account already (staff see that when they review).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.application_queries import insert_application

from ..auth.ratelimit import sign_in_limited
from ..people_forms import Form
from ..people_live import changes_of
from ..people_pages import common_context
from ..templating import render
from .forms import read_application

log = logging.getLogger("mentorhub.joining")

HEADINGS = {"mentor": "Become a mentor", "member": "Join as a member"}


async def choice_page(request: Request) -> Response:
    return render(request, "joining/index.html", {})


def _form_page(request: Request, kind: str, form: Form, status_code: int = 200) -> Response:
    context = {"kind": kind, "heading": HEADINGS[kind], "form": form, **common_context()}
    return render(request, "joining/apply.html", context, status_code=status_code)


async def mentor_form(request: Request) -> Response:
    return _form_page(request, "mentor", Form(raw={"timezone": "UTC", "level": "working"}))


async def member_form(request: Request) -> Response:
    return _form_page(request, "member", Form(raw={"timezone": "UTC"}))


async def _apply(request: Request, kind: str) -> Response:
    if (limited := sign_in_limited(request)) is not None:
        return limited
    async with request.form() as data:
        values, form = read_application(data, kind)
    if not form.ok:
        return _form_page(request, kind, form, status_code=422)
    application_id = await asyncio.to_thread(insert_application, request.app.state.engine, values)
    changes_of(request.app.state).changed()  # staff's list shows it at once
    log.info("application %s (%s) received", application_id, kind)
    return RedirectResponse("/join/thanks", status_code=303)


async def mentor_apply(request: Request) -> Response:
    return await _apply(request, "mentor")


async def member_apply(request: Request) -> Response:
    return await _apply(request, "member")


async def thanks_page(request: Request) -> Response:
    return render(request, "joining/thanks.html", {})
