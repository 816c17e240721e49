"""The library in SQL: resources, suggestions, reviews, import and export, ForgetMe.

Blocking functions, each one short transaction (the server calls them with
`asyncio.to_thread`). They take and return the values of `domain.library`. Access is
the caller's to decide (`server/access.py`); search is `storage/library_search.py`,
figures `storage/library_figures.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from collab.erase import mention_pattern, scrub_string
from domain.library import NewResource, Ratings, Resource, Review
from domain.library.exchange import LibraryFile
from domain.library.resources import resource_values
from storage.accounts import CurriculumMember, User
from storage.database import write_transaction
from storage.library import LibraryResource, ResourceReview, ResourceSkill
from storage.library_search import RESOURCE_COLUMNS, Viewer, resource_of, visible_to
from storage.models import utcnow
from storage.tables import known, table_of

RESOURCE = table_of(LibraryResource)
REVIEW = table_of(ResourceReview)


class LibraryError(ValueError):
    """A change was refused (the message says why); nothing was changed."""

    def __init__(self, message: str, existing: int | None = None) -> None:
        super().__init__(message)
        self.existing = existing  # the resource already holding the link, if that is why


class ImportRefused(ValueError):
    """A file was refused whole: `errors` names every row at fault."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problems; nothing was imported")
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    reviews: int = 0


# -- resources ----------------------------------------------------------------------


def _one(connection: Connection, *where: Any) -> Resource | None:
    row = connection.execute(sa.select(*RESOURCE_COLUMNS).where(*where)).first()
    return resource_of(row) if row is not None else None


def get_resource(engine: Engine, resource_id: int) -> Resource | None:
    with engine.connect() as connection:
        return _one(connection, col(LibraryResource.id) == resource_id)


def resource_by_url(engine: Engine, url: str) -> Resource | None:
    """The resource of a normalised link, in any state."""
    with engine.connect() as connection:
        return _one(connection, col(LibraryResource.url) == url)


def _set_skills(connection: Connection, resource_id: int, skills: Sequence[str]) -> None:
    table = table_of(ResourceSkill)
    connection.execute(sa.delete(table).where(table.c.resource_id == resource_id))
    if skills:
        connection.execute(
            sa.insert(table), [{"resource_id": resource_id, "skill": s} for s in skills]
        )


def _taken(connection: Connection, url: str, other_than: int | None = None) -> None:
    found = _one(connection, col(LibraryResource.url) == url)
    if found is not None and found.id != other_than:
        state = "suggested already" if found.state == "suggested" else "in the library already"
        raise LibraryError(f"That link is {state}: “{found.title}”.", existing=found.id)


def _insert(
    connection: Connection, resource: NewResource, added_by: int | None, state: str,
    now: datetime,
) -> int:  # fmt: skip
    values = {**resource_values(resource), "added_by": added_by, "state": state}
    if state == "accepted" and added_by is not None:
        values.update(accepted_by=added_by, accepted_at=now)
    insert = sa.insert(RESOURCE).values(**values, created_at=now, updated_at=now)
    resource_id = connection.execute(insert.returning(RESOURCE.c.id)).scalar_one()
    _set_skills(connection, resource_id, resource.skills)
    return int(resource_id)


@contextmanager
def _one_per_link() -> Iterator[None]:
    """Two people saving the same link at once: the second is told, not a 500."""
    try:
        yield
    except sa.exc.IntegrityError:
        raise LibraryError("That link was added to the library a moment ago.") from None


def add_resource(
    engine: Engine, resource: NewResource, *, added_by: int | None, state: str = "accepted"
) -> Resource:
    """Add a resource (a mentor's, accepted) or a suggestion (a member's); one per link."""
    with _one_per_link(), write_transaction(engine) as connection:
        _taken(connection, resource.url)
        resource_id = _insert(connection, resource, added_by, state, utcnow())
        found = _one(connection, col(LibraryResource.id) == resource_id)
    assert found is not None
    return found


