"""Reconnect storm: 2,000 synced connections over 500 rooms; the server is restarted
(SIGTERM, then started again on the same port) and every client reconnects at once with
the stock y-websocket provider's back-off. Time until all are synced again, how many never
are, and whether each room's content came back as it was."""

from __future__ import annotations

import signal
import time
from typing import Any

from ..context import MENTORHUB, Context
from ..servers import Server
from .common import cleanup, fmt, rotated

SCENARIO = "storm"


def now_us() -> int:
    """The system-wide monotonic clock, the one the load client's `nowUs` reads."""
    return time.monotonic_ns() // 1000


async def measure(ctx: Context, server: Server, rooms: list[str], rep: int) -> dict[str, Any]:
    plan = ctx.plan
    worker = ctx.worker(
        "storm",
        server,
        rooms=rooms,
        perRoom=plan.storm_connections // len(rooms),
        concurrency=50,
        connectTimeoutMs=30_000,
        settleMs=60_000,
        tag=f"rep{rep}",
        maxBackoffMs=plan.storm_max_backoff_ms,
        maxSeconds=1800,
    )
    with cleanup([worker]):
        await worker.start()
        written = await worker.expect("written", 1200)
        restart_us = now_us()
        worker.send("restart", atUs=restart_us, limitMs=plan.storm_limit_s * 1000)
        exit_s = await server.restart_in_place()
        listening_us = now_us()
        if server.last_exit == -signal.SIGKILL:
            ctx.note(
                f"{SCENARIO} on {server.name}: the process did not exit within 20 s of "
                "SIGTERM and was killed (part of its restart time)"
            )
        await worker.expect("resynced", plan.storm_limit_s + 120)
        found = await worker.result(1200)
    stormers = found["stormers"]
    last = found["allResyncedUs"]
    everyone = found["neverResynced"] == 0 and last is not None
    return {
        "all_synced_s": (last - restart_us) / 1e6 if everyone else None,
        "all_synced_after_listening_s": (last - listening_us) / 1e6 if everyone else None,
        "resync_p50_s": found["resyncP50Ms"] / 1000 if found["resyncP50Ms"] is not None else None,
        "restart_s": (listening_us - restart_us) / 1e6,
        "exit_s": exit_s,
        "never_resynced": found["neverResynced"],
        "gave_up": found["gaveUp"],
        "attempts_mean": found["attemptsMean"],
        "not_synced_before": found["notSyncedBefore"],
        "rooms": found["rooms"],
        "rooms_kept": found["roomsKept"],
        "rooms_equal": found["roomsEqual"],
        "rooms_changed": found["rooms"] - found["roomsEqual"] - found["roomsUnchecked"],
        "rooms_unchecked": found["roomsUnchecked"],
        "unsettled_rooms": written["unsettledRooms"],
        "client_cpu_pct": worker.cpu_pct("written", "resynced"),
        "stormers": stormers,
        "drop_codes": found["dropCodes"],
    }


async def run(ctx: Context) -> None:
    plan = ctx.plan
    per_room = plan.storm_connections // plan.storm_rooms
    print(
        f"== {SCENARIO}: {plan.storm_connections:,} synced connections over "
        f"{plan.storm_rooms:,} rooms, the server restarted (SIGTERM) under them; "
        f"y-websocket back-off (at most {plan.storm_max_backoff_ms} ms)",
        flush=True,
    )
    servers = list(ctx.servers.values())
    # The same rooms every repetition: each repetition writes its own values into them.
    rooms = {s.name: await s.new_rooms("storm", plan.storm_rooms) for s in servers}
    for rep in range(plan.repeats):
        for server in rotated(servers, rep):
            figures = await measure(ctx, server, rooms[server.name], rep)
            for metric, value in figures.items():
                if metric not in ("drop_codes",):
                    ctx.record(SCENARIO, metric, server.name, value)
            codes = ", ".join(f"{code}: {n}" for code, n in sorted(figures["drop_codes"].items()))
            ctx.note(f"{SCENARIO} on {server.name}: connections closed by the restart with {codes}")
            if figures["not_synced_before"]:
                ctx.note(
                    f"{SCENARIO} on {server.name}: {figures['not_synced_before']} of "
                    f"{plan.storm_rooms * per_room} connections never synced before the "
                    "restart (left out)"
                )
            if figures["unsettled_rooms"]:
                ctx.note(
                    f"{SCENARIO} on {server.name}: in {figures['unsettled_rooms']} rooms not "
                    "every client saw the others' writes before the restart"
                )
            print(
                f"  {server.name:17} all synced again {fmt(figures['all_synced_s'])} s after "
                f"SIGTERM ({fmt(figures['all_synced_after_listening_s'])} s after listening "
                f"again; restart {figures['restart_s']:.2f} s), median "
                f"{fmt(figures['resync_p50_s'])} s, never {figures['never_resynced']} of "
                f"{figures['stormers']}, {figures['attempts_mean']:.1f} attempts each; rooms "
                f"kept by the server {figures['rooms_kept']}/{figures['rooms']}, equal after "
                f"{figures['rooms_equal']}/{figures['rooms']}; client "
                f"{figures['client_cpu_pct']:.0f}%",
                flush=True,
            )
    if any(name != MENTORHUB for name in rooms):
        ctx.note(
            f"{SCENARIO}: the peers keep documents in memory only, so their rooms come back "
            'empty after a restart ("rooms the server kept") and are refilled by the '
            "reconnecting clients' own copies; mentorHub stores every update before relaying it"
        )
