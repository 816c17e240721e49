"""The list of curricula a user can open, with how many resources sit in each column."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from collab.schema import columns, read_curriculum

from .access import Access, list_curricula_for


@dataclass(frozen=True)
class CurriculumListing:
    doc_id: str
    title: str
    member_name: str = ""
    mentor_names: tuple[str, ...] = ()
    read_only: bool = False
    counts: dict[str, int] = field(default_factory=dict)


async def curricula_for(state: Any, user: Any) -> list[CurriculumListing]:
    """Who is on each curriculum comes from the SQL read model; titles and counts from
    the live document (the room), so the list never lags behind the editor."""
    listings = []
    for summary in await asyncio.to_thread(list_curricula_for, state.engine, user):
        async with state.rooms.using(summary.doc_id) as room:
            curriculum = read_curriculum(room.doc)
        counts = {status: len(items) for status, items in columns(curriculum).items()}
        listings.append(
            CurriculumListing(
                doc_id=summary.doc_id,
                title=curriculum.title or summary.title,
                member_name=summary.member_name,
                mentor_names=summary.mentor_names,
                read_only=summary.access < Access.EDIT,
                counts=counts,
            )
        )
    return listings