def update_resource(engine: Engine, resource_id: int, resource: NewResource) -> Resource:
    with _one_per_link(), write_transaction(engine) as connection:
        if _one(connection, col(LibraryResource.id) == resource_id) is None:
            raise LibraryError("There is no such resource.")
        _taken(connection, resource.url, other_than=resource_id)
        connection.execute(
            sa.update(RESOURCE)
            .where(RESOURCE.c.id == resource_id)
            .values(**resource_values(resource), updated_at=utcnow())
        )
        _set_skills(connection, resource_id, resource.skills)
        found = _one(connection, col(LibraryResource.id) == resource_id)
    assert found is not None
    return found


def accept_suggestion(engine: Engine, resource_id: int, accepted_by: int) -> bool:
    """A suggestion becomes a shared resource; False if it is not a suggestion (any more)."""
    now = utcnow()
    with write_transaction(engine) as connection:
        done = connection.execute(
            sa.update(RESOURCE)
            .where(RESOURCE.c.id == resource_id, RESOURCE.c.state == "suggested")
            .values(
                state="accepted",
                visibility="shared",
                accepted_by=accepted_by,
                accepted_at=now,
                updated_at=now,
            )  # fmt: skip
        )
    return done.rowcount == 1


def decline_suggestion(engine: Engine, resource_id: int) -> bool:
    """Remove a suggestion; False if it is not a suggestion (any more)."""
    with write_transaction(engine) as connection:
        done = connection.execute(
            sa.delete(RESOURCE).where(RESOURCE.c.id == resource_id, RESOURCE.c.state == "suggested")
        )
    return done.rowcount == 1


def suggestions(engine: Engine, suggested_by: int | None = None) -> list[Resource]:
    """Suggestions waiting for a mentor, oldest first (of one person, if given)."""
    where = [col(LibraryResource.state) == "suggested"]
    if suggested_by is not None:
        where.append(col(LibraryResource.added_by) == suggested_by)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(*RESOURCE_COLUMNS)
            .where(*where)
            .order_by(RESOURCE.c.created_at, RESOURCE.c.id)
        ).all()
    return [resource_of(row) for row in rows]


def resources_added_by(engine: Engine, user_id: int) -> list[Resource]:
    """What a person added (shared, for mentees, or suggested), oldest first: the
    mentors' badge "resources shared that members finished" starts here."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(*RESOURCE_COLUMNS)
            .where(col(LibraryResource.added_by) == user_id)
            .order_by(RESOURCE.c.created_at, RESOURCE.c.id)
        ).all()
    return [resource_of(row) for row in rows]


def visible_resources(engine: Engine, viewer: Viewer) -> list[Resource]:
    """Every accepted resource `viewer` may see, by id (the export)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(*RESOURCE_COLUMNS)
            .where(col(LibraryResource.state) == "accepted", visible_to(viewer))
            .order_by(RESOURCE.c.id)
        ).all()
    return [resource_of(row) for row in rows]


def mentors_of(engine: Engine, member_user_id: int) -> tuple[int, ...]:
    """The mentors on the curricula of this member (whose mentees-only resources they see)."""
    mine = sa.select(col(CurriculumMember.doc_id)).where(
        col(CurriculumMember.user_id) == member_user_id, col(CurriculumMember.role) == "member"
    )
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(CurriculumMember.user_id))
            .where(col(CurriculumMember.doc_id).in_(mine), col(CurriculumMember.role) == "mentor")
            .distinct()
        ).scalars()
        return tuple(sorted(rows))


def user_names(engine: Engine, user_ids: Sequence[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(User.id), col(User.name)).where(col(User.id).in_(list(user_ids)))
        ).all()
    return {known(user_id): name for user_id, name in rows}


# -- reviews ------------------------------------------------------------------------


def _of(resource_id: int, user_id: int) -> tuple[Any, Any]:
    return REVIEW.c.resource_id == resource_id, REVIEW.c.user_id == user_id


