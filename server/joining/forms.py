"""Reading an application form: each field checked, each error in words beside its field,
nothing stored until the whole form is right.

The rules are those of the profile forms (`server/people_forms.py`: formats, IANA time
zones, hours a week) and of the skill vocabulary (`domain.skills`): synonyms are
accepted and normalised, but a skill must be one the vocabulary knows, so that staff and
matching read the same names.
"""

from __future__ import annotations

import re
from typing import Any

from domain.matching import LEVELS
from domain.skills import InvalidTag, load_vocabulary

from ..people_forms import (
    MAX_CAPACITY,
    MAX_SKILLS,
    Form,
    _format_values,
    _formats,
    _hours,
    _number,
    _timezone,
)

LIMITS = {"name": 200, "email": 320, "why": 2000, "about": 2000, "skills": 1000}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SKILLS_PROMPT = {
    "mentor": "Name at least one skill you can help with.",
    "member": "Name at least one skill you want to learn.",
}


def _text(form: Form, data: Any, name: str, required: str = "") -> str:
    value = str(data.get(name) or "").strip()
    form.raw[name] = value
    if required and not value:
        form.errors[name] = required
    elif len(value) > LIMITS[name]:
        form.errors[name] = f"At most {LIMITS[name]} characters, please ({len(value)} now)."
    elif not value.isprintable() and name in ("name", "email"):
        form.errors[name] = "Please use letters, digits and punctuation only."
    return value


def _email(form: Form, data: Any) -> str:
    email = _text(form, data, "email", "Give an email address: we write to you there.")
    if "email" not in form.errors and not EMAIL.fullmatch(email):
        form.errors["email"] = "That does not look like an email address (name@example.org)."
    return email.lower()


def _skills(form: Form, data: Any, kind: str) -> list[str]:
    """Comma-separated skills of the vocabulary (any case, synonyms, plurals)."""
    raw = _text(form, data, "skills")
    vocab = load_vocabulary()
    names: list[str] = []
    unknown: list[str] = []
    for tag in (t.strip() for t in raw.split(",")):
        if not tag:
            continue
        try:
            skill = vocab.lookup(tag)
        except InvalidTag:
            skill = None
        if skill is None:
            close = vocab.did_you_mean(tag)
            unknown.append(
                f"{tag!r} (did you mean {' or '.join(vocab.label(c) for c in close)}?)"
                if close else repr(tag)
            )  # fmt: skip
        else:
            names.append(skill.name)
    names = list(dict.fromkeys(names))
    if "skills" in form.errors:
        return names
    if unknown:
        form.errors["skills"] = f"Not a skill we know: {', '.join(unknown)}."
    elif not names:
        form.errors["skills"] = SKILLS_PROMPT[kind]
    elif len(names) > MAX_SKILLS:
        form.errors["skills"] = f"At most {MAX_SKILLS} skills, please."
    return names


def read_application(data: Any, kind: str) -> tuple[dict[str, Any], Form]:
    """An application's fields (ready to store), or the form with its errors."""
    form = Form()
    values: dict[str, Any] = {"kind": kind}
    values["name"] = _text(form, data, "name", "Tell us your name.")
    values["email"] = _email(form, data)
    values["skills"] = _skills(form, data, kind)
    values["level"] = "working"
    if kind == "mentor":
        level = str(data.get("level") or "working")
        form.raw["level"] = level
        if level not in LEVELS:
            form.errors["level"] = f"Choose one of {', '.join(LEVELS)}."
        values["level"] = level
        capacity = _number(form, data, "capacity", required="How many mentees at once?", whole=True)
        if "capacity" not in form.errors and not 1 <= capacity <= MAX_CAPACITY:
            form.errors["capacity"] = f"Between 1 and {MAX_CAPACITY} mentees at once."
        values["capacity"] = int(capacity)
    else:
        values["capacity"] = 0
    values["hours_per_week"] = _hours(
        form, data, "hours_per_week", "Say how many hours a week you can give."
    )
    values["formats"] = _formats(form, _format_values(data))
    if "formats" not in form.errors and not values["formats"]:
        form.errors["formats"] = "Choose at least one way to meet."
    values["timezone"] = _timezone(form, data)
    values["why"] = _text(form, data, "why", "Tell us in a few words why you want to join.")
    values["about"] = _text(form, data, "about")
    return values, form
