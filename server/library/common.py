"""What every library route needs: who is asking, what they may see, the resource."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from domain.library import Figures, Ratings, Resource
from storage.accounts import User
from storage.library_figures import figures_for
from storage.library_queries import get_resource, mentors_of, ratings_for
from storage.library_search import Viewer

from ..access import Access, can_curate_library, list_curricula_for
from ..templating import current_user

MAX_ROW_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database
NOT_FOUND = "There is no such resource in the library, or you may not see it."
COLUMN_CHOICES = ("next", "now", "later")  # where a resource added to a curriculum goes


def signed_in(request: Request) -> User:
    """The user, or a redirect to the sign-in page."""
    user: User | None = current_user(request)
    if user is None or user.id is None:
        raise HTTPException(303, headers={"Location": "/auth/login"})
    return user


def curator(request: Request) -> User:
    """A mentor or staff member, or 403."""
    user = signed_in(request)
    if not can_curate_library(user):
        raise HTTPException(403, "Only mentors and staff can do this; members can suggest.")
    return user


async def viewer_for(state: Any, user: User) -> Viewer:
    assert user.id is not None
    if user.role == "staff":
        return Viewer(user.id, staff=True)
    mentors = await asyncio.to_thread(mentors_of, state.engine, user.id)
    return Viewer(user.id, mentor_ids=mentors)


def can_see(viewer: Viewer, resource: Resource, user: User) -> bool:
    if resource.state == "suggested":  # the queue's: mentors, staff, and who suggested it
        return can_curate_library(user) or resource.added_by == user.id
    if viewer.staff or resource.visibility == "shared":
        return True
    return resource.added_by == user.id or resource.added_by in viewer.mentor_ids


async def visible_resource(request: Request, user: User) -> Resource:
    """The resource of the path (`{resource_id:int}`), or 404 when missing or hidden."""
    resource_id = request.path_params["resource_id"]
    if resource_id > MAX_ROW_ID:
        raise HTTPException(404, NOT_FOUND)
    state = request.app.state
    resource = await asyncio.to_thread(get_resource, state.engine, resource_id)
    if resource is None or not can_see(await viewer_for(state, user), resource, user):
        raise HTTPException(404, NOT_FOUND)
    return resource


@dataclass(frozen=True)
class ResourceView:
    """A resource with what members made of it."""

    resource: Resource
    figures: Figures
    ratings: Ratings


async def views_of(state: Any, resources: list[Resource]) -> list[ResourceView]:
    """The figures and ratings of several resources: two queries in all."""
    urls = [resource.url for resource in resources]
    ids = [resource.id for resource in resources]
    figures = await asyncio.to_thread(figures_for, state.engine, urls)
    ratings = await asyncio.to_thread(ratings_for, state.engine, ids)
    return [ResourceView(r, figures[r.url], ratings[r.id]) for r in resources]


@dataclass(frozen=True)
class Destination:
    doc_id: str
    label: str


async def editable_curricula(state: Any, user: User) -> list[Destination]:
    """The curricula `user` can add a resource to (a mentor's mentees', a member's own)."""
    found = await asyncio.to_thread(list_curricula_for, state.engine, user)
    return [
        Destination(
            c.doc_id,
            f"{c.title or 'Untitled'} ({c.member_name})"
            if c.member_name
            else c.title or "Untitled",
        )  # fmt: skip
        for c in found
        if c.access >= Access.EDIT
    ]


async def form_fields(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    """The named text fields of a posted form (anything else is ignored)."""
    async with request.form() as form:
        values = {name: form.get(name) for name in names}
    return {name: value if isinstance(value, str) else "" for name, value in values.items()}
