"""Searching the library: full-text search on SQLite (FTS5) and PostgreSQL, one function.

SQLite: `resource_fts`, an external-content FTS5 table over `resource(title,
description, skills)` with the Porter stemmer, kept in step by triggers (migration 0007).
PostgreSQL: `resource.search`, a stored generated `tsvector` (English stemming; title and
skills weigh more than the description) with a GIN index, queried with
`websearch_to_tsquery('english', ...)`. Both are written from one parsed query
(`domain.library.parse_query`), each database picks its best `CANDIDATES` matches, and
`domain.library.rank` orders them, so both show the same list.

Neither the FTS5 tables nor the generated column are SQLModel models:
`outside_models` tells Alembic's comparison (and autogenerate) to leave them be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import col

from domain.library import Resource, SearchQuery, Term, rank
from storage.library import LibraryResource, ResourceSkill
from storage.tables import table_of

CANDIDATES = 200  # the database's best matches, ordered again by domain.library.rank
SQLITE_SEARCH_TABLE = "resource_fts"


def outside_models(name: str | None, type_: Any, parent_names: Any) -> bool:
    """Alembic's `include_name`: False for what migration 0007 makes by hand."""
    if type_ == "table" and name is not None and name.startswith(SQLITE_SEARCH_TABLE):
        return False
    if type_ == "column" and parent_names.get("table_name") == "resource":
        return name != "search"
    return not (type_ == "index" and name == "ix_resource_search")


@dataclass(frozen=True)
class Filters:
    skill: str | None = None
    level: str | None = None
    style: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Viewer:
    """Who searches: staff see every resource; others what is shared, what they added,
    and what their mentors keep for their own mentees."""

    user_id: int | None
    staff: bool = False
    mentor_ids: tuple[int, ...] = ()


def resource_of(row: Any) -> Resource:
    data = row._mapping
    return Resource(
        id=data["id"], title=data["title"], url=data["url"], kind=data["kind"],
        level=data["level"], style=data["style"], skills=tuple(data["skills"] or ()),
        estimate_minutes=data["estimate_minutes"], description=data["description"],
        visibility=data["visibility"], state=data["state"], added_by=data["added_by"],
        accepted_by=data["accepted_by"], created_at=data["created_at"],
        updated_at=data["updated_at"],
    )  # fmt: skip


RESOURCE_COLUMNS = [c for c in table_of(LibraryResource).columns]


def visible_to(viewer: Viewer) -> Any:
    """The SQL condition: resources `viewer` may see (accepted or not)."""
    if viewer.staff:
        return sa.true()
    mine = [col(LibraryResource.visibility) == "shared"]
    if viewer.user_id is not None:
        mine.append(col(LibraryResource.added_by) == viewer.user_id)
    if viewer.mentor_ids:
        mine.append(col(LibraryResource.added_by).in_(list(viewer.mentor_ids)))
    return sa.or_(*mine)


def _filtered(filters: Filters, viewer: Viewer) -> list[Any]:
    where = [col(LibraryResource.state) == "accepted", visible_to(viewer)]
    for name in ("level", "style", "kind"):
        value = getattr(filters, name)
        if value:
            where.append(getattr(LibraryResource, name) == value)
    if filters.skill:
        where.append(
            sa.exists().where(
                col(ResourceSkill.resource_id) == col(LibraryResource.id),
                col(ResourceSkill.skill) == filters.skill,
            )
        )
    return where


def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def fts5_match(query: SearchQuery) -> str:
    """The query in FTS5's syntax (words are letters and digits only: quoting is safe)."""
    groups = []
    for group in query.groups:
        wanted = " AND ".join(_fts5_term(t) for t in group if not t.negated)
        groups.append("(" + wanted + "".join(f" NOT {_fts5_term(t)}" for t in group
                                              if t.negated) + ")")  # fmt: skip
    return " OR ".join(groups)


def websearch_text(query: SearchQuery) -> tuple[str, str | None]:
    """The query for `websearch_to_tsquery`, and the unfinished word for `to_tsquery`."""
    groups = []
    for group in query.groups:
        terms = []
        for term in group:
            if term.prefix:
                continue
            words = " ".join(term.words)
            terms.append(("-" if term.negated else "") + (f'"{words}"' if " " in words else words))
        groups.append(" ".join(terms))
    prefix = query.prefix_term()
    return " or ".join(g for g in groups if g), (prefix.words[0] + ":*" if prefix else None)


def _matching(engine: Engine, query: SearchQuery, where: list[Any]) -> Any:
    table = table_of(LibraryResource)
    if engine.dialect.name == "sqlite":
        fts = sa.table(SQLITE_SEARCH_TABLE, sa.column("rowid"))
        score = sa.func.bm25(sa.literal_column(SQLITE_SEARCH_TABLE), 3.0, 1.0, 2.0)
        return (
            sa.select(*RESOURCE_COLUMNS)
            .join(fts, fts.c.rowid == table.c.id)
            .where(sa.literal_column(SQLITE_SEARCH_TABLE).op("MATCH")(fts5_match(query)), *where)
            .order_by(score, table.c.id)
        )
    text, prefix = websearch_text(query)
    parts: list[Any] = []
    english: Any = sa.literal_column("'english'::regconfig")
    if text:
        parts.append(sa.func.websearch_to_tsquery(english, sa.cast(text, sa.Text)))
    if prefix:
        parts.append(sa.func.to_tsquery(english, sa.cast(prefix, sa.Text)))
    wanted = parts[0] if len(parts) == 1 else parts[0].op("&&")(parts[1])
    search: Any = sa.literal_column("resource.search")
    return (
        sa.select(*RESOURCE_COLUMNS)
        .where(search.op("@@")(wanted), *where)
        .order_by(sa.func.ts_rank(search, wanted).desc(), table.c.id)
    )


def search(
    engine: Engine, query: SearchQuery, filters: Filters, viewer: Viewer, *, limit: int = 50
) -> tuple[list[Resource], int]:
    """(the best `limit` resources for the query and filters, how many matched in all).

    Accepted resources `viewer` may see; an empty query lists them all by title."""
    where = _filtered(filters, viewer)
    table = table_of(LibraryResource)
    if query.empty:
        statement = sa.select(*RESOURCE_COLUMNS).where(*where)
        statement = statement.order_by(sa.func.lower(table.c.title), table.c.id)
    else:
        statement = _matching(engine, query, where)
    fetched = max(limit, CANDIDATES)
    with engine.connect() as connection:
        rows = connection.execute(statement.limit(fetched)).all()
        total = len(rows)
        if total == fetched:  # more may match: count them, the cheap way on each database
            total = connection.execute(_count(engine, query, where)).scalar_one()
    return rank(query, [resource_of(row) for row in rows])[:limit], total


def _count(engine: Engine, query: SearchQuery, where: list[Any]) -> Any:
    table = table_of(LibraryResource)
    if query.empty:
        return sa.select(sa.func.count()).select_from(table).where(*where)
    if engine.dialect.name == "sqlite":  # the index gives ids; a join would scan resource
        fts = sa.table(SQLITE_SEARCH_TABLE, sa.column("rowid"))
        match = sa.literal_column(SQLITE_SEARCH_TABLE).op("MATCH")(fts5_match(query))
        ids = sa.select(fts.c.rowid).select_from(fts).where(match)
        return sa.select(sa.func.count()).select_from(table).where(table.c.id.in_(ids), *where)
    matching = _matching(engine, query, where).order_by(None).subquery()
    return sa.select(sa.func.count()).select_from(matching)
