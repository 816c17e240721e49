"""How much each scenario does: the full run and the --quick smoke run."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Plan:
    repeats: int = 3
    # fan-out: one writer, an update every interval, N readers in one room
    fanout_readers: tuple[int, ...] = (50, 200)
    fanout_seconds: float = 10.0
    fanout_interval_ms: float = 10.0
    fanout_grace_s: float = 5.0
    # throughput: writers blast pre-built updates into one room, readers wait for all
    throughput_writers: int = 10
    throughput_updates_each: int = 2000
    throughput_readers: int = 10
    throughput_timeout_s: float = 120.0
    # opening: a document built from N updates; mentorHub also after M logged updates, cold
    open_updates: int = 10_000
    open_long_updates: int = 100_000
    open_times: int = 5
    seed_connections: int = 10
    seed_rate_per_connection: int = 400  # below mentorHub's default 500 messages/s per socket
    # scale: idle connections over rooms
    scale_connections: int = 2000
    scale_rooms: int = 1000
    scale_fresh_process: bool = True  # restart each server before measuring its memory
    # race: clients opening one brand-new room at the same instant
    race_clients: int = 10
    race_rounds: int = 5
    race_timeout_s: float = 10.0
    # reconnect storm: synced connections over rooms, the server restarted under them
    storm_connections: int = 2000
    storm_rooms: int = 500
    storm_limit_s: float = 60.0  # after the restart; a client not synced again by then never was
    storm_max_backoff_ms: int = 2500  # the y-websocket provider's default maxBackoffTime
    # two mentorHub instances with Redis and PostgreSQL
    cluster_readers: int = 50
    cluster_seconds: float = 10.0
    # pages: timeline and list under concurrent clients, short and long update log
    pages_concurrency: int = 50
    pages_seconds: float = 5.0
    pages_max_requests: int = 20_000
    pages_short_log: int = 1_000
    pages_long_log: int = 20_000
    pages_items: int = 40
    # pageload: the editor in Chromium, cold and warm, per network profile
    pageload_runs: int = 5
    # client split: a load-client process above this share of a core is split in two
    client_cpu_limit_pct: float = 80.0


FULL = Plan()

QUICK = replace(
    FULL,
    repeats=1,
    fanout_readers=(10, 40),
    fanout_seconds=1.0,
    fanout_grace_s=1.0,
    throughput_writers=4,
    throughput_updates_each=250,
    throughput_readers=4,
    throughput_timeout_s=30.0,
    open_updates=500,
    open_long_updates=2_000,
    open_times=2,
    seed_connections=4,
    scale_connections=50,
    scale_rooms=25,
    scale_fresh_process=False,
    race_rounds=1,
    race_timeout_s=3.0,
    storm_connections=100,
    storm_rooms=25,
    storm_limit_s=30.0,
    cluster_readers=10,
    cluster_seconds=1.0,
    pages_concurrency=10,
    pages_seconds=0.5,
    pages_short_log=100,
    pages_long_log=1_000,
    pages_items=20,
    pageload_runs=1,
)
