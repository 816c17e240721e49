"""Demo data for a first start: the people and curricula of mentorHub's stories.

Idempotent: people and curricula that exist already are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pycrdt import Doc
from sqlalchemy.engine import Engine
from sqlmodel import Session

from collab.demo import DEMO_CURRICULA
from storage.account_queries import add_user, get_user_by_email
from storage.curriculum_queries import create_curriculum
from storage.models import Document

from .community.demo import seed_community
from .demo_history import demo_shift, seed_history
from .demo_people import seed_people
from .encounters.demo import seed_encounters
from .library.demo import seed_library


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str


STAFF = DemoPerson("sam@example.org", "Sam the Staff Member", "staff")


def _person(engine: Engine, person: DemoPerson) -> int:
    user = get_user_by_email(engine, person.email)
    if user is None:
        user = add_user(engine, person.email, person.name, person.role)
    assert user.id is not None
    return user.id


def _exists(engine: Engine, doc_id: str) -> bool:
    with Session(engine) as session:
        return session.get(Document, doc_id) is not None


def seed_demo(engine: Engine) -> list[str]:
    """Create the demo people and curricula; return what was created, for the console."""
    created: list[str] = []
    shift = demo_shift(datetime.now(UTC))  # the stories end a few days before today
    _person(engine, STAFF)
    for demo in DEMO_CURRICULA:
        member = _person(engine, DemoPerson(demo.member_email, demo.member_name, "member"))
        mentor = _person(engine, DemoPerson(demo.mentor_email, demo.mentor_name, "mentor"))
        if _exists(engine, demo.doc_id):
            continue
        doc = Doc()
        demo.fill(doc, shift=shift)
        create_curriculum(engine, demo.doc_id, demo.title, doc.get_update(), member, [mentor])
        seed_history(engine, demo.doc_id, doc, member, mentor)
        created.append(f"{demo.title} (/curricula/{demo.doc_id})")
    created += seed_people(engine)  # profiles and open requests (server/demo_people.py)
    created += seed_library(engine)
    created += seed_encounters(engine)  # after the curricula and people it is about
    created += seed_community(engine)
    return created
