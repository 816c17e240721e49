"""Presence (Yjs awareness) in a room: who is here, and which connection may speak for whom.

Stock y-websocket clients echo every awareness change they see, so a frame may carry
other clients' entries at their current clock: those are dropped quietly. An entry
that would overwrite another connection's state with a newer clock is a forgery.

Who someone is cannot be forged either: the server writes the `user` of each state a
connection sets from the account it signed in with (`Peer.identity`: name and colour),
marks a read-only connection's `user.readOnly`, and keeps of what the client said only
what is its own to say - `focus` (the card it is on) and `cursor`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from pycrdt import Awareness, Doc, create_awareness_message

from .peer import Peer
from .protocol import CloseCode, ProtocolError, encode_awareness, parse_awareness


class Presence:
    def __init__(self, doc: Doc[Any], *, max_state_bytes: int, max_ids_per_peer: int) -> None:
        self.awareness = Awareness(doc)
        self.awareness.set_local_state(None)  # the server is not a participant
        self.max_state_bytes = max_state_bytes
        self.max_ids_per_peer = max_ids_per_peer
        self._owners: dict[int, Peer] = {}  # client id -> the connection that set it

    def message(self, client_ids: list[int] | None = None) -> bytes | None:
        """An awareness message with these clients' states (default: everyone's)."""
        ids = list(self.awareness.states) if client_ids is None else client_ids
        if not ids:
            return None
        return create_awareness_message(self.awareness.encode_awareness_update(ids))

    def apply_from(self, peer: Peer, payload: bytes, frame: bytes) -> bytes | None:
        """Apply a peer's awareness entries; return the frame to relay (None: nothing)."""
        entries = parse_awareness(payload, max_state_bytes=self.max_state_bytes)
        accepted = []
        for entry in entries:
            known = self.awareness.meta.get(entry.client_id, {}).get("clock", -1)
            owner = self._owners.get(entry.client_id)
            removal = entry.state_json in (b"", b"null")
            if owner is not None and owner is not peer:
                if entry.clock > known and not removal:
                    raise ProtocolError(CloseCode.POLICY_VIOLATION, "awareness for another client")
                continue  # an echo, or a stale removal of someone still connected
            state = _check_state(entry.state_json)
            if state is not None and peer.identity is not None:
                entry = replace(entry, state_json=_owned_state(peer, state))
            if owner is None and not removal and entry.clock > known:
                if len(peer.awareness_ids) >= self.max_ids_per_peer:
                    raise ProtocolError(CloseCode.POLICY_VIOLATION, "too many awareness ids")
                peer.awareness_ids.add(entry.client_id)
                self._owners[entry.client_id] = peer
            accepted.append(entry)
        if not accepted:
            return None
        if accepted != entries:  # some dropped, or rewritten
            payload = encode_awareness(accepted)
            frame = create_awareness_message(payload)
        self.awareness.apply_awareness_update(payload, peer)
        return frame

    def apply_remote(self, payload: bytes, origin: str) -> None:
        """Entries another instance relayed (it checked them against its own peers)."""
        self.awareness.apply_awareness_update(payload, origin)

    def remove_peer(self, peer: Peer) -> bytes | None:
        """Forget what `peer` said; return the removal message for the others, if any."""
        gone = [cid for cid in peer.awareness_ids if self._owners.get(cid) is peer]
        for cid in gone:
            del self._owners[cid]
        gone = [cid for cid in gone if cid in self.awareness.states]
        if not gone:
            return None
        self.awareness.remove_awareness_states(gone, peer)
        return self.message(gone)


MAX_FOCUS_LENGTH = 64  # an item id


def _check_state(state_json: bytes) -> dict[str, Any] | None:
    """The state as a dict (None for a removal); refuses what is not a JSON object."""
    if state_json in (b"", b"null"):
        return None
    try:
        state: Any = json.loads(state_json)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(CloseCode.INVALID_PAYLOAD, "awareness state is not JSON") from None
    if not isinstance(state, dict):
        raise ProtocolError(CloseCode.INVALID_PAYLOAD, "awareness state must be an object")
    return state


def _owned_state(peer: Peer, state: dict[str, Any]) -> bytes:
    """The state others see: who the peer is from their account, and only the focus and
    cursor from what the client said."""
    assert peer.identity is not None
    focus = state.get("focus")
    owned: dict[str, Any] = {
        "user": {**peer.identity, "readOnly": peer.read_only},
        "focus": focus if isinstance(focus, str) and len(focus) <= MAX_FOCUS_LENGTH else None,
    }
    if "cursor" in state:
        owned["cursor"] = state["cursor"]
    return json.dumps(owned, ensure_ascii=False, separators=(",", ":")).encode()
