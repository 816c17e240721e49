"""Certificates in SQL: signing keys, sign-off requests, certificates and their revocation.

Blocking functions, each one short transaction; the server calls them with
`asyncio.to_thread`, the command line directly. They do not check who may do what:
`server/sign_off.py` and `server/certificate_pages.py` decide that first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col

from storage.accounts import User
from storage.certificates import CertificateRecord, SigningKeyRecord, SignOffRequest
from storage.database import write_transaction
from storage.tables import known, table_of

ACCOUNT_REMOVED = "account removed"
MAX_REASON = 500  # characters of a revocation's reason
Row = TypeVar("Row", bound=SQLModel)


class SignOffError(ValueError):
    """A sign-off step that cannot be taken now; the message says why. Nothing changed."""


class StatusIndexTaken(Exception):
    """Another certificate took the revocation-list index meanwhile: draw another."""


def _rows(connection: Connection, model: type[Row], *where: Any, order: Any = ()) -> list[Row]:
    query = sa.select(table_of(model)).where(*where)
    rows = connection.execute(query.order_by(*order)).all()
    return [model(**dict(row._mapping)) for row in rows]


# -- signing keys ---------------------------------------------------------------------


def signing_keys(engine: Engine) -> list[SigningKeyRecord]:
    """Every key ever used, oldest first; the current one has `current` true."""
    with engine.connect() as connection:
        order = (col(SigningKeyRecord.created_at), col(SigningKeyRecord.key_id))
        return _rows(connection, SigningKeyRecord, order=order)


def add_first_key(engine: Engine, key: SigningKeyRecord) -> bool:
    """Store `key` as the current key unless there is one already (False then)."""
    try:
        with write_transaction(engine) as connection:
            current = _rows(connection, SigningKeyRecord, col(SigningKeyRecord.current).is_(True))
            if current:
                return False
            connection.execute(sa.insert(table_of(SigningKeyRecord)).values(**key.model_dump()))
    except IntegrityError:  # another instance stored its first key at the same moment
        return False
    return True


def rotate_keys(engine: Engine, key: SigningKeyRecord, now: datetime) -> str | None:
    """Retire the current key (its private half is deleted) and make `key` current.

    Returns the id of the retired key, None when there was none.
    """
    with write_transaction(engine) as connection:
        table = table_of(SigningKeyRecord)
        retired = connection.execute(
            sa.update(table)
            .where(col(SigningKeyRecord.current).is_(True))
            .values(current=None, retired_at=now, private_key_pem=None)
            .returning(col(SigningKeyRecord.key_id))
        ).scalar()
        connection.execute(sa.insert(table).values(**key.model_dump()))
    return retired


# -- sign-off requests ----------------------------------------------------------------


def _live_certificate(connection: Connection, doc_id: str, goal_id: str) -> bool:
    found = connection.execute(
        sa.select(col(CertificateRecord.id)).where(
            col(CertificateRecord.doc_id) == doc_id,
            col(CertificateRecord.goal_id) == goal_id,
            col(CertificateRecord.revoked_at).is_(None),
        )
    ).first()
    return found is not None


def ask_sign_off(
    engine: Engine, doc_id: str, goal_id: str, member_user_id: int, now: datetime
) -> SignOffRequest:
    """A new waiting request; SignOffError if one waits already or the goal is certified."""
    request = SignOffRequest(
        doc_id=doc_id, goal_id=goal_id, member_user_id=member_user_id, requested_at=now
    )
    try:
        with write_transaction(engine) as connection:
            if _live_certificate(connection, doc_id, goal_id):
                raise SignOffError("This goal has a certificate already.")
            request.id = connection.execute(
                sa.insert(table_of(SignOffRequest))
                .values(**request.model_dump(exclude={"id"}))
                .returning(col(SignOffRequest.id))
            ).scalar_one()
    except IntegrityError:
        raise SignOffError("A mentor has been asked already.") from None
    return request


def sign_off_requests(engine: Engine, doc_ids: Sequence[str]) -> list[SignOffRequest]:
    """The requests on these curricula, newest first."""
    if not doc_ids:
        return []
    with engine.connect() as connection:
        return _rows(
            connection,
            SignOffRequest,
            col(SignOffRequest.doc_id).in_(list(doc_ids)),
            order=(col(SignOffRequest.requested_at).desc(), col(SignOffRequest.id).desc()),
        )


def _decide(connection: Connection, request_id: int, **values: Any) -> None:
    changed = connection.execute(
        sa.update(table_of(SignOffRequest))
        .where(col(SignOffRequest.id) == request_id, col(SignOffRequest.pending).is_(True))
        .values(pending=None, **values)
    ).rowcount
    if changed != 1:
        raise SignOffError("Another mentor has answered this request already.")


def issue_certificate(
    engine: Engine, request_id: int, certificate: CertificateRecord, note: str
) -> None:
    """The waiting request becomes issued and the certificate is stored, together.

    SignOffError if the request was answered meanwhile; StatusIndexTaken if the
    certificate's revocation-list index was taken meanwhile (nothing is stored).
    """
    try:
        with write_transaction(engine) as connection:
            _decide(
                connection,
                request_id,
                state="issued",
                mentor_user_id=certificate.issued_by,
                decided_at=certificate.issued_at,
                note=note,
                certificate_id=certificate.id,
            )
            connection.execute(
                sa.insert(table_of(CertificateRecord)).values(**certificate.model_dump())
            )
    except IntegrityError as error:
        raise StatusIndexTaken() from error


def decline_sign_off(
    engine: Engine, request_id: int, mentor_user_id: int, note: str, now: datetime
) -> None:
    """The waiting request is declined with the mentor's note; SignOffError if answered."""
    with write_transaction(engine) as connection:
        _decide(
            connection,
            request_id,
            state="declined",
            mentor_user_id=mentor_user_id,
            decided_at=now,
            note=note,
        )


