"""What a dashboard shows of its owner beyond curricula: their badges (with the dates they
were earned) and, for anyone who offers skills, the community's open questions they can
answer. Read from SQL in one worker thread; refreshed live on the keys `watched_keys`
names (docs/dashboards.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from domain.badges import EarnedBadge
from storage.badge_queries import badges_of
from storage.community_queries import Question, offered_skills, open_questions_for

from ..badge_awarding import badges_key

QUESTIONS_SHOWN = 10


@dataclass(frozen=True)
class Personal:
    badges: tuple[EarnedBadge, ...]
    offers_skills: bool  # the community section is shown
    questions: tuple[Question, ...]

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "badges": [
                {"code": b.code, "title": b.title, "description": b.description,
                 "earned_at": b.earned_at.isoformat()}
                for b in self.badges
            ],
        }  # fmt: skip
        if self.offers_skills:
            found["questions_to_answer"] = [
                {"id": q.id, "title": q.title, "skills": list(q.skills), "asker": q.asker_name,
                 "answers": q.answers, "url": f"/community/{q.id}"}
                for q in self.questions
            ]  # fmt: skip
        return found


def personal_of(engine: Engine, user_id: int, role: str) -> Personal:
    """Blocking: `user_id`'s badges and, if they offer skills (a mentor always sees the
    section, if only its empty state), the open questions they can answer."""
    offers = role == "mentor" or bool(offered_skills(engine, user_id))
    questions = open_questions_for(engine, user_id, QUESTIONS_SHOWN) if offers else []
    return Personal(tuple(badges_of(engine, user_id)), offers, tuple(questions))


def watched_keys(user_id: int, personal: Personal) -> set[str]:
    """The change-feed keys after which the owner's dashboard renders again."""
    from ..community.pages import LIST_KEY  # here: server.community imports server.pages

    return {badges_key(user_id)} | ({LIST_KEY} if personal.offers_skills else set())
