"""Strict validation of incoming Yjs v1 updates, before pycrdt (yrs) ever sees them.

`inspect_update` parses a whole update, bounds-checking every read, and reports
what a room needs: the clock ranges it adds, the IDs it depends on, its delete
set and its writes into named root types. Anything malformed is rejected, and so
is anything yrs and the Yjs browser clients would read differently (replicas
would diverge): clocks reaching 2**32 (yrs wraps them as u32), client ids beyond
JavaScript's safe integers, invalid UTF-8, repeated client sections, empty
structs, flagged GC/skip structs, legacy JSON content, XmlHook types and
trailing bytes. Every count is checked against the bytes left, so a small
update cannot claim billions of entries. Pure functions, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

MAX_CLOCK = 2**32  # exclusive upper bound for any clock or clock+length
MAX_CLIENT = 2**53  # Yjs reads client ids as JavaScript numbers
_MAX_DEPTH = 64  # nesting limit for Any values and JSON
_TYPE_REFS = frozenset({0, 1, 2, 3, 4, 6})  # array, map, text, xml element/fragment/text
_TEXT_CONTENT = frozenset({1, 4, 5, 6, 7})  # deleted, string, embed, format, embedded type
# Any tags of fixed size: undefined, null, false, true, float32, float64, bigint
_FIXED_SIZE = {127: 0, 126: 0, 121: 0, 120: 0, 124: 4, 123: 8, 122: 8}


class InvalidUpdate(ValueError):
    """A malformed or hostile update (or state vector); the message is a short reason."""


@dataclass(frozen=True)
class ClientBlock:
    """A run of consecutive clocks of one client (a skip struct splits a client's run)."""

    client: int
    start: int  # first clock
    end: int  # exclusive end clock (start + sum of struct lengths)


@dataclass(frozen=True)
class RootWrite:
    root: str  # root type name (parent given as a string key)
    keyed: bool  # the item has a parentSub (map key): it is a map entry
    content_ref: int  # the item's content ref number (1..9)


@dataclass(frozen=True)
class UpdateSummary:
    blocks: tuple[ClientBlock, ...]
    references: frozenset[tuple[int, int]]  # (client, clock) used as origin/right origin/parent
    deletes: tuple[tuple[int, int, int], ...]  # (client, clock, length) from the delete set
    root_writes: tuple[RootWrite, ...]  # items whose parent is a root named by string

    @property
    def is_empty(self) -> bool:
        return not self.blocks and not self.deletes


class _Cursor:
    """A reader over lib0-encoded bytes that raises InvalidUpdate instead of overrunning."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.pos = 0

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise InvalidUpdate("truncated update")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def take(self, n: int) -> bytes:
        if n > len(self.data) - self.pos:
            raise InvalidUpdate("truncated update")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def var_uint(self) -> int:
        pos = self.pos
        if pos < len(self.data) and self.data[pos] < 0x80:  # most are one byte: no loop
            self.pos = pos + 1
            return self.data[pos]
        value = shift = 0
        for _ in range(10):
            b = self.byte()
            value |= (b & 0x7F) << shift
            if b < 0x80:
                if value >= 2**64:
                    raise InvalidUpdate("integer out of range")
                return value
            shift += 7
        raise InvalidUpdate("integer encoding too long")

    def var_int(self) -> int:
        b = self.byte()
        value, negative, shift = b & 0x3F, b & 0x40, 6
        while b >= 0x80:
            if shift >= 6 + 7 * 9:
                raise InvalidUpdate("integer encoding too long")
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
        if value >= 2**53:
            raise InvalidUpdate("integer out of range")
        return -value if negative else value

    def count(self, what: str, min_size: int = 1) -> int:
        """A count of entries that each take at least `min_size` of the remaining bytes."""
        n = self.var_uint()
        if n * min_size > self.remaining():
            raise InvalidUpdate(f"{what} count exceeds the data")
        return n

    def var_bytes(self) -> bytes:
        return self.take(self.count("byte"))

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUpdate("string is not valid UTF-8") from None

    def client(self) -> int:
        client = self.var_uint()
        if client >= MAX_CLIENT:
            raise InvalidUpdate("client id out of range")
        return client

    def ref_id(self, client: int, clock: int) -> tuple[int, int]:
        """An ID referenced by the item (client, clock); it must precede the item."""
        ref = (self.client(), self.var_uint())
        if ref[1] >= MAX_CLOCK:
            raise InvalidUpdate("referenced clock out of range")
        if ref[0] == client and ref[1] >= clock:
            raise InvalidUpdate("item refers to a later clock of its own client")
        return ref


def _skip_any(cur: _Cursor, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        raise InvalidUpdate("value nested too deeply")
    tag = cur.byte()
    if tag in _FIXED_SIZE:
        cur.take(_FIXED_SIZE[tag])
    elif tag == 125:
        cur.var_int()
    elif tag == 119:
        cur.var_string()
    elif tag == 118:
        for _ in range(cur.count("object entry", 2)):
            cur.var_string()
            _skip_any(cur, depth + 1)
    elif tag == 117:
        for _ in range(cur.count("array element")):
            _skip_any(cur, depth + 1)
    elif tag == 116:
        cur.var_bytes()
    else:
        raise InvalidUpdate(f"unknown value tag {tag}")


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(name)  # NaN and Infinity are not JSON for the Yjs clients


def _check_json(cur: _Cursor) -> None:
    try:
        value = json.loads(cur.var_string(), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidUpdate("invalid JSON in content") from None
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise InvalidUpdate("JSON nested too deeply")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


def _content(cur: _Cursor, ref: int) -> int:
    """Read an item's content; return its length in clock units."""
    length = 1
    if ref == 1:  # deleted
        length = cur.var_uint()
    elif ref == 3:  # binary
        cur.var_bytes()
    elif ref == 4:  # string: Yjs counts UTF-16 code units
        length = len(cur.var_string().encode("utf-16-le")) // 2
    elif ref in (5, 6):  # embed; format (key, then JSON value)
        if ref == 6:
            cur.var_string()
        _check_json(cur)
    elif ref == 7:  # shared type
        type_ref = cur.var_uint()
        if type_ref not in _TYPE_REFS:
            raise InvalidUpdate(f"unsupported shared type {type_ref}")
        if type_ref == 3:  # XmlElement carries its node name
            cur.var_string()
    elif ref == 8:  # any
        length = cur.count("value")
        for _ in range(length):
            _skip_any(cur)
    elif ref == 9:  # subdocument: guid and options
        cur.var_string()
        _skip_any(cur)
    else:  # 2 (legacy JSON: yrs reads one string more than Yjs) and 11..31
        raise InvalidUpdate(f"unsupported content type {ref}")
    if length == 0:
        raise InvalidUpdate("empty struct")
    return length


def inspect_update(update: bytes) -> UpdateSummary:
    """Parse a Yjs v1 update completely; raise InvalidUpdate if anything is off."""
    cur = _Cursor(update)
    blocks: list[ClientBlock] = []
    references: set[tuple[int, int]] = set()
    root_writes: dict[RootWrite, None] = {}
    seen: set[int] = set()
    for _ in range(cur.count("client", 5)):
        n_structs = cur.count("struct", 2)
        client = cur.client()
        if n_structs == 0:
            raise InvalidUpdate("client section without structs")
        if client in seen:
            raise InvalidUpdate("client section repeated")
        seen.add(client)
        clock = start = cur.var_uint()
        for _ in range(n_structs):
            info = cur.byte()
            ref = info & 0x1F
            if ref in (0, 10):  # GC, Skip
                if info != ref:
                    raise InvalidUpdate("flags on a GC or skip struct")
                length = cur.var_uint()
                if length == 0:
                    raise InvalidUpdate("empty struct")
                if ref == 10:
                    if clock > start:
                        blocks.append(ClientBlock(client, start, clock))
                    start = clock + length
            else:
                for flag in (0x80, 0x40):  # origin, right origin
                    if info & flag:
                        references.add(cur.ref_id(client, clock))
                root: str | None = None
                keyed = False
                if info & 0xC0 == 0:
                    parent_info = cur.var_uint()
                    if parent_info == 1:
                        root = cur.var_string()
                    elif parent_info == 0:
                        references.add(cur.ref_id(client, clock))
                    else:
                        raise InvalidUpdate("invalid parent info")
                    if info & 0x20:
                        cur.var_string()
                        keyed = True
                length = _content(cur, ref)
                if root is not None:
                    root_writes[RootWrite(root, keyed, ref)] = None
            clock += length
            if clock >= MAX_CLOCK:
                raise InvalidUpdate(f"clock of client {client} reaches 2**32")
        if clock > start:
            blocks.append(ClientBlock(client, start, clock))
    deletes: list[tuple[int, int, int]] = []
    for _ in range(cur.count("delete-set client", 2)):
        client = cur.client()
        for _ in range(cur.count("delete range", 2)):
            clock, length = cur.var_uint(), cur.var_uint()
            if length == 0:
                raise InvalidUpdate("empty delete range")
            if clock + length >= MAX_CLOCK:
                raise InvalidUpdate(f"delete range of client {client} reaches 2**32")
            deletes.append((client, clock, length))
    if cur.remaining():
        raise InvalidUpdate("trailing bytes after the delete set")
    return UpdateSummary(tuple(blocks), frozenset(references), tuple(deletes), tuple(root_writes))


def decode_state_vector(state: bytes) -> dict[int, int]:
    """Decode a Yjs state vector (client -> next expected clock); raise InvalidUpdate."""
    cur = _Cursor(state)
    result: dict[int, int] = {}
    for _ in range(cur.count("state vector entry", 2)):
        client, clock = cur.client(), cur.var_uint()
        if clock >= MAX_CLOCK:
            raise InvalidUpdate("state vector clock reaches 2**32")
        if client in result:
            raise InvalidUpdate("client repeated in state vector")
        result[client] = clock
    if cur.remaining():
        raise InvalidUpdate("trailing bytes after the state vector")
    return result


def missing_dependencies(summary: UpdateSummary, state: Mapping[int, int]) -> bool:
    """True if applying the update on a document with `state` would leave part of it pending."""
    known = dict(state)
    for block in sorted(summary.blocks, key=lambda b: (b.client, b.start)):
        have = known.get(block.client, 0)
        if block.start > have:
            return True
        known[block.client] = max(have, block.end)
    if any(clock >= known.get(client, 0) for client, clock in summary.references):
        return True
    return any(clock + n > known.get(client, 0) for client, clock, n in summary.deletes)


def check_root_types(summary: UpdateSummary, schema: Mapping[str, str]) -> None:
    """Raise InvalidUpdate if an item is written into a root the schema does not list, or
    into a schema root as the wrong shared type (the document owns its schema).

    `schema` maps root names to "map", "text" or "array".
    """
    for write in summary.root_writes:
        kind = schema.get(write.root)
        if kind is None:
            known = ", ".join(schema)
            raise InvalidUpdate(f"unknown root {write.root[:40]!r} (the roots are {known})")
        if kind == "map":
            ok = write.keyed
        elif kind == "text":
            ok = not write.keyed and write.content_ref in _TEXT_CONTENT
        elif kind == "array":
            ok = not write.keyed
        else:
            raise ValueError(f"unknown shared type {kind!r} for root {write.root!r}")
        if not ok:
            raise InvalidUpdate(f"root {write.root!r} must be a {kind}")
