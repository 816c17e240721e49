"""Reading the profile, request and offer forms: each field checked, each error in words
beside its field, nothing written until the whole form is right.

The rules are those of `domain.matching` (formats, levels, IANA time zones, hours a
week) and `domain.skills` (tags normalised, synonyms accepted, free tags kept).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from domain.matching import FORMATS, LEVELS, InvalidTimeZone, OfferedSkill, check_timezone
from domain.matching import Profile as MatchProfile
from domain.matching.people import MAX_HOURS
from domain.skills import InvalidTag, load_vocabulary

FORMAT_LABELS = {"live": "Live sessions", "email": "By email", "review": "Written reviews"}
LEVEL_LABELS = {"expert": "Expert", "working": "Working knowledge", "learning": "Learning"}
KIND_LABELS = {
    "short": "A short mentorship on one thing (several mentors may be asked at once)",
    "long": "A long mentorship (one mentor at a time)",
}
LIMITS = {
    "about": 2000,
    "goal": 200,
    "motivation": 1000,
    "expectations": 1000,
    "description": 4000,
    "message": 1000,
    "note": 1000,
    "title": 200,
    "text": 2000,
}
MAX_SKILLS = 20
MAX_CAPACITY = 50


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones a form offers: Region/City names and UTC."""
    zones = {zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc/")}
    return ("UTC", *sorted(zones - {"Factory"}))


@dataclass
class Form:
    """A form's values as typed (to show again) and its errors by field."""

    raw: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return " ".join(self.errors.values())


def _text(form: Form, data: Mapping[str, Any], name: str, required: str = "") -> str:
    value = str(data.get(name) or "").strip()
    form.raw[name] = value
    if required and not value:
        form.errors[name] = required
    elif len(value) > LIMITS[name]:
        form.errors[name] = f"At most {LIMITS[name]} characters, please ({len(value)} now)."
    return value


def _number(
    form: Form, data: Mapping[str, Any], name: str, *, required: str = "", whole: bool = False
) -> float:
    raw = str(data.get(name) or "").strip().replace(",", ".")
    form.raw[name] = raw
    if not raw:
        if required:
            form.errors[name] = required
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        form.errors[name] = "Write a number, like 2 or 1.5."
        return 0.0
    if not math.isfinite(value) or value < 0 or (whole and value != int(value)):
        form.errors[name] = "Write a whole number, 0 or more." if whole else "Write a number."
        return 0.0
    return value


def _hours(form: Form, data: Mapping[str, Any], name: str, required: str) -> float:
    hours = _number(form, data, name, required=required)
    if name not in form.errors and not 0 < hours <= MAX_HOURS:
        form.errors[name] = f"Between a few minutes and {MAX_HOURS:g} hours a week."
    return hours


def _formats(form: Form, values: Iterable[str]) -> list[str]:
    chosen = [str(v) for v in values]
    form.raw["formats"] = chosen
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown:
        form.errors["formats"] = (
            f"Unknown format {', '.join(unknown)}: choose among {', '.join(FORMATS)}."
        )
    return [f for f in FORMATS if f in chosen]


def _timezone(form: Form, data: Mapping[str, Any]) -> str:
    zone = str(data.get("timezone") or "").strip() or "UTC"
    form.raw["timezone"] = zone
    try:
        check_timezone(zone)
    except InvalidTimeZone:
        form.errors["timezone"] = (
            f"{zone!r} is not a time zone we know: choose one from the list "
            "(an IANA name such as Europe/Berlin)."
        )
    return zone


def skills_from(form: Form, name: str, raw: str) -> list[str]:
    """Comma-separated tags, normalised (synonyms accepted, free tags kept)."""
    form.raw[name] = raw
    vocab = load_vocabulary()
    skills: list[str] = []
    for tag in (t.strip() for t in raw.split(",")):
        if not tag:
            continue
        try:
            skills.append(vocab.normalise(tag))
        except InvalidTag:
            form.errors[name] = f"{tag!r} is not a skill: use letters or digits."
    skills = list(dict.fromkeys(skills))
    if len(skills) > MAX_SKILLS:
        form.errors[name] = f"At most {MAX_SKILLS} skills, please."
    return skills


def _format_values(data: Any) -> list[str]:
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist("formats")]
    value = data.get("formats") or []
    return [value] if isinstance(value, str) else list(value)


def read_ask(data: Any, *, offer: bool = False) -> tuple[dict[str, Any], Form]:
    """A request's (or with `offer`, an offer's) fields, or the form with its errors."""
    form = Form()
    values: dict[str, Any] = {}
    if offer:
        values["title"] = _text(form, data, "title", "Give your offer a title.")
        values["text"] = _text(form, data, "text")
    else:
        values["goal"] = _text(form, data, "goal", "Say in a line what you want to achieve.")
        for name in ("motivation", "expectations", "description"):
            values[name] = _text(form, data, name)
        kind = str(data.get("kind") or "short")
        form.raw["kind"] = kind
        if kind not in KIND_LABELS:
            form.errors["kind"] = "Choose a short or a long mentorship."
        values["kind"] = kind
    values["hours"] = _hours(
        form, data, "hours", "Say how many hours a week you can give: this one is required."
    )
    values["formats"] = _formats(form, _format_values(data))
    values["timezone"] = _timezone(form, data)
    values["skills"] = skills_from(form, "skills", str(data.get("skills") or ""))
    return values, form


def read_profile(data: Any, user: Any) -> tuple[MatchProfile | None, Form]:
    """The profile a person submitted, or None and the form with its errors."""
    form = Form()
    about = _text(form, data, "about")
    offers: dict[str, OfferedSkill] = {}
    for level in reversed(LEVELS):  # expert first: a skill named twice keeps its highest level
        for skill in skills_from(form, f"offers_{level}", str(data.get(f"offers_{level}") or "")):
            offers.setdefault(skill, OfferedSkill(skill, level))
    seeks = skills_from(form, "seeks", str(data.get("seeks") or ""))
    formats = _formats(form, _format_values(data))
    zone = _timezone(form, data)
    hours = _number(form, data, "hours_per_week")
    if "hours_per_week" not in form.errors and hours > MAX_HOURS:
        form.errors["hours_per_week"] = f"At most {MAX_HOURS:g} hours a week."
    capacity = _number(form, data, "capacity", whole=True)
    if "capacity" not in form.errors and capacity > MAX_CAPACITY:
        form.errors["capacity"] = f"At most {MAX_CAPACITY} mentees at once."
    paused = str(data.get("paused") or "") in ("on", "true", "1")
    form.raw["paused"] = paused
    if not form.ok:
        return None, form
    profile = MatchProfile(
        email=user.email, name=user.name, role=user.role, about=about,
        offers=tuple(offers.values()), seeks=tuple(seeks), formats=frozenset(formats),
        timezone=zone, hours_per_week=hours, capacity=int(capacity), paused=paused,
    )  # fmt: skip
    return profile, form


def profile_raw(profile: MatchProfile) -> dict[str, Any]:
    """A stored profile as the form's values."""
    raw: dict[str, Any] = {
        f"offers_{level}": ", ".join(o.skill for o in profile.offers if o.level == level)
        for level in LEVELS
    }
    raw.update(
        about=profile.about, seeks=", ".join(profile.seeks), formats=sorted(profile.formats),
        timezone=profile.timezone, hours_per_week=f"{profile.hours_per_week:g}",
        capacity=str(profile.capacity), paused=profile.paused,
    )  # fmt: skip
    return raw
