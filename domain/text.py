"""Words of a text with their places: the one tokeniser behind skill suggestions and matching.

A token is a run of letters and digits, with a trailing `+` or `#` kept (`C++`, `C#`) and a
leading dot kept when the dot starts the word (`.NET`; but `Node.js` is `Node`, `js`).
Everything else separates tokens. Each token keeps its character span in the original text,
so a caller can show and highlight exactly what was written.

`stem` is a deliberately light English stemmer for free-text ranking (BM25): it folds
plurals and the commonest suffixes (`mentoring`, `mentors` -> `mentor`; `management`,
`manager` -> `manag`). It never has to produce a word, only the same key for related forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"(?<![^\W_])\.?[^\W_]+[+#]*|[^\W_]+[+#]*")

# Separators allowed inside a multi-word term: `CI/CD`, `ci / cd`, `on-call`, `node.js`,
# `1:1`, `machine learning`. A dot or colon joins only with no space after it.
_JOINING_GAP = re.compile(r"[ \t]*[-/&][ \t]*|[._:]|[ \t]+")
# Gaps that end a sentence or a line: a term never spans one.
_SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n|[.!?]$")

STOPWORDS = frozenset(
    """a about after again all also am an and any are as at be been before being but by can
    could did do does doing for from get got had has have having he her here him his how i if
    in into is it its just like me more most my no not of on once only or other our out over
    own same she should so some such than that the their them then there these they this those
    through to too under until up very want was we were what when where which while who whom
    why will with would you your yours i'm i've don't can't doesn't isn't it's""".split()
)

_SUFFIXES = ("ments", "ment", "ings", "ing", "ers", "er", "ied", "ies", "ed", "es", "s", "e")
_MIN_STEM = 3


@dataclass(frozen=True)
class Token:
    """One word of a text: as written, folded for comparison, and where it is."""

    text: str  # exactly as written
    key: str  # case-folded, Unicode-normalised: what comparisons use
    start: int  # character offsets in the original text: text[start:end] == self.text
    end: int


def fold(word: str) -> str:
    """The comparison key of a word: NFKC-normalised and case-folded."""
    if word.isascii():  # NFKC leaves ASCII alone, and casefold is lower there
        return word.lower()
    return unicodedata.normalize("NFKC", word).casefold()


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, in order, with their spans."""
    return [
        Token(match.group(), fold(match.group()), match.start(), match.end())
        for match in _TOKEN.finditer(text)
    ]


def term_key(term: str) -> tuple[str, ...]:
    """The key of a multi-word term: `CI/CD`, `ci-cd` and `ci cd` all give ('ci', 'cd')."""
    return tuple(token.key for token in tokenize(term))


def joined(text: str, left: Token, right: Token) -> bool:
    """Whether two neighbouring tokens can belong to one term (only a separator between)."""
    return _JOINING_GAP.fullmatch(text[left.end : right.start]) is not None


def sentence_break_between(text: str, left: Token, right: Token) -> bool:
    """Whether the text between two tokens ends a sentence or a line."""
    return _SENTENCE_BREAK.search(text[left.end : right.start]) is not None


def plural_forms(word: str) -> tuple[str, ...]:
    """English plurals of a folded word, to recognise `pipelines` from a term `pipeline`."""
    if not word.isalpha() or len(word) < 2:
        return ()
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return (word + "es",)
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return (word[:-1] + "ies", word + "s")
    return (word + "s",)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem of a folded word, for ranking: at most three suffixes are removed."""
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                if suffix in ("s", "es") and word.endswith(("ss", "us", "is")):
                    continue
                word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
                break
        else:
            break
    return word


def ranking_terms(text: str) -> list[str]:
    """Stems of the words of `text` that carry meaning (stopwords, digits, lone letters dropped)."""
    return [stem(token.key.lstrip(".")) for token in tokenize(text) if _meaningful(token.key)]


def ranking_words(text: str) -> dict[str, str]:
    """Each ranking term of `text` with the word it first came from, as written."""
    words: dict[str, str] = {}
    for token in tokenize(text):
        if _meaningful(token.key):
            words.setdefault(stem(token.key.lstrip(".")), token.text)
    return words


def _meaningful(key: str) -> bool:
    return len(key.lstrip(".")) > 1 and key not in STOPWORDS and not key.isdigit()
