"""What resources really take, from the read model and the learning events.

Cards are linked to library resources by their normalised link. A card's link is
written as its author wrote it (`https://Docs.Python.org/3/tutorial/?utm_source=x`), so
`link_alias` remembers the normal form of every link seen on a card or in an event
(`learn_links`, run after each read-model change and on start); the figures then join
cards and events to resources through it, by index. A link not learnt yet still
matches when it is written exactly in normal form, as a card added from the library is.

Blocking functions; run them with `asyncio.to_thread`. Definitions: domain/library/figures.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from domain.library import Figures, MemberUse, figures, try_normalise
from storage.database import write_transaction
from storage.library import LibraryResource, LinkAlias
from storage.read_model import CurriculumItem, CurriculumSummary, LearningEvent
from storage.tables import known, table_of

ALIAS = table_of(LinkAlias)
BATCH = 500


def _hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def learn_links(engine: Engine, doc_ids: Sequence[str] | None = None) -> int:
    """Remember the normal form of every link on the cards and in the events of
    `doc_ids` (every curriculum when None); returns how many links were new."""
    item_urls = sa.select(col(CurriculumItem.url)).where(col(CurriculumItem.url) != "")
    event_urls = sa.select(col(LearningEvent.url)).where(col(LearningEvent.url) != "")
    if doc_ids is not None:
        if not doc_ids:
            return 0
        item_urls = item_urls.where(col(CurriculumItem.doc_id).in_(list(doc_ids)))
        event_urls = event_urls.where(col(LearningEvent.doc_id).in_(list(doc_ids)))
    with engine.connect() as connection:
        urls = sorted(set(connection.execute(sa.union(item_urls, event_urls)).scalars()))
    learnt = 0
    for start in range(0, len(urls), BATCH):
        learnt += _remember(engine, urls[start : start + BATCH])
    return learnt


def _remember(engine: Engine, urls: list[str]) -> int:
    hashes = {_hash(url): url for url in urls}
    with engine.connect() as connection:
        known = set(
            connection.execute(
                sa.select(ALIAS.c.url_hash).where(ALIAS.c.url_hash.in_(list(hashes)))
            ).scalars()
        )
    rows = [
        {"url_hash": key, "url": url, "normalised": try_normalise(url) or url}
        for key, url in hashes.items()
        if key not in known
    ]
    if not rows:
        return 0
    with write_transaction(engine) as connection:
        insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
        connection.execute(insert(ALIAS).values(rows).on_conflict_do_nothing())
    return len(rows)


def _links(connection: Connection, normalised: Iterable[str]) -> dict[str, str]:
    """Every link known to stand for one of `normalised`: {link as written: normal form}."""
    wanted = sorted(set(normalised))
    links = {url: url for url in wanted}
    if wanted:
        rows = connection.execute(
            sa.select(ALIAS.c.url, ALIAS.c.normalised).where(ALIAS.c.normalised.in_(wanted))
        ).all()
        links.update({url: normal for url, normal in rows})
    return links


def _uses(
    connection: Connection, links: dict[str, str], member: int | None = None
) -> dict[str, list[MemberUse]]:
    """{normal form: [MemberUse, oldest first]} from the cards now and the events ever."""
    uses: dict[str, list[MemberUse]] = {normal: [] for normal in links.values()}
    if not links:
        return uses
    raw = list(links)
    members = col(CurriculumSummary.member_user_id)
    items = (
        sa.select(members, col(CurriculumItem.url), col(CurriculumItem.status))
        .join(CurriculumSummary, col(CurriculumSummary.doc_id) == col(CurriculumItem.doc_id))
        .where(col(CurriculumItem.url).in_(raw), members.is_not(None))
    )
    events = sa.select(
        col(LearningEvent.member_user_id), col(LearningEvent.url), col(LearningEvent.kind),
        col(LearningEvent.actual_minutes),
    ).where(
        col(LearningEvent.url).in_(raw), col(LearningEvent.kind).in_(["started", "finished"]),
        col(LearningEvent.member_user_id).is_not(None),
    )  # fmt: skip
    if member is not None:
        items = items.where(members == member)
        events = events.where(col(LearningEvent.member_user_id) == member)
    for who, url, status in connection.execute(items):
        uses[links[url]].append(MemberUse(known(who), finished=status == "done"))
    ordered = events.order_by(col(LearningEvent.at), col(LearningEvent.id))
    for who, url, kind, minutes in connection.execute(ordered):
        finished = kind == "finished"
        uses[links[url]].append(MemberUse(known(who), finished, minutes if finished else None))
    return uses


def figures_for(engine: Engine, urls: Sequence[str]) -> dict[str, Figures]:
    """The figures of each resource link (normal forms): median actual time, completion
    rate, and how many members are behind each."""
    with engine.connect() as connection:
        uses = _uses(connection, _links(connection, urls))
    return {url: figures(uses.get(url, [])) for url in urls}


def finished_it(engine: Engine, member_user_id: int, url: str) -> bool:
    """Whether this member finished a card linked to this resource (may review it)."""
    with engine.connect() as connection:
        uses = _uses(connection, _links(connection, [url]), member=member_user_id)
    return figures(uses.get(url, [])).finished > 0


@dataclass(frozen=True)
class MedianTime:
    minutes: int  # the median of members' actual minutes
    members: int  # how many members' finishes it is the median of


def median_minutes_by_url(engine: Engine, urls: Sequence[str]) -> dict[str, MedianTime]:
    """For cards' links as written: the median actual time members took on the same
    resource (any link with the same normal form), across all members - the workload
    warning's cross-member fallback. Links nobody finished with a known time are absent."""
    normal = {url: try_normalise(url) for url in urls}
    with engine.connect() as connection:
        uses = _uses(connection, _links(connection, [n for n in normal.values() if n]))
    found = {}
    for url, key in normal.items():
        figure = figures(uses.get(key, [])) if key else Figures()
        if figure.median_minutes is not None:
            found[url] = MedianTime(figure.median_minutes, figure.timed)
    return found


