"""Page load: the editor opened in Chromium, cold (empty cache) and warm (a second visit
in the same browser context), on loopback and on a throttled network.

Each visit is a new tab: the time is from the start of its navigation to the moment the
connection indicator says "Connected" (read in the page, `performance.now()` when
`#connection` turns `data-state="connected"`); the bytes are what Chromium's network layer
received for every HTTP request of the tab (CDP `Network.loadingFinished`
`encodedDataLength`: headers and body as sent, compressed or not; the WebSocket's frames
are not counted). A static file taken from the browser's cache makes no request on the
network and counts no bytes; a revalidation (304) counts as a request.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from typing import Any

import httpx

from ..context import MENTORHUB, Context
from ..servers import MentorHub
from .common import fmt

SCENARIO = "pageload"
DOC_ID = "demo-appollo"  # the demo data's curriculum of Appollo, mentored by Maven
WHO = "maven@example.org"
# the flags the browser tests use (e2e/conftest.py): no sandbox, GPU or background traffic
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}
# Chrome DevTools' "Fast 3G" preset (now named "Slow 4G"): 562.5 ms of latency,
# 1.44 Mbit/s down and 675 kbit/s up (its 1.6 Mbit/s and 750 kbit/s times 0.9).
PROFILES: dict[str, dict[str, Any] | None] = {
    "loopback": None,
    "fast-3g": {
        "offline": False,
        "latency": 562.5,
        "downloadThroughput": 1_600_000 * 0.9 / 8,
        "uploadThroughput": 750_000 * 0.9 / 8,
    },
}
PHASES = ("cold", "warm")
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
# Runs before the page's own scripts: note when the indicator first says "Connected".
CONNECTED_AT = """
new MutationObserver(() => {
  const status = document.getElementById("connection");
  if (window.__connectedAt === undefined && status?.dataset.state === "connected") {
    window.__connectedAt = performance.now();
  }
}).observe(document, { subtree: true, childList: true, attributes: true });
"""


QUIET = 1.0  # seconds without a new request after which a page has made all it makes


class Traffic:
    """The HTTP requests of one tab, from the Chrome DevTools Protocol's Network domain."""

    def __init__(self) -> None:
        self.requests: dict[str, dict[str, Any]] = {}
        self.last_sent = time.monotonic()

    def listen(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._from_cache)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def _entry(self, request_id: str) -> dict[str, Any]:
        fresh = {"url": "", "cached": False, "bytes": 0, "done": False, "status": None}
        return self.requests.setdefault(request_id, {**fresh, "stream": False})

    def _sent(self, event: dict[str, Any]) -> None:
        self._entry(event["requestId"])["url"] = event["request"]["url"]
        self.last_sent = time.monotonic()

    def _from_cache(self, event: dict[str, Any]) -> None:
        self._entry(event["requestId"])["cached"] = True

    def _response(self, event: dict[str, Any]) -> None:
        entry = self._entry(event["requestId"])
        response = event["response"]
        entry["status"] = response.get("status")
        # a live-refresh stream stays open as long as the page: never waited for
        entry["stream"] = response.get("mimeType") == "text/event-stream"
        if response.get("fromDiskCache") or response.get("fromServiceWorker"):
            entry["cached"] = True

    def _finished(self, event: dict[str, Any]) -> None:
        entry = self._entry(event["requestId"])
        entry["bytes"], entry["done"] = event.get("encodedDataLength", 0), True

    def _failed(self, event: dict[str, Any]) -> None:
        self._entry(event["requestId"])["done"] = True

    def settled(self) -> bool:
        """Every request answered (a live-refresh stream excepted), and none sent for
        QUIET seconds: the requests the page makes after its load event count too."""
        if time.monotonic() - self.last_sent < QUIET:
            return False
        return all(entry["done"] or entry["stream"] for entry in self.requests.values())

    def summary(self) -> dict[str, Any]:
        fetched = [r for r in self.requests.values() if r["url"].startswith("http")]
        network = [r for r in fetched if not r["cached"]]
        static = [r for r in network if "/static/" in r["url"]]
        return {
            "kb": sum(r["bytes"] for r in network) / 1000,
            "requests": len(network),
            "static_requests": len(static),
            "static_kb": sum(r["bytes"] for r in static) / 1000,
            "cache_hits": len(fetched) - len(network),
        }


