"""The order of search results: the same on every database.

The database finds what matches (full-text search) and keeps its own best few hundred;
this module orders them, so SQLite and PostgreSQL show the same list for the same
library. Each result is scored with BM25 (`domain.matching.bm25`) over its words, a
title counting three times and skills twice as much as the description, plus a bonus
when the title holds the query's words in a row. Ties go by title, then id.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.matching.bm25 import BM25
from domain.text import fold, ranking_terms, stem

from .query import SearchQuery, words_of
from .resources import Resource

TITLE_WEIGHT, SKILL_WEIGHT = 3, 2
PHRASE_BONUS = 5.0


def _terms(resource: Resource) -> list[str]:
    skills = " ".join(skill.replace("-", " ") for skill in resource.skills)
    return (
        ranking_terms(resource.title) * TITLE_WEIGHT
        + ranking_terms(skills) * SKILL_WEIGHT
        + ranking_terms(resource.description)
    )


def _alphabetical(resource: Resource) -> tuple[str, int]:
    return (fold(resource.title), resource.id)


def rank(query: SearchQuery, candidates: Sequence[Resource]) -> list[Resource]:
    """`candidates` best first for `query`; by title when the query is empty."""
    if query.empty or not candidates:
        return sorted(candidates, key=_alphabetical)
    documents = [_terms(resource) for resource in candidates]
    wanted = ranking_terms(" ".join(query.positive_words()))
    prefix = query.prefix_term()
    if prefix is not None:
        start = stem(prefix.words[0])
        wanted += sorted({t for doc in documents for t in doc if t.startswith(start)})
    scores = BM25(documents).scores(wanted)
    phrase = f" {' '.join(query.positive_words())} "
    for n, resource in enumerate(candidates):
        if phrase in f" {' '.join(words_of(resource.title))} ":
            scores[n] += PHRASE_BONUS
    order = sorted(range(len(candidates)), key=lambda n: (-scores[n], _alphabetical(candidates[n])))
    return [candidates[n] for n in order]
