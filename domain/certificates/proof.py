"""Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C vc-di-eddsa 1.0).

To sign: canonicalise the proof options (the proof without `proofValue`, carrying
the document's `@context`) and the document without `proof`, both with JCS
(RFC 8785); sign SHA-256(options) || SHA-256(document) with Ed25519; write the
64-byte signature as multibase base58btc in `proofValue`. Verifying repeats the
hashing over what the document holds now. No JSON-LD processing, no network.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from domain.certificates.encoding import EncodingError, multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"


class ProofError(ValueError):
    """A proof that is missing, of another kind, or malformed; the message says which."""


def utc(moment: datetime) -> datetime:
    """The moment in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def timestamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC to the second: `2026-03-02T09:30:00Z`."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(value: Any) -> bytes:
    """The JCS (RFC 8785) form of a JSON value; ProofError if it has none."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        raise ProofError(f"not canonicalisable JSON: {error}") from error
    except UnicodeEncodeError as error:  # a lone surrogate cannot be UTF-8
        raise ProofError("a string holds an unpaired surrogate") from error


def _hash_data(document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    return (
        hashlib.sha256(canonical_json(dict(options))).digest()
        + hashlib.sha256(canonical_json(dict(document))).digest()
    )


def add_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """A copy of `document` with an `eddsa-jcs-2022` proof by `private_key`."""
    if "proof" in document:
        raise ProofError("the document already has a proof")
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    if "@context" in document:
        options["@context"] = document["@context"]
    signature = private_key.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": multibase_encode(signature)}}


def proof_of(secured: Mapping[str, Any]) -> dict[str, Any]:
    """The document's single `eddsa-jcs-2022` proof; ProofError if there is none or it is odd."""
    proof = secured.get("proof")
    if not isinstance(proof, Mapping):
        raise ProofError("the document has no proof (or a proof set, which is not accepted)")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a {PROOF_TYPE} with {CRYPTOSUITE}")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofError(f"the proof's purpose is not {PROOF_PURPOSE}")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("the proof names no verificationMethod")
    return dict(proof)


def check_proof(secured: Mapping[str, Any], public_key: Ed25519PublicKey) -> None:
    """Return if the proof was made by `public_key` over exactly this document.

    ProofError says why it was not: a malformed proof, a `@context` the proof does
    not cover, or a signature that does not match (the document was changed).
    """
    options = proof_of(secured)
    try:
        signature = multibase_decode(options.pop("proofValue", None))
    except EncodingError as error:
        raise ProofError("the proofValue is not base58btc multibase") from error
    if len(signature) != 64:
        raise ProofError("the proofValue is not a 64-byte Ed25519 signature")
    document = {name: value for name, value in secured.items() if name != "proof"}
    if "@context" in options:
        context = options["@context"]
        held = document.get("@context")
        if not isinstance(context, list) or not isinstance(held, list):
            raise ProofError("@context must be a list")
        if held[: len(context)] != context:
            raise ProofError("the document's @context does not start with the proof's")
        document["@context"] = context
    try:
        public_key.verify(signature, _hash_data(document, options))
    except InvalidSignature as error:
        raise ProofError("the signature does not match the document") from error
