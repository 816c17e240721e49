"""How long matching and skill suggestions take as a programme grows.

    .venv/bin/python bench/matching.py [--people 100,1000,5000] [--repeats 5]

Builds synthetic profiles from the shipped personas (each copied with other skills from
the vocabulary and its own email), then times `rank` for a request and for an offer: the
first call (every "about" text analysed) and later calls (analyses cached, as on a server
that ranks the same people again), and `suggest_skills` on a long reverse resume. Prints a
Markdown table of medians in milliseconds. Pure CPU, no server, no database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.matching import OfferedSkill, Profile, rank  # noqa: E402
from domain.matching.ranking import _about  # noqa: E402
from domain.personas import load_personas  # noqa: E402
from domain.skills import load_vocabulary, suggest_skills  # noqa: E402

ON = date(2025, 1, 15)


def people(count: int) -> list[Profile]:
    """`count` profiles: the personas, then copies of them with other skills and words."""
    personas = load_personas().people
    skills = [skill.name for skill in load_vocabulary()]
    chance = random.Random(7)
    result = list(personas)
    while len(result) < count:
        base = personas[len(result) % len(personas)]
        extra = chance.sample(skills, 4)
        result.append(
            replace(
                base,
                email=f"person{len(result)}@example.org",
                about=f"{base.about} Also {', '.join(extra)}. Person number {len(result)}.",
                offers=(*base.offers, *(OfferedSkill(s, "working") for s in extra[:2])),
                seeks=(*base.seeks, *extra[2:]),
            )  # fmt: skip
        )
    return result[:count]


def timed(function: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="100,1000,5000")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    stories = load_personas()
    request = stories.story("charlie-recursion").ask
    offer = stories.story("george-design-session").ask
    resume = " ".join(p.about for p in stories.people) * 4
    load_vocabulary().index  # noqa: B018 - built once per process, not part of any figure
    print("| people | request, first (ms) | request, again (ms) | offer, again (ms) | proposed |")
    print("|---:|---:|---:|---:|---:|")
    for count in (int(n) for n in options.people.split(",")):
        crowd = people(count)
        _about.cache_clear()
        first = timed(partial(rank, request, crowd, on=ON), 1)
        again = timed(partial(rank, request, crowd, on=ON), options.repeats)
        offered = timed(partial(rank, offer, crowd, on=ON), options.repeats)
        proposed = len(rank(request, crowd, on=ON))
        print(f"| {count} | {first:.1f} | {again:.1f} | {offered:.1f} | {proposed} |")
    words = len(resume.split())
    took = timed(lambda: suggest_skills(resume), options.repeats)
    print(f"\nsuggest_skills on a {words}-word text: {took:.1f} ms "
          f"({len(suggest_skills(resume))} skills)")  # fmt: skip


if __name__ == "__main__":
    main()
