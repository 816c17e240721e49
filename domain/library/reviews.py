"""A rating (1 to 5) and a short review of a resource, one per person, editable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collab.schema import strip

RATINGS = (1, 2, 3, 4, 5)
MAX_REVIEW = 1000  # characters: a short review


@dataclass(frozen=True)
class Review:
    id: int
    resource_id: int
    user_id: int
    reviewer: str  # the reviewer's name as others see it
    rating: int
    text: str
    at: datetime  # first written: the date a "first review" badge reads
    edited_at: datetime | None = None


def review_from_fields(fields: Mapping[str, Any]) -> tuple[int | None, str, dict[str, str]]:
    """(rating, text, errors by field) from a form or a file's review."""
    errors: dict[str, str] = {}
    raw = fields.get("rating")
    rating = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        rating = raw
    elif isinstance(raw, str) and re.fullmatch("[0-9]", strip(raw)):
        rating = int(strip(raw))
    if rating not in RATINGS:
        errors["rating"] = "Choose a rating from 1 to 5."
        rating = None
    text = fields.get("text") or ""
    if not isinstance(text, str):
        errors["text"] = "The review must be text."
        text = ""
    text = strip(text)
    if len(text) > MAX_REVIEW:
        errors["text"] = f"The review is too long ({len(text)} of at most {MAX_REVIEW} characters)."
    elif "\x00" in text or not _encodable(text):
        errors["text"] = "The review holds characters that cannot be stored."
    return rating, text, errors


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
