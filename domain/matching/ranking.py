"""One ranking for both directions: a request finds mentors, an offer finds members.

For a `Request` the candidates are people who *offer* the asked skills (at a level); for
an `Offer` they are people who *seek* them. Everything else is the same. Each candidate
gets parts between 0 and 1, a weighted score, and a reason in words for each part:

    skills    asked skills they cover: 1 each exactly, RELATED_CREDIT through a related skill
    text      BM25 of the ask's words against their profile, expanded with the vocabulary
    format    a format in common (live, email, review)
    time      overlap of 09:00-18:00 working hours; matters less when only async is shared
    level     (requests) expert, working or learning in the covered skills
    capacity  (requests) share of their mentee places still free
    hours     the hours a week they have against the hours asked

Never proposed (see `why_not`): the author, anyone paused, for a request anyone without a
free mentee place, and anyone who covers none of the asked skills, not even through a
related one. Ties are broken by email, so the order is always the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from weakref import WeakKeyDictionary

from domain.matching.bm25 import BM25
from domain.matching.hours import WORKING_DAY_HOURS, overlap_hours
from domain.matching.people import FORMATS, LEVELS, Ask, Profile, Request
from domain.skills.suggestions import suggest_skills
from domain.skills.vocabulary import Vocabulary, load_vocabulary
from domain.text import ranking_terms, ranking_words

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "skills": 0.40,
        "text": 0.15,
        "format": 0.15,
        "time": 0.10,
        "level": 0.10,
        "capacity": 0.05,
        "hours": 0.05,
    }
)
LEVEL_VALUE: Mapping[str, float] = MappingProxyType(
    {"expert": 1.0, "working": 0.6, "learning": 0.3}
)
RELATED_CREDIT = 0.4  # a related skill (algorithms for recursion) counts this much
UNKNOWN = 0.5  # a part that cannot be judged (no formats given, no hours given)
FORMAT_WORDS = MappingProxyType(
    {"live": "live sessions", "email": "email", "review": "written reviews"}
)
TEXT_WORDS_SHOWN = 3


@dataclass(frozen=True)
class Match:
    """A proposed person, their score (0 to 1) and why, in words and in parts."""

    person: Profile
    score: float
    reasons: tuple[str, ...]
    parts: Mapping[str, float]  # each part before weighting, 0 to 1
    covered: tuple[str, ...] = ()  # the asked skills they cover, exactly or through a related one

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `mentorhub match --json`."""
        return {"email": self.person.email, "name": self.person.name, "score": self.score,
                "reasons": list(self.reasons)}  # fmt: skip


@dataclass(frozen=True)
class _Cover:
    skill: str  # the asked skill
    via: str  # their skill that covers it: the same one, or a related one
    level: str | None  # their level in `via` (None for what members seek)


def rank(
    ask: Ask,
    people: Iterable[Profile],
    *,
    vocabulary: Vocabulary | None = None,
    on: date | None = None,
    limit: int | None = None,
) -> list[Match]:
    """The people to propose for a request (mentors) or an offer (members), best first.

    `on` is the reference date for time-zone overlap (default: today); `limit` cuts the list.
    """
    vocab = vocabulary or load_vocabulary()
    wanted = _wanted(ask, vocab)
    eligible: list[tuple[Profile, list[_Cover]]] = []
    for person in people:
        covers = _covers(ask, person, wanted, vocab)
        if _exclusion(ask, person, wanted, covers) is None:
            eligible.append((person, covers))
    profiles = [person for person, _ in eligible]
    text_parts, text_words = _text_relevance(ask, profiles, wanted, vocab)
    day = on or date.today()
    matches = [
        _match(ask, person, wanted, covers, text_parts[n], text_words[n], day)
        for n, (person, covers) in enumerate(eligible)
    ]
    if not wanted:  # an ask naming no skill at all: proposed on their words alone
        matches = [match for match in matches if match.parts["text"] > 0]
    matches.sort(key=lambda match: (-match.score, match.person.email))
    return matches if limit is None else matches[:limit]


def why_not(ask: Ask, person: Profile, *, vocabulary: Vocabulary | None = None) -> str | None:
    """Why a person is never proposed for this ask, in words; None if they can be."""
    vocab = vocabulary or load_vocabulary()
    wanted = _wanted(ask, vocab)
    return _exclusion(ask, person, wanted, _covers(ask, person, wanted, vocab))


def _wanted(ask: Ask, vocab: Vocabulary) -> tuple[str, ...]:
    """The asked skills; when none are tagged, those its text names."""
    tagged = vocab.normalise_all(tag for tag in ask.skills if any(c.isalnum() for c in tag))
    return tagged or tuple(
        suggestion.skill for suggestion in suggest_skills(ask.text, vocabulary=vocab)
    )


