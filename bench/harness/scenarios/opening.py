"""Opening a document: connect -> full state (sync step 2) for a document built from
10,000 updates; for mentorHub also cold (server restarted) and after 100,000 updates."""

from __future__ import annotations

from typing import Any

from ..context import MENTORHUB, Context
from ..servers import MentorHub, Server
from ..stats import median
from ..workers import run_job
from .common import cleanup, fmt, rotated

SCENARIO = "opening"


async def seed(ctx: Context, server: Server, room: str, kind: str, count: int) -> dict[str, Any]:
    """Send `count` updates of `kind` into `room`; wait until a fresh client sees them all."""
    plan = ctx.plan
    job = ctx.job(
        "seed",
        server,
        room=room,
        kind=kind,
        count=count,
        connections=plan.seed_connections,
        ratePerConnection=plan.seed_rate_per_connection,
        seed=7,
        verifyTimeoutMs=300_000,
        maxSeconds=1200,
    )
    log = ctx.log_dir / f"client-seed-{server.name}-{room}.log"
    result = await run_job(job, log, timeout=1200)
    if not result["verified"]:
        raise RuntimeError(f"{server.name}: the seeded document never showed all updates")
    return result


async def open_room(
    ctx: Context, server: Server, room: str, times: int, expected: dict[str, int]
) -> list[dict[str, Any]]:
    job = ctx.job("open", server, room=room, times=times, expected=expected, timeoutMs=60_000)
    log = ctx.log_dir / f"client-open-{server.name}-{room}.log"
    opens: list[dict[str, Any]] = (await run_job(job, log, timeout=60 * times + 60))["opens"]
    for found in opens:
        if not found["ok"] or not found.get("complete", False):
            ctx.note(
                f"{SCENARIO} on {server.name}: an open was incomplete or failed: "
                f"{found.get('error', 'state incomplete')}"
            )
    return opens


async def cold_open(
    ctx: Context, server: MentorHub, room: str, warmup: str, expected: dict[str, int]
) -> dict[str, Any]:
    """Restart the server, open a small other document first (so the process is warm),
    then time opening `room`, which now has to come from storage."""
    await server.restart()
    await open_room(ctx, server, warmup, 1, {})
    return (await open_room(ctx, server, room, 1, expected))[0]


async def run(ctx: Context) -> None:
    plan = ctx.plan
    print(
        f"== {SCENARIO}: a document built from {plan.open_updates:,} updates "
        f"(mentorHub also cold, and after {plan.open_long_updates:,})",
        flush=True,
    )
    servers = list(ctx.servers.values())
    docs: dict[str, tuple[str, dict[str, int]]] = {}
    holders = []
    with cleanup(holders):
        for server in servers:
            room = (await server.new_rooms("open", 1))[0]
            # A client keeps the document in memory from before it is built, as an editor
            # would (pycrdt-websocket drops a room when its last client leaves): the opens
            # below measure the same thing on every server.
            holder = ctx.worker("idle", server, rooms=[room], perRoom=1, maxSeconds=3600)
            holders.append(holder)
            await holder.start()
            await holder.expect("ready", 60)
            built = await seed(ctx, server, room, "words", plan.open_updates)
            print(
                f"  {server.name:17} built in {built['totalMs'] / 1000:.1f} s, "
                f"state {built['bytes'] / 1024:.0f} KiB",
                flush=True,
            )
            ctx.record(SCENARIO, "build_s", server.name, built["totalMs"] / 1000)
            ctx.record(SCENARIO, "state_kib", server.name, built["bytes"] / 1024)
            docs[server.name] = (room, built["expected"])
        for rep in range(plan.repeats):
            for server in rotated(servers, rep):
                room, expected = docs[server.name]
                opens = await open_room(ctx, server, room, plan.open_times, expected)
                ms = median([o["ms"] for o in opens if o["ok"]])
                ctx.record(SCENARIO, "open_10k_ms", server.name, ms)
                print(f"  {server.name:17} open (in memory) {fmt(ms)} ms", flush=True)
        for holder in holders:
            holder.send("close")
            await holder.result(60)
    ctx.state["opening"] = docs
    mentorhub = ctx.servers.get(MENTORHUB)
    if isinstance(mentorhub, MentorHub):
        await mentorhub_from_storage(ctx, mentorhub, *docs[MENTORHUB])


async def mentorhub_from_storage(
    ctx: Context, server: MentorHub, room: str, expected: dict[str, int]
) -> None:
    plan = ctx.plan
    warmup = (await server.new_rooms("warmup", 1))[0]
    for _ in range(plan.repeats):
        found = await cold_open(ctx, server, room, warmup, expected)
        ctx.record(SCENARIO, "cold_10k_ms", server.name, found.get("ms"))
        print(
            f"  {server.name:17} open {plan.open_updates:,} from storage {fmt(found.get('ms'))} ms",
            flush=True,
        )
    more = plan.open_long_updates - plan.open_updates
    added = await seed(ctx, server, room, "overwrite", more)
    print(
        f"  {server.name:17} +{more:,} updates in {added['totalMs'] / 1000:.1f} s "
        f"({more / (added['totalMs'] / 1000):.0f}/s), state "
        f"{added['bytes'] / 1024:.0f} KiB",
        flush=True,
    )
    expected = {**expected, **added["expected"]}
    for _ in range(plan.repeats):
        found = await cold_open(ctx, server, room, warmup, expected)
        ctx.record(SCENARIO, "cold_100k_ms", server.name, found.get("ms"))
        ctx.record(SCENARIO, "state_100k_kib", server.name, found.get("bytes", 0) / 1024)
        print(
            f"  {server.name:17} open {plan.open_long_updates:,} from storage "
            f"{fmt(found.get('ms'))} ms",
            flush=True,
        )


async def open_in_memory(
    ctx: Context, server: Server, room: str, expected: dict[str, int], times: int
) -> list[dict[str, Any]]:
    """Open `room` `times` times while another client keeps it in memory."""
    holder = ctx.worker("idle", server, rooms=[room], perRoom=1, maxSeconds=3600)
    with cleanup([holder]):
        await holder.start()
        await holder.expect("ready", 60)
        opens = await open_room(ctx, server, room, times, expected)
        holder.send("close")
        await holder.result(60)
    return opens
