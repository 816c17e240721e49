"""Two mentorHub instances on one PostgreSQL database with Redis fan-out: the writer on
instance A, the readers on instance B, against both on A (same settings)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Any

from ..context import Context
from ..servers import MentorHub, ServerError
from .common import fmt
from .fanout import measure

SCENARIO = "cluster"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"
NOT_AVAILABLE_BELOW = 0.5  # share of updates delivered across instances


def services_missing() -> str | None:
    try:
        import psycopg
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


@contextlib.asynccontextmanager
async def instances(ctx: Context) -> AsyncIterator[tuple[MentorHub, MentorHub]]:
    """A fresh database mh_bench_<random>, two instances on it; all gone afterwards."""
    database = f"mh_bench_{secrets.token_hex(4)}"
    _admin_sql(f'CREATE DATABASE "{database}"')
    url = f"{POSTGRES}/{database}"
    a = MentorHub(ctx.log_dir, url, label="mentorhub-A", REDIS_URL=REDIS_URL)
    b = MentorHub(ctx.log_dir, url, label="mentorhub-B", REDIS_URL=REDIS_URL)
    b.env["SECRET_KEY"] = a.env["SECRET_KEY"]  # one deployment, one secret
    ctx.extra.extend([a, b])
    try:
        await a.prepare()
        b.share_accounts(a)
        await asyncio.gather(a.start(), b.start())
        yield a, b
    finally:
        for server in (a, b):
            with contextlib.suppress(Exception):
                await server.stop()
            ctx.extra.remove(server)
        with contextlib.suppress(Exception):
            _admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def run(ctx: Context) -> None:
    plan = ctx.plan
    readers, seconds = plan.cluster_readers, plan.cluster_seconds
    print(
        f"== {SCENARIO}: 2 instances, PostgreSQL + Redis; 1 writer on A, {readers} readers "
        f"on B (cross) or on A (single), {seconds:g} s",
        flush=True,
    )
    missing = services_missing()
    if missing:
        ctx.note(f"{SCENARIO}: not available (PostgreSQL or Redis unreachable: {missing})")
        return
    # Left running (and the database kept) until the whole run ends, for the profiling pass.
    try:
        a, b = await ctx.stack.enter_async_context(instances(ctx))
    except ServerError as error:
        ctx.note(f"{SCENARIO}: not available (the instances did not start: {error})")
        return
    ctx.state["cluster"] = (a, b)
    available = True
    for rep in range(plan.repeats):
        modes = [("single", a), ("cross", b)]
        for mode, reader_server in modes if rep % 2 == 0 else modes[::-1]:
            figures: dict[str, Any] = await measure(ctx, a, reader_server, readers, seconds)
            label = f"{SCENARIO}-{mode}"
            share = figures["delivered_share"]
            if mode == "cross" and share < NOT_AVAILABLE_BELOW:
                available = False
            for metric in (
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "lost",
                "duplicated",
                "server_cpu_pct",
                "writer_server_cpu_pct",
                "client_cpu_pct",
            ):
                ctx.record(label, metric, "mentorhub", figures[metric])
            print(
                f"  {mode:6} p50 {fmt(figures['p50_ms'])} ms  p99 {fmt(figures['p99_ms'])} ms"
                f"  delivered {share:.1%}  dup {figures['duplicated']}  instance A "
                f"{figures['writer_server_cpu_pct']:.0f}%  readers' instance "
                f"{figures['server_cpu_pct']:.0f}%",
                flush=True,
            )
    ctx.record(SCENARIO, "cross_available", "mentorhub", available)
    if not available:
        ctx.note(
            f"{SCENARIO}: cross-instance fan-out not available (readers on B got less "
            f"than {NOT_AVAILABLE_BELOW:.0%} of the updates written on A)"
        )
