"""The list of curricula a user can open, with how many resources sit in each column."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from collab import curriculum as cur
from storage.models import Document

from .access import Access, document_access


@dataclass(frozen=True)
class CurriculumListing:
    doc_id: str
    title: str
    member_name: str = ""
    mentor_names: tuple[str, ...] = ()
    read_only: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _document_ids(engine: Any) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Document.id).order_by(Document.created_at)))


async def curricula_for(state: Any, user: Any) -> list[CurriculumListing]:
    listings = []
    for doc_id in await asyncio.to_thread(_document_ids, state.engine):
        access = await document_access(state, user, doc_id)
        if access == Access.NONE:
            continue
        async with state.rooms.using(doc_id) as room:
            curriculum = cur.read_curriculum(room.doc)
        counts = {status: len(items) for status, items in cur.columns(curriculum).items()}
        listings.append(
            CurriculumListing(
                doc_id=doc_id,
                title=curriculum.title,
                member_name=curriculum.member,
                mentor_names=tuple(curriculum.mentors),
                read_only=access < Access.EDIT,
                counts=counts,
            )
        )
    return listings
