"""`Presence` on in-memory doubles: which connection may speak for which awareness client,
and what others see of it (collab/presence.py)."""

from __future__ import annotations

import json

import pytest
from pycrdt import Doc, create_awareness_message, read_message

from collab.peer import Peer
from collab.presence import Presence
from collab.protocol import (
    AwarenessEntry,
    CloseCode,
    ProtocolError,
    encode_awareness,
    parse_awareness,
)
from tests.memory_doubles import MemoryTransport


def a_peer(name: str, *, read_only: bool = False) -> Peer:
    peer = Peer(MemoryTransport(), queue_limit=8, label=name)
    peer.identity = {"name": name, "color": "#123456"}
    peer.read_only = read_only
    return peer


def frame_of(*entries: tuple[int, int, object]) -> tuple[bytes, bytes]:
    payload = encode_awareness(
        [AwarenessEntry(cid, clock, json.dumps(state).encode()) for cid, clock, state in entries]
    )
    return payload, create_awareness_message(payload)


def seen(relay: bytes | None) -> dict[int, object]:
    """What the others are sent: client id -> state."""
    assert relay is not None
    entries = parse_awareness(read_message(relay[1:]), max_state_bytes=10**6)
    return {e.client_id: json.loads(e.state_json) for e in entries}


@pytest.fixture
def presence() -> Presence:
    return Presence(Doc(), max_state_bytes=1024, max_ids_per_peer=2)


def test_others_see_the_account_not_what_the_client_claims(presence: Presence) -> None:
    miles = a_peer("Miles", read_only=True)
    forged = {"user": {"name": "Maven (your mentor)"}, "focus": "card-1", "evil": "<script>"}
    relay = presence.apply_from(miles, *frame_of((11, 1, forged)))
    state = seen(relay)[11]
    assert state == {
        "user": {"name": "Miles", "color": "#123456", "readOnly": True},
        "focus": "card-1",
    }


def test_a_connection_cannot_speak_for_another_ones_client(presence: Presence) -> None:
    maven, mallory = a_peer("Maven"), a_peer("Mallory")
    presence.apply_from(maven, *frame_of((7, 1, {"focus": None})))
    # an echo of maven's entry at its current clock is harmless: dropped quietly
    assert presence.apply_from(mallory, *frame_of((7, 1, {"focus": None}))) is None
    # a newer state for maven's client from another connection is a forgery
    with pytest.raises(ProtocolError) as refused:
        presence.apply_from(mallory, *frame_of((7, 2, {"focus": "x"})))
    assert refused.value.code == CloseCode.POLICY_VIOLATION


def test_a_connection_holds_a_bounded_number_of_clients(presence: Presence) -> None:
    peer = a_peer("Appollo")
    presence.apply_from(peer, *frame_of((1, 1, {}), (2, 1, {})))
    with pytest.raises(ProtocolError, match="too many awareness ids"):
        presence.apply_from(peer, *frame_of((3, 1, {})))


def test_states_that_are_not_objects_are_refused(presence: Presence) -> None:
    for junk in ([1, 2], "text", 42):
        with pytest.raises(ProtocolError) as refused:
            presence.apply_from(a_peer("X"), *frame_of((5, 1, junk)))
        assert refused.value.code == CloseCode.INVALID_PAYLOAD


def test_leaving_removes_only_what_the_connection_set(presence: Presence) -> None:
    stays, leaves = a_peer("Stays"), a_peer("Leaves")
    presence.apply_from(stays, *frame_of((1, 1, {})))
    presence.apply_from(leaves, *frame_of((2, 1, {})))
    removal = presence.remove_peer(leaves)
    assert removal is not None
    assert set(presence.awareness.states) == {1}
    assert presence.remove_peer(leaves) is None  # nothing left to remove
