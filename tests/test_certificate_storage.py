"""Certificate storage on SQLite and PostgreSQL: one first key however many instances start
at once, rotation, one waiting request per goal, revocation-list indexes never shared."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from pycrdt import Doc

from domain.certificates import GoalReadiness, key_set_document
from server.certificate_issuing import SignOff, draw_status_index, issue_for
from server.certificate_keys import KeyRing, KeyUnavailable, issuer_without_request
from server.settings import Settings
from storage.account_queries import add_user
from storage.certificate_queries import (
    SignOffError,
    StatusIndexTaken,
    ask_sign_off,
    certificate,
    issue_certificate,
    sign_off_requests,
    signing_keys,
)
from storage.certificates import CertificateRecord
from storage.curriculum_queries import create_curriculum
from storage.models import utcnow

PASSWORD = b"a password for the signing keys of this test"
GOAL = GoalReadiness("g1", "Be fluent with Git", ("Git",), ("Pro Git",), (), ())


def all_at_once(count: int, work: Callable[[], Any]) -> list[Any]:
    """Run `work` in `count` threads released together; their results or exceptions."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = work()
        except Exception as error:  # collected: the test looks at what each one got
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def curriculum(engine) -> tuple[str, int, int]:
    member = add_user(engine, "appollo@example.org", "Appollo", "member")
    mentor = add_user(engine, "maven@example.org", "Maven", "mentor")
    assert member.id is not None and mentor.id is not None
    create_curriculum(engine, "doc-1", "Appollo's path", Doc().get_update(), member.id, [mentor.id])
    return "doc-1", member.id, mentor.id


def test_instances_starting_together_make_one_first_key(engine):
    rings = [KeyRing(engine, PASSWORD) for _ in range(4)]
    keys = all_at_once(4, lambda: rings.pop().signing_key())
    assert all(not isinstance(key, Exception) for key in keys), keys
    assert len({key.key_id for key in keys}) == 1
    [stored] = signing_keys(engine)
    assert stored.current and "PRIVATE KEY" in (stored.private_key_pem or "")
    assert "ENCRYPTED" in (stored.private_key_pem or "")  # never in clear


def test_rotation_retires_the_private_half_and_a_changed_password_needs_a_rotation(engine):
    first = KeyRing(engine, PASSWORD).signing_key()
    changed = KeyRing(engine, b"the password after SECRET_KEY changed")
    with pytest.raises(KeyUnavailable):  # the stored key cannot be read any more...
        changed.signing_key()
    retired, new = changed.rotate(utcnow())  # ...until a rotation makes a new one
    assert retired == first.key_id and changed.signing_key().key_id == new
    assert [k.key_id for k in changed.published()] == [first.key_id, new]  # both published
    old, current = signing_keys(engine)
    assert old.private_key_pem is None and old.retired_at is not None and old.current is None
    assert current.current and current.retired_at is None


def test_a_goal_has_one_waiting_request_however_many_ask_at_once(engine, curriculum):
    doc_id, member, _mentor = curriculum
    results = all_at_once(5, lambda: ask_sign_off(engine, doc_id, "g1", member, utcnow()))
    refused = [r for r in results if isinstance(r, SignOffError)]
    assert len(refused) == 4 and len(sign_off_requests(engine, [doc_id])) == 1


def test_two_mentors_signing_off_at_once_issue_one_certificate(engine, curriculum):
    doc_id, member, mentor = curriculum
    request = ask_sign_off(engine, doc_id, "g1", member, utcnow())
    assert request.id is not None
    keys = KeyRing(engine, PASSWORD)
    issuer = issuer_without_request(Settings())
    sign_off = SignOff(request.id, doc_id, GOAL, member, "Appollo", mentor, "Maven", "")
    results = all_at_once(3, lambda: issue_for(engine, keys, issuer, sign_off, utcnow()))
    issued = [r for r in results if isinstance(r, CertificateRecord)]
    assert len(issued) == 1 and all(isinstance(r, SignOffError) for r in results if r not in issued)
    [request] = sign_off_requests(engine, [doc_id])
    assert request.state == "issued" and request.certificate_id == issued[0].id
    assert request.pending is None and request.mentor_user_id == mentor
    stored = certificate(engine, issued[0].id)
    assert stored is not None and stored.credential is not None and "Appollo" in stored.credential
    assert stored.key_id in str(key_set_document(issuer, keys.published()))


def test_a_taken_status_index_stores_nothing_and_leaves_the_request_waiting(engine, curriculum):
    doc_id, member, mentor = curriculum
    first = ask_sign_off(engine, doc_id, "g1", member, utcnow())
    second = ask_sign_off(engine, doc_id, "g2", member, utcnow())
    assert first.id is not None and second.id is not None
    now = utcnow()

    def record(certificate_id: str) -> CertificateRecord:
        return CertificateRecord(
            id=certificate_id, doc_id=doc_id, goal_id="g", goal_title="A goal",
            member_user_id=member, issued_by=mentor, issued_at=now,
            issuer_url="https://mentorhub.example", key_id="key-1", credential="{}",
            status_index=42,
        )  # fmt: skip

    issue_certificate(engine, first.id, record("c1"), "")
    with pytest.raises(StatusIndexTaken):
        issue_certificate(engine, second.id, record("c2"), "")
    assert certificate(engine, "c2") is None
    waiting = [r for r in sign_off_requests(engine, [doc_id]) if r.id == second.id]
    assert waiting[0].state == "requested" and waiting[0].pending is True


def test_status_indexes_are_drawn_among_unused_ones_in_a_list_kept_sparse():
    used = set(range(0, 131_072, 2))  # half of the smallest list
    drawn = {draw_status_index(used) for _ in range(200)}
    assert not drawn & used and max(drawn) < 2 * 131_072
    assert max(draw_status_index({1, 2, 3}) for _ in range(200)) < 131_072
