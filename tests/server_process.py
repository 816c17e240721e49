"""A real mentorHub server in a subprocess on a random port, as the tests use it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerProcess:
    """`mentorhub serve` with PORT=0; the URL is read from the line it prints."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, "MENTORHUB_ENV": "test", "PORT": "0", "LOG_LEVEL": "info", **env}
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self._users: set[str] = set()  # made through the command line by this object
        self._tokens: dict[str, str] = {}

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

    def cli(self, *args: str) -> str:
        """Run `mentorhub ARGS` on this server's database; return its stdout, stripped."""
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"mentorhub {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout.strip()

    def add_user(self, email: str, role: str = "member", name: str | None = None) -> str:
        """Add a user (once per server process); returns the email."""
        if email not in self._users:
            try:
                self.cli(
                    "users", "add", email, "--name", name or email.split("@")[0], "--role", role
                )
            except RuntimeError as error:  # made earlier, e.g. by another server on the database
                if "already exists" not in str(error):
                    raise
            self._users.add(email)
        return email

    def token(self, email: str) -> str:
        """A personal access token of the user (made once per server process)."""
        if email not in self._tokens:
            self._tokens[email] = self.cli("tokens", "create", email)
        return self._tokens[email]

    def new_curriculum(
        self,
        member_email: str = "member@example.org",
        mentors: tuple[str, ...] = (),
        title: str = "",
    ) -> tuple[str, str]:
        """A new curriculum (its people made as needed) and a token of its member:
        (doc_id, token)."""
        member = self.add_user(member_email)
        args = ["curricula", "create", "--member", member]
        for mentor in mentors:
            args += ["--mentor", self.add_user(mentor, role="mentor")]
        if title:
            args += ["--title", title]
        return self.cli(*args), self.token(member)

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

    def log_mark(self, timeout: float = 10) -> int:
        """Ask for a page no one else asks for and wait until its access-log line is
        written: every request answered before it is in the log above that line. The
        line's end offset in `log()`, to read what came after."""
        mark = f"log-mark={uuid.uuid4().hex}"
        with urllib.request.urlopen(f"{self.url}/healthz?{mark}", timeout=timeout) as reply:
            reply.read()
        deadline = time.monotonic() + timeout
        while (at := self.log().find(mark)) < 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"the access log never showed {mark}")
            time.sleep(0.05)
        return self.log().index("\n", at) + 1

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
