"""ForgetMe: erase a person from mentorHub, history included.

- Their profile, sessions, tokens and memberships are deleted; their open
  connections are closed (which also removes their presence from every room).
- Their certificates are revoked and erased down to a tombstone (id, status index,
  revocation); those they signed off as a mentor are signed again without their name
  (server/certificate_issuing.py).
- A curriculum nobody else is on is deleted with everything stored for it.
- Their library reviews and ratings are deleted (they leave the averages); resources
  they added stay, without their name; their name or email written in a resource or
  a review becomes "former member".
- A curriculum they share (a member's with a mentor on it, or one they mentor) is
  kept for the other party: every mention of their name or email in it becomes
  "former member", through the room when it is loaded (so open editors see it) -
  then its storage is rewritten as one snapshot of the scrubbed document and its
  update log deleted, so the old content is gone from history as well.

The log line says only the user id.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from pycrdt import Doc
from sqlalchemy import Engine

from collab.erase import FORMER_MEMBER, mention_pattern, scrub, scrub_string
from collab.protocol import CloseCode
from collab.room import SERVER
from collab.rooms import RoomManager
from storage.account_queries import delete_user
from storage.accounts import User
from storage.community_queries import scrub_community_mentions
from storage.curriculum_queries import curricula_rows, delete_document, set_title
from storage.encounter_queries import scrub_encounter_mentions
from storage.library_queries import scrub_library_mentions
from storage.profile_queries import rewrite_mentions
from storage.update_log import UpdateLog

from .certificate_issuing import forget_certificates
from .certificate_keys import KeyRing
from .read_model_sync import refresh

log = logging.getLogger("mentorhub.forget")
GONE = "account removed"  # the close reason their open editors get (docs/auth.md)


@dataclass
class Erasure:
    deleted: list[str] = field(default_factory=list)  # documents removed entirely
    scrubbed: list[str] = field(default_factory=list)  # documents kept, mentions replaced


async def forget_user(
    engine: Engine, store: UpdateLog, rooms: RoomManager | None, user: User, *, keys: KeyRing
) -> Erasure:
    """Erase `user`. `rooms` is the running server's room manager (None from the CLI);
    `keys` sign again the certificates the user signed off as a mentor."""
    assert user.id is not None
    needles = [user.email, user.name]
    erasure = Erasure()
    await asyncio.to_thread(forget_certificates, engine, keys, user)
    if rooms is not None:
        rooms.close_peers(lambda peer: peer.user_id == user.id, CloseCode.POLICY_VIOLATION, GONE)
    for row in await asyncio.to_thread(curricula_rows, engine, user.id):
        if all(person.user_id == user.id for person in row.people):
            if rooms is not None:
                await _empty_room(rooms, row.doc_id)
            await asyncio.to_thread(delete_document, engine, row.doc_id)
            erasure.deleted.append(row.doc_id)
            continue
        await _scrub_document(engine, store, rooms, row.doc_id, needles)
        pattern = mention_pattern(needles)
        if pattern is not None and pattern.search(row.title):
            await asyncio.to_thread(set_title, engine, row.doc_id, scrub_string(row.title, pattern))
        erasure.scrubbed.append(row.doc_id)
    pattern = mention_pattern(needles)  # requests, notes and emails others hold
    if pattern is not None:
        await asyncio.to_thread(
            rewrite_mentions, engine, needles, lambda text: scrub_string(text, pattern)
        )
    await asyncio.to_thread(scrub_library_mentions, engine, needles)
    await asyncio.to_thread(scrub_encounter_mentions, engine, needles)
    await asyncio.to_thread(scrub_community_mentions, engine, needles)
    await asyncio.to_thread(delete_user, engine, user.id)  # with their reviews
    log.info(
        "erased user %s (%d curricula deleted, %d kept and scrubbed)",
        user.id,
        len(erasure.deleted),
        len(erasure.scrubbed),
    )
    return erasure


async def _scrub_document(
    engine: Engine, store: UpdateLog, rooms: RoomManager | None, doc_id: str, needles: list[str]
) -> None:
    if rooms is None:  # the command line: straight on storage
        doc = Doc()
        stored = await store.load(doc_id)
        if stored.update:
            doc.apply_update(stored.update)
        scrub(doc, needles, FORMER_MEMBER)
        await store.rewrite(doc_id, doc.get_update())
        await asyncio.to_thread(refresh, engine, doc_id)  # the read model holds no mention
        return
    async with rooms.using(doc_id) as room:
        # A server edit, the one way in for every change: committed, then relayed to
        # everyone editing; then the history is rewritten without the old mentions.
        await room.edit(lambda doc: scrub(doc, needles, FORMER_MEMBER, origin=SERVER))
        await store.rewrite(doc_id, room.doc.get_update())
    await asyncio.to_thread(refresh, engine, doc_id)  # the read model holds no mention


async def _empty_room(rooms: RoomManager, doc_id: str) -> None:
    """Before a document is deleted: disconnect whoever still has it open, flush its room."""
    room = rooms.rooms.get(doc_id)
    if room is None:
        return
    rooms.close_peers(lambda peer: peer in room.peers, CloseCode.POLICY_VIOLATION, GONE)
    await room.flush()
