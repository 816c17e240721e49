"""A document pushed to its size quota at the rate limit: memory, and other rooms' latency.

    .venv/bin/python bench/growing_document.py [--repeats 3]

Starts mentorHub (SQLite, the default quota), and per repeat: one client appends 2 KiB to
the notes of 64 cards in turn, 160 times a second, until the server refuses the update
that would cross a limit (1008); beside it, a probe edits another room every 100 ms and
times how long the edit takes to reach a second client. The peer in the same run is the
same traffic overwriting one map key, so the document stays small. Prints the server's
RSS growth at its peak and after the room unloads (and one memory trim, server/app.py),
and the probe's latency, as medians over the repeats. The growth is compared with the
quota (MAX_DOCUMENT_BYTES, 4 MiB).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets
from pycrdt import Doc, Map, create_update_message

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from collab.edits import add_item  # noqa: E402
from server.app import MEMORY_TRIM_SECONDS  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402
from tests.yclient import collab_url, connected  # noqa: E402

CARDS, CHUNK, RATE, OVERWRITES = 64, 2048, 160, 2400


def rss_mib(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def probe(server: ServerProcess, stop: asyncio.Event, latencies: list[float]) -> None:
    doc_id, token = server.new_curriculum("probe@example.org")
    async with (
        connected(server.ws_url, doc_id, token=token) as a,
        connected(server.ws_url, doc_id, token=token) as b,
    ):
        n = 0
        while not stop.is_set():
            n += 1
            started = time.monotonic()
            a.get("meta", type=Map)["ping"] = n
            while b.get("meta", type=Map).get("ping") != n:
                await asyncio.sleep(0.001)
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.1)


async def one_run(server: ServerProcess, pid: int, growing: bool) -> dict[str, Any]:
    doc_id, token = server.new_curriculum()
    stop, latencies = asyncio.Event(), []  # type: ignore[var-annotated]
    probing = asyncio.create_task(probe(server, stop, latencies))
    start_rss, peak, sent, code = rss_mib(pid), 0.0, 0, None
    client: Doc = Doc()
    cards = [add_item(client, title=f"Card {n}") for n in range(CARDS)]
    async with websockets.connect(collab_url(server.ws_url, doc_id, token), max_size=None) as ws:
        await ws.send(create_update_message(client.get_update()))
        try:
            while growing or sent < OVERWRITES:
                before = client.get_state()
                if growing:
                    notes = client.get("items", type=Map)[cards[sent % CARDS]]["notes"]
                    notes += "x" * CHUNK
                else:
                    client.get("meta", type=Map)["scratch"] = "x" * CHUNK
                await ws.send(create_update_message(client.get_update(before)))
                sent += 1
                if sent % 50 == 0:
                    peak = max(peak, rss_mib(pid))
                await asyncio.sleep(1 / RATE)
        except websockets.ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
    peak = max(peak, rss_mib(pid))
    while server.log().count(f"room {doc_id} unloaded") == 0:  # its last peer left
        await asyncio.sleep(0.1)
    await asyncio.sleep(MEMORY_TRIM_SECONDS + 1)  # its last syncs and one memory trim
    stop.set()
    await probing
    return {
        "sent": sent, "code": code, "peak": peak - start_rss, "after": rss_mib(pid) - start_rss,
        "p50": statistics.median(latencies) * 1000, "max": max(latencies) * 1000,
        "p99": statistics.quantiles(latencies, n=100)[98] * 1000,
    }  # fmt: skip


async def main(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess({"DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3"}, Path(tmp) / "log")
        server.migrate()
        server.start()
        assert server.process is not None
        rows = []
        try:
            for kind, growing in (("growing to the quota", True), ("one key overwritten", False)):
                runs = [await one_run(server, server.process.pid, growing) for _ in range(repeats)]
                rows.append(
                    (kind, {k: statistics.median(r[k] or 0 for r in runs) for k in runs[0]})
                )
        finally:
            server.terminate()
    print(
        "| traffic | updates | close | RSS peak +MiB | after unload +MiB"
        " | other room p50 / p99 / max ms |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, m in rows:
        print(
            f"| {kind} | {m['sent']:.0f} | {m['code']:.0f} | {m['peak']:.1f} | {m['after']:.1f} "
            f"| {m['p50']:.1f} / {m['p99']:.1f} / {m['max']:.1f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    asyncio.run(main(parser.parse_args().repeats))