def resource_ids_by_link(engine: Engine, urls: Sequence[str]) -> dict[str, int]:
    """{card link as written: id of the accepted resource it is linked to}."""
    normal = {url: try_normalise(url) for url in urls if url}
    wanted = sorted({n for n in normal.values() if n})
    if not wanted:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(LibraryResource.url), col(LibraryResource.id)).where(
                col(LibraryResource.url).in_(wanted), col(LibraryResource.state) == "accepted"
            )
        ).all()
    ids = dict(rows)
    return {url: known(ids[n]) for url, n in normal.items() if n in ids}


def curricula_with_resources(engine: Engine, doc_ids: Sequence[str]) -> set[str]:
    """Those of `doc_ids` with a card linked to a library resource (whose figures a
    change of theirs can move)."""
    if not doc_ids:
        return set()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(CurriculumItem.doc_id))
            .join(ALIAS, ALIAS.c.url == col(CurriculumItem.url))
            .join(LibraryResource, col(LibraryResource.url) == ALIAS.c.normalised)
            .where(col(CurriculumItem.doc_id).in_(list(doc_ids)))
            .distinct()
        ).scalars()
        return set(rows)


def finishes_of_resources_added_by(engine: Engine, user_id: int) -> list[tuple[int, datetime]]:
    """Every finish, by any member, of a resource this person added to the library
    (`(resource id, finished at)`, oldest first): the mentors' badge "10 resources shared
    that members finished" reads these (domain.badges, `shared_resources_finished`)."""
    with engine.connect() as connection:
        added = dict(
            connection.execute(
                sa.select(col(LibraryResource.url), col(LibraryResource.id)).where(
                    col(LibraryResource.added_by) == user_id,
                    col(LibraryResource.state) == "accepted",
                )
            ).all()
        )
        links = _links(connection, added)
        if not links:
            return []
        rows = connection.execute(
            sa.select(col(LearningEvent.url), col(LearningEvent.at))
            .where(
                col(LearningEvent.url).in_(list(links)),
                col(LearningEvent.kind) == "finished",
                col(LearningEvent.member_user_id).is_not(None),
            )
            .order_by(col(LearningEvent.at), col(LearningEvent.id))
        ).all()
    return [(known(added[links[url]]), at) for url, at in rows]
