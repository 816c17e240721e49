"""The curriculum document's schema: its roots, typed records, limits and coercion rules.

This module is the one statement of the schema (see docs/document.md). The editor's
JavaScript receives what it needs from `client_schema()` and reads documents by the
same rules; `tests/fixtures/junk_documents.json` holds both to it.

Reading never raises: whatever a client wrote is coerced to the typed form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, ClassVar, Self, TypeGuard

from pycrdt import Doc, Map, Text

from .positions import is_key, sort_key

# Root name -> shared type. Keyed maps, not arrays, so concurrent moves never
# duplicate or lose a card; `resume` is the member's dream-job "reverse resume".
ROOT_TYPES: dict[str, str] = {
    "meta": "map",
    "items": "map",
    "goals": "map",
    "resume": "text",
}

ITEM_STATUSES = ("later", "next", "now", "done")
COLUMNS = ("done", "now", "next", "later")  # display order
COLUMN_LABELS = {"done": "Done", "now": "Now", "next": "Next", "later": "Later"}
KINDS = ("article", "video", "course", "book", "exercise", "project", "talk", "other")
DEFAULT_KIND, DEFAULT_STATUS = "other", "later"
MAX_TITLE, MAX_URL, MAX_TEXT, MAX_MINUTES, MAX_TAGS, MAX_TAG = 200, 2000, 50_000, 100_000, 30, 50
ID_PATTERN = "[A-Za-z0-9_-]{1,64}"
# What JavaScript's String.prototype.trim removes: both sides strip exactly these.
SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # noqa: E501
# Characters never allowed in a link: control characters and every kind of space.
URL_FORBIDDEN = "[\\x00-\\x20\\x7f-\\x9f\\u00a0\\u1680\\u2000-\\u200b\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"  # noqa: E501
URL_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://([^/?#]*)"
URL_BRACKETED_HOST = "^\\[[0-9A-Fa-f:.]+\\](:[0-9]*)?$"  # an IPv6 literal, maybe a port
TIME_PATTERN = (
    "^([0-9]{4})-([0-9]{2})-([0-9]{2})"
    "(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?)?)?"
    "(Z|z|[+-][0-9]{2}:[0-9]{2})?$"
)
DATE_PATTERN = "^([0-9]{4})-([0-9]{2})-([0-9]{2})$"  # a calendar date: a goal's target
When = datetime | str | None

_ID, _URL_FORBIDDEN = re.compile(ID_PATTERN), re.compile(URL_FORBIDDEN)
_URL, _TIME = re.compile(URL_PATTERN), re.compile(TIME_PATTERN)
_BRACKETED_HOST = re.compile(URL_BRACKETED_HOST)
_DATE = re.compile(DATE_PATTERN)


def client_schema() -> dict[str, Any]:
    """What the editor's JavaScript needs of the schema (handed to it as JSON)."""
    return {
        "columns": list(COLUMNS),
        "columnLabels": COLUMN_LABELS,
        "statuses": list(ITEM_STATUSES),
        "kinds": list(KINDS),
        "defaultKind": DEFAULT_KIND,
        "defaultStatus": DEFAULT_STATUS,
        "idPattern": ID_PATTERN,
        "space": SPACE,
        "urlForbidden": URL_FORBIDDEN,
        "urlPattern": URL_PATTERN,
        "urlBracketedHost": URL_BRACKETED_HOST,
        "timePattern": TIME_PATTERN,
        "datePattern": DATE_PATTERN,
        "limits": {
            "title": MAX_TITLE,
            "url": MAX_URL,
            "text": MAX_TEXT,
            "minutes": MAX_MINUTES,
            "tags": MAX_TAGS,
            "tag": MAX_TAG,
        },
    }


