"""Skills found in free text (a reverse resume, a request), each with the words that named it.

Matching works on whole words (`domain.text.tokenize`), so a skill never fires inside
another word: `go` is not found in "good", `r` not in "React". Multi-word terms match
across spaces and joining punctuation (`CI/CD`, `on-call`, `machine learning`), never
across a comma or a sentence; the longest term wins ("data pipelines" is data
engineering, not two skills). Case does not matter, and an English plural of a term
matches (`pipelines`, `SREs`).

Terms that are everyday words or single letters are guarded (see `Skill.exact` and
`Skill.ambiguous`): `Go`, `React`, `Spark` match only written exactly so, and at the
start of a sentence or line only with context (or alone on a bullet line, "- Rust");
`C`, `R`, `Spring` always need context.
Context is a word like "programming", "language" or "developer" right beside it, or
another skill mentioned within three words in the same sentence ("Go, Python and C").
A guarded form glued to a neighbour by `&` or `-` (`R&D`, `C-level`, `go-to`) never counts.
Links and e-mail addresses are skipped: `https://web.app/diversity-and-inclusion` names
no skill.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.skills.vocabulary import Vocabulary, load_vocabulary
from domain.text import Token, joined, sentence_break_between, tokenize

CONTEXT_WINDOW = 3  # tokens between a guarded form and a neighbouring skill
QUALIFIERS = frozenset(
    """programming programmer programmers language languages lang developer developers
    development engineer engineers code coding codebase framework frameworks library libraries
    sdk stack scripting scripts runtime backend backends services""".split()
)
_GLUE = "&-"
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|[^\s@<>()]+@[^\s@<>()]+\.\w+", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """A place in the text that names a skill: the phrase exactly as written and its span."""

    phrase: str
    start: int  # text[start:end] == phrase
    end: int


@dataclass(frozen=True)
class Suggestion:
    """A skill found in the text, with every mention of it in order of appearance."""

    skill: str  # canonical name (or a free tag from the extra vocabulary)
    label: str
    mentions: tuple[Mention, ...]

    @property
    def phrase(self) -> str:
        """The first phrase of the text that named this skill."""
        return self.mentions[0].phrase

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[0].end


@dataclass(frozen=True)
class _Found:
    skill: str
    first: int  # token indexes, inclusive
    last: int


def suggest_skills(
    text: str,
    extra_vocabulary: Iterable[str] = (),
    *,
    vocabulary: Vocabulary | None = None,
    exclude: Iterable[str] = (),
) -> list[Suggestion]:
    """The skills named in `text`, in order of first mention.

    `extra_vocabulary` adds free tags (those used in the library and curricula) to the
    shipped vocabulary, or to `vocabulary` when given. Skills in `exclude` (any spelling)
    are left out, e.g. those a goal already lists.
    """
    vocab = (vocabulary or load_vocabulary()).extended(extra_vocabulary)
    excluded = {vocab.normalise(tag) for tag in exclude if tag.strip(" -_.")}
    links = [link.span() for link in _LINK.finditer(text)]
    tokens = [
        token for token in tokenize(text)
        if not any(start <= token.start < end for start, end in links)
    ]  # fmt: skip
    found, guarded = _scan(text, tokens, vocab)
    found += _accept_guarded(text, tokens, guarded, found)
    mentions: dict[str, list[Mention]] = {}
    for item in sorted(found, key=lambda item: item.first):
        if item.skill in excluded:
            continue
        start, end = tokens[item.first].start, tokens[item.last].end
        mentions.setdefault(item.skill, []).append(Mention(text[start:end], start, end))
    return [
        Suggestion(skill=skill, label=vocab.label(skill), mentions=tuple(places))
        for skill, places in mentions.items()
    ]


def _scan(
    text: str, tokens: list[Token], vocab: Vocabulary
) -> tuple[list[_Found], list[tuple[_Found, bool]]]:
    """Plain terms, longest first, left to right; and the guarded forms seen on the way."""
    index = vocab.index
    found: list[_Found] = []
    guarded: list[tuple[_Found, bool]] = []
    position = 0
    while position < len(tokens):
        key: tuple[str, ...] = (tokens[position].key,)
        longest: tuple[str, int] | None = None  # (skill, length) of the longest term here
        while key in index.prefixes:
            if key in index.plain:
                longest = (index.plain[key], len(key))
            end = position + len(key)
            if end >= len(tokens) or not joined(text, tokens[end - 1], tokens[end]):
                break
            key = (*key, tokens[end].key)
        if longest is not None:
            skill, length = longest
            found.append(_Found(skill, position, position + length - 1))
            position += length
        else:
            form = index.guarded.get(tokens[position].text)
            if form is not None and not _glued(text, tokens[position]):
                skill, always_needs_context = form
                guarded.append((_Found(skill, position, position), always_needs_context))
            position += 1
    return found, guarded


def _accept_guarded(
    text: str, tokens: list[Token], guarded: list[tuple[_Found, bool]], found: list[_Found]
) -> list[_Found]:
    """The guarded forms that their place or their context shows to be skills."""
    accepted: list[_Found] = []
    waiting: list[_Found] = []
    for item, always_needs_context in guarded:
        starts_sentence = item.first == 0 or sentence_break_between(
            text, tokens[item.first - 1], tokens[item.first]
        )
        if always_needs_context or (starts_sentence and not _alone_on_line(text, tokens, item)):
            waiting.append(item)
        else:
            accepted.append(item)
    changed = True
    while changed:  # a form accepted by context can be the context of the next one
        changed = False
        for item in list(waiting):
            if _qualified(text, tokens, item.first) or any(
                _near(text, tokens, item.first, other) for other in (*found, *accepted)
            ):
                waiting.remove(item)
                accepted.append(item)
                changed = True
    return accepted


def _alone_on_line(text: str, tokens: list[Token], item: _Found) -> bool:
    """A list item of its own ("- Rust"): the line holds nothing else but bullet marks."""
    token = tokens[item.first]
    line_start = text.rfind("\n", 0, token.start) + 1
    line_end = text.find("\n", token.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return line.strip(" \t-*•·,;.").strip() == token.text


def _glued(text: str, token: Token) -> bool:
    after = text[token.end : token.end + 2]
    before = text[max(0, token.start - 2) : token.start]
    return (len(after) == 2 and after[0] in _GLUE and after[1].isalnum()) or (
        len(before) == 2 and before[1] in _GLUE and before[0].isalnum()
    )


def _qualified(text: str, tokens: list[Token], at: int) -> bool:
    for neighbour in (at - 1, at + 1):
        if 0 <= neighbour < len(tokens) and tokens[neighbour].key in QUALIFIERS:
            left, right = sorted((neighbour, at))
            if not sentence_break_between(text, tokens[left], tokens[right]):
                return True
    return False


def _near(text: str, tokens: list[Token], at: int, other: _Found) -> bool:
    if other.first <= at <= other.last:
        return False
    left, right = (at, other.first) if at < other.first else (other.last, at)
    if right - left > CONTEXT_WINDOW:
        return False
    return not any(
        sentence_break_between(text, tokens[k], tokens[k + 1]) for k in range(left, right)
    )
