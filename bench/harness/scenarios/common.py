"""Helpers the scenarios share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from ..context import Context
from ..servers import Server
from ..workers import Worker, run_job


def rotated(servers: Sequence[Server], rep: int) -> list[Server]:
    """The servers in a different order each repetition, so drift hits all alike."""
    shift = rep % len(servers) if servers else 0
    return [*servers[shift:], *servers[:shift]]


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def shares(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def merge_counts(counts: Sequence[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for found in counts:
        for key, value in found.items():
            merged[key] = merged.get(key, 0) + value
    return merged


@contextlib.contextmanager
def cleanup(workers: list[Worker]) -> Iterator[list[Worker]]:
    """Kill whatever workers are still running when the block ends."""
    try:
        yield workers
    finally:
        for worker in workers:
            worker.kill()


async def with_split(
    ctx: Context, key: tuple[str, str], measure: Any, *args: Any
) -> dict[str, Any]:
    """Run `measure(ctx, *args, procs=N)`; if a client process used more than the limit
    of one core, run it again with the clients split over two processes."""
    procs = ctx.split.get(key, 1)
    figures: dict[str, Any] = await measure(ctx, *args, procs=procs)
    if figures.get("client_cpu_pct", 0) > ctx.plan.client_cpu_limit_pct and procs == 1:
        ctx.split[key] = 2
        ctx.note(
            f"{key[0]} on {key[1]}: a client process used {figures['client_cpu_pct']:.0f}% "
            "of a core; clients split over 2 processes from here on"
        )
        figures = await measure(ctx, *args, procs=2)
    return figures


async def still_serving(ctx: Context, server: Server) -> bool:
    """Open one new room; if the server no longer serves, restart it (with a note)."""
    room = (await server.new_rooms("probe", 1))[0]
    job = ctx.job("open", server, room=room, times=1, timeoutMs=5000, maxSeconds=60)
    try:
        found = await run_job(job, ctx.log_dir / f"client-probe-{server.name}.log", timeout=60)
        if found["opens"][0]["ok"]:
            return True
    except Exception:
        pass
    ctx.note(f"{server.name} stopped serving new connections after {ctx.load.phase}; restarted")
    await server.restart()
    return False