def _side(ask: Ask, person: Profile) -> dict[str, str | None]:
    """The candidate's skills that count: offered (with levels) for requests, sought for offers."""
    if isinstance(ask, Request):
        return dict(person.levels)
    return dict.fromkeys(person.seeks)


def _covers(ask: Ask, person: Profile, wanted: tuple[str, ...], vocab: Vocabulary) -> list[_Cover]:
    side = _side(ask, person)
    covers = []
    for skill in wanted:
        if skill in side:
            covers.append(_Cover(skill, skill, side[skill]))
            continue
        related = [other for other in vocab.related(skill) if other in side]
        if related:
            best = max(related, key=lambda other: LEVEL_VALUE.get(side[other] or "", 0.0))
            covers.append(_Cover(skill, best, side[best]))
    return covers


def _exclusion(
    ask: Ask, person: Profile, wanted: tuple[str, ...], covers: list[_Cover]
) -> str | None:
    if person.email == ask.author:
        return "is the author"
    if person.paused:
        return "is paused"
    if isinstance(ask, Request):
        if person.capacity == 0:
            return "takes no mentees"
        if person.free_places == 0:
            return f"has no free mentee place ({person.mentees} of {person.capacity} taken)"
    if wanted and not covers:
        verb = "offers" if isinstance(ask, Request) else "seeks"
        return f"{verb} none of {', '.join(wanted)}"
    return None


def _text_relevance(
    ask: Ask, people: list[Profile], wanted: tuple[str, ...], vocab: Vocabulary
) -> tuple[list[float], list[list[str]]]:
    """Each person's BM25 score scaled to the best one; the words behind it.

    The corpus is the people who can be proposed. The words shown are those of the person's
    own "about" text, as written there, that added most to the score (words that only came
    in through synonyms are not shown).
    """
    if not people:
        return [], []
    query = _query(ask, wanted, vocab)
    index = BM25([_profile_terms(ask, person, vocab) for person in people])
    found = [index.term_scores(query, position) for position in range(len(people))]
    best = max(sum(terms.values()) for terms in found)
    parts = [min(1.0, sum(terms.values()) / best) if best > 0 else 0.0 for terms in found]
    shown = []
    for person, terms in zip(people, found, strict=True):
        own = _about(person.about, vocab).words
        ordered = sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))
        shown.append([own[term] for term, _ in ordered if term in own][:TEXT_WORDS_SHOWN])
    return parts, shown


def _query(ask: Ask, wanted: tuple[str, ...], vocab: Vocabulary) -> list[str]:
    """The ask's words, plus the labels and names of its skills and of those its text names."""
    named = [suggestion.skill for suggestion in suggest_skills(ask.text, vocabulary=vocab)]
    extra = " ".join(f"{vocab.label(skill)} {skill}" for skill in dict.fromkeys((*wanted, *named)))
    return ranking_terms(f"{ask.text} {extra}")


def _profile_terms(ask: Ask, person: Profile, vocab: Vocabulary) -> list[str]:
    """What a profile says, as ranking terms, with its skills spelled every way the vocabulary
    knows and their related skills named."""
    about = _about(person.about, vocab)
    terms = list(about.terms)
    for name in dict.fromkeys((*_side(ask, person), *about.skills)):
        terms += _expansion(vocab, name)
    return terms


@dataclass(frozen=True)
class _About:
    terms: tuple[str, ...]  # ranking terms of the text
    skills: tuple[str, ...]  # skills the text names
    words: Mapping[str, str]  # ranking term -> the word as the text wrote it


@lru_cache(maxsize=16384)
def _about(about: str, vocab: Vocabulary) -> _About:
    """An "about" text analysed once: the same people are ranked again and again."""
    named = tuple(suggestion.skill for suggestion in suggest_skills(about, vocabulary=vocab))
    return _About(tuple(ranking_terms(about)), named, MappingProxyType(ranking_words(about)))


_EXPANSIONS: WeakKeyDictionary[Vocabulary, dict[str, list[str]]] = WeakKeyDictionary()


def _expansion(vocab: Vocabulary, name: str) -> list[str]:
    """The ranking terms of a skill's name, label, synonyms and related skills (cached)."""
    cached = _EXPANSIONS.setdefault(vocab, {})
    if name not in cached:
        skill = vocab.get(name)
        words = " ".join((*skill.terms, *skill.related)) if skill else name
        cached[name] = ranking_terms(words)
    return cached[name]


