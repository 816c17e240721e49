"""Notifications by email: kinds a person can turn off, an outbox written in the same
transaction as the change it tells about, and a background sender with retries.

    from server.notifications import Kind, notify, register_kind, wake_outbox

    register_kind(Kind("answer", "Someone answers your question"))   # once, at import
    with write_transaction(engine) as connection:
        ...  # the change
        notify(connection, "answer", asker, site_url=site_url(request),
               question=question.title, link=f"/questions/{question.id}")
    wake_outbox(request.app.state)                                    # after the commit

See docs/notifications.md.
"""

from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request

from ..settings import Settings
from .kinds import KINDS, Kind, optional_kinds, register_kind
from .messages import UnknownKind, compose, notify
from .outbox import OutboxWorker
from .senders import LogSender, Sender, SMTPSender, make_sender

__all__ = [
    "KINDS",
    "Kind",
    "LogSender",
    "OutboxWorker",
    "SMTPSender",
    "Sender",
    "UnknownKind",
    "compose",
    "make_sender",
    "notify",
    "optional_kinds",
    "register_kind",
    "site_url",
    "start_outbox",
    "wake_outbox",
]


def site_url(request: Request) -> str:
    """The public address links in emails start with: PUBLIC_URL, else this request's."""
    configured: str | None = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


def wake_outbox(state: Any) -> None:
    """Have the sender look at the outbox now (call it after the transaction commits)."""
    worker = getattr(state, "outbox", None)
    if worker is not None:
        worker.wake()


def start_outbox(engine: Engine, settings: Settings) -> OutboxWorker:
    """The background sender of a server process (started; `aclose()` it on shutdown)."""
    worker = OutboxWorker(
        engine,
        make_sender(settings),
        settings.smtp_from,
        retry_seconds=settings.email_retry_seconds,
        max_attempts=settings.email_max_attempts,
    )
    worker.start()
    return worker
