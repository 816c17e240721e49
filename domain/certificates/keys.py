"""Signing keys: generation, PEM storage, rotation, and the published key set.

Every key has an id (`key-YYYYMMDD-xxxxxxxx`: its creation day and the start of
the SHA-256 of its public bytes) that names it in each proof it makes. Rotation
adds a key; the newest signs, and older ones stay in the published key set so the
certificates they signed still verify. Taking a key out of the set (a leaked
key) makes everything it signed read "unknown key".

The key set is the issuer's DID document (did:web), each key a Multikey
verification method listed under `assertionMethod`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from domain.certificates.encoding import (
    EncodingError,
    public_key_from_multibase,
    public_key_multibase,
)
from domain.certificates.issuer import Issuer
from domain.certificates.proof import add_proof, utc

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


class KeySetError(ValueError):
    """A key set document that cannot be read as mentorHub publishes it."""


class PublicKeyRecord(Protocol):
    """What the key set needs of a key: its id and its public Multikey."""

    @property
    def key_id(self) -> str: ...

    @property
    def public_key_multibase(self) -> str: ...


@dataclass(frozen=True)
class VerificationKey:
    """The public half of a signing key, as stored once its private half is deleted."""

    key_id: str
    public_key_multibase: str


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key with its id and creation time."""

    key_id: str
    created: datetime
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return public_key_multibase(self.public_key)

    def verification_key(self) -> VerificationKey:
        return VerificationKey(self.key_id, self.public_key_multibase)

    def private_key_pem(self, password: bytes | None = None) -> str:
        """PKCS#8 PEM of the private key, encrypted when a password is given."""
        encryption = BestAvailableEncryption(password) if password else NoEncryption()
        pem = self.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
        return pem.decode("ascii")

    @classmethod
    def from_pem(
        cls, key_id: str, created: datetime, pem: str, password: bytes | None = None
    ) -> SigningKey:
        """Load a key stored with `private_key_pem`; ValueError if it is not an Ed25519 key."""
        private_key = load_pem_private_key(pem.encode("ascii"), password=password)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        key = cls(key_id, utc(created), private_key)
        if key_id != _key_id(key.public_key, key.created):
            raise ValueError("the key id does not match the key and its creation time")
        return key


def _key_id(public_key: Ed25519PublicKey, created: datetime) -> str:
    digest = hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()
    return f"key-{created:%Y%m%d}-{digest[:8]}"


def generate_key(created: datetime) -> SigningKey:
    """A new Ed25519 signing key created at `created`."""
    private_key = Ed25519PrivateKey.generate()
    created = utc(created)
    return SigningKey(_key_id(private_key.public_key(), created), created, private_key)


def current_key(keys: Iterable[SigningKey]) -> SigningKey:
    """The key that signs now: the newest (ties broken by id); ValueError when there is none."""
    newest = max(keys, key=lambda key: (key.created, key.key_id), default=None)
    if newest is None:
        raise ValueError("no signing key")
    return newest


def rotate(keys: Sequence[SigningKey], now: datetime) -> list[SigningKey]:
    """The keys with a new one added, which becomes the current key."""
    return [*keys, generate_key(now)]


def verification_method_id(issuer: Issuer, key_id: str) -> str:
    """The URL a proof names its key by: `did:web:HOST#key-...`."""
    return f"{issuer.did}#{key_id}"


def sign(
    document: Mapping[str, Any], issuer: Issuer, key: SigningKey, created: datetime
) -> dict[str, Any]:
    """A copy of `document` with the issuer's proof made by `key` at `created`."""
    return add_proof(document, key.private_key, verification_method_id(issuer, key.key_id), created)


def key_set_document(issuer: Issuer, keys: Iterable[PublicKeyRecord]) -> dict[str, Any]:
    """The DID document to serve at `issuer.key_set_url`, listing every key given."""
    methods = [
        {
            "id": verification_method_id(issuer, key.key_id),
            "type": "Multikey",
            "controller": issuer.did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    return {
        "@context": list(DID_CONTEXT),
        "id": issuer.did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def assertion_keys(key_set: Mapping[str, Any]) -> tuple[str, dict[str, Ed25519PublicKey]]:
    """The controller of a key set and its assertion keys, by verification method id.

    Only keys that the document lists under `assertionMethod` and that its own
    subject controls count. KeySetError if the document is not a key set.
    """
    controller = key_set.get("id") if isinstance(key_set, Mapping) else None
    methods = key_set.get("verificationMethod") if isinstance(key_set, Mapping) else None
    assertion = key_set.get("assertionMethod") if isinstance(key_set, Mapping) else None
    if not isinstance(controller, str) or not isinstance(methods, list):
        raise KeySetError("a key set has an id and a verificationMethod list")
    if not isinstance(assertion, list):
        raise KeySetError("a key set lists its signing keys under assertionMethod")
    allowed = {item for item in assertion if isinstance(item, str)}
    keys: dict[str, Ed25519PublicKey] = {}
    for method in methods:
        if not isinstance(method, Mapping) or method.get("type") != "Multikey":
            continue
        method_id = method.get("id")
        if method_id not in allowed or method.get("controller") != controller:
            continue
        try:
            keys[method_id] = public_key_from_multibase(method.get("publicKeyMultibase"))
        except EncodingError as error:
            raise KeySetError(f"key {method_id} is not an Ed25519 Multikey") from error
    return controller, keys
