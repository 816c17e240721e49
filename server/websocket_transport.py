"""A Starlette WebSocket as a collab Transport."""

from __future__ import annotations

from starlette.websockets import WebSocket, WebSocketDisconnect

from collab.peer import TransportClosed
from collab.protocol import CloseCode, ProtocolError


class StarletteTransport:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket

    async def send(self, data: bytes) -> None:
        try:
            await self.websocket.send_bytes(data)
        except WebSocketDisconnect as exc:
            raise TransportClosed(exc.code) from None

    async def receive(self) -> bytes:
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise TransportClosed(message.get("code"))
        data = message.get("bytes")
        if data is None:
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "text frames are not supported")
        return data

    async def close(self, code: int, reason: str) -> None:
        await self.websocket.close(code, reason)
