"""Drive a stock Yjs client (npm `yjs` + `y-websocket` under Node) from async tests.

`client.mjs` beside this file connects to a mentorHub server with the unmodified
`WebsocketProvider`, the way a browser does, and answers JSON commands on stdin.
This module starts it as a subprocess and exchanges one JSON line per command:

    client = await NodeYjsClient.start("ws://127.0.0.1:8000/collab", "doc-1", token=tok)
    await client.call({"cmd": "wait_synced"})
    await client.call({"cmd": "set_meta", "key": "title", "value": "Backend path"})
    await client.close()

It needs Node and the pinned npm packages: `npm ci --prefix tests/interop`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from pathlib import Path
from types import TracebackType
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "client.mjs"
INSTALL_HINT = "run `npm ci --prefix tests/interop` first"

# Seconds allowed on top of a command's own "timeout" (milliseconds) for the reply.
REPLY_MARGIN = 10.0
DEFAULT_COMMAND_TIMEOUT_MS = 5000
STDERR_TAIL = 4000  # characters of the client's stderr kept for error messages
LINE_LIMIT = 64 * 1024 * 1024  # a snapshot of a large document is one long line


def _node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the stock Yjs client needs Node.js (`node` is not on PATH)")
    for package in ("yjs", "y-websocket", "ws"):
        if not (HERE / "node_modules" / package / "package.json").is_file():
            raise RuntimeError(f"tests/interop/node_modules/{package} is missing: {INSTALL_HINT}")
    return node


class NodeYjsClient:
    """One stock y-websocket client in a Node subprocess, driven by JSON commands."""

    def __init__(self, proc: asyncio.subprocess.Process, client_id: int) -> None:
        self._proc = proc
        self.client_id = client_id  # the Yjs doc.clientID, as peers see it in awareness
        self._lock = asyncio.Lock()
        self._stderr = ""
        self._stderr_task = asyncio.create_task(self._drain_stderr())

    @classmethod
    async def start(
        cls, url: str, room: str, token: str | None = None, *, ready_timeout: float = 15.0
    ) -> NodeYjsClient:
        """Start a client for `room` on `url` (e.g. ws://127.0.0.1:PORT/collab)."""
        node = _node_executable()
        # --name=value: a document id may start with "-", which parseArgs would misread
        argv = [node, str(SCRIPT), f"--url={url}", f"--room={room}"]
        if token is not None:
            argv.append(f"--token={token}")
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=HERE,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=LINE_LIMIT,
        )
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), ready_timeout)
            first = json.loads(line) if line else None
            if not isinstance(first, dict) or first.get("ready") is not True:
                raise RuntimeError(f"the Node client did not start: first line {line!r}")
        except BaseException as exc:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
            err = b""
            if proc.stderr is not None:
                err = await proc.stderr.read()
            if isinstance(exc, Exception):
                raise RuntimeError(
                    f"the Node client did not start ({exc!r}); stderr:\n"
                    f"{err.decode(errors='replace')[-STDERR_TAIL:]}"
                ) from exc
            raise
        return cls(proc, int(first["clientID"]))

    async def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        while chunk := await self._proc.stderr.read(4096):
            self._stderr = (self._stderr + chunk.decode(errors="replace"))[-STDERR_TAIL:]

    @property
    def stderr(self) -> str:
        """The last few thousand characters the client wrote to stderr."""
        return self._stderr

    async def call(
        self, cmd: dict[str, Any], *, reply_timeout: float | None = None
    ) -> dict[str, Any]:
        """Send one command and return its reply; an `ok: false` reply raises AssertionError.

        `reply_timeout` (seconds) bounds the wait for the reply; by default the command's
        own "timeout" (milliseconds, 5000 if absent) plus a margin.
        """
        if reply_timeout is None:
            reply_timeout = cmd.get("timeout", DEFAULT_COMMAND_TIMEOUT_MS) / 1000 + REPLY_MARGIN
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        async with self._lock:
            if self._proc.returncode is not None:
                raise RuntimeError(self._died(f"exited with {self._proc.returncode}"))
            try:
                stdin.write((json.dumps(cmd) + "\n").encode())
                await stdin.drain()
                line = await asyncio.wait_for(stdout.readline(), reply_timeout)
            except (BrokenPipeError, ConnectionResetError) as exc:
                raise RuntimeError(self._died(f"closed its pipe ({exc!r})")) from exc
            except TimeoutError as exc:
                # A late reply would be read as the next command's: stop the client instead.
                self._proc.kill()
                await self._proc.wait()
                raise TimeoutError(
                    self._died(
                        f"sent no reply to {cmd.get('cmd')!r} within {reply_timeout:.1f} s (killed)"
                    )
                ) from exc
            if not line:
                await asyncio.sleep(0.1)  # let stderr drain for the message
                raise RuntimeError(self._died(f"exited before replying to {cmd.get('cmd')!r}"))
        reply: dict[str, Any] = json.loads(line)
        if not reply.get("ok"):
            raise AssertionError(f"{cmd.get('cmd')}: {reply.get('error', reply)}")
        return reply

    def _died(self, what: str) -> str:
        return f"Node Yjs client (clientID {self.client_id}) {what}; stderr:\n{self._stderr}"

    async def close(self, *, grace: float = 5.0) -> None:
        """Quit the client (destroying its provider); kill it if it does not exit in time."""
        proc = self._proc
        try:
            if proc.returncode is None and proc.stdin is not None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    proc.stdin.write(b'{"cmd":"quit"}\n')
                    await proc.stdin.drain()
                    proc.stdin.close()
                try:
                    await asyncio.wait_for(proc.wait(), grace)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
        finally:
            # stderr reaches EOF once the process is gone; wait_for cancels it otherwise.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stderr_task, 1.0)

    async def __aenter__(self) -> NodeYjsClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
