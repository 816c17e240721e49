"""The skills people already use: the tags of library resources and of curricula.

They extend the shipped vocabulary (domain/skills) when the reverse resume is read
for skill suggestions, so a tag the vocabulary does not know is suggested too.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from storage.curriculum_queries import curricula_rows
from storage.library_queries import skills_in_use
from storage.library_search import Viewer
from storage.read_model import CurriculumGoal, CurriculumItem


def curriculum_skills(engine: Engine, doc_ids: Sequence[str]) -> list[str]:
    """Every skill tagged on the items and goals of these curricula (read model), once."""
    if not doc_ids:
        return []
    found: dict[str, None] = {}
    with engine.connect() as connection:
        for table in (CurriculumItem, CurriculumGoal):
            rows = connection.execute(
                sa.select(col(table.skills)).where(col(table.doc_id).in_(list(doc_ids)))
            ).scalars()
            for skills in rows:
                found.update((s, None) for s in skills or () if isinstance(s, str) and s.strip())
    return list(found)


def skills_known_to(engine: Engine, viewer: Viewer, doc_id: str) -> list[str]:
    """The library's skills `viewer` may see, and those of the curricula they are on
    (with `doc_id` itself): what a suggestion may draw on besides the vocabulary."""
    doc_ids = [doc_id]
    if viewer.user_id is not None:
        doc_ids += [row.doc_id for row in curricula_rows(engine, viewer.user_id)]
    library = skills_in_use(engine, viewer)
    return list(dict.fromkeys([*library, *curriculum_skills(engine, doc_ids)]))
