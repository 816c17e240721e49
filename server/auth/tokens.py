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
    found = await token_credential(engine, token)
    return found[0] if found is not None else None


async def token_credential(engine: Engine, token: str) -> tuple[User, int] | None:
    """(owner, token id) of a live token: a connection remembers the id, so that it can
    be closed when the token is revoked. None for a malformed, unknown or revoked one."""
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


# A token in a log line, each character as itself or percent-encoded (in either case,
# even twice over: %255F), as uvicorn logs a path with its query string as it came.
_ENCODED = "%(?:25)*"
_TOKEN_CHAR = rf"(?:[A-Za-z0-9_-]|{_ENCODED}[0-9A-Fa-f]{{2}})"
_PREFIX = rf"(?:m|{_ENCODED}6[dD])(?:h|{_ENCODED}68)(?:_|{_ENCODED}5[fF])"
_IN_TEXT = re.compile(rf"{_PREFIX}{_TOKEN_CHAR}{{8,}}")
# whatever is given as ?token= (or token= in any query), token or not
_TOKEN_PARAMETER = re.compile(r"(\btoken(?:=|%3[dD]))[^&\s\"']+", re.I)
REDACTED = "mh_[redacted]"


def redact_tokens(text: str) -> str:
    """`text` with every personal access token in it replaced, however it is encoded."""
    return _TOKEN_PARAMETER.sub(rf"\1{REDACTED}", _IN_TEXT.sub(REDACTED, text))


class RedactTokens(logging.Filter):
    """Keeps tokens out of log messages: uvicorn logs each WebSocket's path with its
    query string. (server/logs.py also redacts every formatted line, tracebacks too.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact_tokens_in_logs(*loggers: str) -> None:
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
