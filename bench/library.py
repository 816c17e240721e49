"""How long the library's search and figures take as the library and the programme grow.

    .venv/bin/python bench/library.py [--resources 1000,10000] [--members 1000] [--repeats 7]

Fills a fresh SQLite file and a fresh PostgreSQL database (127.0.0.1, as the tests use)
with copies of the demo library (each copy its own link and words), and with `--members`
members each holding 40 cards linked to library resources, half of them finished (the
read model's rows and learning events, written straight to SQL). Then times what a page
does: a search as one types (several words, a prefix, a filter alone) and the figures of
one page of 30 results. Prints a Markdown table of medians in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from domain.library import parse_query  # noqa: E402
from domain.library.exchange import read_library_file  # noqa: E402
from storage.accounts import User  # noqa: E402
from storage.database import make_engine, run_migrations  # noqa: E402
from storage.library_figures import figures_for, learn_links  # noqa: E402
from storage.library_queries import import_library  # noqa: E402
from storage.library_search import Filters, Viewer, search  # noqa: E402
from storage.models import Document  # noqa: E402
from storage.read_model import CurriculumItem, CurriculumSummary, LearningEvent  # noqa: E402
from tests.storage_fixtures import create_postgres_database, drop_postgres_database  # noqa: E402

QUERIES = {
    "two words": ("kubernetes basics ", Filters()),
    "prefix": ("recurs", Filters()),
    "filter only": ("", Filters(skill="monitoring", level="intermediate")),
}


def library(count: int) -> bytes:
    demo = json.loads((ROOT / "domain" / "library" / "demo_library.json").read_text())
    rows = []
    for n in range(count):
        base = demo["resources"][n % len(demo["resources"])]
        row = {k: v for k, v in base.items() if k != "added_by"}
        row["url"] = f"{base['url'].rstrip('/')}/copy-{n}"
        row["title"] = f"{base['title']} ({n})"
        rows.append(row)
    return json.dumps(rows).encode()


def programme(engine: sa.Engine, members: int, urls: list[str]) -> None:
    chance, now = random.Random(3), datetime.now(UTC)
    with engine.begin() as connection:
        for m in range(members):
            user_id = connection.execute(
                sa.insert(User.__table__)
                .values(email=f"m{m}@example.org", name=f"M {m}", role="member", created_at=now)
                .returning(User.__table__.c.id)
            ).scalar_one()
            doc_id = f"doc-{m}"
            connection.execute(sa.insert(Document.__table__).values(id=doc_id, title=doc_id))
            summary = CurriculumSummary(doc_id=doc_id, member_user_id=user_id).model_dump()
            connection.execute(sa.insert(CurriculumSummary.__table__).values(**summary))
            items, events = [], []
            for n, url in enumerate(chance.sample(urls, 40)):
                done = n % 2 == 0
                items.append(dict(
                    doc_id=doc_id, item_id=f"i{n}", title="t", url=url, kind="article",
                    skills=[], status="done" if done else "next", position="V", rank=n,
                ))  # fmt: skip
                if done:
                    events.append(dict(
                        doc_id=doc_id, item_id=f"i{n}", member_user_id=user_id, kind="finished",
                        from_status="now", to_status="done", at=now - timedelta(days=n),
                        actual_minutes=chance.randint(10, 600), url=url,
                    ))  # fmt: skip
            connection.execute(sa.insert(CurriculumItem.__table__), items)
            connection.execute(sa.insert(LearningEvent.__table__), events)


def timed(function: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(url: str, resources: int, members: int, repeats: int) -> dict[str, float]:
    run_migrations(url)
    engine = make_engine(url)
    try:
        import_library(engine, read_library_file(library(resources), "json"))
        with engine.connect() as connection:
            urls = list(connection.execute(sa.text("SELECT url FROM resource")).scalars())
        programme(engine, members, urls)
        learn_links(engine)
        everyone = Viewer(None, staff=True)
        found = {
            name: timed(lambda t=text, f=filters: search(engine, parse_query(t), f, everyone),
                        repeats)
            for name, (text, filters) in QUERIES.items()
        }  # fmt: skip
        page = [r.url for r in search(engine, parse_query(""), Filters(), everyone, limit=30)[0]]
        found["figures of 30"] = timed(lambda: figures_for(engine, page), repeats)
        return found
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", default="1000,10000")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"| database | resources | {' | '.join(QUERIES)} | figures of 30 |")
    print("|---|---:|" + "---:|" * (len(QUERIES) + 1))
    for count in (int(c) for c in args.resources.split(",")):
        for database in ("sqlite", "postgresql"):
            with tempfile.TemporaryDirectory() as folder:
                url = (
                    f"sqlite:///{folder}/bench.sqlite3" if database == "sqlite"
                    else create_postgres_database()
                )  # fmt: skip
                try:
                    found = measure(url, count, args.members, args.repeats)
                finally:
                    if database == "postgresql":
                        drop_postgres_database(url)
            cells = " | ".join(f"{found[name]:.1f}" for name in (*QUERIES, "figures of 30"))
            print(f"| {database} | {count} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
