"""Demo data for finding each other: the people of the user stories with their profiles
(`domain.personas`), and open requests of Charlie and Julian, so that matching works at
first start: sign in as Charlie, open his request, and Miles comes first.

Idempotent: people, profiles and requests that exist already are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from domain.personas import load_personas
from storage.account_queries import add_user, get_user_by_email
from storage.database import write_transaction
from storage.mentoring_queries import insert_request, requests_of
from storage.profile_queries import get_person, save_profile


@dataclass(frozen=True)
class DemoRequest:
    story: str  # the key of the persona story whose request this is
    goal: str
    motivation: str
    expectations: str
    kind: str


DEMO_REQUESTS = (
    DemoRequest(
        "charlie-recursion",
        goal="Stop getting stuck on recursion questions in coding interviews",
        motivation="I finished a coding boot camp and I'm interviewing for junior developer "
        "jobs. Every time a question needs recursion I freeze.",
        expectations="A couple of mock interviews, and someone to tell me how I explain my "
        "thinking.",
        kind="short",
    ),
    DemoRequest(
        "julian-first-90-days",
        goal="Get the most out of my first 90 days at a new job",
        motivation="I just started at a new company and want to make a good start.",
        expectations="Someone who has seen many new starters, to check in with every couple "
        "of weeks.",
        kind="long",
    ),
)


def seed_people(engine: Engine) -> list[str]:
    """Create the personas' accounts and profiles and the demo requests; say what was made."""
    personas = load_personas()
    created: list[str] = []
    profiles = 0
    for profile, record in zip(personas.people, personas.records, strict=True):
        user = get_user_by_email(engine, profile.email)
        if user is None:
            user = add_user(engine, profile.email, profile.name, profile.role)
        assert user.id is not None
        person = get_person(engine, user.id)
        if person is not None and person.has_profile:
            continue
        mentees = profile.mentees if "mentees" in record else None
        with write_transaction(engine) as connection:
            save_profile(connection, user.id, profile, mentees)
        profiles += 1
    if profiles:
        created.append(f"profiles of {profiles} people of the user stories")
    for demo in DEMO_REQUESTS:
        ask = personas.story(demo.story).ask
        member = get_user_by_email(engine, ask.author)
        assert member is not None and member.id is not None
        if requests_of(engine, member.id):
            continue
        values = {
            "goal": demo.goal, "motivation": demo.motivation, "expectations": demo.expectations,
            "description": ask.text, "hours": ask.hours, "formats": sorted(ask.formats),
            "timezone": ask.timezone, "skills": list(ask.skills), "kind": demo.kind,
        }  # fmt: skip
        with write_transaction(engine) as connection:
            request_id = insert_request(connection, member.id, values)
        created.append(f"{member.name}'s request (/requests/{request_id})")
    return created
