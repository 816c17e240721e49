"""What the table checks mentorHub against, each a ratio measured in the same run.

The limits are the project's performance targets (fan-out p99 no worse than the Node
server's and at most a tenth of pycrdt-websocket's; throughput at least the Node
server's; opening no slower than the Node server or pycrdt-websocket, and 100,000
logged updates within 2x of 10,000; memory per idle connection no more than the Node
server's and a connect + sync rate at least its; no never-synced joins; cross-instance
p99 within 1.5x of single-instance; after a restart under a reconnect storm, everyone
synced again no later than with the Node server, nobody left behind and nothing lost),
kept in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import MENTORHUB, NODE, PYCRDT


@dataclass(frozen=True)
class Target:
    label: str
    scenario: str  # mentorHub's figure: (scenario, metric)
    metric: str
    limit: float
    higher_is_better: bool = False
    against: str | None = None  # a peer server's figure for the same scenario and metric...
    against_metric: tuple[str, str] | None = None  # ...or another mentorHub figure
    profile: str | None = None  # what to py-spy when the target is missed


def targets(fanout_max: str) -> list[Target]:
    readers = fanout_max.rsplit("-", 1)[-1]
    return [
        Target(
            f"fan-out p99, {readers} readers: mentorHub / node",
            fanout_max,
            "p99_ms",
            1.0,
            against=NODE,
            profile="fanout",
        ),
        Target(
            f"fan-out p99, {readers} readers: mentorHub / pycrdt-websocket",
            fanout_max,
            "p99_ms",
            0.1,
            against=PYCRDT,
            profile="fanout",
        ),
        Target(
            "throughput: mentorHub / node",
            "throughput",
            "updates_per_s",
            1.0,
            higher_is_better=True,
            against=NODE,
            profile="throughput",
        ),
        Target(
            "opening (in memory): mentorHub / pycrdt-websocket",
            "opening",
            "open_10k_ms",
            1.0,
            against=PYCRDT,
            profile="opening",
        ),
        Target(
            "opening (in memory): mentorHub / node",
            "opening",
            "open_10k_ms",
            1.0,
            against=NODE,
            profile="opening",
        ),
        Target(
            "opening from storage: 100k / 10k logged updates",
            "opening",
            "cold_100k_ms",
            2.0,
            against_metric=("opening", "cold_10k_ms"),
            profile="opening-cold",
        ),
        Target(
            "memory per idle connection: mentorHub / node",
            "scale",
            "rss_per_conn_kib",
            1.0,
            against=NODE,
        ),
        Target(
            "connect + sync rate (scale): mentorHub / node",
            "scale",
            "connects_per_s",
            1.0,
            higher_is_better=True,
            against=NODE,
            profile="scale",
        ),
        Target("never-synced joins (race), mentorHub", "race", "never_synced", 0.0),
        Target(
            "reconnect storm, all synced again: mentorHub / node",
            "storm",
            "all_synced_s",
            1.0,
            against=NODE,
        ),
        Target("never-resynced after the storm, mentorHub", "storm", "never_resynced", 0.0),
        Target(
            "rooms whose content changed over the restart, mentorHub", "storm", "rooms_changed", 0.0
        ),
        Target(
            "cross-instance p99 / single-instance p99",
            "cluster-cross",
            "p99_ms",
            1.5,
            against_metric=("cluster-single", "p99_ms"),
            profile="cluster",
        ),
        Target(
            "timeline page CPU per request: long / short log",
            "pages-timeline",
            "cpu_ms_per_request@long",
            1.5,
            against_metric=("pages-timeline", "cpu_ms_per_request@short"),
            profile="pages",
        ),
        Target(
            "list page CPU per request: long / short log",
            "pages-list",
            "cpu_ms_per_request@long",
            1.5,
            against_metric=("pages-list", "cpu_ms_per_request@short"),
            profile="pages",
        ),
        Target(
            "editor page load, warm: static files fetched again",
            "pageload-loopback",
            "warm_static_requests",
            0.0,
        ),
        Target("editor page load, cold: kB transferred", "pageload-loopback", "cold_kb", 100.0),
    ]


__all__ = ["MENTORHUB", "Target", "targets"]
