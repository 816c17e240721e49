"""Emails leave from an outbox in the background: a down SMTP server is retried until it
answers, no SMTP_HOST means the message is logged and not sent, and a template that
needs a value it was not given fails loudly."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from server.notifications import KINDS, Kind, compose, optional_kinds, register_kind
from storage.database import make_engine
from tests.people import ask, import_personas, user_id, write_request
from tests.smtp_server import TestSMTPServer
from tests.web import WEB_ENV, signed_in

CHARLIE, MILES = "charlie@example.org", "miles@example.org"


def outbox(database_url: str) -> list[dict]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT * FROM notification_outbox ORDER BY id"))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def wait_until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


async def propose(server, tmp_path) -> None:
    """Charlie asks Miles: one email to Miles is queued."""
    import_personas(server, tmp_path)
    async with signed_in(server, CHARLIE) as charlie:
        request_id = await write_request(charlie)
        miles = user_id(server.env["DATABASE_URL"], MILES)
        assert (await ask(charlie, request_id, miles)).status_code == 303


async def test_an_email_is_retried_until_the_smtp_server_answers(server_factory, tmp_path):
    smtp = TestSMTPServer()  # not started yet: connections to it are refused
    env = {**WEB_ENV, **smtp.env(), "EMAIL_RETRY_SECONDS": "0.3", "EMAIL_MAX_ATTEMPTS": "50"}
    server = server_factory(**env)
    url = server.env["DATABASE_URL"]
    await propose(server, tmp_path)
    failed = wait_until(lambda: [m for m in outbox(url) if m["attempts"] >= 2])
    assert failed[0]["state"] == "pending" and "Connection" in failed[0]["last_error"]
    smtp.start()
    try:
        [email] = smtp.inbox.wait_for(lambda got: len(got) == 1)
        assert email["To"] == MILES and email["From"] == "mentorHub <hello@mentorhub.test>"
        sent = wait_until(lambda: [m for m in outbox(url) if m["state"] == "sent"])
        assert sent[0]["sent_at"] is not None
    finally:
        smtp.stop()


async def test_an_email_is_given_up_after_the_last_attempt(server_factory, tmp_path):
    smtp = TestSMTPServer()  # never started
    env = {**WEB_ENV, **smtp.env(), "EMAIL_RETRY_SECONDS": "0.1", "EMAIL_MAX_ATTEMPTS": "2"}
    server = server_factory(**env)
    await propose(server, tmp_path)
    url = server.env["DATABASE_URL"]
    [message] = wait_until(lambda: [m for m in outbox(url) if m["state"] == "failed"])
    assert message["attempts"] == 2 and message["last_error"]
    assert "giving up" in server.log()


async def test_without_smtp_host_emails_are_logged_not_sent(server_factory, tmp_path):
    server = server_factory(**WEB_ENV)
    await propose(server, tmp_path)
    wait_until(lambda: "email not sent (SMTP_HOST is not set)" in server.log())
    assert f"to {MILES}" in server.log()


def test_kinds_are_registered_once_and_templates_need_their_values():
    assert {"proposal", "request_accepted", "request_declined", "offer_taken"} <= set(KINDS)
    kind = Kind("proposal", "something else")
    with pytest.raises(ValueError, match="registered already"):
        register_kind(kind)
    assert register_kind(KINDS["proposal"]) is KINDS["proposal"]  # the same again: harmless
    assert all(k.optional for k in optional_kinds())
    with pytest.raises(KeyError):
        compose("no-such-kind")
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        compose("offer_taken", person={"name": "Ann"})


def test_a_kind_turned_off_queues_nothing_unless_it_cannot_be_turned_off(engine):
    from storage.account_queries import add_user
    from storage.database import write_transaction
    from storage.notification_queries import enqueue, preferences, set_preferences

    ann = add_user(engine, "ann@example.org", "Ann")
    assert ann.id is not None
    set_preferences(engine, ann.id, {"answer": False, "proposal": True})
    assert preferences(engine, ann.id) == {"answer": False, "proposal": True}
    with write_transaction(engine) as connection:
        assert enqueue(connection, ann.id, "answer", "A new answer", "…") is None
        assert enqueue(connection, ann.id, "proposal", "Asked", "…") is not None
        assert enqueue(connection, ann.id, "answer", "Welcome", "…", optional=False) is not None
        assert enqueue(connection, 10**6, "proposal", "Nobody", "…") is None
