"""Scale: 2,000 idle connections over 1,000 rooms; server memory per connection and
connect rate."""

from __future__ import annotations

import asyncio

from ..context import Context
from ..servers import Server
from .common import cleanup, fmt, rotated

SCENARIO = "scale"


async def measure(
    ctx: Context, server: Server, rooms: list[str], warmup: str, *, restart: bool = True
) -> dict[str, float]:
    plan = ctx.plan
    if plan.scale_fresh_process and restart:
        await server.restart()  # a fresh process: nothing left over from other scenarios
    # One connection first, so that what a first connection loads is not counted.
    warm = ctx.worker("idle", server, rooms=[warmup], perRoom=1, maxSeconds=120)
    idle = ctx.worker(
        "idle",
        server,
        rooms=rooms,
        perRoom=plan.scale_connections // len(rooms),
        concurrency=50,
        connectTimeoutMs=plan.race_timeout_s * 1000,
        maxSeconds=1200,
    )
    with cleanup([warm, idle]):
        await warm.start()
        await warm.expect("ready", 60)
        warm.send("close")
        await warm.result(60)
        settle = 1.0 if plan.scale_fresh_process else 0.3
        await asyncio.sleep(settle)
        before = server.rss_kb()
        meter = server.meter()
        await idle.start()
        ready = await idle.expect("ready", 900)
        usage = meter.stop()
        await asyncio.sleep(2 * settle)  # let the server settle
        after = server.rss_kb()
        idle.send("close")
        await idle.result(300)
    synced = ready["synced"]
    return {
        "rss_per_conn_kib": (after - before) / synced if synced else None,
        "rss_before_mib": before / 1024,
        "rss_after_mib": after / 1024,
        "connects_per_s": synced / ready["seconds"] if ready["seconds"] else None,
        "synced": synced,
        "failures": ready["failures"],
        "server_cpu_pct": usage["cpu_pct"],
        "client_cpu_pct": idle.cpu_pct("ready"),
    }


async def run(ctx: Context) -> None:
    plan = ctx.plan
    print(
        f"== {SCENARIO}: {plan.scale_connections:,} idle connections over "
        f"{plan.scale_rooms:,} rooms",
        flush=True,
    )
    servers = list(ctx.servers.values())
    rooms = {s.name: await s.new_rooms("scale", plan.scale_rooms) for s in servers}
    warmups = {s.name: (await s.new_rooms("warmup", 1))[0] for s in servers}
    ctx.state[SCENARIO] = {s.name: (rooms[s.name], warmups[s.name]) for s in servers}
    for rep in range(plan.repeats):
        for server in rotated(servers, rep):
            figures = await measure(ctx, server, rooms[server.name], warmups[server.name])
            for metric, value in figures.items():
                ctx.record(SCENARIO, metric, server.name, value)
            if figures["synced"] < plan.scale_connections:
                ctx.note(
                    f"{SCENARIO} on {server.name}: {figures['synced']} of "
                    f"{plan.scale_connections} connections synced"
                )
            print(
                f"  {server.name:17} {fmt(figures['rss_per_conn_kib'], 1)} KiB/connection "
                f"(RSS {figures['rss_before_mib']:.0f} -> {figures['rss_after_mib']:.0f} MiB), "
                f"{fmt(figures['connects_per_s'], 0)} connects/s, server "
                f"{figures['server_cpu_pct']:.0f}%, client {figures['client_cpu_pct']:.0f}%",
                flush=True,
            )
