"""Fractional order keys: strings that sort between any two others.

A key is a base-62 fraction (digits `0-9A-Za-z` in ASCII order) that never ends
in `0`, so plain string comparison is numeric order and there is always room
between two different keys. Cards in a column are ordered by
`(position, id)`: two peers inserting into the same gap at the same time pick
the same key, and the id breaks the tie the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
_VALUE = {digit: value for value, digit in enumerate(DIGITS)}
_SMALLEST, _LARGEST = DIGITS[0], DIGITS[-1]


def is_key(key: object) -> bool:
    """True if `key` is a well-formed position key."""
    return (
        isinstance(key, str)
        and key != ""
        and not key.endswith(_SMALLEST)
        and all(char in _VALUE for char in key)
    )


def sort_key(position: str, entry_id: str) -> tuple[str, str]:
    """The canonical order of entries in a column: position, then id for ties."""
    return (position, entry_id)


def key_between(a: str | None, b: str | None) -> str:
    """A key strictly between `a` and `b` (None is an open end)."""
    _check(a, b)
    if b is None:
        return _after(a) if a is not None else DIGITS[BASE // 2]
    if a is None:
        return _before(b)
    return _spread(a, b, 1)[0]


def keys_between(a: str | None, b: str | None, n: int) -> list[str]:
    """`n` increasing keys strictly between `a` and `b`, evenly spread."""
    if n < 0:
        raise ValueError("n must not be negative")
    _check(a, b)
    if n == 1:
        return [key_between(a, b)]
    return _spread(a or "", b, n) if n else []


def place(keys: Sequence[str], index: int) -> tuple[str, dict[int, str]]:
    """A key for an entry inserted at `index` of a column, plus any re-keys it needs.

    `keys` are the column's positions in canonical order; an empty string stands
    for a missing or malformed position (it sorts first). When the neighbours
    tie, the tied entries from `index` on get new keys (returned as index -> key)
    so the new entry lands exactly where asked.
    """
    if not 0 <= index <= len(keys):
        raise ValueError(f"index {index} is outside 0..{len(keys)}")
    for i, key in enumerate(keys):
        if key != "" and not is_key(key):
            raise ValueError(f"malformed position key {key!r}")
        if i and key < keys[i - 1]:
            raise ValueError("keys are not in order")
    lo = (keys[index - 1] or None) if index else None
    end = index
    while end < len(keys) and (keys[end] == "" or (lo is not None and keys[end] <= lo)):
        end += 1
    hi = keys[end] if end < len(keys) else None
    new = keys_between(lo, hi, end - index + 1)
    return new[0], {index + offset: key for offset, key in enumerate(new[1:])}


def _check(a: str | None, b: str | None) -> None:
    for key in (a, b):
        if key is not None and not is_key(key):
            raise ValueError(f"malformed position key {key!r}")
    if a is not None and b is not None and a >= b:
        raise ValueError(f"{a!r} does not sort before {b!r}")


def _after(a: str) -> str:
    """The shortest step up from `a`: bump its first digit that can go up."""
    for i, char in enumerate(a):
        if char != _LARGEST:
            return a[:i] + DIGITS[_VALUE[char] + 1]
    return a + DIGITS[1]


def _before(b: str) -> str:
    """The shortest step down from `b`: lower its first digit that can go down."""
    for i, char in enumerate(b):
        if _VALUE[char] > 1:
            return b[:i] + DIGITS[_VALUE[char] - 1]
    return b[:-1] + _SMALLEST + _LARGEST  # b is all 0s and 1s, ending in 1


def _spread(a: str, b: str | None, n: int) -> list[str]:
    """`n` keys evenly spaced between fractions `a` and `b` (None is 1)."""
    width = max(len(a), len(b or ""), 1)
    while True:
        lo = _to_int(a, width)
        hi = _to_int(b, width) if b is not None else BASE**width
        if hi - lo > n:
            break
        width += 1
    return [_to_key(lo + (i + 1) * (hi - lo) // (n + 1), width) for i in range(n)]


def _to_int(key: str, width: int) -> int:
    value = 0
    for char in key.ljust(width, _SMALLEST):
        value = value * BASE + _VALUE[char]
    return value


def _to_key(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, BASE)
        digits.append(DIGITS[digit])
    return "".join(reversed(digits)).rstrip(_SMALLEST)
