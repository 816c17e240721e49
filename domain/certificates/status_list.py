"""Revocation lists in the W3C Bitstring Status List 1.0 format.

Each certificate may carry a `credentialStatus` entry naming an index in the
issuer's revocation list; the list is itself a signed credential whose
`encodedList` is a bitstring (bit 0 = the most significant bit of the first
byte), GZIP-compressed and written as multibase base64url (`u...`). A set bit
means revoked. The list has at least 131,072 entries so that one index says
little about who holds it; indexes should be drawn at random among unused ones.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.certificates.issuer import Issuer
from domain.certificates.keys import SigningKey, sign
from domain.certificates.proof import timestamp

MIN_ENTRIES = 131_072  # 16 KiB of bits, the specification's minimum
MAX_ENTRIES = 8 * 16 * 1024 * 1024  # refuse to inflate lists past 16 MiB
PURPOSE = "revocation"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


class StatusListError(ValueError):
    """A status list or status entry that cannot be read."""


def status_entry(issuer: Issuer, index: int) -> dict[str, Any]:
    """The `credentialStatus` of a certificate at `index` of the issuer's revocation list."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < MAX_ENTRIES:
        raise ValueError(f"a status list index is an integer in [0, {MAX_ENTRIES})")
    return {
        "id": f"{issuer.status_list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": issuer.status_list_url,
    }


def encode_list(revoked: Iterable[int]) -> str:
    """The `encodedList` with the given indexes set, at least MIN_ENTRIES long."""
    indexes = sorted(set(revoked))
    if indexes and (indexes[0] < 0 or indexes[-1] >= MAX_ENTRIES):
        raise ValueError(f"status list indexes lie in [0, {MAX_ENTRIES})")
    size = max(MIN_ENTRIES, indexes[-1] + 1 if indexes else 0)
    bits = bytearray((size + 7) // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: object) -> bytes:
    """The bitstring of an `encodedList`; StatusListError for anything malformed."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url")
    try:
        text = encoded[1:]
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
        bits = inflater.decompress(compressed, MAX_ENTRIES // 8 + 1)
    except (ValueError, zlib.error) as error:
        raise StatusListError("encodedList is not GZIP data in base64url") from error
    if len(bits) > MAX_ENTRIES // 8 or not inflater.eof:
        raise StatusListError("the status list is too large")
    return bits


def status_list_credential(
    issuer: Issuer, revoked: Iterable[int], key: SigningKey, issued_at: datetime
) -> dict[str, Any]:
    """The signed revocation list to serve at `issuer.status_list_url`."""
    document = {
        "@context": [VC_CONTEXT],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": timestamp(issued_at),
        "credentialSubject": {
            "id": f"{issuer.status_list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode_list(revoked),
        },
    }
    return sign(document, issuer, key, issued_at)


@dataclass(frozen=True)
class RevocationList:
    """A decoded revocation list: its URL and its bits (already checked to be signed)."""

    url: str
    bits: bytes

    def is_revoked(self, index: int) -> bool:
        """Whether `index` is set; StatusListError past the end of the list."""
        if not 0 <= index < len(self.bits) * 8:
            raise StatusListError("the status index lies past the end of the list")
        return bool(self.bits[index // 8] & (0x80 >> (index % 8)))


def read_list(credential: Mapping[str, Any]) -> RevocationList:
    """The URL and bits of a status list credential (its proof is checked by the caller)."""
    subject = credential.get("credentialSubject")
    if "BitstringStatusListCredential" not in (credential.get("type") or []):
        raise StatusListError("not a BitstringStatusListCredential")
    if not isinstance(subject, Mapping) or subject.get("statusPurpose") != PURPOSE:
        raise StatusListError("not a revocation list")
    url = credential.get("id")
    if not isinstance(url, str):
        raise StatusListError("the status list has no id")
    return RevocationList(url, decode_list(subject.get("encodedList")))


def entry_index(entry: Any, list_url: str) -> int | None:
    """The index a `credentialStatus` gives in the list at `list_url`, None if it names none."""
    entries = entry if isinstance(entry, list) else [entry]
    for item in entries:
        if not isinstance(item, Mapping) or item.get("statusPurpose") != PURPOSE:
            continue
        if item.get("type") != "BitstringStatusListEntry":
            continue
        if item.get("statusListCredential") != list_url:
            continue
        index = item.get("statusListIndex")
        if not isinstance(index, str) or not index.isdigit() or not index.isascii():
            raise StatusListError("statusListIndex is not a decimal string")
        return int(index)
    return None
