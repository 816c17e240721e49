"""Personal access tokens: `mh_` + 32 random bytes (base64url), stored as their SHA-256.

Non-browser clients give one on /collab as the `token` query parameter or as
`Authorization: Bearer mh_…`. The owner sees a token once, when it is made.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from collections.abc import Mapping

from sqlalchemy import Engine

from storage.account_queries import insert_token, token_user
from storage.accounts import User

PREFIX = "mh_"
SHOWN = 10  # characters kept for display: "mh_" and 7 more
TOKEN = re.compile(r"^mh_[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, user_id: int, name: str) -> str:
    """Make a token for the user and return it; only its hash is kept."""
    printable = "".join(c if c.isprintable() else " " for c in name)  # no NUL for PostgreSQL
    name = " ".join(printable.split())[:100] or "token"
    token = new_token()
    insert_token(engine, user_id, name, token_hash(token), token[:SHOWN])
    return token


async def user_for_token(engine: Engine, token: str) -> User | None:
    """The owner of a live token; None for a malformed, unknown or revoked one."""
    if not TOKEN.match(token):
        return None
    return await asyncio.to_thread(token_user, engine, token_hash(token))


def token_given(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The token a client presents: `Authorization: Bearer …` or `?token=…`."""
    authorization = headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return query.get("token") or None


_IN_TEXT = re.compile(r"mh_[A-Za-z0-9_-]{8,}")


class RedactTokens(logging.Filter):
    """Keeps tokens out of logs: uvicorn logs each WebSocket's path with its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "mh_" in message:
            record.msg, record.args = _IN_TEXT.sub("mh_[redacted]", message), None
        return True


def redact_tokens_in_logs(*loggers: str) -> None:
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
