"""Byte encodings used by certificates: multibase base58btc and Ed25519 Multikeys.

A Multikey (W3C Controlled Identifiers) is the multicodec prefix 0xed 0x01 and
the 32 raw bytes of an Ed25519 public key, written as multibase base58btc: a
`z` and the base58 digits, so every mentorHub public key reads `z6Mk...`.
"""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_ED25519_PUB = b"\xed\x01"  # multicodec "ed25519-pub" as an unsigned varint


class EncodingError(ValueError):
    """A value that is not well-formed multibase, or not an Ed25519 Multikey."""


def multibase_encode(data: bytes) -> str:
    """`z` followed by the base58btc digits of `data`."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: object) -> bytes:
    """The bytes of a base58btc multibase string; EncodingError for anything else."""
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise EncodingError("not a base58btc multibase value")
    try:
        return base58.b58decode(text[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise EncodingError("not a base58btc multibase value") from error


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """The Multikey form of an Ed25519 public key (`z6Mk...`)."""
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(_ED25519_PUB + raw)


def public_key_from_multibase(text: object) -> Ed25519PublicKey:
    """The Ed25519 public key of a Multikey; EncodingError for anything else."""
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(_ED25519_PUB):
        raise EncodingError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])
