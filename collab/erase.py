"""Erasing a person from a document: every mention of their name or email is replaced.

Pure pycrdt, no storage: `scrub` edits the document in one transaction. Mentions are
found in every string the document holds - map values, lists, texts - as whole words,
case-insensitively. On a document with garbage collection on (pycrdt's default) the
replaced content is dropped, so `doc.get_update()` afterwards no longer contains it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pycrdt import Array, Doc, Map, Text

from .schema import ROOT_TYPES

FORMER_MEMBER = "former member"


def mention_pattern(needles: Sequence[str]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive matches of any of `needles` (longest first)."""
    words = sorted({n.strip() for n in needles if n and n.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub_string(value: str, pattern: re.Pattern[str], replacement: str = FORMER_MEMBER) -> str:
    return pattern.sub(replacement, value)


def scrub(
    doc: Doc[Any], needles: Sequence[str], replacement: str = FORMER_MEMBER, origin: Any = None
) -> bool:
    """Replace every mention of `needles` in `doc`; True if anything changed."""
    pattern = mention_pattern(needles)
    if pattern is None:
        return False
    eraser = _Eraser(pattern, replacement)
    with doc.transaction(origin=origin):
        for root, kind in ROOT_TYPES.items():
            if kind == "map":
                eraser.map(doc.get(root, type=Map))
            elif kind == "text":
                eraser.text(doc.get(root, type=Text))
    return eraser.changed


class _Eraser:
    def __init__(self, pattern: re.Pattern[str], replacement: str) -> None:
        self.pattern = pattern
        self.replacement = replacement
        self.changed = False

    def map(self, shared: Map[Any]) -> None:
        for key in list(shared.keys()):
            value = shared[key]
            if not self.shared(value):
                new = self.plain(value)
                if new != value:
                    shared[key] = new
                    self.changed = True

    def array(self, shared: Array[Any]) -> None:
        for index in range(len(shared)):
            value = shared[index]
            if not self.shared(value):
                new = self.plain(value)
                if new != value:
                    del shared[index]
                    shared.insert(index, new)
                    self.changed = True

    def text(self, shared: Text) -> None:
        """Replace each mention; pycrdt counts Text offsets in UTF-8 bytes."""
        current = str(shared)
        for match in reversed(list(self.pattern.finditer(current))):
            start = len(current[: match.start()].encode())
            length = len(match.group().encode())
            del shared[start : start + length]
            shared.insert(start, self.replacement)
            self.changed = True

    def shared(self, value: Any) -> bool:
        """Edit a shared type in place; False if `value` is a plain value."""
        if isinstance(value, Map):
            self.map(value)
        elif isinstance(value, Array):
            self.array(value)
        elif isinstance(value, Text):
            self.text(value)
        else:
            return False
        return True

    def plain(self, value: Any) -> Any:
        """A plain value (JSON-like) with mentions replaced."""
        if isinstance(value, str):
            return scrub_string(value, self.pattern, self.replacement)
        if isinstance(value, list):
            return [self.plain(v) for v in value]
        if isinstance(value, dict):
            return {k: self.plain(v) for k, v in value.items()}
        return value