async def session_cookies(base_url: str) -> list[dict[str, Any]]:
    """Sign in as the demo mentor with the development sign-in; the session's cookies."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        login = await client.get("/auth/login")
        match = CSRF.search(login.text)
        form = {"email": WHO, **({"csrf_token": match.group(1)} if match else {})}
        await client.post("/auth/dev", data=form)
        if (await client.get(f"/curricula/{DOC_ID}")).status_code != 200:
            raise RuntimeError(f"the dev sign-in as {WHO} did not open /curricula/{DOC_ID}")
        return [
            {"name": name, "value": value, "url": base_url}
            for name, value in client.cookies.items()
        ]


async def visit(context: Any, url: str, network: dict[str, Any] | None) -> dict[str, Any]:
    """Open `url` in a new tab of `context`; time to "Connected", requests and bytes."""
    page = await context.new_page()
    try:
        cdp = await context.new_cdp_session(page)
        traffic = Traffic()
        traffic.listen(cdp)
        await cdp.send("Network.enable")
        if network is not None:
            await cdp.send("Network.emulateNetworkConditions", network)
        await page.add_init_script(CONNECTED_AT)
        await page.goto(url, wait_until="commit", timeout=120_000)
        await page.wait_for_function("() => window.__connectedAt !== undefined", timeout=120_000)
        connected_ms = await page.evaluate("() => window.__connectedAt")
        await page.wait_for_load_state("load", timeout=120_000)
        deadline = time.monotonic() + 30
        while not traffic.settled() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return {"ms": connected_ms, **traffic.summary()}
    finally:
        await page.close()


async def measure(ctx: Context, browser: Any, base_url: str, cookies: list[dict[str, Any]]) -> None:
    url = f"{base_url}/curricula/{DOC_ID}"
    for profile, network in PROFILES.items():
        for rep in range(ctx.plan.pageload_runs):
            context = await browser.new_context(viewport=VIEWPORT)
            try:
                await context.add_cookies(cookies)
                for phase in PHASES:
                    found = await visit(context, url, network)
                    for metric, value in found.items():
                        ctx.record(f"pageload-{profile}", f"{phase}_{metric}", MENTORHUB, value)
                    print(
                        f"  {profile:9} {phase} #{rep + 1}: {fmt(found['ms'], 0):>5} ms to "
                        f"Connected, {found['kb']:6.1f} kB in {found['requests']} requests "
                        f"({found['static_requests']} static, {found['static_kb']:.1f} kB; "
                        f"{found['cache_hits']} from cache)",
                        flush=True,
                    )
            finally:
                await context.close()


async def run(ctx: Context) -> None:
    print(
        f"== {SCENARIO}: the editor in Chromium, cold and warm, "
        f"{' and '.join(PROFILES)}, {ctx.plan.pageload_runs} run(s) each",
        flush=True,
    )
    chromium = shutil.which("chromium")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        async_playwright = None
    if chromium is None or async_playwright is None:
        ctx.note(f"{SCENARIO}: needs Chromium and Playwright for Python: not measured")
        return
    url = f"sqlite:///{ctx.workdir / 'pageload.sqlite3'}"
    server = MentorHub(ctx.log_dir, url, label="mentorhub-pageload", DEV_SIGN_IN="true")
    ctx.extra.append(server)  # stopped when the whole run ends
    await server.prepare()
    seeded = (await server.admin([["seed-demo"]]))[0]
    if seeded["code"] != 0:
        raise RuntimeError(f"mentorhub seed-demo failed: {seeded['err'][-800:]}")
    await server.start()
    cookies = await session_cookies(server.http_url)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            await measure(ctx, browser, server.http_url, cookies)
        finally:
            await browser.close()
