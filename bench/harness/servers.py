"""The three servers under test, each its own process on loopback and a free port."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from .proc import CpuMeter, rss_kb

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
MENTORHUB = str(VENV_BIN / "mentorhub")
NODE_SERVER = BENCH / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
PYCRDT_SERVER = BENCH / "peers" / "pycrdt_server.py"
CURRICULA_BATCH = 24
MEMBER = "bench-member@example.test"
MENTOR = "bench-mentor@example.test"


class ServerError(RuntimeError):
    """A server did not start, or an admin command failed."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A server process: started, stopped and restarted by the harness."""

    name = "server"
    ready_text = "listening on"

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.process: asyncio.subprocess.Process | None = None
        self.http_url = ""
        self.token: str | None = None
        self._drain: asyncio.Task[None] | None = None
        self.starts = 0
        self.fixed_port: int | None = None  # listen on this port (a restart in place)
        self.last_exit: int | None = None  # exit status of the last stop (-9: killed)

    # What each kind of server runs.

    def command(self) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError

    def url_from(self, line: str) -> str:
        return line.strip().rsplit(" ", 1)[-1]

    # Life cycle.

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def port(self) -> int:
        return int(self.http_url.rsplit(":", 1)[1])

    @property
    def ws_base(self) -> str:
        return self.http_url.replace("http://", "ws://", 1) + "/collab"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    async def start(self, timeout: float = 60) -> None:
        command, env = self.command()
        self.starts += 1
        with open(self.log_path, "ab") as log:  # noqa: ASYNC230 - a log file, opened once
            log.write(f"--- start {self.starts}: {' '.join(command)}\n".encode())
            self.process = await asyncio.create_subprocess_exec(
                *command,
                env={**os.environ, **env},
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.process.stdout is not None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    line = (await self.process.stdout.readline()).decode()
                    if not line:
                        raise ServerError(f"{self.name} exited at start; see {self.log_path}")
                    if self.ready_text in line:
                        self.http_url = self.url_from(line)
                        break
        except TimeoutError:
            await self.stop()
            raise ServerError(f"{self.name} did not start in {timeout} s") from None
        self._drain = asyncio.create_task(self._drain_stdout())

    async def _drain_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        with open(self.log_path, "ab") as log:  # noqa: ASYNC230 - a log file, opened once
            while line := await self.process.stdout.readline():
                log.write(line)

    async def stop(self, timeout: float = 20) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
        self.last_exit = process.returncode
        if self._drain is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._drain, 5)

    def kill_now(self) -> None:
        """Last-resort cleanup (no waiting): SIGKILL if still running."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def restart_in_place(self) -> float:
        """Stop (SIGTERM, as a deploy does) and start again on the same port, so that
        clients reconnect to the URL they had; the time the process took to exit, in s."""
        port = self.port
        began = asyncio.get_running_loop().time()
        await self.stop()
        stopped = asyncio.get_running_loop().time() - began
        self.fixed_port = port
        try:
            await self.start()
        finally:
            self.fixed_port = None
        return stopped

    def meter(self) -> CpuMeter:
        return CpuMeter(self.pid).start()

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    async def new_rooms(self, prefix: str, count: int) -> list[str]:
        """`count` rooms nobody has opened yet."""
        return [f"{prefix}-{secrets.token_hex(6)}" for _ in range(count)]


class NodeServer(Server):
    """@y/websocket-server's own `server.js`, unchanged (no persistence)."""

    name = "node"
    ready_text = "running at"

    def command(self) -> tuple[list[str], dict[str, str]]:
        self._port = self.fixed_port or free_port()
        return ["node", str(NODE_SERVER)], {"HOST": "127.0.0.1", "PORT": str(self._port)}

    def url_from(self, line: str) -> str:
        return f"http://127.0.0.1:{self._port}"


class PycrdtServer(Server):
    """pycrdt-websocket's ASGIServer under uvicorn (peers/pycrdt_server.py)."""

    name = "pycrdt-websocket"

    def command(self) -> tuple[list[str], dict[str, str]]:
        return [sys.executable, str(PYCRDT_SERVER)], {"PORT": str(self.fixed_port or 0)}


