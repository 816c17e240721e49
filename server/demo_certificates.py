"""The demo's certificate: Appollo's first goal, signed off by Maven, so that a first start
has a certificate page to open. Idempotent: nothing is added when the curriculum has a
certificate already, or is not there."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from storage.certificate_queries import ask_sign_off, certificates_of_curricula
from storage.curriculum_queries import people_on
from storage.read_model_queries import items_of

from .certificate_issuing import issue_for
from .certificate_keys import KeyRing, issuer_without_request, key_password
from .settings import Settings
from .sign_off import load_sign_offs, signing_off
from .urls import path

DOC_ID, GOAL_ID = "demo-appollo", "goal-shell"
NOTE = "Fluent indeed: your Git branching exercise was spotless. On to Kubernetes!"


def seed_demo_certificates(engine: Engine, settings: Settings) -> list[str]:
    """Sign off the demo goal; return what was created, for the console."""
    if certificates_of_curricula(engine, [DOC_ID]):
        return []
    people = people_on(engine, [DOC_ID])[DOC_ID]
    member = next((p for p in people if p.role == "member"), None)
    mentor = next((p for p in people if p.role == "mentor"), None)
    (sign_offs,) = load_sign_offs(engine, {DOC_ID: "mentor"})
    goal = sign_offs.goal(GOAL_ID)
    if member is None or mentor is None or goal is None or not goal.readiness.ready:
        return []
    finished = [
        item.completed_at
        for item in items_of(engine, DOC_ID)
        if item.title in goal.readiness.done and item.completed_at is not None
    ]
    signed_at = max(finished) + timedelta(days=1, hours=2)  # the mentor's next evening
    ask_sign_off(engine, DOC_ID, GOAL_ID, member.user_id, signed_at - timedelta(hours=20))
    (sign_offs,) = load_sign_offs(engine, {DOC_ID: "mentor"})
    asked = sign_offs.goal(GOAL_ID)
    assert asked is not None
    sign_off = signing_off(sign_offs, asked, mentor.user_id, mentor.name, NOTE)
    keys = KeyRing(engine, key_password(settings))
    record = issue_for(engine, keys, issuer_without_request(settings), sign_off, signed_at)
    return [
        f"certificate: {member.name}, {goal.readiness.title} ({path('certificates', record.id)})"
    ]
