"""The background sender: emails leave the outbox here, never inside a request.

One task per server process. It wakes when told (`wake()`, after a change that queued
a message commits) or every `poll_seconds` (messages queued by another instance),
claims what is due with a lease (so two instances never send one message at once),
sends it, and records the outcome. A failed attempt is retried after
`retry_seconds`, doubling each time (at most an hour), until `max_attempts`; then the
message is marked failed and the error kept in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import Engine

from storage.models import utcnow
from storage.notification_queries import claim_due, mark_failed_attempt, mark_sent
from storage.notifications import OutboxMessage

from .senders import Sender

log = logging.getLogger("mentorhub.notifications")

BATCH = 20
LEASE = timedelta(minutes=5)  # a sender that died mid-batch frees its messages after this
LONGEST_WAIT = 3600.0


def email_of(message: OutboxMessage, sender_address: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender_address
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    email["X-Mentorhub-Kind"] = message.kind
    email.set_content(message.body)
    return email


class OutboxWorker:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        from_address: str,
        *,
        poll_seconds: float = 2.0,
        retry_seconds: float = 30.0,
        max_attempts: int = 8,
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.from_address = from_address
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="mentorhub-outbox")

    def wake(self) -> None:
        """Look at the outbox now (a change that queued an email has committed)."""
        self._wake.set()

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                while await self.send_due():
                    pass
            except Exception:  # the database is away: try again at the next tick
                log.exception("the outbox could not be read")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def send_due(self) -> int:
        """Send one batch of due messages; how many were tried."""
        messages = await asyncio.to_thread(claim_due, self.engine, BATCH, LEASE)
        for message in messages:
            await self._send(message)
        return len(messages)

    async def _send(self, message: OutboxMessage) -> None:
        assert message.id is not None
        try:
            await self.sender.send(email_of(message, self.from_address))
        except Exception as error:  # any failure of delivery: record it, retry later
            attempts = message.attempts + 1
            retry_at = None
            if attempts < self.max_attempts:
                wait = min(self.retry_seconds * 2 ** (attempts - 1), LONGEST_WAIT)
                retry_at = utcnow() + timedelta(seconds=wait)
            log.warning(
                "email %s (%s) not sent, attempt %d: %s: %s%s",
                message.id, message.kind, attempts, type(error).__name__, error,
                "" if retry_at else "; giving up",
            )  # fmt: skip
            detail = f"{type(error).__name__}: {error}"
            await asyncio.to_thread(mark_failed_attempt, self.engine, message.id, detail, retry_at)
            return
        await asyncio.to_thread(mark_sent, self.engine, message.id)
        log.info("email %s (%s) sent", message.id, message.kind)
