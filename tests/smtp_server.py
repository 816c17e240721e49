"""A real SMTP server for the tests (aiosmtpd, on a free port), whose received messages
the tests read. Loaded as a pytest plugin (see conftest.py): the `smtp` fixture, and
`smtp_env` for a mentorHub server that sends through it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received, as parsed emails, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(
        self, check: Callable[[list[EmailMessage]], bool], timeout: float = 10.0
    ) -> list[EmailMessage]:
        """Poll until `check(messages)` holds; fail with what arrived otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                received = list(self.messages)
            if check(received):
                return received
            if time.monotonic() > deadline:
                subjects = [(m["To"], m["Subject"]) for m in received]
                raise AssertionError(f"no such email within {timeout} s; received {subjects}")
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestSMTPServer:
    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = _free_port()  # nothing listens until start()
        self.controller: Controller | None = None

    def start(self) -> TestSMTPServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def env(self) -> dict[str, str]:
        """mentorHub settings for sending through this server."""
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "SMTP_STARTTLS": "false",
            "SMTP_FROM": "mentorHub <hello@mentorhub.test>",
        }


@pytest.fixture
def smtp() -> Iterator[TestSMTPServer]:
    server = TestSMTPServer().start()
    try:
        yield server
    finally:
        server.stop()
