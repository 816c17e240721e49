"""Fan-out: 1 writer, N readers in one room, an update every 10 ms; latency percentiles."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..servers import Server
from ..stats import percentile
from .common import cleanup, fmt, merge_counts, rotated, shares, with_split


async def measure(
    ctx: Context,
    writer_server: Server,
    reader_server: Server,
    readers: int,
    seconds: float,
    *,
    procs: int = 1,
) -> dict[str, Any]:
    """One fan-out run: writer on `writer_server`, readers on `reader_server`."""
    plan = ctx.plan
    room = (await writer_server.new_rooms("fanout", 1))[0]
    max_seq = int(seconds * 1000 / plan.fanout_interval_ms) + 1000
    limit = seconds + plan.fanout_grace_s + 300
    reader_workers = [
        ctx.worker(
            "fanout-readers", reader_server, room=room, readers=n, maxSeq=max_seq, maxSeconds=limit
        )
        for n in shares(readers, procs)
    ]
    writer = ctx.worker(
        "fanout-writer",
        writer_server,
        room=room,
        intervalMs=plan.fanout_interval_ms,
        durationMs=seconds * 1000,
        maxSeconds=limit,
    )
    with cleanup([*reader_workers, writer]):
        for worker in reader_workers:
            await worker.start()
        ready = [await worker.expect("ready", 180) for worker in reader_workers]
        await writer.start()
        await writer.expect("ready", 60)
        meters = {s.name: s.meter() for s in (writer_server, reader_server)}
        writer.send("go")
        sent = (await writer.expect("sent", seconds + 120))["sent"]
        for worker in reader_workers:
            worker.send("finish", sent=sent, graceMs=plan.fanout_grace_s * 1000)
        results = [await worker.result(plan.fanout_grace_s + 120) for worker in reader_workers]
        usage = {name: meter.stop() for name, meter in meters.items()}
        writer.send("stop")
        await writer.result(30)
    latencies = [us / 1000 for r in results for us in r["latenciesUs"]]
    expected = sum(r["expected"] for r in results)
    lost = sum(r["lost"] for r in results)
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "sent": sent,
        "expected": expected,
        "lost": lost,
        "duplicated": sum(r["duplicates"] for r in results),
        "delivered_share": (expected - lost) / expected if expected else 0.0,
        "readers": readers,
        "synced_readers": sum(r["synced"] for r in ready),
        "close_codes": merge_counts([r["closeCodes"] for r in results]),
        "server_cpu_pct": usage[reader_server.name]["cpu_pct"],
        "writer_server_cpu_pct": usage[writer_server.name]["cpu_pct"],
        "client_cpu_pct": max(w.cpu_pct("ready") for w in reader_workers),
        "writer_client_cpu_pct": writer.cpu_pct("ready"),
        "client_procs": procs,
    }


def record(ctx: Context, scenario: str, server: str, figures: dict[str, Any]) -> None:
    for metric in (
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "lost",
        "duplicated",
        "server_cpu_pct",
        "client_cpu_pct",
        "writer_client_cpu_pct",
        "client_procs",
    ):
        ctx.record(scenario, metric, server, figures[metric])
    if figures["close_codes"]:
        ctx.note(f"{scenario} on {server}: readers closed by the server: {figures['close_codes']}")
    if figures["synced_readers"] < figures["readers"]:
        ctx.note(
            f"{scenario} on {server}: only {figures['synced_readers']} of "
            f"{figures['readers']} readers synced"
        )


async def run(ctx: Context) -> None:
    servers = list(ctx.servers.values())
    for readers in ctx.plan.fanout_readers:
        scenario = f"fanout-{readers}"
        print(
            f"== {scenario}: 1 writer, {readers} readers, an update every "
            f"{ctx.plan.fanout_interval_ms:g} ms for {ctx.plan.fanout_seconds:g} s",
            flush=True,
        )
        for rep in range(ctx.plan.repeats):
            for server in rotated(servers, rep):
                figures = await with_split(
                    ctx,
                    (scenario, server.name),
                    measure,
                    server,
                    server,
                    readers,
                    ctx.plan.fanout_seconds,
                )
                record(ctx, scenario, server.name, figures)
                print(
                    f"  {server.name:17} p50 {fmt(figures['p50_ms'])} ms  p99 "
                    f"{fmt(figures['p99_ms'])} ms  lost {figures['lost']}  dup "
                    f"{figures['duplicated']}  server {figures['server_cpu_pct']:.0f}%  "
                    f"client {figures['client_cpu_pct']:.0f}% x{figures['client_procs']}",
                    flush=True,
                )
