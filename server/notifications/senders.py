"""Where emails go: an SMTP server (production), or the log when none is set."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from ..settings import Settings

log = logging.getLogger("mentorhub.notifications")


class Sender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver the message or raise (the outbox retries)."""


class SMTPSender:
    """smtplib, in a worker thread so that the event loop never waits on the network."""

    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host or ""
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.starttls = settings.smtp_starttls
        self.implicit_tls = settings.smtp_ssl
        self.timeout = settings.smtp_timeout_seconds

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.starttls and not self.implicit_tls:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


class LogSender:
    """No SMTP_HOST: messages are logged (recipient and subject), never sent."""

    async def send(self, message: EmailMessage) -> None:
        log.info(
            "email not sent (SMTP_HOST is not set): to %s, subject %r",
            message["To"],
            message["Subject"],
        )


def make_sender(settings: Settings) -> Sender:
    return SMTPSender(settings) if settings.smtp_host else LogSender()
