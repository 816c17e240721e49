"""Prometheus metrics of the sync server, in a registry of their own (built in the lifespan)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import GC_COLLECTOR, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from .protocol import CloseCode

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
# the codes a close is counted under; any other is "other" (1005: none given, 1006: dropped)
CLOSE_CODES = frozenset(int(code) for code in CloseCode) | {1005, 1006}


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        # python_gc_*: the garbage collector's runs by generation (its pauses stall the loop)
        r.register(GC_COLLECTOR)
        self.connections = Gauge(
            "mentorhub_connections_open", "Open /collab WebSockets", registry=r
        )
        self.rooms = Gauge("mentorhub_rooms_active", "Documents loaded in rooms", registry=r)
        self.updates_received = Counter(
            "mentorhub_updates_received", "Yjs updates received, by origin", ["origin"], registry=r
        )
        self._received: dict[str, Any] = {}
        self.updates_relayed = Counter(
            "mentorhub_updates_relayed", "Update messages sent to peers", registry=r
        )
        self.bytes_in = Counter("mentorhub_bytes_received", "WebSocket bytes received", registry=r)
        self.bytes_out = Counter(
            "mentorhub_bytes_sent", "WebSocket bytes queued to peers", registry=r
        )
        self.commit_seconds = Histogram(
            "mentorhub_commit_seconds",
            "Update applied to committed",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.fanout_seconds = Histogram(
            "mentorhub_fanout_seconds",
            "Update received to relayed to peers",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.closes = Counter(
            "mentorhub_closes", "Connections closed, by code", ["code"], registry=r
        )
        self.held_dropped = Counter(
            "mentorhub_held_updates_dropped",
            "Updates held for missing dependencies that could not be applied once they came",
            registry=r,
        )
        self.rooms_broken = Counter(
            "mentorhub_rooms_broken",
            "Rooms unloaded because a commit failed for good (their peers closed 1011)",
            registry=r,
        )
        self.redis_errors = Counter("mentorhub_redis_errors", "Redis errors", registry=r)
        self.catch_ups = Counter(
            "mentorhub_catch_ups", "Rooms brought up to date from the log", registry=r
        )

    def closed(self, code: int | None) -> None:
        """Count a closed connection by its code; a code a client chose that mentorHub
        does not use counts as "other", so clients cannot make up label values."""
        label = str(code) if code in CLOSE_CODES else "other"
        self.closes.labels(label).inc()

    def received(self, origin: str) -> Any:
        """The counter child for an origin ("peer", "server", "remote"), bound once:
        `labels()` on every update costs more than the increment itself."""
        child = self._received.get(origin)
        if child is None:
            child = self._received[origin] = self.updates_received.labels(origin)
        return child

    def watch_store(self, store: Any) -> None:
        """Expose the update log's own counters (compactions, database retries)."""
        self.registry.register(_StoreCollector(lambda: store))

    def watch_rooms(self, rooms: Any) -> None:
        """Expose how many times a document was loaded from storage into a room."""
        self.registry.register(_RoomLoadCollector(rooms))


class _RoomLoadCollector(Collector):
    def __init__(self, rooms: Any) -> None:
        self._rooms = rooms

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "mentorhub_room_loads",
            "Documents loaded from storage into a room",
            value=getattr(self._rooms, "loads", 0),
        )


class _StoreCollector(Collector):
    def __init__(self, get_store: Callable[[], Any]) -> None:
        self._get_store = get_store

    def collect(self) -> Iterator[CounterMetricFamily]:
        store = self._get_store()
        yield CounterMetricFamily(
            "mentorhub_compactions",
            "Update-log compactions into snapshots",
            value=getattr(store, "compactions", 0),
        )
        yield CounterMetricFamily(
            "mentorhub_database_errors",
            "Database errors while committing (retried)",
            value=getattr(store, "write_retries", 0),
        )
        yield CounterMetricFamily(
            "mentorhub_commit_batches",
            "Group-commit transactions",
            value=getattr(store, "batches_committed", 0),
        )
