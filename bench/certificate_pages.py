"""Timings of the certificate routes on a real server: the page (which verifies the stored
credential), the JSON, the PDF, the key set and the revocation list.

Run: .venv/bin/python bench/certificate_pages.py   (a fresh SQLite database with the demo
data; prints the median and the 90th percentile of sequential requests, in ms)
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 40


def mentorhub(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return done.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MENTORHUB_ENV": "test", "PORT": "0", "LOG_LEVEL": "warning",
               "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}  # fmt: skip
        mentorhub(env, "migrate")
        seeded = mentorhub(env, "seed-demo")
        certificate = re.search(r"\(/certificates/([\w-]+)\)", seeded)
        assert certificate, seeded
        server = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"], env=env, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip().rsplit(" ", 1)[-1]
            page = f"/certificates/{certificate.group(1)}"
            with httpx.Client(base_url=url, timeout=30) as http:
                for path in (page, page + ".json", page + ".pdf", "/.well-known/did.json",
                             "/certificates/status"):  # fmt: skip
                    http.get(path).raise_for_status()  # warm: keys decrypted, fonts parsed
                    times = []
                    for _ in range(ROUNDS):
                        start = time.perf_counter()
                        http.get(path).raise_for_status()
                        times.append((time.perf_counter() - start) * 1000)
                    times.sort()
                    p90 = times[int(len(times) * 0.9) - 1]
                    name = path.replace(certificate.group(1), "{id}")
                    print(f"{name:32} median {statistics.median(times):6.1f} ms  p90 {p90:6.1f} ms")
        finally:
            server.terminate()
            server.wait(20)


if __name__ == "__main__":
    main()
