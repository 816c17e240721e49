"""Typed access to a curriculum document: reading, views and edits (see docs/document.md).

Reading never raises: whatever a client wrote is coerced to the typed form. Each
edit validates everything first, then changes the document in one transaction
tagged with the caller's origin, so a rejected edit changes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit
from uuid import uuid4

from pycrdt import Array, Doc, Map, Text

from .positions import is_key, place, sort_key
from .schema import ITEM_STATUSES

COLUMNS = ("done", "now", "next", "later")  # display order
KINDS = ("article", "video", "course", "book", "exercise", "project", "talk", "other")
ITEM_FIELDS = ("title", "url", "kind", "skills", "estimate_minutes", "assigned_by")
GOAL_FIELDS = ("title", "skills", "done")
META_FIELDS = ("title", "member", "mentors", "created_at")
MAX_TITLE, MAX_URL, MAX_TEXT, MAX_MINUTES, MAX_TAGS = 200, 2000, 50_000, 100_000, 30
When = datetime | str | None


class CurriculumError(ValueError):
    """An edit was rejected; the document is unchanged."""


def _iso(value: object) -> str | None:
    """An ISO 8601 date-time (or datetime) as UTC `YYYY-MM-DDTHH:MM:SSZ`; None if not one."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    try:
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. year 1 with a positive offset
        return None
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _url_ok(url: object) -> bool:
    """Empty, or an http(s) address (safe to put in an href)."""
    if url == "":
        return True
    if not isinstance(url, str) or len(url) > MAX_URL or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _seq(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _tags(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in _seq(value) if isinstance(v, str) and v.strip()))


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _minutes(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if 0 <= value <= MAX_MINUTES else None


class _Record:
    """Pure converters to and from plain dicts (tuples become lists)."""

    COERCE: ClassVar[dict[str, Callable[[Any], Any]]]  # field -> never-raising coercion

    def to_dict(self) -> dict[str, Any]:
        return {key: _jsonable(value) for key, value in vars(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(**{key: coerce(data.get(key)) for key, coerce in cls.COERCE.items()})


def _jsonable(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.to_dict()
    return [_jsonable(v) for v in value] if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Item(_Record):
    id: str
    title: str
    url: str = ""
    kind: str = "other"
    skills: tuple[str, ...] = ()
    status: str = "later"
    position: str = ""  # "" when missing or malformed: sorts first
    estimate_minutes: int | None = None
    assigned_by: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    notes: str = ""

    COERCE = {
        "id": _str, "title": _str, "url": lambda v: v if _url_ok(v) else "",
        "kind": lambda v: v if v in KINDS else "other", "skills": _tags,
        "status": lambda v: v if v in ITEM_STATUSES else "later",
        "position": lambda v: v if is_key(v) else "", "estimate_minutes": _minutes,
        "assigned_by": lambda v: v if isinstance(v, str) and v else None,
        "started_at": _iso, "completed_at": _iso, "notes": _str,
    }  # fmt: skip


@dataclass(frozen=True)
class Goal(_Record):
    id: str
    title: str
    skills: tuple[str, ...] = ()
    done: bool = False
    position: str = ""

    COERCE = {
        "id": _str, "title": _str, "skills": _tags, "done": lambda v: v is True,
        "position": lambda v: v if is_key(v) else "",
    }  # fmt: skip


def _item_order(item: Item) -> tuple[int, str, str]:
    return (COLUMNS.index(item.status), *sort_key(item.position, item.id))


@dataclass(frozen=True)
class Curriculum(_Record):
    title: str = ""
    member: str = ""
    mentors: tuple[str, ...] = ()
    created_at: str | None = None
    items: tuple[Item, ...] = ()  # by column (done, now, next, later), position, id
    goals: tuple[Goal, ...] = ()  # by position, id
    resume: str = ""

    COERCE = {
        "title": _str, "member": _str, "mentors": _tags, "created_at": _iso, "resume": _str,
        "items": lambda v: tuple(sorted(
            (Item.from_dict(i) for i in _seq(v) if isinstance(i, Mapping)), key=_item_order)),
        "goals": lambda v: tuple(sorted(
            (Goal.from_dict(g) for g in _seq(v) if isinstance(g, Mapping)),
            key=lambda g: sort_key(g.position, g.id))),
    }  # fmt: skip


def read_curriculum(doc: Doc) -> Curriculum:
    """The document as a typed value; junk is coerced, never raised."""
    data = _plain(doc.get("meta", type=Map))
    for root in ("items", "goals"):
        entries = _plain(doc.get(root, type=Map)).items()
        data[root] = [{**value, "id": key} for key, value in entries if isinstance(value, dict)]
    data["resume"] = str(doc.get("resume", type=Text))
    return Curriculum.from_dict(data)


def _plain(value: Any, depth: int = 0) -> Any:
    """Shared types as plain values; anything unusual (XML, sub-documents) becomes None."""
    if isinstance(value, Map | dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()} if depth < 8 else {}
    if isinstance(value, Array | list):
        return [_plain(v, depth + 1) for v in value] if depth < 8 else []
    if isinstance(value, Text):
        return str(value)
    return value if isinstance(value, str | int | float | bool) else None


def columns(curriculum: Curriculum) -> dict[str, list[Item]]:
    """Items per column, in display order done, now, next, later."""
    result: dict[str, list[Item]] = {status: [] for status in COLUMNS}
    for item in curriculum.items:  # already in (column, position, id) order
        result[item.status].append(item)
    return result


def timeline(curriculum: Curriculum) -> dict[str, list[Item]]:
    """past (done, by completion time, oldest first), now, next, later."""
    cols = columns(curriculum)
    past = sorted(cols.pop("done"), key=lambda i: (i.completed_at is None, i.completed_at or ""))
    return {"past": past, **cols}


# -- edits ---------------------------------------------------------------------------


def add_item(
    doc: Doc, *, title: str, url: str = "", kind: str = "article", skills: Sequence[str] = (),
    estimate_minutes: int | None = None, status: str = "later", assigned_by: str | None = None,
    item_id: str | None = None, notes: str = "", when: When = None, origin: Any = None,
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


def update_item(doc: Doc, item_id: str, *, origin: Any = None, **fields: Any) -> None:
    """Change some of: title, url, kind, skills, estimate_minutes, assigned_by."""
    _write(doc, "items", item_id, _validated(ITEM_FIELDS, **fields), origin)


def move_item(
    doc: Doc, item_id: str, status: str, *, before: str | None = None,
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


def delete_item(doc: Doc, item_id: str, *, origin: Any = None) -> None:
    _delete(doc, "items", item_id, origin)


def set_note_text(doc: Doc, item_id: str, text: str, *, origin: Any = None) -> None:
    """Replace a card's notes (only the part that differs is rewritten)."""
    text = _validated(("text",), text=text)["text"]
    _entry(doc, "items", item_id)
    with doc.transaction(origin=origin):
        entry = _map(doc, "items", item_id)
        notes = entry.get("notes")
        if isinstance(notes, Text):
            _replace_text(notes, text)
        else:
            entry["notes"] = Text(text)


def mark_started(doc: Doc, item_id: str, when: When = None, *, origin: Any = None) -> bool:
    """Record when the member first opened the card's link; False if already recorded."""
    stamp = _stamp(when)
    if _iso(_entry(doc, "items", item_id).get("started_at")) is not None:
        return False
    _write(doc, "items", item_id, {"started_at": stamp}, origin)
    return True


def set_goal(
    doc: Doc, goal_id: str | None = None, *, title: str | None = None,
    skills: Sequence[str] | None = None, done: bool | None = None, origin: Any = None,
) -> str:  # fmt: skip
    """Create a goal (title needed) or change the given fields of one; returns its id."""
    given = {"title": title, "skills": skills, "done": done}
    values = _validated(GOAL_FIELDS, **{k: v for k, v in given.items() if v is not None})
    goals = doc.get("goals", type=Map)
    if isinstance(goal_id, str) and goal_id in goals:
        _write(doc, "goals", goal_id, values, origin)
        return goal_id
    if "title" not in values:
        raise CurriculumError("a new goal needs a title")
    goal_id = _new_id(doc, "goals", goal_id)
    keys = [g.position for g in read_curriculum(doc).goals]
    values = {"skills": [], "done": False, **values, "position": place(keys, len(keys))[0]}
    with doc.transaction(origin=origin):
        goals[goal_id] = Map(values)
    return goal_id


def delete_goal(doc: Doc, goal_id: str, *, origin: Any = None) -> None:
    _delete(doc, "goals", goal_id, origin)


def set_resume(doc: Doc, text: str, *, origin: Any = None) -> None:
    """Replace the reverse resume (only the part that differs is rewritten)."""
    text = _validated(("text",), text=text)["text"]
    with doc.transaction(origin=origin):
        _replace_text(doc.get("resume", type=Text), text)


def set_meta(doc: Doc, *, origin: Any = None, **fields: Any) -> None:
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
    doc = Doc()
    set_meta(doc, title=title, member=member, mentors=mentors, created_at=_stamp(created_at))
    return doc.get_update()


# -- edit helpers --------------------------------------------------------------------


def _unicode_ok(value: object) -> bool:
    try:
        for text in value if isinstance(value, list | tuple) else [value]:
            if isinstance(text, str):
                text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _entry(doc: Doc, root: str, entry_id: object) -> Map | dict[str, Any]:
    usable = isinstance(entry_id, str) and _unicode_ok(entry_id)
    entry = doc.get(root, type=Map).get(entry_id) if usable else None
    if not isinstance(entry, Map | dict):
        raise CurriculumError(f"no {root[:-1]} with id {entry_id!r}")
    return entry


def _map(doc: Doc, root: str, entry_id: str) -> Map:
    """The entry as a Y.Map, replacing a plain object a client wrote in its place."""
    entry = _entry(doc, root, entry_id)
    if isinstance(entry, Map):
        return entry
    data = (Item if root == "items" else Goal).from_dict(_plain(entry)).to_dict()
    del data["id"]
    if root == "items":
        data["notes"] = Text(data["notes"])
    doc.get(root, type=Map)[entry_id] = fixed = Map(data)
    return fixed


def _write(
    doc: Doc, root: str, entry_id: str, values: dict[str, Any], origin: Any,
    changes_only: bool = True,
) -> None:  # fmt: skip
    """Set fields of an entry; by default only those that differ (forms post every field)."""
    _entry(doc, root, entry_id)
    with doc.transaction(origin=origin):
        entry = _map(doc, root, entry_id)
        for key, value in values.items():
            if not changes_only or key not in entry or entry[key] != value:
                entry[key] = value


def _delete(doc: Doc, root: str, entry_id: str, origin: Any) -> None:
    _entry(doc, root, entry_id)
    with doc.transaction(origin=origin):
        del doc.get(root, type=Map)[entry_id]


def _new_id(doc: Doc, root: str, entry_id: str | None) -> str:
    if entry_id is None:
        return uuid4().hex[:12]
    if not isinstance(entry_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", entry_id):
        raise CurriculumError(f"id {entry_id!r} must be 1 to 64 of A-Z a-z 0-9 _ -")
    if entry_id in doc.get(root, type=Map):
        raise CurriculumError(f"id {entry_id!r} is already taken")
    return entry_id


def _stamp(when: When) -> str:
    stamp = _iso(datetime.now(UTC) if when is None else when)
    if stamp is None:
        raise CurriculumError(f"{when!r} is not an ISO 8601 date and time")
    return stamp


def _short(value: object, limit: int = 320) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def _short_list(value: object, limit: int) -> bool:
    if not isinstance(value, list | tuple) or len(value) > MAX_TAGS:
        return False
    return all(_short(v, limit) for v in value)


_KINDS, _STATUSES = ", ".join(KINDS), ", ".join(ITEM_STATUSES)
# field -> (check, message); values that pass are stripped, lists deduplicated
_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "title": (lambda v: _short(v, MAX_TITLE), f"title must be 1 to {MAX_TITLE} characters"),
    "url": (lambda v: isinstance(v, str) and _url_ok(v.strip()), "url must be http(s) or empty"),
    "kind": (lambda v: v in KINDS and isinstance(v, str), f"kind must be one of {_KINDS}"),
    "skills": (lambda v: _short_list(v, 50), f"skills: at most {MAX_TAGS}, 1 to 50 characters"),
    "estimate_minutes": (
        lambda v: v is None or (type(v) is int and 0 <= v <= MAX_MINUTES),
        f"estimate_minutes must be a whole number from 0 to {MAX_MINUTES}",
    ),
    "assigned_by": (lambda v: v is None or _short(v), "assigned_by must be 1 to 320 characters"),
    "done": (lambda v: isinstance(v, bool), "done must be true or false"),
    "member": (_short, "member must be 1 to 320 characters"),
    "mentors": (lambda v: _short_list(v, 320), f"mentors: at most {MAX_TAGS}, 1 to 320 characters"),
    "created_at": (lambda v: _iso(v) is not None, "created_at must be an ISO 8601 date and time"),
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
            value = _iso(value)
        elif isinstance(value, list | tuple):
            value = list(dict.fromkeys(v.strip() for v in value))
        result[key] = value.strip() if isinstance(value, str) and key != "text" else value
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
