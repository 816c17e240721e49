"""Pages: GET /curricula/{id}/timeline and GET /curricula under concurrent clients, on a
curriculum with a short and a long update log (same cards, more moves)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from ..context import Context
from ..servers import MEMBER, MENTOR, MentorHub
from ..stats import percentile
from ..workers import run_job
from .common import fmt

SCENARIO = "pages"
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


async def page_headers(server: MentorHub, path: str) -> tuple[dict[str, str] | None, str]:
    """Headers that open `path`: none, the token, or a dev sign-in session cookie."""
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as client:
        if (await client.get(path)).status_code == 200:
            return {}, "anonymous"
        if server.token:
            bearer = {"Authorization": f"Bearer {server.token}"}
            if (await client.get(path, headers=bearer)).status_code == 200:
                return bearer, "personal access token"
        login = await client.get("/auth/login")
        match = CSRF.search(login.text)
        form = {"email": MENTOR, **({"csrf_token": match.group(1)} if match else {})}
        await client.post("/auth/dev", data=form)
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        if cookie and (await client.get(path, headers={"Cookie": cookie})).status_code == 200:
            return {"Cookie": cookie}, "session from dev sign-in (POST /auth/dev)"
    return None, "no way in"


async def seed_curriculum(ctx: Context, server: MentorHub, room: str, count: int) -> None:
    plan = ctx.plan
    job = ctx.job(
        "seed",
        server,
        room=room,
        kind="curriculum",
        count=count,
        items=plan.pages_items,
        member=MEMBER,
        mentor=MENTOR,
        connections=plan.seed_connections,
        ratePerConnection=plan.seed_rate_per_connection,
        seed=11,
        verifyTimeoutMs=300_000,
        maxSeconds=1200,
    )
    result = await run_job(job, ctx.log_dir / f"client-seed-pages-{room}.log", timeout=1200)
    if not result["verified"]:
        raise RuntimeError("the curriculum never showed all its updates")


async def load(
    ctx: Context, server: MentorHub, path: str, headers: dict[str, str]
) -> dict[str, Any]:
    plan = ctx.plan
    await asyncio.sleep(0.5)  # nothing else running: rooms unloaded, the server idle
    meter = server.meter()
    job = {
        "role": "http",
        "base": server.http_url,
        "paths": [path],
        "headers": headers,
        "concurrency": plan.pages_concurrency,
        "durationMs": plan.pages_seconds * 1000,
        "maxRequests": plan.pages_max_requests,
        "maxSeconds": plan.pages_seconds * 4 + 120,
    }
    found = await run_job(job, ctx.log_dir / "client-http.log", plan.pages_seconds * 4 + 120)
    usage = meter.stop()
    result = found["results"][0]
    latencies = [us / 1000 for us in result["latenciesUs"]]
    ok = result["statuses"].get("200", 0)
    return {
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "rps": result["requests"] / result["seconds"],
        "cpu_ms_per_request": usage["cpu_s"] * 1000 / result["requests"]
        if result["requests"]
        else None,
        "server_cpu_pct": usage["cpu_pct"],
        "errors": result["requests"] - ok,
        "statuses": result["statuses"],
        "bytes": result["bytes"],
    }


async def run(ctx: Context) -> None:
    plan = ctx.plan
    print(
        f"== {SCENARIO}: timeline and list pages, {plan.pages_concurrency} concurrent "
        f"clients, {plan.pages_short_log:,} vs {plan.pages_long_log:,} logged updates",
        flush=True,
    )
    url = f"sqlite:///{ctx.workdir / 'pages.sqlite3'}"
    server = MentorHub(ctx.log_dir, url, label="mentorhub-pages", DEV_SIGN_IN="true")
    ctx.extra.append(server)  # stopped when the whole run ends
    await server.prepare()
    await server.start()
    room = (await server.new_rooms("pages", 1))[0]
    await seed_curriculum(ctx, server, room, plan.pages_short_log)
    pages = {"timeline": f"/curricula/{room}/timeline", "list": "/curricula"}
    headers, how = await page_headers(server, pages["timeline"])
    if headers is None:
        ctx.note(
            f"{SCENARIO}: the pages refused every way in (anonymous, token, "
            "dev sign-in): not measured"
        )
        return
    ctx.note(f"{SCENARIO}: pages opened with: {how}")
    ctx.state["pages"] = (server, headers, pages)
    for size, count in (("short", plan.pages_short_log), ("long", plan.pages_long_log)):
        if size == "long":
            await seed_curriculum(ctx, server, room, count - plan.pages_short_log)
        for rep in range(plan.repeats):
            for page, path in pages.items() if rep % 2 == 0 else list(pages.items())[::-1]:
                figures = await load(ctx, server, path, headers)
                for metric in ("p50_ms", "p99_ms", "rps", "cpu_ms_per_request"):
                    ctx.record(f"pages-{page}", f"{metric}@{size}", "mentorhub", figures[metric])
                if figures["errors"]:
                    ctx.note(
                        f"{SCENARIO} {page} ({size} log): non-200 answers {figures['statuses']}"
                    )
                print(
                    f"  {page:8} {count:>6,} updates  p50 {fmt(figures['p50_ms'])} ms  "
                    f"p99 {fmt(figures['p99_ms'])} ms  {figures['rps']:.0f} req/s  "
                    f"{fmt(figures['cpu_ms_per_request'])} ms CPU/request  "
                    f"({figures['bytes'] / 1024:.0f} KiB)",
                    flush=True,
                )
