"""Load-client processes: `node client/worker.mjs JOB`, spoken to in JSON lines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent.parent
WORKER = BENCH / "client" / "worker.mjs"
LINE_LIMIT = 1 << 28  # a result may carry every latency sample


class WorkerError(RuntimeError):
    """A load-client process failed or said something unexpected."""


class Worker:
    """One Node process playing one role; every event it sends carries its CPU time."""

    def __init__(self, job: dict[str, Any], log_path: Path) -> None:
        self.job = job
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.events: dict[str, dict[str, Any]] = {}

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> Worker:
        with open(self.log_path, "ab") as log:  # noqa: ASYNC230 - a log file, opened once
            self.process = await asyncio.create_subprocess_exec(
                "node",
                str(WORKER),
                json.dumps(self.job),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                limit=LINE_LIMIT,
                cwd=BENCH,
            )
        return self

    async def expect(self, event: str, timeout: float) -> dict[str, Any]:
        """Read events until `event` arrives; a worker error or exit raises WorkerError."""
        assert self.process is not None and self.process.stdout is not None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    line = await self.process.stdout.readline()
                    if not line:
                        raise WorkerError(
                            f"{self.job['role']} exited before '{event}'; see {self.log_path}"
                        )
                    message = json.loads(line)
                    self.events[message["event"]] = message
                    if message["event"] == event:
                        return message
                    if message["event"] == "error":
                        raise WorkerError(f"{self.job['role']}: {message['message']}")
        except TimeoutError:
            raise WorkerError(f"{self.job['role']}: no '{event}' within {timeout:.0f} s") from None

    def send(self, cmd: str, **data: Any) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write((json.dumps({"cmd": cmd, **data}) + "\n").encode())

    async def result(self, timeout: float) -> dict[str, Any]:
        found = await self.expect("result", timeout)
        await self.wait(10)
        return found

    def cpu_pct(self, since: str, until: str = "result") -> float:
        """The worker's CPU use between two of its events, as a share of one core."""
        a, b = self.events[since], self.events[until]
        wall = b["atUs"] - a["atUs"]
        return 100.0 * (b["cpuUs"] - a["cpuUs"]) / wall if wall > 0 else 0.0

    async def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            async with asyncio.timeout(timeout):
                await self.process.wait()
        except TimeoutError:
            self.kill()

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()


async def run_job(job: dict[str, Any], log_path: Path, timeout: float) -> dict[str, Any]:
    """Run a role that needs no commands and return its result."""
    worker = await Worker(job, log_path).start()
    try:
        return await worker.result(timeout)
    finally:
        worker.kill()
        await worker.wait(5)
