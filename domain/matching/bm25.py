"""Okapi BM25 over a handful of short documents, as Lucene scores it.

    idf(t)      = ln(1 + (N - df + 0.5) / (df + 0.5))
    score(d, q) = sum over distinct t in q of idf(t) * tf / (tf + k1 * (1 - b + b * |d| / avgdl))

Lucene's idf never goes negative, which matters for a small corpus of profiles where a
useful word can appear in more than half the documents (the original Okapi idf turns such
words into a penalty). The scores equal those of `bm25s` with `method="lucene"` (to its
float32 precision); the tests check hand-computed values. Documents and queries are
lists of terms (see `domain.text`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence


class BM25:
    """An index of documents that scores a query against each of them."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.k1 = k1
        self.b = b
        self._counts = [Counter(document) for document in documents]
        self._lengths = [len(document) for document in documents]
        total = sum(self._lengths)
        self._average = total / len(documents) if total else 1.0
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        count = len(documents)
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }

    def __len__(self) -> int:
        return len(self._counts)

    def idf(self, term: str) -> float:
        """The weight of a term: higher when fewer documents hold it (0 when none do)."""
        return self._idf.get(term, 0.0)

    def term_scores(self, query: Iterable[str], document: int) -> dict[str, float]:
        """What each distinct query term found in a document adds to its score."""
        counts = self._counts[document]
        norm = self.k1 * (1 - self.b + self.b * self._lengths[document] / self._average)
        return {
            term: self._idf[term] * counts[term] / (counts[term] + norm)
            for term in dict.fromkeys(query)
            if counts.get(term)
        }

    def scores(self, query: Iterable[str]) -> list[float]:
        """The score of every document, in document order."""
        terms = list(dict.fromkeys(query))
        return [sum(self.term_scores(terms, index).values()) for index in range(len(self))]