def _review(row: Any) -> Review:
    data = row._mapping
    return Review(
        id=data["id"], resource_id=data["resource_id"], user_id=data["user_id"],
        reviewer=data["name"], rating=data["rating"], text=data["text"], at=data["at"],
        edited_at=data["edited_at"],
    )  # fmt: skip


def _reviews(engine: Engine, *where: Any) -> list[Review]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(REVIEW, col(User.name))
            .join(User, col(User.id) == REVIEW.c.user_id)
            .where(*where)
            .order_by(REVIEW.c.at.desc(), REVIEW.c.id.desc())
        ).all()
    return [_review(row) for row in rows]


def reviews_of(engine: Engine, resource_id: int) -> list[Review]:
    """A resource's reviews, newest first."""
    return _reviews(engine, REVIEW.c.resource_id == resource_id)


def reviews_by(engine: Engine, user_id: int) -> list[Review]:
    """A person's reviews, newest first (`at`: first written; the "first review" badge)."""
    return _reviews(engine, REVIEW.c.user_id == user_id)


def review_of(engine: Engine, resource_id: int, user_id: int) -> Review | None:
    found = _reviews(engine, *_of(resource_id, user_id))
    return found[0] if found else None


def _upsert_review(
    connection: Connection, resource_id: int, user_id: int, rating: int, text: str,
    at: datetime,
) -> None:  # fmt: skip
    """One review per person and resource: a second one rewrites the first (atomically,
    so that two saves at once leave one review)."""
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
    connection.execute(
        insert(REVIEW)
        .values(resource_id=resource_id, user_id=user_id, rating=rating, text=text, at=at)
        .on_conflict_do_update(
            index_elements=["resource_id", "user_id"],
            set_={"rating": rating, "text": text, "edited_at": at},
        )
    )


def save_review(engine: Engine, resource_id: int, user_id: int, rating: int, text: str) -> None:
    """Write or rewrite a person's rating and review of a resource."""
    with write_transaction(engine) as connection:
        _upsert_review(connection, resource_id, user_id, rating, text, utcnow())


def delete_review(engine: Engine, resource_id: int, user_id: int) -> bool:
    with write_transaction(engine) as connection:
        done = connection.execute(sa.delete(REVIEW).where(*_of(resource_id, user_id)))
    return done.rowcount == 1


def ratings_for(engine: Engine, resource_ids: Sequence[int]) -> dict[int, Ratings]:
    """The count and average rating of each resource (those without ratings: empty)."""
    found = {resource_id: Ratings() for resource_id in resource_ids}
    if not resource_ids:
        return found
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(REVIEW.c.resource_id, REVIEW.c.rating).where(
                REVIEW.c.resource_id.in_(list(resource_ids))
            )
        ).all()
    grouped: dict[int, list[int]] = {}
    for resource_id, rating in rows:
        grouped.setdefault(resource_id, []).append(rating)
    found.update({resource_id: Ratings.of(values) for resource_id, values in grouped.items()})
    return found


# -- import -------------------------------------------------------------------------


def _user_ids(connection: Connection, emails: set[str]) -> dict[str, int]:
    if not emails:
        return {}
    rows = connection.execute(
        sa.select(col(User.email), col(User.id)).where(col(User.email).in_(sorted(emails)))
    ).all()
    return {email: known(user_id) for email, user_id in rows}


