"""Server-side edits of a curriculum document, each with the rules it checks first.

Each edit validates everything first, then changes the document in one transaction
tagged with the caller's origin, so a rejected edit changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from pycrdt import Doc, Map, Text

from .positions import place
from .schema import (
    DEFAULT_KIND,
    DEFAULT_STATUS,
    ITEM_STATUSES,
    KINDS,
    MAX_MINUTES,
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    MAX_TITLE,
    Goal,
    Item,
    When,
    columns,
    entry_fields,
    is_id,
    iso,
    iso_date,
    read_curriculum,
    strip,
    url_ok,
)

ITEM_FIELDS = ("title", "url", "kind", "skills", "estimate_minutes", "assigned_by")
GOAL_FIELDS = ("title", "skills", "done", "target_date")
META_FIELDS = ("title", "member", "mentors", "created_at")
FORM_FIELDS = ("title", "url", "kind", "status", "estimate", "skills")


class CurriculumError(ValueError):
    """An edit was rejected; the document is unchanged."""


def new_item_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A new card's values from the add form's text fields: (values, errors by field).

    The editor's JavaScript (validateNewItem) applies the same rules before it adds a
    card itself; the shared fixture checks both accept and refuse the same input.
    """
    raw = {name: str(fields.get(name) or "") for name in FORM_FIELDS}
    errors: dict[str, str] = {}
    title = strip(raw["title"])
    if not title:
        errors["title"] = "Give the resource a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The title is too long ({len(title)} of at most {MAX_TITLE} characters)."
    url = strip(raw["url"])
    if not url_ok(url):
        errors["url"] = "The link must start with http:// or https:// (or leave it empty)."
    estimate, minutes = strip(raw["estimate"]), None
    if estimate:
        digits = re.fullmatch("[0-9]{1,9}", estimate)
        minutes = int(estimate) if digits else None
        if minutes is None or minutes > MAX_MINUTES:
            errors["estimate"] = (
                f"The estimate must be a whole number of minutes from 0 to {MAX_MINUTES}."
            )
    skills = list(dict.fromkeys(s for s in (strip(s) for s in raw["skills"].split(",")) if s))
    if len(skills) > MAX_TAGS:
        errors["skills"] = f"At most {MAX_TAGS} skills."
    elif any(len(s) > MAX_TAG for s in skills):
        errors["skills"] = f"Each skill can be at most {MAX_TAG} characters."
    kind = raw["kind"] or DEFAULT_KIND
    if kind not in KINDS:
        errors["kind"] = f"The kind must be one of {', '.join(KINDS)}."
    status = raw["status"] or DEFAULT_STATUS
    if status not in ITEM_STATUSES:
        errors["status"] = f"The column must be one of {', '.join(ITEM_STATUSES)}."
    values = {
        "title": title, "url": url, "kind": kind, "status": status,
        "estimate_minutes": minutes, "skills": skills,
    }  # fmt: skip
    return ({}, errors) if errors else (values, {})


def add_item(
    doc: Doc[Any], *, title: str, url: str = "", kind: str = DEFAULT_KIND,
    skills: Sequence[str] = (), estimate_minutes: int | None = None, status: str = DEFAULT_STATUS,
    assigned_by: str | None = None, item_id: str | None = None, notes: str = "",
    when: When = None, origin: Any = None,
) -> str:  # fmt: skip
    """Add a card at the end of its column; returns its id."""
    values = _validated(ITEM_FIELDS + ("status", "text"), title=title, url=url, kind=kind,
                        skills=skills, estimate_minutes=estimate_minutes,
                        assigned_by=assigned_by, status=status, text=notes)  # fmt: skip
    stamp, item_id = _stamp(when), _new_id(doc, "items", item_id)
    keys = [i.position for i in columns(read_curriculum(doc))[status]]
    values["notes"] = Text(values.pop("text"))
    values["position"] = place(keys, len(keys))[0]
    values["started_at"] = stamp if status == "now" else None
    values["completed_at"] = stamp if status == "done" else None
    with doc.transaction(origin=origin):
        doc.get("items", type=Map)[item_id] = Map(values)
    return item_id


