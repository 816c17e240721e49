"""Skills for the dream job panel: suggestions from the resume, a tag's canonical name,
and which items serve each goal's skills. JSON in, JSON out; each needs read access
to the curriculum, and CSRF like every POST (the editor sends the X-CSRF-Token header).

The browser sends what it shows (the resume's text, its goals and items), so the answer
always matches the document the person is looking at, with no wait for the server's copy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from collab.schema import MAX_TAG, MAX_TAGS, MAX_TEXT, Goal, Item
from domain.skills import InvalidTag, Suggestion, coverage, load_vocabulary, suggest_skills
from domain.skills.coverage import GoalCoverage
from storage.library_search import Viewer
from storage.skill_queries import skills_known_to

from ..access import Access, document_access
from ..library.common import viewer_for
from ..templating import current_user

MAX_ENTRIES = 2_000  # goals or items in one coverage request
NOT_FOUND = "There is no curriculum here, or you may not open it."  # as server/pages.py says


async def access_or_404(request: Request, doc_id: str, needed: Access) -> None:
    if await document_access(request.app.state, current_user(request), doc_id) < needed:
        raise HTTPException(404, NOT_FOUND)  # the same answer whether it exists or not


async def _body(request: Request) -> Mapping[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        raise HTTPException(400, "Send a JSON object.") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "Send a JSON object.")
    return data


def suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "skill": suggestion.skill,
        "label": suggestion.label,
        "phrase": suggestion.phrase,
        "start": suggestion.start,  # in code points of the text sent
        "end": suggestion.end,
    }


async def suggest(request: Request) -> Response:
    """POST {text, exclude?}: the skills the text names, each with the phrase that named
    it, from the vocabulary and the skills used in the library and the viewer's curricula."""
    doc_id = request.path_params["doc_id"]
    await access_or_404(request, doc_id, Access.READ)
    data = await _body(request)
    text, exclude = data.get("text"), data.get("exclude", [])
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise HTTPException(400, f"`text` must be a string of at most {MAX_TEXT} characters.")
    if not _tags_ok(exclude):
        raise HTTPException(400, f"`exclude` must be a list of at most {MAX_TAGS} skills.")
    user = current_user(request)
    state = request.app.state
    viewer = await viewer_for(state, user) if user is not None else Viewer(None)
    extra = await asyncio.to_thread(skills_known_to, state.engine, viewer, doc_id)
    found = await asyncio.to_thread(suggest_skills, text, extra, exclude=exclude)
    return JSONResponse({"suggestions": [suggestion_json(s) for s in found]})


async def normalise(request: Request) -> Response:
    """POST {tag}: the skill's canonical name and label (`K8s` -> kubernetes); a tag the
    vocabulary does not know is kept as a free tag, with what it may have meant."""
    await access_or_404(request, request.path_params["doc_id"], Access.READ)
    tag = (await _body(request)).get("tag")
    if not isinstance(tag, str) or not tag.strip() or len(tag) > MAX_TAG:
        raise HTTPException(400, f"A skill is 1 to {MAX_TAG} characters.")
    vocabulary = load_vocabulary()
    try:
        skill = vocabulary.normalise(tag)
    except InvalidTag:
        raise HTTPException(400, "A skill needs a letter or a digit.") from None
    known = vocabulary.get(skill) is not None
    return JSONResponse({
        "skill": skill,
        "label": vocabulary.label(skill),
        "known": known,
        "did_you_mean": [] if known else vocabulary.did_you_mean(tag),
    })  # fmt: skip


def _tags_ok(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= MAX_TAGS
        and all(isinstance(v, str) and len(v) <= MAX_TAG for v in value)
    )


def _entries(data: Mapping[str, Any], name: str, read: type[Goal] | type[Item]) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list) or len(value) > MAX_ENTRIES:
        raise HTTPException(400, f"`{name}` must be a list of at most {MAX_ENTRIES}.")
    if not all(isinstance(entry, dict) for entry in value):
        raise HTTPException(400, f"Each of `{name}` must be an object.")
    return [read.from_dict(entry) for entry in value]  # coerced as the document is read


def coverage_json(goals: Sequence[GoalCoverage[Item]]) -> list[dict[str, Any]]:
    return [
        {
            "goal_id": goal.goal_id,
            "unserved": list(goal.unserved),
            "skills": [
                {
                    "skill": entry.skill,
                    "label": entry.label,
                    "served": entry.served,
                    **{
                        status: [{"id": i.id, "title": i.title} for i in items]
                        for status, items in entry.by_status().items()
                    },
                }
                for entry in goal.skills
            ],
        }
        for goal in goals
    ]


async def coverage_of(request: Request) -> Response:
    """POST {goals: [{id, title, skills}], items: [{id, title, status, skills}]}: for each
    goal, each skill with the items serving it (done, now, next, later) and those nothing
    serves. Junk fields are coerced as the curriculum's schema reads them."""
    await access_or_404(request, request.path_params["doc_id"], Access.READ)
    data = await _body(request)
    goals, items = _entries(data, "goals", Goal), _entries(data, "items", Item)
    found = await asyncio.to_thread(coverage, goals, items)
    return JSONResponse({"goals": coverage_json(found)})
