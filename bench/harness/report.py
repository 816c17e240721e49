"""Medians of every repetition, ratios to each peer, the targets; Markdown and JSON."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from typing import Any

from .context import MENTORHUB, NODE, PYCRDT, Context
from .scenarios.pageload import PROFILES as PAGELOAD_PROFILES
from .stats import median
from .targets import Target, targets

PEERS = (NODE, PYCRDT)

# Rows whose ratio to a peer means nothing (counts, the client's own figures).
NO_RATIO = {
    "lost",
    "duplicated",
    "client_cpu_pct",
    "client_procs",
    "writer_client_cpu_pct",
    "never_synced",
    "diverged",
    "state_kib",
    "stopped_serving",
    "never_resynced",
    "gave_up",
    "not_synced_before",
    "rooms",
    "rooms_kept",
    "rooms_equal",
    "rooms_changed",
    "rooms_unchecked",
    "unsettled_rooms",
    "stormers",
    "exit_s",
}

# (label, scenario, metric, digits) for each fan-out scenario.
SHARED_ROWS = [
    ("p50 latency, ms", "fanout", "p50_ms", 2),
    ("p95 latency, ms", "fanout", "p95_ms", 2),
    ("p99 latency, ms", "fanout", "p99_ms", 2),
    ("lost updates", "fanout", "lost", 0),
    ("duplicated updates", "fanout", "duplicated", 0),
    ("server CPU, % of a core", "fanout", "server_cpu_pct", 0),
    ("client CPU per process, %", "fanout", "client_cpu_pct", 0),
    ("client processes", "fanout", "client_procs", 0),
    ("writer's client CPU, %", "fanout", "writer_client_cpu_pct", 0),
]
OTHER_ROWS = [
    ("throughput", "updates/s end to end", "throughput", "updates_per_s", 0),
    ("throughput", "seconds until every reader had all", "throughput", "seconds", 2),
    ("throughput", "server CPU, % of a core", "throughput", "server_cpu_pct", 0),
    ("throughput", "readers' client CPU per process, %", "throughput", "client_cpu_pct", 0),
    ("throughput", "writers' client CPU, %", "throughput", "writer_client_cpu_pct", 0),
    ("opening", "connect -> sync step 2, in memory, ms", "opening", "open_10k_ms", 2),
    ("opening", "state sent, KiB", "opening", "state_kib", 0),
    ("scale", "RSS per idle connection, KiB", "scale", "rss_per_conn_kib", 1),
    ("scale", "connects/s (50 in flight)", "scale", "connects_per_s", 0),
    ("scale", "server RSS after, MiB", "scale", "rss_after_mib", 0),
    ("scale", "client CPU, %", "scale", "client_cpu_pct", 0),
    ("race", "never synced (of clients x rounds)", "race", "never_synced", 0),
    ("race", "synced but missed others' first edits", "race", "diverged", 0),
    ("race", "sync time, median ms", "race", "sync_ms", 1),
    ("race", "rounds after which the server served no one", "race", "stopped_serving", 0),
    ("storm", "all synced again, s after SIGTERM", "storm", "all_synced_s", 2),
    (
        "storm",
        "all synced again, s after listening again",
        "storm",
        "all_synced_after_listening_s",
        2,
    ),
    ("storm", "median client synced again, s after SIGTERM", "storm", "resync_p50_s", 2),
    ("storm", "restart: SIGTERM -> listening again, s", "storm", "restart_s", 2),
    ("storm", "of which SIGTERM -> process exited, s", "storm", "exit_s", 2),
    ("storm", "never synced again (time limit)", "storm", "never_resynced", 0),
    ("storm", "connection attempts per client", "storm", "attempts_mean", 1),
    ("storm", "rooms whose content the server kept", "storm", "rooms_kept", 0),
    ("storm", "rooms with content after = before", "storm", "rooms_equal", 0),
    ("storm", "rooms", "storm", "rooms", 0),
    ("storm", "client CPU, %", "storm", "client_cpu_pct", 0),
]


def medians(ctx: Context) -> dict[str, dict[str, dict[str, Any]]]:
    """scenario -> metric -> server -> median over repetitions (bools: all true)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for (scenario, metric), by_server in ctx.records.items():
        for server, values in by_server.items():
            if values and all(isinstance(v, bool) for v in values):
                value: Any = all(values)
            else:
                value = median([v for v in values if isinstance(v, int | float)])
            out.setdefault(scenario, {}).setdefault(metric, {})[server] = value
    return out


def get(m: dict[str, Any], scenario: str, metric: str, server: str = MENTORHUB) -> Any:
    return m.get(scenario, {}).get(metric, {}).get(server)


def ratio(a: Any, b: Any) -> float | None:
    if not isinstance(a, int | float) or not isinstance(b, int | float) or b == 0:
        return None
    return a / b


