"""What a person typed into the library's search box, as terms both databases understand.

The syntax is that of PostgreSQL's `websearch_to_tsquery`, which people know from web
search engines: words (all must match, in any form: `recursive` finds `recursion`),
`"quoted phrases"` (words next to each other), `-word` (must not match) and `or`
between alternatives. `parse_query` reads it once; the storage layer writes the same
terms for SQLite FTS5 and for PostgreSQL, so both databases answer the same question.

Words are runs of letters and digits (`ci-cd` is the phrase "ci cd", `node.js` is
"node js"), case-folded. English stop words (PostgreSQL's list) are left out, since
PostgreSQL does not index them. While the person is still typing the last word (no
space after it yet), that word also matches longer words it starts: `kube` finds
Kubernetes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.text import fold

MAX_QUERY = 200  # characters read
MAX_TERMS = 12
MIN_PREFIX = 3  # a shorter unfinished word would match half the library
# PostgreSQL's english.stop (from Snowball): the words its 'english' configuration drops
STOPWORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()
)
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One thing to match: a word, or a phrase of several words in a row."""

    words: tuple[str, ...]
    negated: bool = False
    prefix: bool = False  # the unfinished last word: also matches words it starts


@dataclass(frozen=True)
class SearchQuery:
    """Alternatives (`or`), each a set of terms that must all hold."""

    groups: tuple[tuple[Term, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    def positive_words(self) -> list[str]:
        """Every word the results should contain (for ranking), in order."""
        return [w for group in self.groups for t in group if not t.negated for w in t.words]

    def prefix_term(self) -> Term | None:
        return next((t for group in self.groups for t in group if t.prefix), None)


def words_of(text: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in _WORD.findall(text))


def parse_query(text: str) -> SearchQuery:
    """The search box's text as a query (see the module's docstring); never raises."""
    text = text[:MAX_QUERY] if isinstance(text, str) else ""
    groups: list[list[Term]] = [[]]
    terms = 0
    chunks = list(_CHUNK.finditer(text))
    for n, chunk in enumerate(chunks):
        negated, quoted, plain = chunk.group(1) == "-", chunk.group(2), chunk.group(3)
        if plain is not None and plain.lower() == "or":
            groups.append([])
            continue
        if plain is not None and plain.startswith("-") and len(plain) > 1:
            negated, plain = True, plain[1:]
        words = words_of(quoted if plain is None else plain)
        if plain is not None and len(words) == 1 and words[0] in STOPWORDS:
            continue
        if not words or all(word in STOPWORDS for word in words) or terms >= MAX_TERMS:
            continue
        last = n == len(chunks) - 1 and chunk.end() == len(text)
        prefix = (
            last and plain is not None and not negated and len(words) == 1
            and len(words[0]) >= MIN_PREFIX
        )  # fmt: skip
        groups[-1].append(Term(words, negated, prefix))
        terms += 1
    kept = [tuple(g) for g in groups if any(not t.negated for t in g)]
    if len(kept) > 1:  # a prefix only stands alone: `a or kube` matches whole words
        kept = [tuple(Term(t.words, t.negated) for t in g) for g in kept]
    return SearchQuery(tuple(kept))
