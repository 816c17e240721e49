"""Issuing certificates, and what ForgetMe does to them (blocking: run in a thread).

`issue_for` signs a certificate for a sign-off and stores it with the request's new
state in one transaction. `forget_certificates` is ForgetMe's part: a forgotten
member's certificates become revoked tombstones; those a forgotten mentor signed off
are signed again naming "a former mentor", so no table keeps the mentor's name.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from collab.erase import mention_pattern, scrub_string
from domain.certificates import (
    CertificateFacts,
    GoalReadiness,
    Issuer,
    issue,
    key_set_document,
    read_certificate,
    verify_json,
)
from domain.certificates.credential import MAX_CRITERIA
from domain.certificates.status_list import MIN_ENTRIES
from storage.accounts import User
from storage.certificate_queries import (
    StatusIndexTaken,
    certificates_issued_by,
    erase_member_certificates,
    issue_certificate,
    replace_credential,
    rewrite_notes,
    used_status_indexes,
)
from storage.certificates import CertificateRecord
from storage.models import utcnow

from .certificate_keys import KeyRing

log = logging.getLogger("mentorhub.certificates")

FORMER_MENTOR = "a former mentor"
ATTEMPTS = 20  # draws of an id and a status index before giving up


def draw_status_index(used: set[int]) -> int:
    """A random index nobody uses, in a list kept at most half full (below 131,072 while
    there is room), so an index tells little about who holds it."""
    size = MIN_ENTRIES
    while len(used) >= size // 2:
        size *= 2
    while True:
        index = secrets.randbelow(size)
        if index not in used:
            return index


def credential_text(credential: dict[str, Any]) -> str:
    """The JSON text stored and served: UTF-8, indented for people who open it."""
    return json.dumps(credential, ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class SignOff:
    """A mentor's sign-off of a goal a member asked about."""

    request_id: int
    doc_id: str
    goal: GoalReadiness
    member_user_id: int
    member_name: str
    mentor_user_id: int
    mentor_name: str
    note: str


def issue_for(
    engine: Engine, keys: KeyRing, issuer: Issuer, sign_off: SignOff, now: datetime
) -> CertificateRecord:
    """Sign and store the certificate of `sign_off`; the request becomes issued.

    SignOffError (storage) if another mentor answered the request meanwhile;
    KeyUnavailable if the signing key cannot be read.
    """
    key = keys.signing_key()
    issued_at = now.replace(microsecond=0)
    for _ in range(ATTEMPTS):
        certificate_id = secrets.token_urlsafe(12)  # 16 characters of A-Z a-z 0-9 _ -
        index = draw_status_index(used_status_indexes(engine))
        facts = CertificateFacts(
            certificate_id=certificate_id,
            member_name=sign_off.member_name,
            goal=sign_off.goal.title,
            mentor_name=sign_off.mentor_name,
            criteria=sign_off.goal.done[:MAX_CRITERIA],
        )
        signed = issue(facts, issuer, key, issued_at=issued_at, status_index=index)
        record = CertificateRecord(
            id=certificate_id,
            doc_id=sign_off.doc_id,
            goal_id=sign_off.goal.goal_id,
            goal_title=facts.goal,
            member_user_id=sign_off.member_user_id,
            issued_by=sign_off.mentor_user_id,
            issued_at=issued_at,
            issuer_url=issuer.base_url,
            key_id=key.key_id,
            credential=credential_text(signed),
            status_index=index,
        )
        try:
            issue_certificate(engine, sign_off.request_id, record, sign_off.note)
        except StatusIndexTaken:
            continue  # another sign-off drew the same index at the same moment
        log.info("certificates: issued %s on %s", certificate_id, sign_off.doc_id)
        return record
    raise RuntimeError("no free certificate id and status index after many draws")


def forget_certificates(engine: Engine, keys: KeyRing, user: User) -> None:
    """ForgetMe's part in certificates: run before the user row is deleted."""
    assert user.id is not None
    signed_off = certificates_issued_by(engine, user.id)
    pattern = mention_pattern([user.name, user.email])
    if pattern is not None:  # first what may fail (KeyUnavailable), before anything is erased
        for record in signed_off:
            _sign_again_without(keys, engine, record, lambda text: scrub_string(text, pattern))
        rewrite_notes(engine, user.id, lambda note: scrub_string(note, pattern))
    erased = erase_member_certificates(engine, user.id, utcnow())
    if erased or signed_off:
        log.info(
            "certificates: %d of the user's certificates revoked, %d signed again", erased,
            len(signed_off),
        )  # fmt: skip


def _sign_again_without(
    keys: KeyRing, engine: Engine, record: CertificateRecord, scrub: Any
) -> None:
    """Sign a certificate again with the mentor's name replaced, keeping its id, date and
    status index. One that no longer verifies is not signed again (that would make a
    changed document genuine): its text is scrubbed and it stays "tampered"."""
    issuer = Issuer(record.issuer_url)
    stored = record.credential or ""
    key_set = key_set_document(issuer, keys.published())
    goal_title = scrub(record.goal_title or "")
    if not verify_json(stored, key_set).valid:
        replace_credential(engine, record.id, scrub(stored), record.key_id, goal_title)
        return
    facts = read_certificate(json.loads(stored)).facts
    again = CertificateFacts(
        certificate_id=facts.certificate_id,
        member_name=scrub(facts.member_name),
        goal=scrub(facts.goal),
        mentor_name=FORMER_MENTOR,
        goal_description=scrub(facts.goal_description),
        criteria=[scrub(item) for item in facts.criteria],
    )
    key = keys.signing_key()
    signed = issue(again, issuer, key, issued_at=record.issued_at, status_index=record.status_index)
    replace_credential(engine, record.id, credential_text(signed), key.key_id, goal_title)