def show(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def fanout_scenarios(ctx: Context) -> list[str]:
    return [f"fanout-{n}" for n in ctx.plan.fanout_readers]


def target_rows(ctx: Context, m: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for target in targets(fanout_scenarios(ctx)[-1]):
        value = get(m, target.scenario, target.metric)
        if target.scenario == "cluster-cross" and get(m, "cluster", "cross_available") is False:
            rows.append({"target": target, "value": None, "met": None, "text": "not available"})
            continue
        if target.against:
            value = ratio(value, get(m, target.scenario, target.metric, target.against))
        elif target.against_metric:
            value = ratio(value, get(m, *target.against_metric))
        if value is None:
            rows.append({"target": target, "value": None, "met": None, "text": "not measured"})
            continue
        met = value >= target.limit if target.higher_is_better else value <= target.limit
        rows.append({"target": target, "value": value, "met": met, "text": ""})
    return rows


def missed_scenarios(ctx: Context) -> set[str]:
    """What to profile when --profile auto: the scenarios of missed targets."""
    return {
        row["target"].profile
        for row in target_rows(ctx, medians(ctx))
        if row["met"] is False and row["target"].profile
    }


def _limit_text(target: Target) -> str:
    if target.against is None and target.against_metric is None:
        return f"= {target.limit:g}" if target.limit == 0 else f"<= {target.limit:g}"
    return f">= {target.limit:g}x" if target.higher_is_better else f"<= {target.limit:g}x"


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                "",
            )
    except OSError:
        pass
    with open("/proc/meminfo") as meminfo:
        mem_kb = int(meminfo.readline().split()[1])
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(mem_kb / 1024 / 1024),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "node": node,
    }


def mentorhub_commit() -> str:
    """The commit measured, and whether the working tree differed from it."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    def git(*args: str) -> str:
        found = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return found.stdout.strip() if found.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench")
    return f"{commit} (with uncommitted changes)" if changed else commit


def versions() -> dict[str, str]:
    from importlib.metadata import version

    found = {}
    for package in ("pycrdt", "pycrdt-websocket", "uvicorn", "websockets", "starlette"):
        try:
            found[package] = version(package)
        except Exception:
            found[package] = "?"
    bench = os.path.join(os.path.dirname(os.path.dirname(__file__)), "node_modules")
    for package in ("@y/websocket-server", "yjs", "ws", "lib0", "y-protocols"):
        try:
            with open(os.path.join(bench, package, "package.json")) as meta:
                found[package] = json.load(meta)["version"]
        except OSError:
            found[package] = "?"
    return found


def pageload_rows(m: dict[str, Any]) -> list[tuple[str, Any, int]]:
    """The editor's page load in Chromium: time to "Connected", bytes and requests."""
    rows = []
    for profile in PAGELOAD_PROFILES:
        for phase in ("cold", "warm"):
            for metric, unit, digits in (
                ("ms", "ms to Connected", 0),
                ("kb", "kB transferred", 1),
                ("requests", "HTTP requests", 0),
                ("static_requests", "static files fetched (not from cache)", 0),
                ("static_kb", "kB of static files", 1),
            ):
                value = get(m, f"pageload-{profile}", f"{phase}_{metric}")
                rows.append((f"editor page load, {profile}, {phase}: {unit}", value, digits))
    return rows


