"""Several instances behind a load balancer: Redis fan-out, catch-up, metrics, shutdown."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import websockets
from pycrdt import Map, Text

from tests.conftest import require
from tests.polling import until
from tests.yclient import close_code_after, collab_url, connected, content, eventually


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of the test's own, on its own port, that the test can stop."""

    def __init__(self, tmp_path) -> None:
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server")
        self.binary = binary
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def two_instances(server_factory, postgres_url, redis_server):
    env = {"REDIS_URL": redis_server.url, "CATCH_UP_SECONDS": "1"}
    first = server_factory(postgres_url, **env)
    second = server_factory(postgres_url, **env)
    return first, second


async def test_clients_on_two_instances_converge(two_instances):
    a_server, b_server = two_instances
    doc_id, token = a_server.new_curriculum()
    async with (
        connected(a_server.ws_url, doc_id, token=token) as a,
        connected(b_server.ws_url, doc_id, token=token) as b,
    ):
        a.get("meta", type=Map)["title"] = "Appollo's curriculum"
        b.get("resume", type=Text).insert(0, "SRE at a cloud company")
        await eventually(lambda: content(a) == content(b), what="cross-instance convergence")
        assert content(a)["meta"]["title"] == "Appollo's curriculum"
        assert content(a)["resume"] == "SRE at a cloud company"


