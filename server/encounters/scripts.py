"""The scripts page: every script to read; staff add new ones."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.encounter_scripts import script_from_fields
from storage.encounter_queries import ScriptTaken, add_script

from ..people_forms import Form
from ..people_pages import signed_in
from ..templating import render
from .common import all_scripts

FIELDS = ("title", "purpose", "questions", "checks")


async def scripts_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    user = signed_in(request)
    scripts = await asyncio.to_thread(all_scripts, request.app.state.engine)
    context = {"scripts": scripts, "form": form or Form(), "staff": user.role == "staff"}
    return render(request, "encounters/scripts.html", context, status_code=status)


async def add_script_action(request: Request) -> Response:
    """POST /encounters/scripts: staff only (403 for anyone else)."""
    user = signed_in(request)
    if user.role != "staff":
        raise HTTPException(403, "Only staff can add scripts; mentors use them.")
    async with request.form() as data:
        raw = {name: str(data.get(name) or "")[:20_000] for name in FIELDS}
    script, errors = script_from_fields(raw)
    if script is not None:
        try:
            await asyncio.to_thread(add_script, request.app.state.engine, script, user.id or 0)
        except ScriptTaken as taken:
            errors = {"title": str(taken)}
    if script is None or errors:
        return await scripts_page(request, Form(raw=raw, errors=errors), 422)
    return RedirectResponse("/encounters/scripts", status_code=303)