def markdown(ctx: Context, m: dict[str, Any], elapsed: float, quick: bool) -> str:
    plan = ctx.plan
    info = machine()
    lines = [
        f"# mentorHub benchmark{' (--quick smoke run: counts shrunk)' if quick else ''}",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {info['cores']} cores ({info['cpu']}), "
        f"{info['memory_gib']} GiB; Python {info['python']}, Node {info['node']}; "
        f"mentorHub {ctx.state.get('commit', mentorhub_commit())}; "
        f"medians of {plan.repeats} repetition(s); run took {elapsed / 60:.1f} min. "
        f"Clients {'offer' if ctx.deflate else 'do not offer'} permessage-deflate.",
        "",
        "| scenario | measure | mentorHub | node | pycrdt-websocket | mentorHub / node "
        "| mentorHub / pycrdt-websocket |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]

    def row(section: str, label: str, scenario: str, metric: str, digits: int) -> None:
        values = [get(m, scenario, metric, s) for s in (MENTORHUB, NODE, PYCRDT)]
        if all(v is None for v in values):
            return
        ratios = [ratio(values[0], values[1]), ratio(values[0], values[2])]
        if metric in NO_RATIO:
            ratios = [None, None]
        cells = [show(v, digits) for v in values] + [
            "-" if r is None else f"{r:.2f}x" for r in ratios
        ]
        lines.append(f"| {section} | {label} | " + " | ".join(cells) + " |")

    for scenario in fanout_scenarios(ctx):
        readers = scenario.rsplit("-", 1)[-1]
        for label, _, metric, digits in SHARED_ROWS:
            row(f"fan-out, {readers} readers", label, scenario, metric, digits)
    for section, label, scenario, metric, digits in OTHER_ROWS:
        row(section, label, scenario, metric, digits)

    own = [
        (
            f"opening from storage (restarted), {plan.open_updates:,} updates, ms",
            get(m, "opening", "cold_10k_ms"),
            2,
        ),
        (
            f"opening from storage, {plan.open_long_updates:,} logged updates, ms",
            get(m, "opening", "cold_100k_ms"),
            2,
        ),
        (
            f"state sent after {plan.open_long_updates:,} updates, KiB",
            get(m, "opening", "state_100k_kib"),
            0,
        ),
    ]
    for mode in ("single", "cross"):
        for metric, unit in (
            ("p50_ms", "p50 ms"),
            ("p99_ms", "p99 ms"),
            ("lost", "lost"),
            ("duplicated", "duplicated"),
        ):
            own.append(
                (
                    f"two instances (Redis, PostgreSQL), {plan.cluster_readers} readers, "
                    f"{mode}: {unit}",
                    get(m, f"cluster-{mode}", metric),
                    2,
                )
            )
    for page in ("timeline", "list"):
        for size, count in (("short", plan.pages_short_log), ("long", plan.pages_long_log)):
            for metric, unit, digits in (
                ("p50_ms", "p50 ms", 2),
                ("p99_ms", "p99 ms", 2),
                ("rps", "requests/s", 0),
                ("cpu_ms_per_request", "server CPU ms/request", 2),
            ):
                own.append(
                    (
                        f"{page} page, {count:,} logged updates, {plan.pages_concurrency} "
                        f"clients: {unit}",
                        get(m, f"pages-{page}", f"{metric}@{size}"),
                        digits,
                    )
                )
    own += pageload_rows(m)
    own = [entry for entry in own if entry[1] is not None]
    if own:
        lines += ["", "| mentorHub only | value |", "|---|--:|"]
        lines += [f"| {label} | {show(value, digits)} |" for label, value, digits in own]

    lines += ["", "## Targets", "", "| target | measured | limit | met |", "|---|--:|--:|:-:|"]
    for found in target_rows(ctx, m):
        target: Target = found["target"]
        measured = found["text"] or (
            f"{found['value']:.2f}x"
            if target.against or target.against_metric
            else show(found["value"], 0)
        )
        met = {True: "yes", False: "**no**", None: "-"}[found["met"]]
        lines.append(f"| {target.label} | {measured} | {_limit_text(target)} | {met} |")
    load = ctx.load.summary()
    measured = {phase: v for phase, v in load.items() if phase not in ("setup",)}
    if measured:
        lines += [
            "",
            "## Other processes on the machine during each scenario",
            "",
            "CPU used by processes outside this run, in cores (of "
            f"{os.cpu_count()}); above ~0.25 the figures of that scenario are noisy.",
            "",
            "| scenario | median | max |",
            "|---|--:|--:|",
        ]
        lines += [
            f"| {phase} | {v['median_cores']:.2f} | {v['max_cores']:.2f} |"
            for phase, v in measured.items()
        ]
    if ctx.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in ctx.notes]
    profiles = sorted(ctx.results_dir.glob("profile-*.md"))
    if profiles:
        lines += ["", "## Profiles (py-spy, mentorHub)", ""]
        lines += [f"- `{p.name}`" for p in profiles]
    return "\n".join(lines) + "\n"


def write(ctx: Context, elapsed: float, quick: bool) -> str:
    m = medians(ctx)
    text = markdown(ctx, m, elapsed, quick)
    (ctx.results_dir / "latest.md").write_text(text)
    data = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "elapsed_s": elapsed,
        "machine": machine(),
        "versions": versions(),
        "mentorhub_commit": ctx.state.get("commit", mentorhub_commit()),
        "plan": ctx.plan.__dict__,
        "deflate_offered": ctx.deflate,
        "medians": m,
        "repetitions": {
            f"{scenario}/{metric}": dict(by_server)
            for (scenario, metric), by_server in ctx.records.items()
        },
        "targets": [
            {
                "target": row["target"].label,
                "value": row["value"],
                "met": row["met"],
                "limit": row["target"].limit,
                "note": row["text"],
            }
            for row in target_rows(ctx, m)
        ],
        "client_split": {f"{k[0]}/{k[1]}": v for k, v in ctx.split.items()},
        "other_processes_cores": ctx.load.summary(),
        "notes": ctx.notes,
    }
    (ctx.results_dir / "latest.json").write_text(json.dumps(data, indent=2, default=str))
    return text