def value(text: str, name: str) -> float:
    """The sum of a metric's samples in a /metrics page."""
    return sum(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


async def metric(server, name: str) -> float:
    async with httpx.AsyncClient(base_url=server.url) as http:
        return value((await http.get("/metrics")).text, name)


async def test_instances_keep_serving_without_redis_and_reconverge_after(
    two_instances, redis_server
):
    a_server, b_server = two_instances
    doc_id, token = a_server.new_curriculum()
    async with (
        connected(a_server.ws_url, doc_id, token=token) as a1,
        connected(a_server.ws_url, doc_id, token=token) as a2,
        connected(b_server.ws_url, doc_id, token=token) as b1,
    ):
        a1.get("meta", type=Map)["before"] = "outage"
        await eventually(lambda: b1.get("meta", type=Map).get("before") == "outage")
        errors = [await metric(server, "mentorhub_redis_errors_total") for server in two_instances]
        redis_server.stop()
        for server, before in zip(two_instances, errors, strict=True):  # both noticed
            await until(
                lambda server=server: metric(server, "mentorhub_redis_errors_total"),
                lambda now, before=before: now > before,
                what="the instance noticed Redis is gone",
            )
        a1.get("meta", type=Map)["during-a"] = "written on A"
        b1.get("meta", type=Map)["during-b"] = "written on B"
        # Each instance still serves its own peers.
        await eventually(lambda: a2.get("meta", type=Map).get("during-a") == "written on A")
        redis_server.start()
        await eventually(
            lambda: content(a1) == content(a2) == content(b1), timeout=10, what="reconvergence"
        )
        meta = content(b1)["meta"]
        assert meta["during-a"] == "written on A" and meta["during-b"] == "written on B"


async def test_kill_9_of_one_instance_loses_nothing_any_peer_received(two_instances):
    a_server, b_server = two_instances
    doc_id, token = a_server.new_curriculum()
    async with (
        connected(a_server.ws_url, doc_id, token=token) as a,
        connected(a_server.ws_url, doc_id, token=token) as a_reader,
        connected(b_server.ws_url, doc_id, token=token) as b,
        connected(b_server.ws_url, doc_id, token=token) as b_reader,
    ):
        a_items, b_items = a.get("items", type=Map), b.get("items", type=Map)
        for i in range(150):
            a_items[f"a{i}"] = Map({"title": f"from A {i}", "status": "later"})
            b_items[f"b{i}"] = Map({"title": f"from B {i}", "status": "later"})
            if i == 100:
                a_server.kill()
            if i % 10 == 0:
                await asyncio.sleep(0.01)  # a typing pace, so that the kill falls mid-stream
        # B's own reader has everything B was sent: what reached the peers has settled.
        await eventually(
            lambda: all(f"b{i}" in b_reader.get("items", type=Map) for i in range(150)),
            what="B's edits reached B's reader",
        )
        # What peers were sent by a server - not what an author merely typed locally.
        received = {k for k in content(a_reader)["items"]} | {k for k in content(b_reader)["items"]}
        received |= {k for k in content(a)["items"] if k.startswith("b")}
        received |= {k for k in content(b)["items"] if k.startswith("a")}
    assert any(k.startswith("a") for k in received) and any(k.startswith("b") for k in received)
    a_server.start()
    async with connected(a_server.ws_url, doc_id, token=token) as fresh:
        stored = set(content(fresh)["items"])
    missing = received - stored
    assert not missing, f"{len(missing)} updates a peer received were lost: {sorted(missing)[:5]}"


async def test_metrics_expose_the_series_and_move_when_clients_edit(server):
    doc_id, token = server.new_curriculum()
    async with httpx.AsyncClient(base_url=server.url) as http:
        before = (await http.get("/metrics")).text
        async with (
            connected(server.ws_url, doc_id, token=token) as a,
            connected(server.ws_url, doc_id, token=token),
        ):
            for i in range(5):
                a.get("meta", type=Map)[f"k{i}"] = i
            during = await until(
                lambda: http.get("/metrics"),
                lambda page: (
                    value(page.text, "mentorhub_updates_relayed_total")
                    >= 5 + value(before, "mentorhub_updates_relayed_total")
                ),
                what="the five updates relayed",
            )
            during = during.text
    for series in (
        "mentorhub_connections_open",
        "mentorhub_rooms_active",
        "mentorhub_updates_received_total",
        "mentorhub_updates_relayed_total",
        "mentorhub_bytes_received_total",
        "mentorhub_bytes_sent_total",
        "mentorhub_commit_seconds_bucket",
        "mentorhub_fanout_seconds_bucket",
        "mentorhub_closes_total",
        "mentorhub_compactions_total",
        "mentorhub_redis_errors_total",
        "mentorhub_database_errors_total",
    ):
        assert series in during, series

    assert value(during, "mentorhub_connections_open") == 2
    assert (
        value(during, "mentorhub_updates_relayed_total")
        >= 5
        > value(before, "mentorhub_updates_relayed_total")
    )
    assert value(during, "mentorhub_commit_seconds_count") >= 5


async def test_graceful_shutdown_closes_peers_with_1012_and_loses_nothing(server):
    doc_id, token = server.new_curriculum()
    async with (
        connected(server.ws_url, doc_id, token=token) as doc,
        connected(server.ws_url, doc_id, token=token) as reader,
    ):
        for i in range(50):
            doc.get("items", type=Map)[f"i{i}"] = Map({"title": f"Resource {i}"})
        # relayed to the reader, so committed (every update is committed before it is relayed)
        await eventually(lambda: content(reader) == content(doc), what="all 50 relayed")
        expected = content(doc)
    async with websockets.connect(collab_url(server.ws_url, doc_id, token)) as watcher:
        await watcher.recv()
        closing = asyncio.create_task(close_code_after(watcher, timeout=15))
        await asyncio.to_thread(server.terminate)  # SIGTERM
        assert await closing == 1012
    assert "Application shutdown complete" in server.log()  # it flushed and stopped cleanly
    server.start()
    async with connected(server.ws_url, doc_id, token=token) as after:
        assert content(after) == expected


async def test_the_grafana_dashboard_only_uses_series_the_server_exposes(server):
    dashboard = (Path(__file__).parent.parent / "ops" / "grafana-dashboard.json").read_text()
    used = set(re.findall(r"mentorhub_[a-z_]+", dashboard))
    async with httpx.AsyncClient(base_url=server.url) as http:
        exposed = (await http.get("/metrics")).text
    missing = {name for name in used if name not in exposed}
    assert not missing, f"dashboard queries series the server does not expose: {missing}"