def _match(
    ask: Ask, person: Profile, wanted: tuple[str, ...], covers: list[_Cover], text: float,
    text_words: list[str], on: date,
) -> Match:  # fmt: skip
    parts: dict[str, float] = {}
    reasons: list[str] = []
    if wanted:
        exact = sum(1 for cover in covers if cover.via == cover.skill)
        parts["skills"] = (exact + RELATED_CREDIT * (len(covers) - exact)) / len(wanted)
        reasons += _skill_reasons(ask, wanted, covers)
        if isinstance(ask, Request):
            parts["level"] = sum(LEVEL_VALUE[c.level or "learning"] for c in covers) / len(covers)
    parts["text"] = text
    if text_words:
        reasons.append("their profile mentions " + ", ".join(f'"{word}"' for word in text_words))
    shared = ask.formats & person.formats
    parts["format"], format_reason = _format_fit(ask, person, shared)
    reasons += format_reason
    parts["time"], time_reason = _time_fit(ask, person, shared, on)
    reasons.append(time_reason)
    if isinstance(ask, Request):
        parts["capacity"] = person.free_places / person.capacity
        place = "place" if person.capacity == 1 else "places"
        reasons.append(f"{person.free_places} of {person.capacity} mentee {place} free")
    parts["hours"], hours_reason = _hours_fit(ask, person)
    reasons += hours_reason
    score = sum(WEIGHTS[name] * part for name, part in parts.items()) / sum(
        WEIGHTS[name] for name in parts
    )
    covered = tuple(cover.skill for cover in covers)
    return Match(person, round(score, 4), tuple(reasons), MappingProxyType(parts), covered)


def _skill_reasons(ask: Ask, wanted: tuple[str, ...], covers: list[_Cover]) -> list[str]:
    reasons = []
    exact = [cover for cover in covers if cover.via == cover.skill]
    if isinstance(ask, Request):
        groups = [
            f"{', '.join(c.skill for c in exact if c.level == level)} ({level})"
            for level in reversed(LEVELS) if any(c.level == level for c in exact)
        ]  # fmt: skip
        if groups:
            reasons.append("covers " + "; ".join(groups))
    elif exact:
        reasons.append("seeks " + ", ".join(cover.skill for cover in exact))
    named = {cover.skill for cover in exact}
    through: dict[str, list[_Cover]] = {}
    for cover in covers:
        if cover.via != cover.skill:
            through.setdefault(cover.via, []).append(cover)
    for via, group in through.items():
        skills = ", ".join(cover.skill for cover in group)
        if via in named:
            reasons.append(f"{via} relates to {skills}")
        else:
            level = f" ({group[0].level})" if group[0].level else ""
            verb = "knows" if isinstance(ask, Request) else "seeks"
            reasons.append(f"{verb} {via}{level}, related to {skills}")
    missing = [skill for skill in wanted if skill not in {cover.skill for cover in covers}]
    if missing:
        verb = "cover" if isinstance(ask, Request) else "seek"
        reasons.append(f"does not {verb} {', '.join(missing)}")
    return reasons


def _format_fit(ask: Ask, person: Profile, shared: frozenset[str]) -> tuple[float, list[str]]:
    if not ask.formats or not person.formats:
        return UNKNOWN, []
    if shared:
        return 1.0, ["both prefer " + _words(shared)]
    return 0.0, [
        f"no common format (asked: {_words(ask.formats)}; theirs: {_words(person.formats)})"
    ]


def _time_fit(ask: Ask, person: Profile, shared: frozenset[str], on: date) -> tuple[float, str]:
    hours = overlap_hours(ask.timezone, person.timezone, on)
    if hours >= WORKING_DAY_HOURS:
        reason = "same working hours"
    elif hours > 0:
        reason = f"{_number(hours)} h overlap of working hours"
    else:
        reason = "no overlap of working hours"
    share = hours / WORKING_DAY_HOURS
    if shared and "live" not in shared:  # asynchronous only: a reply can wait a few hours
        return UNKNOWN + (1 - UNKNOWN) * share, f"{reason} (matters little by {_words(shared)})"
    return share, reason


def _hours_fit(ask: Ask, person: Profile) -> tuple[float, list[str]]:
    if person.hours_per_week <= 0:
        return UNKNOWN, []
    have = _number(person.hours_per_week)
    if person.hours_per_week >= ask.hours:
        return 1.0, [f"{have} h a week available"]
    return person.hours_per_week / ask.hours, [
        f"{have} h a week available, {_number(ask.hours)} h asked"
    ]


def _words(formats: Iterable[str]) -> str:
    names = [FORMAT_WORDS[name] for name in FORMATS if name in set(formats)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _number(hours: float) -> str:
    return f"{hours:.1f}".removesuffix(".0")
