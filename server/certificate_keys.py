"""The certificate signing keys as the server holds them, and the issuer it signs as.

Keys live in the `signing_key` table, their private halves encrypted (PKCS#8) with
CERTIFICATE_KEY_PASSWORD or, when that is unset, a password derived from SECRET_KEY.
The first key is made on first use (the first sign-off, key set or revocation list);
`mentorhub keys rotate` adds a new current key and deletes the private half of the old
one, whose public half stays published. See docs/certificates.md ("Operations").
"""

from __future__ import annotations

import logging
from datetime import datetime

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine
from starlette.requests import Request

from domain.certificates import Issuer, SigningKey, VerificationKey, generate_key
from storage.certificate_queries import add_first_key, rotate_keys, signing_keys
from storage.certificates import SigningKeyRecord
from storage.models import utcnow

from .settings import Settings

log = logging.getLogger("mentorhub.certificates")

DEMO_PORT = 8000  # where `mentorhub serve` listens by default


class KeyUnavailable(RuntimeError):
    """The current signing key cannot be read (the password changed): rotate the keys."""


def key_password(settings: Settings) -> bytes:
    """The password of the stored private keys: the setting, else one derived from SECRET_KEY."""
    if settings.certificate_key_password:
        return settings.certificate_key_password.encode()
    derive = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"mentorhub signing keys")
    return derive.derive(settings.secret_key.encode()).hex().encode("ascii")


def issuer_for(request: Request) -> Issuer:
    """The issuer certificates are signed as: PUBLIC_URL, else the URL the request came to."""
    settings: Settings = request.app.state.settings
    return Issuer(settings.public_url or str(request.base_url).rstrip("/"))


def issuer_without_request(settings: Settings) -> Issuer:
    """The issuer for the command line (the demo seed): PUBLIC_URL, else http://HOST:PORT."""
    if settings.public_url:
        return Issuer(settings.public_url)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return Issuer(f"http://{host}:{settings.port or DEMO_PORT}")


def _record(key: SigningKey, password: bytes) -> SigningKeyRecord:
    return SigningKeyRecord(
        key_id=key.key_id,
        created_at=key.created,
        public_key_multibase=key.public_key_multibase,
        private_key_pem=key.private_key_pem(password),
        current=True,
    )


class KeyRing:
    """The signing keys of one database. Blocking methods: call them in a thread.

    Decrypted keys are kept in memory by id, so a sign-off decrypts at most once per
    process and key; the table is read each time, so a rotation made by another
    instance or the command line takes effect at the next signature.
    """

    def __init__(self, engine: Engine, password: bytes) -> None:
        self._engine = engine
        self._password = password
        self._decrypted: dict[str, SigningKey] = {}

    def _records(self) -> list[SigningKeyRecord]:
        records = signing_keys(self._engine)
        if not any(record.current for record in records):
            key = generate_key(utcnow())
            if add_first_key(self._engine, _record(key, self._password)):
                log.info("certificates: made the first signing key %s", key.key_id)
            records = signing_keys(self._engine)
        return records

    def signing_key(self) -> SigningKey:
        """The key that signs now (made if there is none); KeyUnavailable if unreadable."""
        current = next(record for record in self._records() if record.current)
        found = self._decrypted.get(current.key_id)
        if found is not None:
            return found
        try:
            key = SigningKey.from_pem(
                current.key_id, current.created_at, current.private_key_pem or "", self._password
            )
        except (ValueError, TypeError) as error:
            log.error(
                "certificates: the signing key %s cannot be read (%s); was SECRET_KEY or "
                "CERTIFICATE_KEY_PASSWORD changed? `mentorhub keys rotate` makes a new one",
                current.key_id,
                type(error).__name__,
            )
            raise KeyUnavailable("the signing key cannot be read") from error
        self._decrypted[current.key_id] = key
        return key

    def published(self) -> list[VerificationKey]:
        """The public half of every key ever used, oldest first (the key set)."""
        return [
            VerificationKey(record.key_id, record.public_key_multibase)
            for record in self._records()
        ]

    def rotate(self, now: datetime) -> tuple[str | None, str]:
        """A new current key; the old one's private half is deleted. (retired id, new id)."""
        key = generate_key(now)
        retired = rotate_keys(self._engine, _record(key, self._password), now)
        return retired, key.key_id
