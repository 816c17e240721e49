"""The workload warning of one curriculum: read from SQL, computed by `domain.workload`.

Now's cards come from the read model (or, on pages that have the document open anyway,
from the document); the member's pace from their finished events; other members' median
time per link from the library's figures; the hours a week from the member's profile
(DEFAULT_HOURS_PER_WEEK when unset). Nothing here loads a document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.dashboard import pace
from domain.read_rows import ItemRow
from domain.workload import Workload, needs_others, workload
from storage.dashboard_queries import now_items, people_hours
from storage.library_figures import median_minutes_by_url
from storage.read_model_queries import events_of_member, overviews

from ..live_feed import feed_stream
from ..settings import Settings
from ..templating import render_fragment
from .common import session_access


def hours_of(settings: Settings, hours_per_week: float | None) -> float:
    """A member's hours a week: their profile's, else the setting's default."""
    return hours_per_week if hours_per_week else settings.default_hours_per_week


def medians_for(engine: Engine, items: Sequence[ItemRow]) -> dict[str, int]:
    urls = sorted({item.url for item in items if item.url})
    return {url: found.minutes for url, found in median_minutes_by_url(engine, urls).items()}


def compute_workload(
    engine: Engine, settings: Settings, member_user_id: int | None, items: Sequence[ItemRow]
) -> Workload:
    """Blocking: the forecast of `items` (Now's cards) for the member."""
    finished = (
        events_of_member(engine, member_user_id, kinds=["finished"])
        if member_user_id is not None
        else []
    )
    person = people_hours(engine, [member_user_id]).get(member_user_id or -1)
    hours = hours_of(settings, person.hours_per_week if person else None)
    own = pace(finished, hours)
    in_now = [item for item in items if item.status == "now"]
    return workload(
        in_now,
        own,
        medians_for(engine, [item for item in in_now if needs_others(item, own)]),
        member_name=person.name if person else "",
        hours_per_week=hours,
        horizon_weeks=settings.workload_horizon_weeks,
    )


def _curriculum_workload(
    engine: Engine, settings: Settings, doc_id: str, items: Sequence[ItemRow] | None
) -> Workload:
    overview = overviews(engine, [doc_id]).get(doc_id)
    member = overview.member_user_id if overview is not None else None
    if items is None:
        items = now_items(engine, [doc_id]).get(doc_id, [])
    return compute_workload(engine, settings, member, items)


async def workload_of(state: Any, doc_id: str, items: Sequence[ItemRow] | None = None) -> Workload:
    """The workload of a curriculum (`items`: Now's cards if the caller has them)."""
    return await asyncio.to_thread(
        _curriculum_workload, state.engine, state.settings, doc_id, items
    )


async def workload_json(request: Request) -> Response:
    """GET /curricula/{id}/workload: the warning's numbers, as JSON."""
    doc_id = request.path_params["doc_id"]
    await session_access(request, doc_id)
    found = await workload_of(request.app.state, doc_id)
    return JSONResponse(found.as_dict(), headers={"Cache-Control": "no-store"})


async def workload_stream(request: Request) -> Response:
    """The warning's fragment again whenever the curriculum's read model changes."""
    doc_id = request.path_params["doc_id"]
    await session_access(request, doc_id)

    async def render() -> tuple[set[str] | None, str]:
        found = await workload_of(request.app.state, doc_id)
        html = render_fragment(request, "dashboards/_workload.html", {"workload": found})
        return {doc_id}, html

    return feed_stream(request, render)
