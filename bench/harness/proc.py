"""CPU time and memory of a process, read from /proc."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) in kB."""
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


def rss_kb(pid: int) -> int:
    return memory_kb(pid).get("VmRSS", 0)


@dataclass
class CpuMeter:
    """CPU use of one process between start() and stop(), as a share of one core."""

    pid: int
    wall: float = 0.0
    cpu: float = 0.0

    def start(self) -> CpuMeter:
        self.wall, self.cpu = time.monotonic(), cpu_seconds(self.pid)
        return self

    def stop(self) -> dict[str, float]:
        wall, cpu = time.monotonic() - self.wall, cpu_seconds(self.pid) - self.cpu
        return {"cpu_s": cpu, "wall_s": wall, "cpu_pct": 100.0 * cpu / wall if wall > 0 else 0.0}
