"""A library resource: its fields, their rules, and reading one from a form or a file row.

`resource_from_fields` is the one place the rules live: the add and edit forms, the
suggestion form, CSV and JSON import all go through it and refuse the same input with
the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collab.schema import KINDS, MAX_MINUTES, MAX_TAG, MAX_TAGS, MAX_TITLE, strip
from domain.skills import InvalidTag, Vocabulary, load_vocabulary

from .urls import InvalidUrl, normalise_url

LEVELS = ("beginner", "intermediate", "advanced")
STYLES = ("reading", "video", "hands-on", "course", "talk")
STYLE_LABELS = {
    "reading": "Reading", "video": "Video", "hands-on": "Hands-on", "course": "Course",
    "talk": "Talk",
}  # fmt: skip
VISIBILITIES = ("shared", "mentees")  # everyone, or only the adding mentor's own mentees
STATES = ("suggested", "accepted")  # a member's suggestion is shared once a mentor accepts it
MAX_DESCRIPTION = 2000
FIELDS = (
    "title", "url", "kind", "level", "style", "skills", "estimate_minutes", "description",
    "visibility",
)  # fmt: skip


@dataclass(frozen=True)
class NewResource:
    """What a person gives for a resource, checked and normalised."""

    title: str
    url: str  # normalised (domain.library.urls)
    kind: str
    level: str
    style: str
    skills: tuple[str, ...]  # canonical vocabulary names (or cleaned free tags)
    estimate_minutes: int | None
    description: str
    visibility: str = "shared"


@dataclass(frozen=True)
class Resource(NewResource):
    """A resource as the library holds it."""

    id: int = 0
    state: str = "accepted"
    added_by: int | None = None  # null once the person who added it is forgotten
    accepted_by: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


_NOT_TEXT = "\x00"  # what a value that is not text reads as: it fails every rule below


def resource_values(resource: NewResource) -> dict[str, Any]:
    """The fields a person gives, as plain values (skills a list): for files and SQL."""
    values = {name: getattr(resource, name) for name in FIELDS}
    values["skills"] = list(resource.skills)
    return values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return _NOT_TEXT
    text = strip(str(value))
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate: no database stores it
        return _NOT_TEXT
    return _NOT_TEXT if "\x00" in text else text


def _skills(value: Any, vocabulary: Vocabulary) -> tuple[tuple[str, ...], str | None]:
    if isinstance(value, list | tuple):
        raw = [_text(v) for v in value]
    else:
        raw = _text(value).split(",")
    tags = [tag for tag in (strip(t) for t in raw) if tag]
    try:
        names = vocabulary.normalise_all(tags)
    except InvalidTag:
        return (), "A skill needs a letter or a digit."
    if len(names) > MAX_TAGS:
        return (), f"At most {MAX_TAGS} skills."
    if any(len(name) > MAX_TAG for name in names):
        return (), f"Each skill can be at most {MAX_TAG} characters."
    return names, None


def _minutes(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _text(value)
    if not text:
        return None, None
    if re.fullmatch("[0-9]{1,9}", text) is None or int(text) > MAX_MINUTES:
        return None, f"The estimate must be a whole number of minutes from 0 to {MAX_MINUTES}."
    return int(text), None


def _choice(value: Any, allowed: tuple[str, ...], what: str, default: str | None = None) -> Any:
    text = _text(value).lower() or default
    if text in allowed:
        return text, None
    if not text:
        return None, f"Choose the {what}: {', '.join(allowed)}."
    return None, f"The {what} must be one of {', '.join(allowed)}."


def resource_from_fields(
    fields: Mapping[str, Any], *, vocabulary: Vocabulary | None = None
) -> tuple[NewResource | None, dict[str, str]]:
    """A resource from text fields (a form, a CSV row, a JSON object): (resource, {})
    when every field is right, else (None, {field: message}). Skills are a list or
    comma-separated text; `kind` defaults to `other` and `visibility` to `shared`."""
    vocabulary = vocabulary or load_vocabulary()
    errors: dict[str, str] = {}
    title = _text(fields.get("title"))
    if not title or title == _NOT_TEXT:
        errors["title"] = "Give the resource a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The title is too long ({len(title)} of at most {MAX_TITLE} characters)."
    url = ""
    try:
        url = normalise_url(_text(fields.get("url")))
    except InvalidUrl as error:
        errors["url"] = str(error)
    kind, error = _choice(fields.get("kind"), KINDS, "kind", "other")
    if error:
        errors["kind"] = error
    level, error = _choice(fields.get("level"), LEVELS, "level")
    if error:
        errors["level"] = error
    style, error = _choice(fields.get("style"), STYLES, "learning style")
    if error:
        errors["style"] = error
    skills, error = _skills(fields.get("skills"), vocabulary)
    if error:
        errors["skills"] = error
    minutes, error = _minutes(fields.get("estimate_minutes"))
    if error:
        errors["estimate_minutes"] = error
    description = _text(fields.get("description"))
    if description == _NOT_TEXT or len(description) > MAX_DESCRIPTION:
        errors["description"] = f"The description can be at most {MAX_DESCRIPTION} characters."
    visibility, error = _choice(fields.get("visibility"), VISIBILITIES, "visibility", "shared")
    if error:
        errors["visibility"] = error
    if errors:
        return None, errors
    return NewResource(
        title=title, url=url, kind=kind, level=level, style=style, skills=skills,
        estimate_minutes=minutes, description=description, visibility=visibility,
    ), {}  # fmt: skip
