"""What every scenario shares: the plan, the servers, the log folder and the records."""

from __future__ import annotations

import contextlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .machine import LoadMonitor
from .plan import Plan
from .servers import Server
from .workers import Worker

MENTORHUB, NODE, PYCRDT = "mentorhub", "node", "pycrdt-websocket"


@dataclass
class Context:
    plan: Plan
    results_dir: Path
    servers: dict[str, Server]
    deflate: bool = True
    profile: set[str] = field(default_factory=set)  # scenarios to profile (py-spy) on mentorHub
    # (scenario, metric) -> server -> one value per repetition
    records: dict[tuple[str, str], dict[str, list[Any]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    notes: list[str] = field(default_factory=list)
    split: dict[tuple[str, str], int] = field(default_factory=dict)  # client processes in use
    extra: list[Server] = field(default_factory=list)  # servers started by a scenario
    workdir: Path = Path("/tmp")  # a temporary folder for databases, removed at the end
    # What later steps (the profiling pass) reuse: documents built, servers left running.
    state: dict[str, Any] = field(default_factory=dict)
    # Scenario resources (extra servers, databases) released when the whole run ends.
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    load: LoadMonitor = field(default_factory=LoadMonitor)  # other processes' CPU use

    @property
    def log_dir(self) -> Path:
        path = self.results_dir / "logs"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def record(self, scenario: str, metric: str, server: str, value: Any) -> None:
        self.records[(scenario, metric)][server].append(value)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def job(self, role: str, server: Server, **fields: Any) -> dict[str, Any]:
        return {
            "role": role,
            "url": server.ws_base,
            "token": server.token,
            "deflate": self.deflate,
            **fields,
        }

    def worker(self, role: str, server: Server, **fields: Any) -> Worker:
        name = f"client-{role}-{server.name}-{secrets.token_hex(3)}.log"
        return Worker(self.job(role, server, **fields), self.log_dir / name)
