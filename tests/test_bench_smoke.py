"""The benchmark harness still runs: `bench/run.sh --quick` end to end, every scenario
measured on every server. A smoke run with shrunk counts, not a judgement of speed: no
figure is compared with a limit here (bench/README.md has the figures and the targets)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import IN_CI, require

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
RUN_LIMIT_S = 15 * 60

PEERS = ("mentorhub", "node")  # every shared figure must be there for these two
SHARED = ("throughput", "opening", "scale", "race", "storm")  # besides fanout-<readers>
MENTORHUB_ONLY = (
    "cluster",
    "cluster-single",
    "cluster-cross",
    "pages-timeline",
    "pages-list",
    "pageload-loopback",
    "pageload-fast-3g",
)
# What the harness says when a scenario's service is missing on this machine (never in CI).
UNAVAILABLE = {
    ("cluster", "cluster-single", "cluster-cross"): "cluster: not available (PostgreSQL",
    ("pageload-loopback", "pageload-fast-3g"): "pageload: needs Chromium",
}


@pytest.mark.timeout(RUN_LIMIT_S + 120)
def test_quick_benchmark_run_measures_every_scenario_on_every_server(tmp_path):
    require(shutil.which("node") is not None and shutil.which("npm") is not None, "Node.js")
    started = time.time()
    log = tmp_path / "bench.log"
    with open(log, "wb") as out:
        finished = subprocess.run(
            ["bash", "bench/run.sh", "--quick", "--profile", "none"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=RUN_LIMIT_S,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    output = log.read_text(errors="replace")
    assert finished.returncode == 0, f"bench/run.sh --quick failed:\n{output[-6000:]}"
    assert RESULTS.exists() and RESULTS.stat().st_mtime >= started, "no new latest.json"
    results = json.loads(RESULTS.read_text())
    notes = results["notes"]

    failed = [note for note in notes if note.startswith("scenario ") and " failed: " in note]
    assert not failed, failed

    skipped: set[str] = set()
    for scenarios, said in UNAVAILABLE.items():
        if any(note.startswith(said) for note in notes):
            assert not IN_CI, f"in CI every scenario runs: {said}"
            skipped.update(scenarios)

    medians = results["medians"]
    fanout = [f"fanout-{n}" for n in results["plan"]["fanout_readers"]]
    missing = []
    for scenario in (*fanout, *SHARED):
        figures = medians.get(scenario, {})
        for server in (*PEERS, "pycrdt-websocket"):
            if not any(server in by_server for by_server in figures.values()):
                missing.append(f"{scenario}: nothing from {server}")
        for metric, by_server in figures.items():
            missing += [
                f"{scenario} {metric}: {server}"
                for server in PEERS
                if server in by_server and by_server[server] is None
            ]
    for scenario in MENTORHUB_ONLY:
        if scenario in skipped:
            continue
        figures = medians.get(scenario, {})
        if not figures:
            missing.append(f"{scenario}: nothing from mentorhub")
        missing += [
            f"{scenario} {metric}: mentorhub"
            for metric, by_server in figures.items()
            if by_server.get("mentorhub") is None
        ]
    assert not missing, f"not measured: {missing}\nnotes: {notes}"

    unmeasured = [
        target["target"]
        for target in results["targets"]
        if target["value"] is None
        and not (target["target"].startswith("cross-instance") and "cluster" in skipped)
        and not (target["target"].startswith("editor page load") and "pageload-loopback" in skipped)
    ]
    assert not unmeasured, f"targets not measured: {unmeasured}\nnotes: {notes}"