# -- certificates ---------------------------------------------------------------------


def certificate(engine: Engine, certificate_id: str) -> CertificateRecord | None:
    with engine.connect() as connection:
        found = _rows(connection, CertificateRecord, col(CertificateRecord.id) == certificate_id)
    return found[0] if found else None


def _newest_first() -> tuple[Any, ...]:
    return (col(CertificateRecord.issued_at).desc(), col(CertificateRecord.id))


def certificates_of_member(engine: Engine, member_user_id: int) -> list[CertificateRecord]:
    """A member's certificates, revoked ones included, newest first (their profile, their
    certificates page)."""
    with engine.connect() as connection:
        where = col(CertificateRecord.member_user_id) == member_user_id
        return _rows(connection, CertificateRecord, where, order=_newest_first())


def certificates_of_curricula(engine: Engine, doc_ids: Sequence[str]) -> list[CertificateRecord]:
    """The certificates issued on these curricula, newest first."""
    if not doc_ids:
        return []
    with engine.connect() as connection:
        where = col(CertificateRecord.doc_id).in_(list(doc_ids))
        return _rows(connection, CertificateRecord, where, order=_newest_first())


def recent_certificates(engine: Engine, limit: int = 200) -> list[CertificateRecord]:
    """The newest certificates of the whole programme (staff)."""
    with engine.connect() as connection:
        query = sa.select(table_of(CertificateRecord)).order_by(*_newest_first()).limit(limit)
        return [CertificateRecord(**dict(row._mapping)) for row in connection.execute(query)]


def used_status_indexes(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(col(CertificateRecord.status_index))).scalars())


def revoked_status_indexes(engine: Engine) -> list[int]:
    """The revocation-list indexes of every revoked certificate (tombstones included)."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(col(CertificateRecord.status_index)).where(
                    col(CertificateRecord.revoked_at).is_not(None)
                )
            ).scalars()
        )


def revoke_certificate(
    engine: Engine, certificate_id: str, revoked_by: int | None, reason: str, now: datetime
) -> bool:
    """Revoke a certificate with a reason; False if there is no such certificate or it
    is revoked already (the first revocation and its reason stand)."""
    with write_transaction(engine) as connection:
        changed = connection.execute(
            sa.update(table_of(CertificateRecord))
            .where(
                col(CertificateRecord.id) == certificate_id,
                col(CertificateRecord.revoked_at).is_(None),
            )
            .values(revoked_at=now, revoked_by=revoked_by, revocation_reason=reason)
        ).rowcount
    return changed == 1


# -- ForgetMe -------------------------------------------------------------------------


def erase_member_certificates(engine: Engine, member_user_id: int, now: datetime) -> int:
    """ForgetMe of a member: each of their certificates becomes a revoked tombstone.

    The credential (which names them), the goal and every user id are removed; the id,
    issuer, status index, dates and revocation stay, so the public page and the
    revocation list say "revoked". Returns how many certificates were erased.
    """
    with write_transaction(engine) as connection:
        table = table_of(CertificateRecord)
        mine = col(CertificateRecord.member_user_id) == member_user_id
        connection.execute(
            sa.update(table)
            .where(mine, col(CertificateRecord.revoked_at).is_(None))
            .values(revoked_at=now, revoked_by=None, revocation_reason=ACCOUNT_REMOVED)
        )
        return connection.execute(
            sa.update(table)
            .where(mine)
            .values(
                credential=None,
                doc_id=None,
                goal_id=None,
                goal_title=None,
                member_user_id=None,
                issued_by=None,
            )
        ).rowcount


def certificates_issued_by(engine: Engine, mentor_user_id: int) -> list[CertificateRecord]:
    """The certificates a mentor signed off that still hold a credential."""
    with engine.connect() as connection:
        return _rows(
            connection,
            CertificateRecord,
            col(CertificateRecord.issued_by) == mentor_user_id,
            col(CertificateRecord.credential).is_not(None),
        )


def replace_credential(
    engine: Engine, certificate_id: str, credential: str, key_id: str, goal_title: str
) -> None:
    """Store a certificate signed again (ForgetMe of the mentor who signed it off)."""
    with write_transaction(engine) as connection:
        connection.execute(
            sa.update(table_of(CertificateRecord))
            .where(col(CertificateRecord.id) == certificate_id)
            .values(credential=credential, key_id=key_id, goal_title=goal_title, issued_by=None)
        )


def rewrite_notes(engine: Engine, mentor_user_id: int, rewrite: Callable[[str], str]) -> None:
    """Apply `rewrite` to the notes of every request the mentor answered (ForgetMe)."""
    with write_transaction(engine) as connection:
        answered = _rows(
            connection, SignOffRequest, col(SignOffRequest.mentor_user_id) == mentor_user_id
        )
        for request in answered:
            note = rewrite(request.note)
            if note != request.note:
                connection.execute(
                    sa.update(table_of(SignOffRequest))
                    .where(col(SignOffRequest.id) == request.id)
                    .values(note=note)
                )


def user_names(engine: Engine, user_ids: Sequence[int]) -> dict[int, str]:
    """The display names of these users (for lists of certificates)."""
    if not user_ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(User.id), col(User.name)).where(col(User.id).in_(list(user_ids)))
        )
        return {known(user_id): name for user_id, name in rows}
