#!/usr/bin/env bash
# Benchmark mentorHub against @y/websocket-server (Node) and pycrdt-websocket, in one run.
#
#   bash bench/run.sh [--quick] [--repeats N] [--only fanout,throughput,...] [--profile ...]
#
# Installs what it needs (bench/.venv with pycrdt-websocket, uvicorn[standard], py-spy,
# Playwright and mentorHub itself; `npm ci` in bench/), starts every server on loopback on
# free ports, drives them with the Node load client in bench/client/ (and Debian's Chromium
# for the page load), prints a Markdown table and writes bench/results/latest.md and
# latest.json. See bench/README.md.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$BENCH"
PYTHON=${PYTHON:-python3}

# Installs are skipped while nothing they depend on has changed (BENCH_REINSTALL=1 forces
# them): pycrdt-websocket is the latest from PyPI as of the last install.
stamp() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }
if [ ! -x .venv/bin/python ]; then
    echo "==> creating bench/.venv"
    "$PYTHON" -m venv .venv
fi
python_stamp="$(stamp ../pyproject.toml run.sh)"
if [ "${BENCH_REINSTALL:-0}" = 1 ] || [ "$(cat .venv/.bench-stamp 2>/dev/null)" != "$python_stamp" ]; then
    echo "==> installing pycrdt-websocket, uvicorn[standard], py-spy, Playwright and mentorHub into bench/.venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade \
        pycrdt-websocket "uvicorn[standard]" py-spy "playwright==1.65.2"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ..
    echo "$python_stamp" > .venv/.bench-stamp
fi
node_stamp="$(stamp package-lock.json)"
if [ "${BENCH_REINSTALL:-0}" = 1 ] || [ "$(cat node_modules/.bench-stamp 2>/dev/null)" != "$node_stamp" ]; then
    echo "==> installing the load client and @y/websocket-server (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$node_stamp" > node_modules/.bench-stamp
fi

# 2,000 client sockets and as many on the server side: more than a default soft limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# The harness runs in its own process group with every server and client it starts, and
# stops them on its way out; this trap is the backstop if the harness itself is stuck.
harness_pid=""
cleanup() {
    [ -n "$harness_pid" ] || return 0
    if kill -0 "$harness_pid" 2>/dev/null; then
        kill -TERM "$harness_pid" 2>/dev/null || true
        for _ in $(seq 60); do
            kill -0 "$harness_pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
    kill -KILL -- "-$harness_pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setsid .venv/bin/python -m harness "$@" &
harness_pid=$!
wait "$harness_pid"