def move_item(
    doc: Doc[Any], item_id: str, status: str, *, before: str | None = None,
    after: str | None = None, when: When = None, origin: Any = None,
) -> None:  # fmt: skip
    """Move a card into column `status`, right after card `after` and/or before `before`."""
    _validated(("status",), status=status)
    stamp, _ = _stamp(when), _entry(doc, "items", item_id)
    curriculum = read_curriculum(doc)
    item = next(i for i in curriculum.items if i.id == item_id)
    column = [i for i in columns(curriculum)[status] if i.id != item_id]
    ids = [i.id for i in column]
    for neighbour in (before, after):
        if neighbour is not None and neighbour not in ids:
            raise CurriculumError(f"{neighbour!r} is not another card in column {status!r}")
    index = len(ids) if before is None else ids.index(before)
    if after is not None:
        if ids.index(after) >= index:
            raise CurriculumError(f"{after!r} does not come before {before!r}")
        index = ids.index(after) + 1
    position, rekeys = place([i.position for i in column], index)
    # status, position and completed_at are always written together, so that a
    # concurrent move of the same card wins or loses as a whole
    values = {"status": status, "position": position, "completed_at": None}
    if status == "done":
        values["completed_at"] = (item.status == "done" and item.completed_at) or stamp
    if status == "now" and item.started_at is None:
        values["started_at"] = stamp
    with doc.transaction(origin=origin):
        _write(doc, "items", item_id, values, origin, changes_only=False)
        for i, key in rekeys.items():  # neighbours that tied with the new position
            _write(doc, "items", ids[i], {"position": key}, origin)


def update_item(doc: Doc[Any], item_id: str, *, origin: Any = None, **fields: Any) -> None:
    """Change some of: title, url, kind, skills, estimate_minutes, assigned_by."""
    _write(doc, "items", item_id, _validated(ITEM_FIELDS, **fields), origin)


def delete_item(doc: Doc[Any], item_id: str, *, origin: Any = None) -> None:
    _delete(doc, "items", item_id, origin)


def mark_started(doc: Doc[Any], item_id: str, when: When = None, *, origin: Any = None) -> bool:
    """Record when the member first opened the card's link; False if already recorded."""
    stamp = _stamp(when)
    if iso(_entry(doc, "items", item_id).get("started_at")) is not None:
        return False
    _write(doc, "items", item_id, {"started_at": stamp}, origin)
    return True


def set_goal(
    doc: Doc[Any], goal_id: str | None = None, *, title: str | None = None,
    skills: Sequence[str] | None = None, done: bool | None = None,
    target_date: str | None = None, origin: Any = None,
) -> str:  # fmt: skip
    """Create a goal (title needed) or change the given fields of one; returns its id.

    `target_date` is a `YYYY-MM-DD` date, or "" to clear it.
    """
    given = {"title": title, "skills": skills, "done": done, "target_date": target_date}
    values = _validated(GOAL_FIELDS, **{k: v for k, v in given.items() if v is not None})
    if values.get("target_date") == "":
        values["target_date"] = None
    goals = doc.get("goals", type=Map)
    if is_id(goal_id) and goal_id in goals:
        _write(doc, "goals", goal_id, values, origin)
        return goal_id
    if "title" not in values:
        raise CurriculumError("a new goal needs a title")
    goal_id = _new_id(doc, "goals", goal_id)
    keys = [g.position for g in read_curriculum(doc).goals]
    values = {"skills": [], "done": False, "target_date": None, **values,
              "position": place(keys, len(keys))[0]}  # fmt: skip
    with doc.transaction(origin=origin):
        goals[goal_id] = Map(values)
    return goal_id


def delete_goal(doc: Doc[Any], goal_id: str, *, origin: Any = None) -> None:
    _delete(doc, "goals", goal_id, origin)


def set_resume(doc: Doc[Any], text: str, *, origin: Any = None) -> None:
    """Replace the reverse resume (only the part that differs is rewritten)."""
    text = _validated(("text",), text=text)["text"]
    with doc.transaction(origin=origin):
        _replace_text(doc.get("resume", type=Text), text)


def set_meta(doc: Doc[Any], *, origin: Any = None, **fields: Any) -> None:
    """Set any of title, member, mentors, created_at."""
    values = _validated(META_FIELDS, **fields)
    with doc.transaction(origin=origin):
        meta = doc.get("meta", type=Map)
        for key, value in values.items():
            meta[key] = value


def new_curriculum_update(
    title: str, member: str, mentors: Sequence[str], *, created_at: When = None
) -> bytes:
    """An update creating a curriculum document with its meta set."""
    doc: Doc[Any] = Doc()
    set_meta(doc, title=title, member=member, mentors=mentors, created_at=_stamp(created_at))
    return doc.get_update()


# -- helpers -------------------------------------------------------------------------


def _unicode_ok(value: object) -> bool:
    try:
        for text in value if isinstance(value, list | tuple) else [value]:
            if isinstance(text, str):
                text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _entry(doc: Doc[Any], root: str, entry_id: object) -> Map[Any] | dict[str, Any]:
    entry = doc.get(root, type=Map).get(entry_id) if is_id(entry_id) else None
    if not isinstance(entry, Map | dict):
        raise CurriculumError(f"no {root[:-1]} with id {str(entry_id)[:80]!r}")
    return entry


def _map(doc: Doc[Any], root: str, entry_id: str) -> Map[Any]:
    """The entry as a Y.Map, replacing a plain object a client wrote in its place."""
    entry = _entry(doc, root, entry_id)
    if isinstance(entry, Map):
        return entry
    data = (Item if root == "items" else Goal).from_dict(entry_fields(entry)).to_dict()
    del data["id"]
    if root == "items":
        data["notes"] = Text(data["notes"])
    doc.get(root, type=Map)[entry_id] = fixed = Map(data)
    return fixed


