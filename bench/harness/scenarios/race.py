"""Race: 10 clients open the same brand-new room at the same instant, several times;
how many never finish syncing (and how many miss others' first edits)."""

from __future__ import annotations

from ..context import Context
from ..stats import median
from ..workers import run_job
from .common import fmt, rotated, still_serving

SCENARIO = "race"


async def run(ctx: Context) -> None:
    plan = ctx.plan
    print(
        f"== {SCENARIO}: {plan.race_clients} clients open a brand-new room at once, "
        f"{plan.race_rounds} times",
        flush=True,
    )
    servers = list(ctx.servers.values())
    for rep in range(plan.repeats):
        for server in rotated(servers, rep):
            never = diverged = stopped = 0
            sync_ms: list[float] = []
            codes: set[int] = set()
            for room in await server.new_rooms("race", plan.race_rounds):
                job = ctx.job(
                    "race",
                    server,
                    rooms=[room],
                    clients=plan.race_clients,
                    timeoutMs=plan.race_timeout_s * 1000,
                    maxSeconds=600,
                )
                log = ctx.log_dir / f"client-race-{server.name}.log"
                found = (await run_job(job, log, timeout=plan.race_timeout_s * 3 + 60))["rounds"][0]
                never += found["neverSynced"]
                diverged += found["diverged"]
                sync_ms += found["syncMs"]
                codes.update(found["closeCodes"])
                # A stuck join can leave a server unable to serve anyone (pycrdt-websocket
                # 0.16): each round starts from a server that serves.
                if not await still_serving(ctx, server):
                    stopped += 1
            ctx.record(SCENARIO, "never_synced", server.name, never)
            ctx.record(SCENARIO, "diverged", server.name, diverged)
            ctx.record(SCENARIO, "sync_ms", server.name, median(sync_ms))
            ctx.record(SCENARIO, "stopped_serving", server.name, stopped)
            if codes:
                ctx.note(f"{SCENARIO} on {server.name}: close codes {sorted(codes)}")
            print(
                f"  {server.name:17} never synced {never} of "
                f"{plan.race_clients * plan.race_rounds}, missed others' edits {diverged}, "
                f"sync median {fmt(median(sync_ms))} ms, stopped serving after {stopped} of "
                f"{plan.race_rounds} rounds",
                flush=True,
            )
