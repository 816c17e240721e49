"""`python -m harness [--quick] [--repeats N] [--only a,b] ...`: see bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from . import report
from .context import MENTORHUB, NODE, PYCRDT, Context
from .plan import FULL, QUICK
from .scenarios import (
    cluster,
    fanout,
    opening,
    pageload,
    pages,
    race,
    scale,
    storm,
    throughput,
)
from .scenarios.common import still_serving
from .servers import MentorHub, NodeServer, PycrdtServer, Server

BENCH = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "fanout": fanout.run,
    "throughput": throughput.run,
    "opening": opening.run,
    "scale": scale.run,
    "race": race.run,
    "storm": storm.run,
    "cluster": cluster.run,
    "pages": pages.run,
    "pageload": pageload.run,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument("--repeats", type=int, help="repetitions of each scenario (default 3)")
    parser.add_argument(
        "--only", help=f"comma-separated scenarios to run (default all: {','.join(SCENARIOS)})"
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="py-spy the mentorHub process during these scenarios "
        "(comma-separated, 'auto': those whose target mentorHub misses, 'none')",
    )
    parser.add_argument(
        "--servers",
        help="comma-separated subset of mentorhub,node,pycrdt-websocket (default: all three)",
    )
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="clients do not offer permessage-deflate (stock clients do)",
    )
    parser.add_argument(
        "--results", type=Path, default=BENCH / "results", help="where to write latest.md/json"
    )
    return parser.parse_args(argv)


async def start_servers(ctx: Context, workdir: Path, only: str | None) -> None:
    wanted = set((only or f"{MENTORHUB},{NODE},{PYCRDT}").split(","))
    if MENTORHUB in wanted:
        mentorhub = MentorHub(ctx.log_dir, f"sqlite:///{workdir / 'mentorhub.sqlite3'}")
        await mentorhub.prepare()
        if not mentorhub.accounts:
            ctx.note(
                "mentorHub has no admin commands (users/tokens/curricula) yet: "
                "rooms are arbitrary ids opened without a token"
            )
        ctx.servers[MENTORHUB] = mentorhub
    if NODE in wanted:
        ctx.servers[NODE] = NodeServer(ctx.log_dir)
    if PYCRDT in wanted:
        ctx.servers[PYCRDT] = PycrdtServer(ctx.log_dir)
    await asyncio.gather(*(server.start() for server in ctx.servers.values()))
    for server in ctx.servers.values():
        print(f"  {server.name:17} pid {server.pid} at {server.http_url}", flush=True)


async def stop_all(servers: list[Server]) -> None:
    for server in servers:
        with contextlib.suppress(Exception):
            await server.stop()


async def main(args: argparse.Namespace) -> int:
    plan = QUICK if args.quick else FULL
    if args.repeats:
        plan = replace(plan, repeats=args.repeats)
    chosen = [s for s in (args.only or ",".join(SCENARIOS)).split(",") if s]
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        print(f"unknown scenarios: {', '.join(unknown)}", file=sys.stderr)
        return 2
    profile_arg = args.profile or ("none" if args.quick else "auto")
    profile = set() if profile_arg in ("none", "auto") else set(profile_arg.split(","))
    args.results.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        plan=plan,
        results_dir=args.results,
        servers={},
        deflate=not args.no_deflate,
        profile=profile,
    )
    started = time.monotonic()
    ctx.state["commit"] = report.mentorhub_commit()  # what the servers started from
    ctx.load.start()
    with tempfile.TemporaryDirectory(prefix="mentorhub-bench-") as workdir:
        ctx.workdir = Path(workdir)
        try:
            print("== starting servers", flush=True)
            await start_servers(ctx, Path(workdir), args.servers)
            print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
            for name in chosen:
                ctx.load.phase = name
                began = time.monotonic()
                try:
                    await SCENARIOS[name](ctx)
                except Exception as error:  # one scenario failing must not lose the others
                    ctx.note(f"scenario {name} failed: {type(error).__name__}: {error}")
                await asyncio.gather(*(still_serving(ctx, s) for s in ctx.servers.values()))
                print(f"  ({name}: {time.monotonic() - began:.0f} s)", flush=True)
            ctx.load.phase = "profiling"
            if profile_arg == "auto":
                ctx.profile = report.missed_scenarios(ctx)
            if ctx.profile:
                from . import profiling

                await profiling.run(ctx, chosen)
        finally:
            with contextlib.suppress(Exception):
                await ctx.stack.aclose()
            await stop_all([*ctx.servers.values(), *ctx.extra])
            await ctx.load.stop()
    elapsed = time.monotonic() - started
    markdown = report.write(ctx, elapsed, quick=args.quick)
    print()
    print(markdown)
    return 0


def run() -> int:
    args = parse_args(sys.argv[1:])
    loop = asyncio.new_event_loop()
    task = loop.create_task(main(args))
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return loop.run_until_complete(task)
    except asyncio.CancelledError:
        print("interrupted: servers and clients stopped", file=sys.stderr)
        return 130
    finally:
        loop.close()


if __name__ == "__main__":
    sys.exit(run())
