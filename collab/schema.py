"""The curriculum document's schema: its root types (see docs/document.md)."""

from __future__ import annotations

# Root name -> shared type. Keyed maps, not arrays, so concurrent moves never
# duplicate or lose a card; `resume` is the member's dream-job "reverse resume".
ROOT_TYPES: dict[str, str] = {
    "meta": "map",
    "items": "map",
    "goals": "map",
    "resume": "text",
}

ITEM_STATUSES = ("later", "next", "now", "done")
