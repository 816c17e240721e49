"""People and what they ask for: profiles, requests (a member seeks) and offers (a mentor gives).

Plain frozen dataclasses that check themselves when built (a bad level, format, time zone
or count raises `InvalidProfile`, a ValueError whose message names the field), and
`*_from_dict` readers for the JSON shapes of `mentorhub people import` and
`mentorhub match --request/--offer`, which also normalise skills through the vocabulary
(synonyms accepted: `k8s` becomes `kubernetes`; unknown tags are kept as free tags).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.matching.hours import InvalidTimeZone, check_timezone
from domain.skills.vocabulary import InvalidTag, Vocabulary, load_vocabulary

LEVELS = ("learning", "working", "expert")
FORMATS = ("live", "email", "review")  # a live session, async by email, a written review
MAX_HOURS = 168.0


class InvalidProfile(ValueError):
    """A profile, request or offer that breaks a rule; the message names the field."""


@dataclass(frozen=True)
class OfferedSkill:
    """A skill someone offers, at a level: learning, working or expert."""

    skill: str
    level: str = "working"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise InvalidProfile(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")


@dataclass(frozen=True)
class Profile:
    """A person as matching sees them. Skills are canonical names (see `profile_from_dict`).

    `formats` are those they give (as a mentor) or want (as a member); `capacity` is how
    many mentees they take at once and `mentees` how many they have now.
    """

    email: str
    name: str
    role: str = "member"
    about: str = ""
    offers: tuple[OfferedSkill, ...] = ()
    seeks: tuple[str, ...] = ()
    formats: frozenset[str] = field(default_factory=frozenset)
    timezone: str = "UTC"
    hours_per_week: float = 0.0
    capacity: int = 0
    mentees: int = 0
    paused: bool = False

    def __post_init__(self) -> None:
        if not self.email.strip():
            raise InvalidProfile("email is required")
        _check_formats(self.formats)
        _check_timezone(self.timezone)
        _check_hours("hours_per_week", self.hours_per_week, allow_zero=True)
        for name, count in (("capacity", self.capacity), ("mentees", self.mentees)):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise InvalidProfile(f"{name} must be a whole number, 0 or more")

    @property
    def free_places(self) -> int:
        """Mentee places still open (never negative)."""
        return max(0, self.capacity - self.mentees)

    @property
    def levels(self) -> dict[str, str]:
        """Offered skills and their levels, by canonical name."""
        return {offered.skill: offered.level for offered in self.offers}


@dataclass(frozen=True, kw_only=True)
class _AskFields:
    """What requests and offers share; the fields are given by name."""

    text: str
    skills: tuple[str, ...] = ()
    formats: frozenset[str] = field(default_factory=frozenset)
    timezone: str = "UTC"
    hours: float = 1.0  # a week: what the member can give, or what the offer takes

    def __post_init__(self) -> None:
        _check_formats(self.formats)
        _check_timezone(self.timezone)
        _check_hours("hours", self.hours, allow_zero=False)


@dataclass(frozen=True)
class Request(_AskFields):
    """A member's request, written before any mentor is chosen. It finds mentors."""

    member: str

    @property
    def author(self) -> str:
        return self.member


@dataclass(frozen=True)
class Offer(_AskFields):
    """A mentor's offer ("a one-hour session on UX vs UI"). It finds members."""

    mentor: str

    @property
    def author(self) -> str:
        return self.mentor


Ask = Request | Offer


def profile_from_dict(data: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> Profile:
    """A profile from one entry of the people-import JSON list."""
    vocab = vocabulary or load_vocabulary()
    offers = []
    for position, entry in enumerate(_list(data, "offers")):
        if not isinstance(entry, Mapping):
            raise InvalidProfile(f'offers[{position}] must be {{"skill": ..., "level": ...}}')
        skill = _skill(vocab, entry.get("skill"), f"offers[{position}].skill")
        level = entry.get("level", "working")
        if level not in LEVELS:
            raise InvalidProfile(f"offers[{position}].level must be one of {', '.join(LEVELS)}")
        offers.append(OfferedSkill(skill, level))
    return Profile(
        email=_text(data, "email", required=True), name=_text(data, "name"),
        role=_text(data, "role") or "member", about=_text(data, "about"),
        offers=tuple({offered.skill: offered for offered in offers}.values()),
        seeks=_skills(vocab, _list(data, "seeks"), "seeks"),
        formats=_formats(data), timezone=_text(data, "timezone") or "UTC",
        hours_per_week=data.get("hours_per_week", 0), capacity=data.get("capacity", 0),
        mentees=data.get("mentees", 0), paused=bool(data.get("paused", False)),
    )  # fmt: skip


def request_from_dict(data: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> Request:
    """A request from the `match --request` JSON: member, text, skills, formats, timezone, hours."""
    return Request(member=_text(data, "member", required=True), **_ask(data, vocabulary))


def offer_from_dict(data: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> Offer:
    """An offer from the `match --offer` JSON: the same fields, with mentor for member."""
    return Offer(mentor=_text(data, "mentor", required=True), **_ask(data, vocabulary))


def _ask(data: Mapping[str, Any], vocabulary: Vocabulary | None) -> dict[str, Any]:
    if "hours" not in data:
        raise InvalidProfile("hours is required: the time a week it takes")
    return {
        "text": _text(data, "text"),
        "skills": _skills(vocabulary or load_vocabulary(), _list(data, "skills"), "skills"),
        "formats": _formats(data),
        "timezone": _text(data, "timezone") or "UTC",
        "hours": data["hours"],
    }


def _text(data: Mapping[str, Any], key: str, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidProfile(f"{key} must be {'a non-empty' if required else 'a'} string")
    return value.strip()


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InvalidProfile(f"{key} must be a list")
    return value


def _skill(vocab: Vocabulary, tag: Any, where: str) -> str:
    if not isinstance(tag, str):
        raise InvalidProfile(f"{where} must be a string")
    try:
        return vocab.normalise(tag)
    except InvalidTag as error:
        raise InvalidProfile(f"{where}: {error}") from None


def _skills(vocab: Vocabulary, tags: Iterable[Any], where: str) -> tuple[str, ...]:
    names = (_skill(vocab, tag, f"{where}[{n}]") for n, tag in enumerate(tags))
    return tuple(dict.fromkeys(names))


def _formats(data: Mapping[str, Any]) -> frozenset[str]:
    values = _list(data, "formats")
    if not all(isinstance(value, str) for value in values):
        raise InvalidProfile("formats must be a list of strings")
    return frozenset(values)


def _check_formats(formats: Iterable[str]) -> None:
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise InvalidProfile(f"formats must be among {', '.join(FORMATS)}, not {unknown}")


def _check_timezone(name: str) -> None:
    try:
        check_timezone(name)
    except InvalidTimeZone as error:
        raise InvalidProfile(f"timezone: {error}") from None


def _check_hours(name: str, hours: float, allow_zero: bool) -> None:
    if isinstance(hours, bool) or not isinstance(hours, int | float) or math.isnan(hours):
        raise InvalidProfile(f"{name} must be a number")
    if hours < 0 or (hours == 0 and not allow_zero) or hours > MAX_HOURS:
        low = "0" if allow_zero else "more than 0"
        raise InvalidProfile(f"{name} must be {low} and at most {MAX_HOURS:g} a week")
