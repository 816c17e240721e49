"""What the people pages share: who is asking, ids from the path, after-change hooks, and
a ranking turned into what templates show."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc
from starlette.exceptions import HTTPException
from starlette.requests import Request

from collab import edits, schema
from collab.room import SERVER
from domain.skills import load_vocabulary
from storage.accounts import User
from storage.profile_queries import get_person

from .notifications import wake_outbox
from .people_forms import FORMAT_LABELS, KIND_LABELS, LEVEL_LABELS, Form, time_zones
from .people_live import changes_of
from .templating import current_user

NOT_FOUND = "There is nothing here, or it is not yours to see."
STATE_WORDS = {
    "proposed": "asked, waiting for an answer",
    "accepted": "accepted",
    "declined": "declined",
    "withdrawn": "no longer needed",
}


def signed_in(request: Request) -> User:
    """The signed-in user; anyone else is sent to sign in first."""
    user: User | None = current_user(request)
    if user is None or user.id is None:
        raise HTTPException(303, headers={"Location": "/auth/login"})
    return user


def path_id(request: Request, name: str) -> int:
    try:
        value = int(request.path_params[name])
    except ValueError:
        raise HTTPException(404, NOT_FOUND) from None
    if not 0 < value < 2**31:
        raise HTTPException(404, NOT_FOUND)
    return value


def after_change(request: Request) -> None:
    """A change committed: refresh the live pages, and send the emails it queued."""
    changes_of(request.app.state).changed()
    wake_outbox(request.app.state)


def prefilled_form(engine: Any, user: User) -> Form:
    """A new request's or offer's form, with the person's time zone and formats (blocking)."""
    person = get_person(engine, user.id or 0)
    if person is None:
        return Form(raw={"timezone": "UTC"})
    profile = person.profile
    return Form(raw={"timezone": profile.timezone, "formats": sorted(profile.formats)})


def common_context() -> dict[str, Any]:
    """Labels and choices every people page may show."""
    return {
        "format_labels": FORMAT_LABELS,
        "level_labels": LEVEL_LABELS,
        "kinds": KIND_LABELS,
        "zones": time_zones(),
        "skill_label": load_vocabulary().label,
        "state_words": STATE_WORDS,
    }


def match_rows(ranking: Any, asked: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Each proposed person as the match list shows them."""
    asked = asked or {}
    rows = []
    for match in ranking.matches:
        user_id = ranking.user_id(match)
        rows.append(
            {
                "user_id": user_id,
                "name": match.person.name,
                "email": match.person.email,
                "percent": round(match.score * 100),
                "reasons": match.reasons,
                "asked": asked.get(user_id),
            }
        )
    return rows


async def name_mentor(request: Request, doc_id: str, email: str) -> None:
    """A mentor joined an existing curriculum: name them in its `meta.mentors` through the
    room, so open editors see it at once. (Access comes from `curriculum_member`, written
    in the same transaction as the mentorship.)"""

    def add(doc: Doc) -> None:
        mentors = list(schema.read_curriculum(doc).mentors)
        if email not in mentors:
            edits.set_meta(doc, mentors=[*mentors, email], origin=SERVER)

    async with request.app.state.rooms.using(doc_id) as room:
        await room.edit(add)
