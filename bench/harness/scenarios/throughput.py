"""Throughput: 10 writers blast 2,000 updates each into one room with 10 readers;
end-to-end updates a second until every reader holds all of them."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..servers import Server
from .common import cleanup, fmt, merge_counts, rotated, shares, with_split

SCENARIO = "throughput"


async def measure(ctx: Context, server: Server, *, procs: int = 1) -> dict[str, Any]:
    plan = ctx.plan
    room = (await server.new_rooms("throughput", 1))[0]
    expected = plan.throughput_writers * plan.throughput_updates_each
    limit = plan.throughput_timeout_s + 300
    readers = [
        ctx.worker(
            "throughput-readers",
            server,
            room=room,
            readers=n,
            expected=expected,
            timeoutMs=plan.throughput_timeout_s * 1000,
            maxSeconds=limit,
        )
        for n in shares(plan.throughput_readers, procs)
    ]
    writers = ctx.worker(
        "throughput-writers",
        server,
        room=room,
        writers=plan.throughput_writers,
        updatesEach=plan.throughput_updates_each,
        maxSeconds=limit,
    )
    with cleanup([*readers, writers]):
        synced = 0
        for worker in readers:
            await worker.start()
            synced += (await worker.expect("ready", 120))["synced"]
        await writers.start()
        synced += (await writers.expect("ready", 120))["synced"]
        wanted = plan.throughput_readers + plan.throughput_writers
        if synced < wanted:
            ctx.note(f"{SCENARIO} on {server.name}: only {synced} of {wanted} clients synced")
        meter = server.meter()
        for worker in readers:
            worker.send("go")
        writers.send("go")
        sent = await writers.expect("sent", plan.throughput_timeout_s + 60)
        results = [await w.result(plan.throughput_timeout_s + 60) for w in readers]
        usage = meter.stop()
        writers.send("stop")
        written = await writers.result(30)
    done = [us for r in results for us in r["doneUs"]]
    complete = sum(1 for us in done if us)
    seconds = (max(done) - written["startUs"]) / 1e6 if done and all(done) else None
    return {
        "updates_per_s": expected / seconds if seconds else None,
        "seconds": seconds,
        "send_seconds": (sent["sentUs"] - sent["startUs"]) / 1e6,
        "complete_readers": complete,
        "readers": plan.throughput_readers,
        "received_min": min((n for r in results for n in r["received"]), default=0),
        "expected": expected,
        "close_codes": merge_counts([written["closeCodes"], *[r["closeCodes"] for r in results]]),
        "server_cpu_pct": usage["cpu_pct"],
        "client_cpu_pct": max(w.cpu_pct("ready") for w in readers),
        "writer_client_cpu_pct": writers.cpu_pct("ready"),
        "client_procs": procs,
    }


async def run(ctx: Context) -> None:
    plan = ctx.plan
    print(
        f"== {SCENARIO}: {plan.throughput_writers} writers x {plan.throughput_updates_each} "
        f"updates, {plan.throughput_readers} readers, one room",
        flush=True,
    )
    servers = list(ctx.servers.values())
    for rep in range(plan.repeats):
        for server in rotated(servers, rep):
            figures = await with_split(ctx, (SCENARIO, server.name), measure, server)
            for metric in (
                "updates_per_s",
                "seconds",
                "complete_readers",
                "server_cpu_pct",
                "client_cpu_pct",
                "writer_client_cpu_pct",
                "client_procs",
            ):
                ctx.record(SCENARIO, metric, server.name, figures[metric])
            if figures["close_codes"]:
                ctx.note(
                    f"{SCENARIO} on {server.name}: connections closed by the server: "
                    f"{figures['close_codes']}"
                )
            if figures["complete_readers"] < figures["readers"]:
                ctx.note(
                    f"{SCENARIO} on {server.name}: {figures['complete_readers']} of "
                    f"{figures['readers']} readers got all {figures['expected']} updates "
                    f"(fewest received: {figures['received_min']})"
                )
            print(
                f"  {server.name:17} {fmt(figures['updates_per_s'], 0)} updates/s  "
                f"({fmt(figures['seconds'])} s, sending took {figures['send_seconds']:.2f} s)"
                f"  server {figures['server_cpu_pct']:.0f}%  readers' client "
                f"{figures['client_cpu_pct']:.0f}% x{figures['client_procs']}  writers' client "
                f"{figures['writer_client_cpu_pct']:.0f}%",
                flush=True,
            )
