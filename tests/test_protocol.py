"""Parsing of /collab frames (collab/protocol.py): pure bytes in, messages or a close code out."""

from __future__ import annotations

import pytest
from pycrdt import (
    Doc,
    Text,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    write_var_uint,
)

from collab.protocol import (
    AwarenessEntry,
    AwarenessUpdate,
    CloseCode,
    ProtocolError,
    QueryAwareness,
    SyncStep1,
    SyncUpdate,
    create_permission_denied_message,
    encode_awareness,
    parse_awareness,
    parse_message,
)


def an_update() -> bytes:
    doc: Doc = Doc()
    doc.get("resume", type=Text).insert(0, "SRE")
    return doc.get_update()


def test_each_kind_of_frame_is_recognised() -> None:
    doc: Doc = Doc()
    step1 = parse_message(create_sync_message(doc))
    assert isinstance(step1, SyncStep1) and step1.state == doc.get_state()
    update = an_update()
    parsed = parse_message(create_update_message(update))
    assert parsed == SyncUpdate(update)
    step2 = bytes([0, 1]) + write_var_uint(len(update)) + update
    assert parse_message(step2) == SyncUpdate(update)  # applied the same way
    payload = encode_awareness([AwarenessEntry(7, 1, b'{"cursor":null}')])
    assert parse_message(create_awareness_message(payload)) == AwarenessUpdate(payload)
    assert parse_message(bytes([3])) == QueryAwareness()


@pytest.mark.parametrize(
    ("frame", "code", "reason"),
    [
        (b"", CloseCode.PROTOCOL_ERROR, "truncated"),
        (bytes([0]), CloseCode.PROTOCOL_ERROR, "truncated"),
        (bytes([0, 2, 5, 1, 2]), CloseCode.PROTOCOL_ERROR, "truncated"),
        (bytes([0, 2, 0, 9]), CloseCode.PROTOCOL_ERROR, "trailing bytes"),
        (bytes([0, 9, 0]), CloseCode.UNSUPPORTED_DATA, "unknown sync message type 9"),
        (bytes([42]), CloseCode.UNSUPPORTED_DATA, "unknown message type 42"),
        (bytes([0x80] * 11 + [1]), CloseCode.PROTOCOL_ERROR, "malformed number"),
    ],
)
def test_malformed_frames_are_refused_with_a_code_and_reason(
    frame: bytes, code: CloseCode, reason: str
) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_message(frame)
    assert refused.value.code == code and reason in refused.value.reason


def test_awareness_entries_round_trip_and_are_bounded() -> None:
    entries = [AwarenessEntry(1, 3, b'{"a":1}'), AwarenessEntry(2, 1, b"null")]
    assert parse_awareness(encode_awareness(entries), max_state_bytes=64) == entries
    with pytest.raises(ProtocolError) as too_big:
        parse_awareness(encode_awareness([AwarenessEntry(1, 1, b"x" * 65)]), max_state_bytes=64)
    assert too_big.value.code == CloseCode.MESSAGE_TOO_BIG
    # a count of a billion entries in a few bytes is refused before any is read
    with pytest.raises(ProtocolError, match="count exceeds"):
        parse_awareness(write_var_uint(10**9) + b"\x01\x01\x00", max_state_bytes=64)


def test_a_close_reason_fits_a_close_frame() -> None:
    assert len(ProtocolError(CloseCode.POLICY_VIOLATION, "x" * 500).reason.encode()) <= 123


def test_the_permission_denied_message_is_what_stock_clients_read() -> None:
    message = create_permission_denied_message("read-only")
    assert message[:2] == bytes([2, 0]) and message.endswith(b"read-only")