class MentorHub(Server):
    """`mentorhub serve` on its own database (SQLite file or PostgreSQL), durability on."""

    name = "mentorhub"

    def __init__(
        self, log_dir: Path, database_url: str, *, label: str = "mentorhub", **env: str
    ) -> None:
        super().__init__(log_dir)
        self.name = label
        self.database_url = database_url
        self.env = {
            "MENTORHUB_ENV": "test",
            "SECRET_KEY": secrets.token_urlsafe(36),
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": "0",
            # the throughput scenarios type far more into one resume than a person would;
            # the size quota (docs/document.md) is not what they measure
            "MAX_RESUME_BYTES": str(256 * 1024 * 1024),
            "MAX_DOCUMENT_BYTES": str(256 * 1024 * 1024),
            **env,
        }
        self.accounts = False  # True once the admin commands made users, a token, curricula
        self._unused: list[str] = []  # curricula created ahead, never opened yet

    def command(self) -> tuple[list[str], dict[str, str]]:
        return [MENTORHUB, "serve"], {**self.env, "PORT": str(self.fixed_port or 0)}

    async def admin(self, commands: list[list[str]], timeout: float = 900) -> list[dict[str, Any]]:
        """Run `mentorhub ARGS` for each ARGS in one process; each one's code, out, err."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "harness.mh_admin",
            env={**os.environ, **self.env},
            cwd=BENCH,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        lines = "".join(json.dumps(args) + "\n" for args in commands).encode()
        try:
            async with asyncio.timeout(timeout):
                out, err = await process.communicate(lines)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise ServerError(f"mentorhub admin commands: no answer in {timeout} s") from None
        results = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        if process.returncode != 0 or len(results) != len(commands):
            raise ServerError(f"mentorhub admin commands failed: {err.decode().strip()[-800:]}")
        return results

    async def prepare(self) -> None:
        """Migrate; then a member, a mentor, the mentor's token and a first batch of
        curricula, if the admin commands exist. Without them (an older mentorHub), rooms
        are arbitrary ids opened without a token. One process for all of it."""
        results = await self.admin(
            [
                ["migrate"],
                ["users", "add", MEMBER, "--name", "Bench Member", "--role", "member"],
                ["users", "add", MENTOR, "--name", "Bench Mentor", "--role", "mentor"],
                ["tokens", "create", MENTOR],
            ]
        )
        migrate, member, mentor, token = results
        if migrate["code"] != 0:
            raise ServerError(f"mentorhub migrate failed: {migrate['err'][-800:]}")
        if member["code"] == 2:  # argparse: no such command
            self.accounts = False
            return
        for step in (member, mentor, token):
            if step["code"] != 0:
                raise ServerError(f"mentorhub admin command failed: {step['err'][-800:]}")
        self.token = token["out"].strip()
        self.accounts = True
        await self.new_rooms("first", 0)

    def share_accounts(self, other: MentorHub) -> None:
        """Another instance on the same database uses the same accounts."""
        self.accounts, self.token = other.accounts, other.token

    async def new_rooms(self, prefix: str, count: int) -> list[str]:
        """New curricula with the bench mentor on them (or arbitrary ids without accounts).

        Created in batches ahead of need (each `mentorhub` start-up costs about a second);
        every id handed out is a curriculum nobody has opened yet.
        """
        if not self.accounts:
            return await super().new_rooms(prefix, count)
        if len(self._unused) < max(count, 1):
            batch = max(count - len(self._unused), CURRICULA_BATCH)
            create = [
                "curricula",
                "create",
                "--member",
                MEMBER,
                "--mentor",
                MENTOR,
                "--title",
                "Benchmark curriculum",
            ]
            for result in await self.admin([create] * batch):
                if result["code"] != 0:
                    raise ServerError(f"mentorhub curricula create failed: {result['err'][-800:]}")
                self._unused.append(result["out"].strip())
        taken, self._unused = self._unused[:count], self._unused[count:]
        return taken
