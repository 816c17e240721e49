"""Recording an encounter: pick a script, answer its questions, tick its checks, write
the notes; the member is told by email. Editing afterwards: the author only."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.encounter_scripts import Record, Script, record_from_fields
from storage.account_queries import get_user
from storage.accounts import User
from storage.database import write_transaction
from storage.encounter_queries import insert_encounter, latest_encounter, update_encounter
from storage.encounters import Encounter
from storage.models import utcnow

from ..badge_awarding import award_off_the_loop, badges_key
from ..notifications import notify, site_url, wake_outbox
from ..people_forms import Form
from ..people_pages import signed_in
from ..templating import render
from ..urls import path
from . import changes
from .common import (
    all_scripts,
    author_only,
    find_script,
    member_of_path,
    mentorship_with,
    visible_encounter,
)

MAX_FIELDS = 50


def _fields(data: FormData) -> tuple[list[str], list[str], str, str]:
    answers = [str(v)[:10_000] for v in data.getlist("answer")][:MAX_FIELDS]
    checked = [str(v)[:1_000] for v in data.getlist("checked")][:MAX_FIELDS]
    return answers, checked, str(data.get("notes") or "")[:50_000], str(data.get("held_on") or "")


def held_at_of(text: str, today: date) -> tuple[datetime | None, str | None]:
    """The meeting's date from the form (`YYYY-MM-DD`, empty: now), never in the future."""
    text = text.strip()
    if not text:
        return None, None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, "Give the date as YYYY-MM-DD."
    if day > today + timedelta(days=1):
        return None, "An encounter cannot be held in the future."
    if day < date(2000, 1, 1):
        return None, "That date is too long ago."
    return datetime.combine(day, time(12), tzinfo=UTC), None


async def choose_script(request: Request) -> Response:
    """GET /people/{id}/encounters/new: the scripts to choose from."""
    user = signed_in(request)
    member = await member_of_path(request)
    await mentorship_with(request, user, member)
    scripts = await asyncio.to_thread(all_scripts, request.app.state.engine)
    return render(request, "encounters/choose.html", {"member": member, "scripts": scripts})


async def _script_or_404(request: Request, slug: str) -> Script:
    script = await asyncio.to_thread(find_script, request.app.state.engine, slug)
    if script is None:
        raise HTTPException(404, "There is no such script.")
    return script


async def _since_last(request: Request, member: User, doc_id: str | None) -> Any:
    if doc_id is None or member.id is None:
        return None
    last = await asyncio.to_thread(latest_encounter, request.app.state.engine, member.id, doc_id)
    if last is None:
        return None
    return await changes.since(request.app.state, last)


async def new_encounter(request: Request) -> Response:
    """GET /people/{id}/encounters/new/{script}: the script's form, and what changed."""
    user = signed_in(request)
    member = await member_of_path(request)
    mentorship = await mentorship_with(request, user, member)
    script = await _script_or_404(request, str(request.path_params["script"]))
    window = await _since_last(request, member, mentorship.doc_id)
    return _form(request, member, script, Form(), window)


