"""Server CPU per request of the dashboards as the programme grows.

    .venv/bin/python bench/dashboards.py [--curricula 10,1000] [--mentees 50] [--requests 40]

Fills a fresh SQLite file with a programme written straight to SQL (the read model's rows
and learning events, as the read model holds them: no document content): one mentor with
`--mentees` mentees, and as many other members as it takes to reach each count of
curricula, each curriculum of 40 cards (20 done with their finished events, 3 in Now, the
rest next and later). Then runs a real server on it and asks, signed in, for the mentor's
`/dashboard` and the staff's, `--requests` times each, one at a time: the server's CPU
time (from /proc) divided by the requests, and the median wall time. Prints a Markdown
table, and the staff dashboard's growth from the smallest to the largest programme.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from storage.accounts import CurriculumMember, User  # noqa: E402
from storage.database import make_engine, run_migrations  # noqa: E402
from storage.models import Document  # noqa: E402
from storage.read_model import CurriculumItem, CurriculumSummary, LearningEvent  # noqa: E402

ITEMS = 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _user(connection: sa.Connection, email: str, role: str, now: datetime) -> int:
    return connection.execute(
        sa.insert(User.__table__)
        .values(email=email, name=email.split("@")[0], role=role, created_at=now)
        .returning(User.__table__.c.id)
    ).scalar_one()


def programme(url: str, curricula: int, mentees: int) -> None:
    """`curricula` curricula of 40 cards; the first `mentees` mentored by mentor@."""
    run_migrations(url)
    engine = make_engine(url)
    chance, now = random.Random(7), datetime.now(UTC)
    try:
        with engine.begin() as connection:
            mentor = _user(connection, "mentor@example.org", "mentor", now)
            _user(connection, "staff@example.org", "staff", now)
            for c in range(curricula):
                member = _user(connection, f"m{c}@example.org", "member", now)
                doc_id = f"doc-{c}"
                connection.execute(sa.insert(Document.__table__).values(id=doc_id, title=doc_id))
                people = [{"doc_id": doc_id, "user_id": member, "role": "member"}]
                if c < mentees:
                    people.append({"doc_id": doc_id, "user_id": mentor, "role": "mentor"})
                connection.execute(sa.insert(CurriculumMember.__table__), people)
                items, events = [], []
                for n in range(ITEMS):
                    status = (
                        "done" if n < 20 else "now" if n < 23 else "next" if n < 30 else "later"
                    )
                    link = f"https://example.org/r{chance.randint(0, 300)}"
                    items.append(dict(
                        doc_id=doc_id, item_id=f"i{n}", title=f"Resource {n}", url=link,
                        kind="article", skills=["python"], status=status, position="V", rank=n,
                        estimate_minutes=60 + n,
                    ))  # fmt: skip
                    if status == "done":
                        events.append(dict(
                            doc_id=doc_id, item_id=f"i{n}", member_user_id=member,
                            kind="finished", from_status="now", to_status="done",
                            at=now - timedelta(days=chance.randint(0, 120)), url=link,
                            actual_minutes=chance.randint(600, 20000), estimate_minutes=60 + n,
                        ))  # fmt: skip
                last = now - timedelta(days=chance.randint(0, 30))
                connection.execute(sa.insert(CurriculumSummary.__table__).values(
                    doc_id=doc_id, title=f"Path {c}", member_user_id=member, resume="",
                    items_done=20, items_now=3, items_next=7, items_later=10,
                    minutes_done=1390, minutes_now=213, minutes_next=581, minutes_later=895,
                    last_activity_at=last, last_progress_at=last, synced_at=now,
                    synced_log_id=0,
                ))  # fmt: skip
                connection.execute(sa.insert(CurriculumItem.__table__), items)
                connection.execute(sa.insert(LearningEvent.__table__), events)
    finally:
        engine.dispose()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def signed_in(url: str, email: str) -> httpx.Client:
    http = httpx.Client(base_url=url, timeout=60)
    page = http.get("/auth/login").text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token, "no CSRF token on the sign-in page"
    http.post("/auth/dev", data={"email": email, "csrf_token": token.group(1)})
    return http


def measure(url: str, pid: int, email: str, requests: int) -> tuple[float, float]:
    """(server CPU ms per request, median wall ms) of `/dashboard` for `email`."""
    http = signed_in(url, email)
    try:
        http.get("/dashboard").raise_for_status()  # warm
        times = []
        before = cpu_seconds(pid)
        for _ in range(requests):
            start = time.perf_counter()
            http.get("/dashboard").raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
        used = cpu_seconds(pid) - before
    finally:
        http.close()
    return used * 1000 / requests, statistics.median(times)


def run(curricula: int, mentees: int, requests: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench.sqlite3"
        programme(database, curricula, min(mentees, curricula))
        env = {**os.environ, "MENTORHUB_ENV": "test", "PORT": "0", "LOG_LEVEL": "warning",
               "DEV_SIGN_IN": "true", "DATABASE_URL": database,
               "SIGN_IN_RATE_LIMIT_PER_MINUTE": "100000"}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"], env=env, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip().rsplit(" ", 1)[-1]
            return {
                "mentor": measure(url, server.pid, "mentor@example.org", requests),
                "staff": measure(url, server.pid, "staff@example.org", requests),
            }
        finally:
            server.terminate()
            server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curricula", default="10,1000")
    parser.add_argument("--mentees", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    counts = [int(c) for c in args.curricula.split(",")]
    print("| curricula | mentor's mentees | mentor CPU ms/req | mentor p50 ms "
          "| staff CPU ms/req | staff p50 ms |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    found = {}
    for count in counts:
        found[count] = run(count, args.mentees, args.requests)
        (mentor_cpu, mentor_ms), (staff_cpu, staff_ms) = (
            found[count]["mentor"],
            found[count]["staff"],
        )
        print(f"| {count} | {min(args.mentees, count)} | {mentor_cpu:.1f} | {mentor_ms:.1f} "
              f"| {staff_cpu:.1f} | {staff_ms:.1f} |", flush=True)  # fmt: skip
    if len(counts) > 1:
        low, high = found[counts[0]], found[counts[-1]]
        print(f"\nstaff dashboard CPU per request, {counts[-1]} / {counts[0]} curricula: "
              f"{high['staff'][0] / low['staff'][0]:.1f}x; mentor's: "
              f"{high['mentor'][0] / low['mentor'][0]:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
