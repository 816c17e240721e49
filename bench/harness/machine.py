"""How busy the machine is with work that is not this benchmark's.

Every second: CPU time of the whole machine (/proc/stat) minus that of this run's own
process group (the harness, servers, clients; children already reaped are counted
through the harness's cutime). What is left is other processes' load, which makes the
figures noisier; the report prints it per scenario.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict

from .proc import CLOCK_TICKS


def machine_busy_ticks() -> int:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle


def own_ticks(group: int) -> int:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != group:  # pgrp
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if int(entry.name) == os.getpid():
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: reaped children
    return total


class LoadMonitor:
    """Samples other processes' CPU use (in cores) once a second, tagged by phase."""

    def __init__(self) -> None:
        self.phase = "setup"
        self.samples: dict[str, list[float]] = defaultdict(list)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        group = os.getpgrp()
        busy, own, at = machine_busy_ticks(), own_ticks(group), time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            busy2, own2, at2 = machine_busy_ticks(), own_ticks(group), time.monotonic()
            other = max(0, (busy2 - busy) - (own2 - own)) / CLOCK_TICKS / (at2 - at)
            self.samples[self.phase].append(other)
            busy, own, at = busy2, own2, at2

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for phase, values in self.samples.items():
            ordered = sorted(values)
            out[phase] = {
                "median_cores": ordered[len(ordered) // 2],
                "max_cores": ordered[-1],
                "samples": len(ordered),
            }
        return out
