"""Demo encounters for a first start: two meetings on each demo curriculum (Maven with
Appollo, Miles with Charlie), so that an encounter page shows what changed between them.

The earlier encounter's stored state is the curriculum as it stands, taken back a few
steps (the latest finish undone, the latest start undone, the newest planned card not
yet there); the later one's is the curriculum as stored. Idempotent: a member with
encounters already is left alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pycrdt import Doc, Map
from sqlalchemy import Engine

from collab import edits
from collab.demo import DEMO_CURRICULA
from collab.schema import read_curriculum
from domain.encounter_scripts import SHIPPED_BY_SLUG
from domain.read_rows import parse_time
from storage.account_queries import get_user_by_email
from storage.database import write_transaction
from storage.encounter_queries import encounters_of_member, insert_encounter
from storage.log_queries import merge_all, read_document

NOTES = (
    "We agreed on the goal for the next weeks and a weekly half hour on Mondays. "
    "First cards are on the board.",
    "Stuck on the current card: we split it into two smaller steps and picked a resource "
    "for the first one.",
)
# What the member said to each of the script's questions, and the checks the notes bear
# out: a demo encounter never ticks "the problem is written down" over an empty answer.
ANSWERS = {
    "first-meeting": (
        "The job on my dream-job page: success is being ready to apply for it.",
        "Tutorials on my own, without a plan; I lost track of what came next.",
        "A half hour every Monday, and notes on the cards in between.",
    ),
    "stuck-on-a-problem": (
        "The current card is too big to finish in one sitting, so it never feels done.",
        "Starting it over twice; each time the week ran out halfway through.",
        "Split it into two smaller cards and start the first with the resource we picked.",
    ),
}
CHECKED = {
    "first-meeting": (
        "We agreed on a goal for the next weeks",
        "We agreed how often we meet",
        "The first items are on the curriculum",
    ),
    "stuck-on-a-problem": (
        "The problem is written down",
        "A resource that helps is on the curriculum",
    ),
}


def _stored(engine: Engine, doc_id: str) -> bytes:
    rows = read_document(engine, doc_id)
    parts = ([rows.snapshot.data] if rows.snapshot else []) + [data for _, data in rows.rows]
    return merge_all(parts)


def earlier_state(update: bytes) -> tuple[bytes, str | None]:
    """The curriculum a few steps back: the newest finish and start undone, the newest
    card not yet planned; and the time of the earliest step undone (ISO, or None)."""
    doc = Doc()
    doc.apply_update(update)
    items = read_curriculum(doc).items
    done = sorted((i for i in items if i.status == "done"), key=lambda i: i.completed_at or "")
    now = sorted((i for i in items if i.status == "now"), key=lambda i: i.started_at or "")
    planned = [i for i in items if i.status in ("next", "later")]
    cards = doc.get("items", type=Map)
    if done:
        card = cards[done[-1].id]
        card["status"], card["completed_at"] = "now", None
    if now:
        card = cards[now[-1].id]
        card["status"], card["started_at"] = "next", None
    if planned:
        edits.delete_item(doc, planned[-1].id)
    undone = [t for t in (done and done[-1].completed_at, now and now[-1].started_at) if t]
    return doc.get_update(), min(undone, default=None)


def seed_encounters(engine: Engine) -> list[str]:
    created: list[str] = []
    now = datetime.now(UTC)
    for demo in DEMO_CURRICULA:
        member = get_user_by_email(engine, demo.member_email)
        mentor = get_user_by_email(engine, demo.mentor_email)
        if member is None or mentor is None or member.id is None:
            continue
        if encounters_of_member(engine, member.id):
            continue
        current = _stored(engine, demo.doc_id)
        earlier, undone_at = earlier_state(current)
        first = now - timedelta(days=24)
        if undone_at is not None:  # the first meeting came before the steps undone
            first = min(first, parse_time(undone_at) or first) - timedelta(hours=12)
        meetings = (
            ("first-meeting", first, earlier, NOTES[0]),
            ("stuck-on-a-problem", now - timedelta(days=1), current, NOTES[1]),
        )
        with write_transaction(engine) as connection:
            for slug, when, baseline, notes in meetings:
                script = SHIPPED_BY_SLUG[slug]
                insert_encounter(
                    connection,
                    {
                        "doc_id": demo.doc_id, "mentor_user_id": mentor.id,
                        "member_user_id": member.id, "script": slug,
                        "script_title": script.title, "questions": list(script.questions),
                        "answers": list(ANSWERS[slug]), "checks": list(script.checks),
                        "checked": list(CHECKED[slug]), "notes": notes,
                        "baseline": baseline, "held_at": when, "created_at": when,
                        "updated_at": when,
                    },
                )  # fmt: skip
        created.append(f"two encounters of {member.name} (/people/{member.id}/encounters)")
    return created
