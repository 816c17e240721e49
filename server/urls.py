"""URLs built from ids, in one place: every id is one quoted path segment.

Document and item ids reach mentorHub from clients (an item id is whatever a peer
wrote). Routes take them through the `id` path convertor, which matches only ids of
the schema's form (anything else is 404 before a handler runs), and every link,
form action and htmx attribute is built by `path()`, which quotes each segment
completely (`/`, `.`, `?`, `#`, `%` included), so no id can step out of its segment.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor

from collab.schema import ID_PATTERN


class IdConvertor(Convertor[str]):
    regex = ID_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return segment(value)


register_url_convertor("id", IdConvertor())


def segment(value: str | int) -> str:
    """One path segment: every character but A-Z a-z 0-9 _ - ~ percent-encoded.

    Browsers read `.`, `..` and their encodings (`%2e%2E`, …) as steps up the path
    whatever their quoting, so such segments (and empty ones) are refused outright.
    """
    text = str(value)
    if text.strip(".") == "":
        raise ValueError(f"{text!r} cannot be a path segment")
    return quote(text, safe="").replace(".", "%2E")


def path(*segments: str | int) -> str:
    """An absolute path from segments, e.g. path("curricula", doc_id, "timeline")."""
    return "/" + "/".join(segment(s) for s in segments)


def curriculum_path(doc_id: str, *rest: str) -> str:
    return path("curricula", doc_id, *rest)
