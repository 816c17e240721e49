"""The polite email a decline sends, with staff's note.

A declined applicant has no account, and the outbox sends only to accounts
(`server/notifications`), so this email goes straight through the server's sender, once,
after the answer to staff has left (a Starlette background task: staff never wait for
the network). Whether it went out is recorded on the application, and its page says so:
when it did not, staff write themselves.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine

from storage.application_queries import record_reply
from storage.applications import JoinApplication
from storage.notifications import OutboxMessage

from ..notifications import Kind, Sender, compose, register_kind
from ..notifications.outbox import email_of

log = logging.getLogger("mentorhub.joining")

DECLINED = register_kind(
    Kind(
        "application_declined",
        "Your application to join",
        "The answer to an application that was declined (sent to its address: no account).",
        optional=False,
    )
)


def decline_message(application: JoinApplication, note: str, site_url: str) -> OutboxMessage:
    """The email, rendered from templates/email/application_declined.txt."""
    subject, body = compose(
        DECLINED.key, person=application, note=note, site_url=site_url.rstrip("/"),
        applied_as=application.kind,
    )  # fmt: skip
    return OutboxMessage(
        user_id=0, kind=DECLINED.key, recipient=application.email, subject=subject, body=body
    )


async def send_decline(
    engine: Engine, sender: Sender, from_address: str, application_id: int, message: OutboxMessage
) -> None:
    """Send it once and record the outcome (a background task of the decline)."""
    try:
        await sender.send(email_of(message, from_address))
        outcome = "sent"
    except Exception as error:  # delivery failed: staff see it on the application's page
        outcome = f"not sent: {type(error).__name__}: {error}"
        log.warning("application %s: the decline email was %s", application_id, outcome)
    await asyncio.to_thread(record_reply, engine, application_id, outcome)
