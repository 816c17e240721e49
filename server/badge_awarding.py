"""Awarding badges: read a person's history, ask `domain.badges` what it earns, store
what is missing (once, even when two awards run at once).

Called, in a thread, after the read model records a curriculum's new events or goals
(`server/read_model_sync.py`: for its member and its mentors), after a review is
written (`server/library/actions.py`) and after a mentor records an encounter
(`server/encounters/record.py`). Cheap to call again: nothing changes when
nothing new was earned. See docs/badges.md.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine

from domain.badges import earned_badges
from storage.badge_queries import facts_of, people_of_curriculum, store_awards
from storage.encounter_queries import recorded_by_mentor
from storage.models import utcnow

log = logging.getLogger("mentorhub.badges")


def badges_key(user_id: int) -> str:
    """The change-feed key announced when `user_id` earns a badge outside a curriculum's
    sync (a review, an encounter): their dashboard renders again on it."""
    return f"badges-{user_id}"


def award_badges(engine: Engine, user_id: int) -> list[str]:
    """Store the badges `user_id` earned and does not hold yet; their codes (blocking)."""
    encounters = recorded_by_mentor(engine, user_id)  # dated: the 5th earns "Five encounters"
    facts = facts_of(engine, user_id, utcnow(), encounters=encounters)
    stored = store_awards(engine, user_id, earned_badges(facts))
    if stored:
        log.info("user %s earned %s", user_id, ", ".join(stored))
    return stored


def award_for_curriculum(engine: Engine, doc_id: str) -> list[str]:
    """Award the member and the mentors of a curriculum whose read model changed."""
    stored = []
    for user_id in people_of_curriculum(engine, doc_id):
        stored += award_badges(engine, user_id)
    return stored


async def award_off_the_loop(
    engine: Engine, *, user_id: int | None = None, doc_id: str = ""
) -> list[str]:
    """Award a person, or a curriculum's people, in a worker thread; the codes stored. A
    failure (the database away) is logged: the change that called it is committed already,
    and the next award for these people stores whatever this one missed."""
    try:
        if user_id is not None:
            return await asyncio.to_thread(award_badges, engine, user_id)
        return await asyncio.to_thread(award_for_curriculum, engine, doc_id)
    except Exception as error:
        log.warning(
            "badges: awarding %s failed (%s: %s); the next change awards again",
            f"user {user_id}" if user_id is not None else f"curriculum {doc_id}",
            type(error).__name__, str(error).splitlines()[0][:200] if str(error) else "",
        )  # fmt: skip
        return []
