"""The list of curricula a user can open, with how many resources sit in each column."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from storage.read_model_queries import overviews

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
    """Who is on each curriculum, titles and counts, all from SQL (the read model): the
    list loads no document, so its cost does not grow with the documents' history."""
    summaries = await asyncio.to_thread(list_curricula_for, state.engine, user)
    found = await asyncio.to_thread(overviews, state.engine, [s.doc_id for s in summaries])
    listings = []
    for summary in summaries:
        overview = found.get(summary.doc_id)  # None until its first sync: no counts yet
        listings.append(
            CurriculumListing(
                doc_id=summary.doc_id,
                title=(overview.summary.title if overview else "") or summary.title,
                member_name=summary.member_name,
                mentor_names=summary.mentor_names,
                read_only=summary.access < Access.EDIT,
                counts=overview.summary.counts if overview else {},
            )
        )
    return sorted(listings, key=lambda listing: (listing.title.casefold(), listing.doc_id))
