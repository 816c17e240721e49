"""Checking a certificate: valid, tampered, signed by an unknown key, or revoked.

`verify` needs only the credential and the issuer's published key set (its DID
document); the revocation list, when given, must be signed by a key of the same
set. Nothing is fetched: the caller brings the documents.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.certificates.keys import assertion_keys
from domain.certificates.proof import ProofError, check_proof, proof_of
from domain.certificates.status_list import (
    RevocationList,
    StatusListError,
    entry_index,
    read_list,
)


class Status(StrEnum):
    VALID = "valid"
    TAMPERED = "tampered"  # not what was signed: changed, malformed, or not a credential
    UNKNOWN_KEY = "unknown_key"  # signed with a key the issuer's key set does not hold
    REVOKED = "revoked"  # genuine, and revoked by the issuer


@dataclass(frozen=True)
class Verdict:
    """The outcome of `verify`, with a sentence saying why and the key id when one was found."""

    status: Status
    reason: str
    key_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.status is Status.VALID


def parse_json(data: bytes | str) -> Any:
    """Strict JSON: UTF-8, no duplicate names, no NaN/Infinity. ValueError otherwise."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        if len(names) != len(set(names)):
            raise ValueError("an object repeats a name")
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _signature(document: Mapping[str, Any], key_set: Mapping[str, Any]) -> Verdict:
    """VALID when `document` is signed by an assertion key of `key_set` for its own issuer."""
    controller, keys = assertion_keys(key_set)  # KeySetError if it is no key set
    try:
        method = proof_of(document)["verificationMethod"]
    except ProofError as error:
        return Verdict(Status.TAMPERED, str(error))
    key_id = method.partition("#")[2] or None
    if method not in keys:
        return Verdict(Status.UNKNOWN_KEY, f"{controller} publishes no key {method}", key_id)
    try:
        check_proof(document, keys[method])
    except ProofError as error:
        return Verdict(Status.TAMPERED, str(error), key_id)
    if _issuer_id(document) != controller:
        return Verdict(Status.TAMPERED, f"signed by {controller} for another issuer", key_id)
    return Verdict(Status.VALID, f"signed by {controller} with key {key_id}", key_id)


def revocation_list(status_list: Mapping[str, Any], key_set: Mapping[str, Any]) -> RevocationList:
    """A published revocation list, once its own signature checks out; StatusListError if not."""
    verdict = _signature(status_list, key_set)
    if not verdict.valid:
        raise StatusListError(f"the revocation list is not genuine: {verdict.reason}")
    return read_list(status_list)


def verify(
    credential: Mapping[str, Any],
    key_set: Mapping[str, Any],
    *,
    status_list: Mapping[str, Any] | None = None,
    revoked_ids: Collection[str] = (),
) -> Verdict:
    """Whether `credential` is a genuine certificate of the issuer whose key set is given.

    Revocation is read from `revoked_ids` (credential ids the caller knows are
    revoked, e.g. mentorHub's own table) and from `status_list` (the published
    revocation list credential). A signature failure outranks revocation: a
    changed certificate reads "tampered" even if it was also revoked. KeySetError
    or StatusListError (both ValueError) if the key set or the status list
    themselves cannot be read or trusted.
    """
    if not isinstance(credential, Mapping):
        return Verdict(Status.TAMPERED, "not a JSON object")
    verdict = _signature(credential, key_set)
    if not verdict.valid:
        return verdict
    if credential.get("id") in revoked_ids:
        return Verdict(Status.REVOKED, "revoked by the issuer", verdict.key_id)
    if status_list is not None:
        revocations = revocation_list(status_list, key_set)
        index = entry_index(credential.get("credentialStatus"), revocations.url)
        if index is not None and revocations.is_revoked(index):
            reason = "revoked in the issuer's revocation list"
            return Verdict(Status.REVOKED, reason, verdict.key_id)
    return verdict


def verify_json(
    data: bytes | str,
    key_set: Mapping[str, Any],
    *,
    status_list: Mapping[str, Any] | None = None,
    revoked_ids: Collection[str] = (),
) -> Verdict:
    """`verify` for a credential as received: bytes or text, parsed strictly first."""
    try:
        credential = parse_json(data)
    except ValueError as error:  # includes UnicodeDecodeError and json.JSONDecodeError
        return Verdict(Status.TAMPERED, f"not a JSON credential: {error}")
    return verify(credential, key_set, status_list=status_list, revoked_ids=revoked_ids)