def import_library(
    engine: Engine, file: LibraryFile, *, added_by: int | None = None, update: bool = True
) -> Imported:
    """Add the file's resources (and reviews), all or nothing. A link already in the
    library is updated (`update`) or left as it is. `added_by` is who added rows that
    do not name anyone. Raises `ImportRefused` listing every row at fault."""
    if file.errors:
        raise ImportRefused(file.errors)
    added = updated = unchanged = 0
    now = utcnow()
    with _one_per_link(), write_transaction(engine) as connection:
        people = {row.added_by for row in file.rows if row.added_by}
        people |= {review.by for review in file.reviews}
        ids = _user_ids(connection, people)
        errors = [
            f"Row {row.row}, added_by: nobody has the email {row.added_by!r}."
            for row in file.rows
            if row.added_by and row.added_by not in ids
        ]
        errors += [
            f"Review {review.row}, by: nobody has the email {review.by!r}."
            for review in file.reviews
            if review.by not in ids
        ]
        if errors:
            raise ImportRefused(errors)
        for row in file.rows:
            existing = _one(connection, col(LibraryResource.url) == row.resource.url)
            who = ids[row.added_by] if row.added_by else added_by
            if existing is None:
                _insert(connection, row.resource, who, "accepted", now)
                added += 1
            elif update and NewResource(**_plain(existing)) != row.resource:
                connection.execute(
                    sa.update(RESOURCE)
                    .where(RESOURCE.c.id == existing.id)
                    .values(**resource_values(row.resource), updated_at=now)
                )
                _set_skills(connection, existing.id, row.resource.skills)
                updated += 1
            else:
                unchanged += 1
        for review in file.reviews:
            target = _one(connection, col(LibraryResource.url) == review.url)
            if target is None:
                errors.append(f"Review {review.row}, url: no resource has that link.")
                continue
            _upsert_review(
                connection, target.id, ids[review.by], review.rating, review.text,
                review.at or now,
            )  # fmt: skip
        if errors:
            raise ImportRefused(errors)  # rolls the whole file back
    return Imported(added, updated, unchanged, len(file.reviews))


def _plain(resource: Resource) -> dict[str, Any]:
    return {name: getattr(resource, name) for name in NewResource.__dataclass_fields__}


# -- ForgetMe -----------------------------------------------------------------------


def scrub_library_mentions(engine: Engine, needles: Sequence[str]) -> int:
    """ForgetMe: a person's name or email written in any resource or anyone's review
    becomes "former member" (their own reviews and their name as adder go with their
    account: `storage.account_queries.delete_user`). Returns how many texts changed."""
    pattern = mention_pattern(list(needles))
    if pattern is None:
        return 0
    changed = 0
    with write_transaction(engine) as connection:
        for table, column in ((RESOURCE, "title"), (RESOURCE, "description"), (REVIEW, "text")):
            mentions = sa.or_(
                *[table.c[column].ilike(f"%{_escaped(n)}%", escape="\\") for n in needles if n]
            )
            rows = connection.execute(sa.select(table.c.id, table.c[column]).where(mentions))
            for key, value in rows.all():
                clean = scrub_string(value, pattern)
                if column == "title":
                    clean = clean[:200]
                if clean != value:
                    update = sa.update(table).where(table.c.id == key)
                    connection.execute(update.values({column: clean}))
                    changed += 1
        if changed and connection.dialect.name == "sqlite":
            # merge the search index's segments: no old entry of the text stays in them
            connection.exec_driver_sql("INSERT INTO resource_fts(resource_fts) VALUES ('optimize')")
    return changed


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def skills_in_use(engine: Engine, viewer: Viewer) -> list[str]:
    """The skills of the resources `viewer` may see, for the search's skill filter."""
    skill = table_of(ResourceSkill).c.skill
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(skill)
            .join(RESOURCE, RESOURCE.c.id == table_of(ResourceSkill).c.resource_id)
            .where(RESOURCE.c.state == "accepted", visible_to(viewer))
            .distinct()
            .order_by(skill)
        ).scalars()
        return list(rows)


def ratings_by(engine: Engine, user_id: int, resource_ids: Sequence[int]) -> dict[int, int]:
    """{resource id: the rating this person gave it} for those they rated."""
    if not resource_ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(REVIEW.c.resource_id, REVIEW.c.rating).where(
                REVIEW.c.user_id == user_id, REVIEW.c.resource_id.in_(list(resource_ids))
            )
        ).all()
    return dict(rows)