def _write(
    doc: Doc[Any], root: str, entry_id: str, values: dict[str, Any], origin: Any,
    changes_only: bool = True,
) -> None:  # fmt: skip
    """Set fields of an entry; by default only those that differ."""
    _entry(doc, root, entry_id)
    with doc.transaction(origin=origin):
        entry = _map(doc, root, entry_id)
        for key, value in values.items():
            if not changes_only or key not in entry or entry[key] != value:
                entry[key] = value


def _delete(doc: Doc[Any], root: str, entry_id: str, origin: Any) -> None:
    _entry(doc, root, entry_id)
    with doc.transaction(origin=origin):
        del doc.get(root, type=Map)[entry_id]


def _new_id(doc: Doc[Any], root: str, entry_id: str | None) -> str:
    if entry_id is None:
        return uuid4().hex[:12]
    if not is_id(entry_id):
        raise CurriculumError(f"id {str(entry_id)[:80]!r} must be 1 to 64 of A-Z a-z 0-9 _ -")
    if entry_id in doc.get(root, type=Map):
        raise CurriculumError(f"id {entry_id!r} is already taken")
    return entry_id


def _stamp(when: When) -> str:
    stamp = iso(datetime.now(UTC) if when is None else when)
    if stamp is None:
        raise CurriculumError(f"{str(when)[:80]!r} is not an ISO 8601 date and time")
    return stamp


def _short(value: object, limit: int = 320) -> bool:
    return isinstance(value, str) and 0 < len(strip(value)) <= limit


def _short_list(value: object, limit: int) -> bool:
    if not isinstance(value, list | tuple) or len(value) > MAX_TAGS:
        return False
    return all(_short(v, limit) for v in value)


_KINDS, _STATUSES = ", ".join(KINDS), ", ".join(ITEM_STATUSES)
# field -> (check, message); values that pass are stripped, lists deduplicated
_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "title": (lambda v: _short(v, MAX_TITLE), f"title must be 1 to {MAX_TITLE} characters"),
    "url": (lambda v: isinstance(v, str) and url_ok(strip(v)), "url must be http(s) or empty"),
    "kind": (lambda v: v in KINDS and isinstance(v, str), f"kind must be one of {_KINDS}"),
    "skills": (
        lambda v: _short_list(v, MAX_TAG),
        f"skills: at most {MAX_TAGS}, 1 to {MAX_TAG} characters",
    ),
    "estimate_minutes": (
        lambda v: v is None or (type(v) is int and 0 <= v <= MAX_MINUTES),
        f"estimate_minutes must be a whole number from 0 to {MAX_MINUTES}",
    ),
    "assigned_by": (lambda v: v is None or _short(v), "assigned_by must be 1 to 320 characters"),
    "done": (lambda v: isinstance(v, bool), "done must be true or false"),
    "target_date": (
        lambda v: v == "" or iso_date(v) is not None,
        "target_date must be a date YYYY-MM-DD",
    ),
    "member": (_short, "member must be 1 to 320 characters"),
    "mentors": (lambda v: _short_list(v, 320), f"mentors: at most {MAX_TAGS}, 1 to 320 characters"),
    "created_at": (lambda v: iso(v) is not None, "created_at must be an ISO 8601 date and time"),
    "status": (lambda v: v in ITEM_STATUSES and isinstance(v, str), f"status: one of {_STATUSES}"),
    "text": (lambda v: isinstance(v, str) and len(v) <= MAX_TEXT, "text is too long"),
}


def _validated(allowed: tuple[str, ...], **values: Any) -> dict[str, Any]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise CurriculumError(f"cannot set {', '.join(unknown)} here")
    result = {}
    for key, value in values.items():
        check, message = _RULES[key]
        if not check(value):
            raise CurriculumError(message)
        if not _unicode_ok(value):  # pycrdt panics on lone surrogates
            raise CurriculumError(f"{key} is not valid Unicode")
        if key == "created_at":
            value = iso(value)
        elif isinstance(value, list | tuple):
            value = list(dict.fromkeys(strip(v) for v in value))
        result[key] = strip(value) if isinstance(value, str) and key != "text" else value
    return result


def _replace_text(text: Text, new: str) -> None:
    """Rewrite only the differing middle of `text`; pycrdt counts Text offsets in UTF-8 bytes."""
    old = str(text)
    common = min(len(old), len(new))
    start = next((i for i in range(common) if old[i] != new[i]), common)
    end = next((i for i in range(common - start) if old[-1 - i] != new[-1 - i]), common - start)
    offset = len(old[:start].encode())
    removed = len(old[start : len(old) - end].encode())
    if removed:
        del text[offset : offset + removed]
    if start < len(new) - end:
        text.insert(offset, new[start : len(new) - end])
