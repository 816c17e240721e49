"""A real mentorHub server in a subprocess on a random port, as the tests use it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerProcess:
    """`mentorhub serve` with PORT=0; the URL is read from the line it prints."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, "MENTORHUB_ENV": "test", "PORT": "0", "LOG_LEVEL": "info", **env}
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/collab"

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "server.cli", "migrate"],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, timeout: float = 30) -> ServerProcess:
        log = open(self.log_path, "a")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                self.url = line.strip().rsplit(" ", 1)[-1]
                return self
        self.kill()
        raise RuntimeError(f"server did not start; see {self.log_path}:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no flush, no goodbye."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._close_pipe()

    def terminate(self, timeout: float = 20) -> int | None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._close_pipe()
        return self.process.returncode if self.process else None

    def _close_pipe(self) -> None:
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None
