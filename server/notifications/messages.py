"""Queueing a notification: render its email from `templates/email/<kind>.txt` and write
it to the outbox, in the caller's transaction, unless the person turned the kind off."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from sqlalchemy import Connection

from storage.accounts import User
from storage.notification_queries import enqueue

from ..settings import PROJECT_ROOT
from .kinds import KINDS


class UnknownKind(KeyError):
    pass


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROJECT_ROOT / "templates" / "email")),
        autoescape=False,  # plain-text email: nothing is interpreted as markup
        undefined=jinja2.StrictUndefined,  # a missing value fails loudly, in tests
        keep_trailing_newline=True,
    )


def compose(kind: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of a kind's email. The template's first line is `Subject: …`."""
    if kind not in KINDS:
        raise UnknownKind(kind)
    text = _environment().get_template(f"{kind}.txt").render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"templates/email/{kind}.txt must start with 'Subject: '")
    subject = " ".join(first.removeprefix("Subject:").split())  # no header injection
    return subject, body.lstrip("\n")


def notify(
    connection: Connection, kind: str, person: User, *, site_url: str, **context: Any
) -> int | None:
    """Queue the `kind` email to `person`; the outbox id, or None when they turned it off.

    Call it inside the write transaction of the change it tells about: the email is
    sent if and only if that change commits. The template gets `person`, `site_url`
    (no trailing slash), `settings_url` (where to turn emails off) and `context`.
    """
    assert person.id is not None
    site = site_url.rstrip("/")
    subject, body = compose(
        kind, person=person, site_url=site, settings_url=f"{site}/settings/notifications",
        **context,
    )  # fmt: skip
    return enqueue(connection, person.id, kind, subject, body, optional=KINDS[kind].optional)
