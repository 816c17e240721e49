"""Web test helpers: signed-in httpx clients, CSRF tokens, database searches."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import sqlalchemy as sa
import websockets

from storage.database import make_engine
from tests.server_process import ServerProcess

# A server whose tests sign in many times: development sign-in on, no sign-in rate limit.
WEB_ENV = {"DEV_SIGN_IN": "true", "SIGN_IN_RATE_LIMIT_PER_MINUTE": "100000"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"|name="csrf-token" content="([^"]*)"')


def csrf_in(page: str) -> str:
    """The CSRF token on an HTML page (its forms' field, or the page's meta tag)."""
    found = CSRF_FIELD.search(page)
    token = found and (found.group(1) or found.group(2))
    assert token, "no CSRF token on the page"
    return html.unescape(token)


def client(server: ServerProcess, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, timeout=10, **kwargs)


async def csrf_token(browser: httpx.AsyncClient, path: str = "/auth/login") -> str:
    page = await browser.get(path)
    assert page.status_code == 200, page.text
    return csrf_in(page.text)


async def sign_in_as(browser: httpx.AsyncClient, email: str) -> None:
    """Sign `browser` in as `email` with development sign-in (the server needs WEB_ENV)."""
    token = await csrf_token(browser)
    answer = await browser.post("/auth/dev", data={"email": email, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    assert "mentorhub_session" in browser.cookies


@contextlib.asynccontextmanager
async def signed_in(server: ServerProcess, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as `email`."""
    async with client(server) as browser:
        await sign_in_as(browser, email)
        yield browser


def cookie_header(browser: httpx.AsyncClient) -> str:
    """The browser's cookies as a Cookie header (for a WebSocket)."""
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


async def websocket_outcome(url: str, headers: dict[str, str] | None = None) -> int | str:
    """ "synced" when the server opens the document to this client (it sends its sync
    step 1), else the close code it answers with."""
    async with websockets.connect(url, additional_headers=headers or {}) as ws:
        try:
            first = await asyncio.wait_for(ws.recv(), 5)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else 1006
        assert isinstance(first, bytes) and first[:2] == b"\x00\x00", first
        return "synced"


def database_mentions(database_url: str, needles: list[str]) -> list[str]:
    """Every place in every table where a needle appears: `LIKE` on text columns
    (case-insensitive), `bytes.find` on every binary column."""
    found = []
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            for table in metadata.sorted_tables:
                for column in table.columns:
                    found += _mentions(connection, table, column, needles)
    finally:
        engine.dispose()
    return found


def _mentions(
    connection: sa.Connection, table: sa.Table, column: sa.Column[Any], needles: list[str]
) -> list[str]:
    where = f"{table.name}.{column.name}"
    if isinstance(column.type, sa.LargeBinary):
        rows = connection.execute(sa.select(column)).scalars()
        blobs = [bytes(value) for value in rows if value is not None]
        return [
            f"{where} holds {needle!r}"
            for needle in needles
            for blob in blobs
            if blob.find(needle.encode()) >= 0
        ]
    if isinstance(column.type, sa.String | sa.Text):
        return [
            f"{where} holds {needle!r}"
            for needle in needles
            if connection.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(sa.func.lower(column).like(f"%{needle.lower()}%"))
            ).scalar()
        ]
    return []
