"""The y-websocket wire protocol as pure functions: frames in, typed messages out.

Outgoing messages are built with pycrdt's own helpers (`create_sync_message`,
`create_update_message`, `create_awareness_message`); this module only checks
incoming frames strictly before anything reaches pycrdt, because pycrdt trusts
lengths it is given (a 9-byte state vector can make it allocate a gigabyte).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from pycrdt import Decoder, Encoder, YMessageType, YSyncMessageType


class CloseCode(IntEnum):
    """WebSocket close codes (RFC 6455 §7.4 and the IANA registry) used by mentorHub."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    INVALID_PAYLOAD = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    ACCESS_CHANGED = 4001  # the person's rights changed (read-only <-> read-write): reconnect


class ProtocolError(Exception):
    """A peer broke the protocol; its connection is closed with `code` and `reason`."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(f"{int(code)} {reason}")
        self.code = code
        self.reason = reason[:120]  # a close reason must fit in 123 bytes


QUERY_AWARENESS = 3  # y-websocket's messageQueryAwareness
AUTH = 2  # y-protocols' messageAuth
PERMISSION_DENIED = 0  # y-protocols/auth: messagePermissionDenied


@dataclass(frozen=True)
class SyncStep1:
    state: bytes  # the peer's state vector


@dataclass(frozen=True)
class SyncUpdate:
    """A sync step 2 or an update: both carry a Yjs update to apply."""

    update: bytes


@dataclass(frozen=True)
class AwarenessUpdate:
    payload: bytes  # an encoded awareness update (count, then client/clock/state entries)


@dataclass(frozen=True)
class QueryAwareness:
    pass


Message = SyncStep1 | SyncUpdate | AwarenessUpdate | QueryAwareness


class _Reader:
    """Bounds-checked reading on top of pycrdt's Decoder."""

    def __init__(self, data: bytes) -> None:
        self._decoder = Decoder(data)
        self._data = data

    @property
    def remaining(self) -> int:
        return len(self._data) - self._decoder.i0

    def var_uint(self) -> int:
        start = self._decoder.i0
        if self.remaining <= 0:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "truncated message")
        try:
            value = self._decoder.read_var_uint()
        except IndexError:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "truncated message") from None
        if self._decoder.i0 - start > 10:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "malformed number")
        return value

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        if length > self.remaining:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "truncated message")
        start = self._decoder.i0
        self._decoder.i0 += length
        self._decoder.length -= length
        return self._data[start : start + length]

    def end(self) -> None:
        if self.remaining:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "trailing bytes after message")


def parse_message(frame: bytes) -> Message:
    """Parse one binary WebSocket frame; raise ProtocolError on anything malformed."""
    reader = _Reader(frame)
    kind = reader.var_uint()
    message: Message
    if kind == YMessageType.SYNC:
        sub = reader.var_uint()
        payload = reader.var_bytes()
        if sub == YSyncMessageType.SYNC_STEP1:
            message = SyncStep1(payload)
        elif sub in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            message = SyncUpdate(payload)
        else:
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, f"unknown sync message type {sub}")
    elif kind == YMessageType.AWARENESS:
        message = AwarenessUpdate(reader.var_bytes())
    elif kind == QUERY_AWARENESS:
        message = QueryAwareness()
    else:
        raise ProtocolError(CloseCode.UNSUPPORTED_DATA, f"unknown message type {kind}")
    reader.end()
    return message


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state_json: bytes  # b"null" (or empty) removes the client's state


def parse_awareness(payload: bytes, *, max_state_bytes: int) -> list[AwarenessEntry]:
    """Split an awareness update into entries, bounding the count and each state's size."""
    reader = _Reader(payload)
    count = reader.var_uint()
    if count * 3 > reader.remaining:  # each entry takes at least three bytes
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "awareness entry count exceeds message")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        state = reader.var_bytes()
        if len(state) > max_state_bytes:
            raise ProtocolError(CloseCode.MESSAGE_TOO_BIG, "awareness state too large")
        entries.append(AwarenessEntry(client_id, clock, state))
    reader.end()
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    """Re-encode (a subset of) awareness entries with pycrdt's Encoder."""
    encoder = Encoder()
    encoder.write_var_uint(len(entries))
    for entry in entries:
        encoder.write_var_uint(entry.client_id)
        encoder.write_var_uint(entry.clock)
        encoder.write_var_uint(len(entry.state_json))
        encoder.stream.append(entry.state_json)
    return encoder.to_bytes()


def create_permission_denied_message(reason: str) -> bytes:
    """y-protocols' auth message "permission denied" (a stock client logs the reason)."""
    encoder = Encoder()
    encoder.write_var_uint(AUTH)
    encoder.write_var_uint(PERMISSION_DENIED)
    encoder.write_var_string(reason)
    return encoder.to_bytes()
