"""Test clients: a pycrdt client over `websockets`, and a raw frame client for bad input."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import websockets
from pycrdt import (
    Awareness,
    Doc,
    Map,
    Provider,
    Text,
    create_awareness_message,
    read_message,
)
from websockets.exceptions import ConnectionClosed


class WebsocketChannel:
    """pycrdt's Channel protocol over a `websockets` client connection."""

    def __init__(
        self,
        connection: websockets.ClientConnection,
        path: str,
        on_awareness: Callable[[bytes], None] | None = None,
    ) -> None:
        self.connection = connection
        self._path = path
        self._on_awareness = on_awareness

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self) -> WebsocketChannel:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self.recv()
        except ConnectionClosed:
            raise StopAsyncIteration() from None

    async def send(self, message: bytes) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.connection.send(message)

    async def recv(self) -> bytes:
        while True:
            message = await self.connection.recv()
            if not isinstance(message, bytes):
                continue
            if message[:1] == b"\x01":
                if self._on_awareness is not None:
                    self._on_awareness(message)
                continue
            return message


@contextlib.asynccontextmanager
async def connected(
    ws_url: str, doc_id: str, doc: Doc | None = None, token: str | None = None
) -> AsyncIterator[Doc]:
    """A pycrdt Doc kept in sync with the server's room for the duration of the block."""
    async with peer(ws_url, doc_id, doc, token) as client:
        yield client.doc


class Client:
    """A connected pycrdt client with awareness: what a stock editor does, in Python."""

    def __init__(self, doc: Doc, connection: websockets.ClientConnection) -> None:
        self.doc = doc
        self.connection = connection
        self.awareness = Awareness(doc)
        self.awareness.set_local_state(None)

    def on_awareness(self, message: bytes) -> None:
        self.awareness.apply_awareness_update(read_message(message[1:]), "server")

    async def set_presence(self, state: dict[str, Any] | None) -> None:
        self.awareness.set_local_state(state)
        update = self.awareness.encode_awareness_update([self.doc.client_id])
        await self.connection.send(create_awareness_message(update))

    def others(self) -> dict[int, dict[str, Any]]:
        return {k: v for k, v in self.awareness.states.items() if k != self.doc.client_id}


@contextlib.asynccontextmanager
async def peer(
    ws_url: str, doc_id: str, doc: Doc | None = None, token: str | None = None
) -> AsyncIterator[Client]:
    doc = doc if doc is not None else new_doc()
    async with websockets.connect(collab_url(ws_url, doc_id, token), max_size=None) as connection:
        client = Client(doc, connection)
        channel = WebsocketChannel(connection, doc_id, client.on_awareness)
        async with Provider(doc, channel) as provider:
            await asyncio.wait_for(provider.synced.wait(), 10)
            yield client


def collab_url(ws_url: str, doc_id: str, token: str | None = None) -> str:
    """The /collab URL of a document, with a personal access token when given."""
    return f"{ws_url}/{doc_id}" + (f"?token={token}" if token else "")


def new_doc() -> Doc:
    doc = Doc()
    doc.get("meta", type=Map)
    doc.get("items", type=Map)
    doc.get("goals", type=Map)
    doc.get("resume", type=Text)
    return doc


def content(doc: Doc) -> dict[str, Any]:
    """The document as plain JSON (notes and resume as strings)."""
    items = doc.get("items", type=Map)
    return {
        "meta": doc.get("meta", type=Map).to_py(),
        "items": {key: _plain(value) for key, value in items.items()},
        "goals": doc.get("goals", type=Map).to_py(),
        "resume": str(doc.get("resume", type=Text)),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Map):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Text):
        return str(value)
    return value


async def eventually(check: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        await asyncio.sleep(0.02)


async def close_code_after(
    connection: websockets.ClientConnection, timeout: float = 5
) -> int | None:
    """Read until the server closes the connection; return the close code it sent."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await connection.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
