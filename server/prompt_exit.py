"""uvicorn's server, ending as soon as its work is done instead of at its next poll.

uvicorn notices a SIGTERM at its main loop's next tick (every 0.1 s), then waits a fixed
0.1 s after asking each connection to close, and looks every 0.1 s whether the
connections and tasks are gone. Each step is sound; together they are about a quarter
of a second in which the process does nothing while every client waits to reconnect to
the next one (the reconnect storm, bench/README.md). Here the signal wakes the main loop
at once, and the shutdown looks every 5 ms instead. What happens, and in which order, is
uvicorn's (0.54, pinned in pyproject.toml): stop listening, ask every connection to close
(WebSockets get 1012), wait for them and for their tasks (at most
`timeout_graceful_shutdown`, then cancel them), then the lifespan's shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from types import FrameType

import uvicorn

log = logging.getLogger("uvicorn.error")

TICK_SECONDS = 0.1  # uvicorn's: its ticks count tenths of a second (the Date header)
LOOK_SECONDS = 0.005  # how often shutdown looks whether connections and tasks are gone


class PromptServer(uvicorn.Server):
    _exiting: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._exiting = asyncio.Event()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exiting.wait(), TICK_SECONDS)
            should_exit = await self.on_tick(counter)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        loop, exiting = self._loop, self._exiting
        if loop is not None and exiting is not None and not loop.is_closed():
            loop.call_soon_threadsafe(exiting.set)  # a signal handler: not the loop's turn

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        log.info("Shutting down")
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            await asyncio.wait_for(
                self._wait_tasks_to_complete(), timeout=self.config.timeout_graceful_shutdown
            )
        except TimeoutError:
            log.error(
                "Cancel %s running task(s), timeout graceful shutdown exceeded",
                len(self.server_state.tasks),
            )
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()

    async def _wait_tasks_to_complete(self) -> None:
        state = self.server_state
        while (state.connections or state.tasks) and not self.force_exit:
            await asyncio.sleep(LOOK_SECONDS)
        for server in self.servers:
            await server.wait_closed()
