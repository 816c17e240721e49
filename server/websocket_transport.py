"""A Starlette WebSocket as a collab Transport.

Under `mentorhub serve` (server/websocket_protocol.py) a message can also be written at
once, framed a single time however many peers it goes to: `write_now`. The room hands
the same bytes object to each of its peers in turn, so the frame made for the first is
kept (one entry) and written to the others as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.frames import Frame, Opcode

from collab.peer import TransportClosed
from collab.protocol import CloseCode, ProtocolError

from .collab_arrival import ArrivalCount
from .websocket_protocol import COUNT_ARRIVALS, OVER_RATE_LIMIT, WRITE_FRAME


class FrameOnce:
    """A binary message's WebSocket frame, made once for the same message in a row."""

    __slots__ = ("_message", "_frame")

    def __init__(self) -> None:
        self._message: bytes | None = None
        self._frame = b""

    def __call__(self, message: bytes) -> bytes:
        if message is not self._message:
            self._frame = Frame(Opcode.BINARY, message).serialize(mask=False)
            self._message = message
        return self._frame


framed = FrameOnce()  # the event loop's: one per process is enough


class StarletteTransport:
    __slots__ = ("websocket", "_write_frame", "_count_arrivals")

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        extensions = websocket.scope.get("extensions") or {}
        self._write_frame: Callable[[bytes], bool] | None = extensions.get(WRITE_FRAME)
        self._count_arrivals: Callable[[ArrivalCount], bool] | None = extensions.get(COUNT_ARRIVALS)

    def count_arrivals(self, arrivals: ArrivalCount) -> bool:
        """Have the server charge each frame to `arrivals` as it reads it; `receive` then
        raises ProtocolError 1008 after the frames before one over the limit. False: this
        server cannot (not `mentorhub serve`), count them as they are received."""
        count = self._count_arrivals
        self._count_arrivals = None
        return count is not None and count(arrivals)

    def write_now(self, data: bytes) -> bool:
        """Write `data` now if the connection can take it (see the module's docstring);
        False: nothing was written, `send` it instead."""
        write_frame = self._write_frame
        return write_frame is not None and write_frame(framed(data))

    async def send(self, data: bytes) -> None:
        try:
            await self.websocket.send_bytes(data)
        except WebSocketDisconnect as exc:
            raise TransportClosed(exc.code) from None

    async def receive(self) -> bytes:
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise TransportClosed(message.get("code"))
        if OVER_RATE_LIMIT in message:
            raise ProtocolError(CloseCode.POLICY_VIOLATION, "rate limit exceeded")
        data: bytes | None = message.get("bytes")
        if data is None:
            raise ProtocolError(CloseCode.UNSUPPORTED_DATA, "text frames are not supported")
        return data

    async def close(self, code: int, reason: str) -> None:
        await self.websocket.close(code, reason)