def is_id(value: object) -> TypeGuard[str]:
    """An id as the schema allows it: 1-64 of A-Z a-z 0-9 _ - (safe in a URL path)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def strip(value: str) -> str:
    return value.strip(SPACE)


def iso(value: object) -> str | None:
    """An ISO 8601 date-time (or datetime) as UTC `YYYY-MM-DDTHH:MM:SSZ`; None if not one.

    Accepted: `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]`, optionally `Z` or
    `+HH:MM`; no offset means UTC. The JavaScript reader accepts exactly the same.
    """
    if isinstance(value, str):
        value = _parse_time(value)
    if not isinstance(value, datetime):
        return None
    try:
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. year 1 with a positive offset
        return None
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def iso_date(value: object) -> str | None:
    """A calendar date written `YYYY-MM-DD` (year 1 to 9999), as is; None if not one.

    Only that form: a date with a time or an offset is not a date. The JavaScript
    reader (isoDate in static/editor/goals.js) accepts exactly the same.
    """
    found = _DATE.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        date(*(int(part) for part in found.groups()))
    except ValueError:
        return None
    return found.group(0)


def _parse_time(text: str) -> datetime | None:
    found = _TIME.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, offset = found.groups()
    zone = UTC
    if offset and offset not in "Zz":
        sign = -1 if offset[0] == "-" else 1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        return None


def url_ok(url: object) -> bool:
    """Empty, or an http(s) address with a host and no space or control character."""
    if url == "":
        return True
    if not isinstance(url, str) or len(url) > MAX_URL or _URL_FORBIDDEN.search(url):
        return False
    found = _URL.match(url)
    if found is None or "\\" in found.group(1):
        return False
    host = found.group(1).rpartition("@")[2]
    if "[" in host or "]" in host:
        return _BRACKETED_HOST.fullmatch(host) is not None
    name, _, port = host.partition(":")
    return bool(name) and (port == "" or port.isascii() and port.isdigit())


def _seq(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _tags(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(strip(v) for v in _seq(value) if isinstance(v, str) and strip(v)))


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
    kind: str = DEFAULT_KIND
    skills: tuple[str, ...] = ()
    status: str = DEFAULT_STATUS
    position: str = ""  # "" when missing or malformed: sorts first
    estimate_minutes: int | None = None
    assigned_by: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    notes: str = ""

    COERCE = {
        "id": _str, "title": _str, "url": lambda v: v if url_ok(v) else "",
        "kind": lambda v: v if v in KINDS else DEFAULT_KIND, "skills": _tags,
        "status": lambda v: v if v in ITEM_STATUSES else DEFAULT_STATUS,
        "position": lambda v: v if is_key(v) else "", "estimate_minutes": _minutes,
        "assigned_by": lambda v: v if isinstance(v, str) and v else None,
        "started_at": iso, "completed_at": iso, "notes": _str,
    }  # fmt: skip


@dataclass(frozen=True)
class Goal(_Record):
    id: str
    title: str
    skills: tuple[str, ...] = ()
    done: bool = False
    position: str = ""
    target_date: str | None = None  # YYYY-MM-DD, when the member means to reach it

    COERCE = {
        "id": _str, "title": _str, "skills": _tags, "done": lambda v: v is True,
        "position": lambda v: v if is_key(v) else "", "target_date": iso_date,
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
        "title": _str, "member": _str, "mentors": _tags, "created_at": iso, "resume": _str,
        "items": lambda v: tuple(sorted(
            (Item.from_dict(i) for i in _seq(v) if isinstance(i, Mapping)), key=_item_order)),
        "goals": lambda v: tuple(sorted(
            (Goal.from_dict(g) for g in _seq(v) if isinstance(g, Mapping)),
            key=lambda g: sort_key(g.position, g.id))),
    }  # fmt: skip


def read_curriculum(doc: Doc[Any]) -> Curriculum:
    """The document as a typed value; junk is coerced, never raised.

    Entries (items, goals) are Y.Maps or plain objects under an id of the schema's
    form; anything else is skipped. A field holding a shared type reads as missing,
    except an item's `notes`, which is a Y.Text (or, written by hand, a string).
    """
    data = entry_fields(doc.get("meta", type=Map))
    for root in ("items", "goals"):
        entries = doc.get(root, type=Map)
        data[root] = [
            {**entry_fields(value), "id": key}
            for key, value in entries.items()
            if is_id(key) and isinstance(value, Map | dict)
        ]
    data["resume"] = str(doc.get("resume", type=Text))
    return Curriculum.from_dict(data)


def entry_fields(entry: Map[Any] | dict[str, Any]) -> dict[str, Any]:
    """An entry's fields as plain values (see read_curriculum)."""
    fields: dict[str, Any] = {}
    for key, value in entry.items():
        if isinstance(value, Text) and key == "notes":
            fields[key] = str(value)
        elif value is None or isinstance(value, str | int | float | bool | list | dict):
            fields[key] = value
    return fields


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