def _form(
    request: Request, member: User, script: Script, form: Form, window: Any,
    encounter: Encounter | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = {
        "member": member, "script": script, "form": form, "window": window,
        "encounter": encounter,
        "action": path("encounters", encounter.id) if encounter and encounter.id
        else path("people", member.id or 0, "encounters"),
    }  # fmt: skip
    return render(request, "encounters/form.html", context, status_code=status_code)


def _raw(answers: list[str], checked: list[str], notes: str, held_on: str) -> dict[str, Any]:
    return {"answers": answers, "checked": checked, "notes": notes, "held_on": held_on}


async def create_encounter(request: Request) -> Response:
    """POST /people/{id}/encounters: record it, and tell the member."""
    user = signed_in(request)
    member = await member_of_path(request)
    mentorship = await mentorship_with(request, user, member)
    async with request.form() as data:
        slug = str(data.get("script") or "")
        answers, checked, notes, held_on = _fields(data)
    script = await asyncio.to_thread(find_script, request.app.state.engine, slug)
    if script is None:
        raise HTTPException(400, "Choose one of the scripts.")
    record, errors = record_from_fields(script, answers, checked, notes)
    held_at, date_error = held_at_of(held_on, utcnow().date())
    if date_error:
        errors["held_on"] = date_error
    if record is None or errors:
        form = Form(raw=_raw(answers, checked, notes, held_on), errors=errors)
        window = await _since_last(request, member, mentorship.doc_id)
        return _form(request, member, script, form, window, status_code=422)
    baseline = None
    if mentorship.doc_id is not None:
        baseline = await changes.stored_state(request.app.state, mentorship.doc_id)
    encounter_id = await asyncio.to_thread(
        _write, request, user, member, script, record, held_at, mentorship.id, mentorship.doc_id,
        baseline,
    )  # fmt: skip
    wake_outbox(request.app.state)
    state = request.app.state
    if await award_off_the_loop(state.engine, user_id=user.id):  # the 5th earns a badge
        await state.read_model.announce(badges_key(user.id))  # the dashboard shows it
    return RedirectResponse(path("encounters", encounter_id), status_code=303)


def _write(
    request: Request, mentor: User, member: User, script: Script, record: Record,
    held_at: datetime | None, mentorship_id: int | None, doc_id: str | None,
    baseline: bytes | None,
) -> int:  # fmt: skip
    values: dict[str, Any] = {
        "mentorship_id": mentorship_id, "doc_id": doc_id, "mentor_user_id": mentor.id,
        "member_user_id": member.id, "script": script.slug, "script_title": script.title,
        "questions": list(script.questions), "answers": list(record.answers),
        "checks": list(script.checks), "checked": list(record.checked), "notes": record.notes,
        "baseline": baseline,
    }  # fmt: skip
    if held_at is not None:
        values["held_at"] = held_at
    site = site_url(request)
    with write_transaction(request.app.state.engine) as connection:
        encounter_id = insert_encounter(connection, values)
        notify(
            connection, "encounter_recorded", member, site_url=site, mentor=mentor.name,
            script=script.title, link=f"{site}{path('encounters', encounter_id)}",
        )  # fmt: skip
    return encounter_id


def _script_of(encounter: Encounter) -> Script:
    """The script as it was when the encounter was recorded (kept on the encounter)."""
    return Script(
        encounter.script, encounter.script_title, "", tuple(encounter.questions),
        tuple(encounter.checks), shipped=False,
    )  # fmt: skip


async def _author_name(request: Request, encounter: Encounter) -> str:
    author = await asyncio.to_thread(get_user, request.app.state.engine, encounter.mentor_user_id)
    return author.name if author else "the mentor"


async def edit_page(request: Request) -> Response:
    """GET /encounters/{id}/edit: the author's form, filled in."""
    user = signed_in(request)
    encounter = await visible_encounter(request, user)
    author_only(user, encounter, await _author_name(request, encounter))
    member = await asyncio.to_thread(get_user, request.app.state.engine, encounter.member_user_id)
    assert member is not None
    raw = _raw(list(encounter.answers), list(encounter.checked), encounter.notes, "")
    return _form(request, member, _script_of(encounter), Form(raw=raw), None, encounter)


async def save_encounter(request: Request) -> Response:
    """POST /encounters/{id}: the author changes the notes; anyone else gets 403."""
    user = signed_in(request)
    encounter = await visible_encounter(request, user)
    author_only(user, encounter, await _author_name(request, encounter))
    async with request.form() as data:
        answers, checked, notes, _ = _fields(data)
    script = _script_of(encounter)
    record, errors = record_from_fields(script, answers, checked, notes)
    if record is None:
        member = await asyncio.to_thread(
            get_user, request.app.state.engine, encounter.member_user_id
        )
        assert member is not None
        form = Form(raw=_raw(answers, checked, notes, ""), errors=errors)
        return _form(request, member, script, form, None, encounter, status_code=422)

    def write() -> None:
        with write_transaction(request.app.state.engine) as connection:
            update_encounter(connection, encounter.id or 0, record)

    await asyncio.to_thread(write)
    return RedirectResponse(path("encounters", encounter.id or 0), status_code=303)
