"""Tests for collab.update_check: the validator in front of pycrdt for incoming Yjs updates."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, get_state, merge_updates, write_var_uint

from collab.update_check import (
    MAX_CLOCK,
    ClientBlock,
    InvalidUpdate,
    RootWrite,
    UpdateSummary,
    check_root_types,
    decode_state_vector,
    inspect_update,
    missing_dependencies,
)

SCHEMA = {"meta": "map", "items": "map", "goals": "map", "resume": "text"}
vu = write_var_uint


# --- helpers -----------------------------------------------------------------------------------


def new_doc() -> Doc[Any]:
    return Doc()


def vs(value: str | bytes) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    return vu(len(raw)) + raw


def craft(*sections: tuple[int, int, list[bytes]], deletes: bytes = b"\x00") -> bytes:
    """An update from (client, clock, [struct bytes]) sections and an encoded delete set."""
    out = vu(len(sections))
    for client, clock, structs in sections:
        out += vu(len(structs)) + vu(client) + vu(clock) + b"".join(structs)
    return out + deletes


def root_item(ref: int, root: str, content: bytes, key: str | None = None) -> bytes:
    """An item written straight into a named root (no origins)."""
    info = ref | (0x20 if key is not None else 0)
    return bytes([info]) + b"\x01" + vs(root) + (vs(key) if key is not None else b"") + content


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def rewrite_header(update: bytes, client: int | None = None, clock: int | None = None) -> bytes:
    """Re-encode the client and first clock of a single-client update."""
    n_clients, pos = read_var_uint(update, 0)
    assert n_clients == 1
    n_structs, pos = read_var_uint(update, pos)
    old_client, pos = read_var_uint(update, pos)
    old_clock, pos = read_var_uint(update, pos)
    return (
        vu(1)
        + vu(n_structs)
        + vu(old_client if client is None else client)
        + vu(old_clock if clock is None else clock)
        + update[pos:]
    )


def record(doc: Doc[Any], into: list[bytes] | None = None) -> list[bytes]:
    """Collect the update of every transaction on `doc` (into a shared list if given)."""
    updates: list[bytes] = [] if into is None else into
    doc.observe(lambda event: updates.append(event.update))
    return updates


def block_ends(summary: UpdateSummary) -> dict[int, int]:
    ends: dict[int, int] = {}
    for block in summary.blocks:
        ends[block.client] = max(ends.get(block.client, 0), block.end)
    return ends


def assert_matches_pycrdt(update: bytes) -> UpdateSummary:
    """Inspect `update` and compare with what yrs integrates from it into an empty document.

    (`pycrdt.get_state(update)` reports the state after applying the update to an empty
    document, so blocks held back as pending do not count.)
    """
    summary = inspect_update(update)
    applied = decode_state_vector(get_state(update))
    if not missing_dependencies(summary, {}):
        assert applied == block_ends(summary)
    if applied != block_ends(summary):
        assert missing_dependencies(summary, {})
    return summary


def replay(updates: Iterable[bytes]) -> None:
    """Apply updates in causal order, checking each one's clocks against yrs."""
    doc = new_doc()
    known: dict[int, int] = {}
    for update in updates:
        summary = inspect_update(update)
        assert not missing_dependencies(summary, known)
        doc.apply_update(update)
        for client, end in block_ends(summary).items():
            known[client] = max(known.get(client, 0), end)
        assert decode_state_vector(doc.get_state()) == known


def rejected(update: bytes, match: str | None = None) -> None:
    with pytest.raises(InvalidUpdate, match=match):
        inspect_update(update)


def fast(check: Callable[[], object]) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidUpdate):
        check()
    assert time.perf_counter() - started < 0.1


def rich_doc() -> Doc[Any]:
    doc = new_doc()
    items = doc.get("items", type=Map)
    resume = doc.get("resume", type=Text)
    log = doc.get("log", type=Array)
    items["week-1"] = Map({"title": "Kick-off", "notes": Text("Bring laptop 💻 ☕")})
    items["week-2"] = {"title": "Pairing", "slots": [1, 2, 3], "done": False}
    resume += "Mentor 😀 with 10 years of Python 🐍"
    resume.format(0, 6, {"bold": True})
    resume.insert_embed(3, {"image": "avatar.png"})
    log.extend([0, -7, -(2**31), 2**40, 2**62, 1.5, -0.25, True, False, None, "é", b"\x00\xff"])
    log.append({"nested": {"list": [1, [2, [3, {"deep": None}]]], "bytes": b"yz"}})
    log.append(Map({"inner": "map"}))
    del items["week-2"]
    del resume[2:5]
    del log[1:3]
    return doc


# --- valid updates -----------------------------------------------------------------------------


def test_empty_update_is_valid_and_empty() -> None:
    summary = inspect_update(b"\x00\x00")
    assert summary == UpdateSummary((), frozenset(), (), ())
    assert summary.is_empty
    assert inspect_update(new_doc().get_update()).is_empty


def test_rich_document_matches_pycrdt() -> None:
    doc = rich_doc()
    summary = assert_matches_pycrdt(doc.get_update())
    assert not summary.is_empty
    assert summary.deletes  # deletions travel in the delete set
    assert summary.blocks == (ClientBlock(doc.client_id, 0, summary.blocks[0].end),)
    writes = set(summary.root_writes)
    assert RootWrite("items", True, 7) in writes
    assert RootWrite("resume", False, 4) in writes
    assert any(w.root == "log" and not w.keyed and w.content_ref == 8 for w in writes)
    check_root_types(summary, {**SCHEMA, "log": "array"})
    assert not missing_dependencies(summary, {})


def test_string_length_counts_utf16_code_units() -> None:
    doc = new_doc()
    text = doc.get("resume", type=Text)
    text += "😀é𝄞a"  # 2 + 1 + 2 + 1 UTF-16 units
    summary = assert_matches_pycrdt(doc.get_update())
    assert summary.blocks == (ClientBlock(doc.client_id, 0, 6),)


def test_each_transaction_update_matches_pycrdt() -> None:
    doc = new_doc()
    updates = record(doc)
    items = doc.get("items", type=Map)
    with doc.transaction():
        items["a"] = Map({"x": 1})
    notes = Text("🎉 party")
    items["a"]["y"] = notes
    notes += " time"
    del items["a"]["x"]
    items["b"] = [1, 2.5, None, {"k": "v"}]
    assert len(updates) == 5
    replay(updates)
    starts = [summary.blocks[0].start for summary in map(inspect_update, updates) if summary.blocks]
    assert starts == sorted(starts) and starts[0] == 0
    assert missing_dependencies(inspect_update(updates[1]), {})  # needs the first transaction


def _random_text(rng: random.Random) -> str:
    alphabet = "ab é€😀🐍𝄞\n"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.randint(-(2**53), 2**53)
    if kind == 1:
        return rng.uniform(-1e6, 1e6)
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return _random_text(rng)
    if kind == 4:
        return rng.randbytes(rng.randint(0, 5))
    if kind == 5:
        return rng.randint(-100, 100)
    if kind == 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}": _random_value(rng, depth + 1) for i in range(rng.randint(0, 3))}


def _byte_offset(text: Text, rng: random.Random) -> int:
    """A random position in `text` on a character boundary (pycrdt counts UTF-8 bytes)."""
    value = str(text)
    return len(value[: rng.randint(0, len(value))].encode())


def _random_edit(doc: Doc[Any], rng: random.Random) -> None:
    items = doc.get("items", type=Map)
    resume = doc.get("resume", type=Text)
    log = doc.get("log", type=Array)
    op = rng.randrange(8)
    if op == 0:
        items[f"k{rng.randrange(5)}"] = _random_value(rng)
    elif op == 1:
        items[f"k{rng.randrange(5)}"] = Map({"title": _random_text(rng), "body": Text("x😀")})
    elif op == 2 and len(items):
        del items[rng.choice(list(items.keys()))]
    elif op == 3:
        resume.insert(_byte_offset(resume, rng), _random_text(rng))
    elif op == 4 and str(resume):
        start, end = sorted((_byte_offset(resume, rng), _byte_offset(resume, rng)))
        if start < end:
            if rng.random() < 0.5:
                del resume[start:end]
            else:
                resume.format(start, end, {"bold": rng.choice([True, None])})
    elif op == 5:
        log.insert(rng.randint(0, len(log)), _random_value(rng))
    elif op == 6 and len(log):
        index = rng.randrange(len(log))
        del log[index : min(len(log), index + rng.randint(1, 2))]
    else:
        for value in items.values():
            if isinstance(value, Map):
                value[f"n{rng.randrange(3)}"] = _random_value(rng)
                break


def test_random_edit_sequences_match_pycrdt() -> None:
    rng = random.Random(20240611)
    for _ in range(150):
        docs = [new_doc(), new_doc()]
        history: list[bytes] = []  # every update of both documents, in causal order
        for doc in docs:
            record(doc, into=history)
        for _ in range(rng.randint(1, 25)):
            _random_edit(rng.choice(docs), rng)
            if rng.random() < 0.3:
                source, target = rng.sample(docs, 2)
                target.apply_update(source.get_update(target.get_state()))
        for doc in docs:
            assert_matches_pycrdt(doc.get_update())
        replay(history)
        for update in history:
            assert_matches_pycrdt(update)
        if history:
            subset = rng.sample(history, rng.randint(1, len(history)))
            assert_matches_pycrdt(merge_updates(*subset))


def test_merged_update_with_a_gap_splits_blocks_at_the_skip() -> None:
    doc = new_doc()
    updates = record(doc)
    text = doc.get("resume", type=Text)
    for word in ("one ", "two ", "three"):
        text += word
    merged = merge_updates(updates[0], updates[2])  # the middle edit is missing
    summary = assert_matches_pycrdt(merged)
    assert get_state(merged) == get_state(updates[0])  # yrs holds the rest back
    assert summary.blocks == (ClientBlock(doc.client_id, 0, 4), ClientBlock(doc.client_id, 8, 13))
    assert missing_dependencies(summary, {})
    assert not missing_dependencies(summary, {doc.client_id: 8})


# --- clocks near 2**32 -------------------------------------------------------------------------


def _hello_update() -> bytes:
    doc = new_doc()
    doc.get("resume", type=Text).insert(0, "hello")  # five clock units
    return doc.get_update()


def test_header_rewrite_keeps_a_valid_update_valid() -> None:
    moved = rewrite_header(_hello_update(), client=42, clock=MAX_CLOCK - 10)
    summary = inspect_update(moved)
    assert summary.blocks == (ClientBlock(42, MAX_CLOCK - 10, MAX_CLOCK - 5),)


@pytest.mark.parametrize("clock", [MAX_CLOCK - 5, MAX_CLOCK - 3, MAX_CLOCK, 2**40, 2**63])
def test_clock_reaching_2_32_is_rejected(clock: int) -> None:
    rejected(rewrite_header(_hello_update(), clock=clock), "2\\*\\*32")


def test_client_id_beyond_javascript_numbers_is_rejected() -> None:
    rejected(rewrite_header(_hello_update(), client=2**53))
    inspect_update(rewrite_header(_hello_update(), client=2**53 - 1))


def test_delete_range_reaching_2_32_is_rejected() -> None:
    def delete_set(clock: int, length: int) -> bytes:
        return vu(1) + vu(7) + vu(1) + vu(clock) + vu(length)

    ok = inspect_update(craft(deletes=delete_set(MAX_CLOCK - 10, 3)))
    assert ok.deletes == ((7, MAX_CLOCK - 10, 3),)
    assert not ok.is_empty
    rejected(craft(deletes=delete_set(MAX_CLOCK - 2, 5)), "2\\*\\*32")
    rejected(craft(deletes=delete_set(MAX_CLOCK, 1)))
    rejected(craft(deletes=delete_set(2**40, 1)))
    rejected(craft(deletes=delete_set(5, 0)), "empty")


def test_reference_to_a_clock_beyond_2_32_is_rejected() -> None:
    item = b"\x84" + vu(9) + vu(MAX_CLOCK) + vs("x")  # origin (9, 2**32)
    rejected(craft((1, 0, [item])))
    item = b"\x84" + vu(9) + vu(MAX_CLOCK - 1) + vs("x")
    assert inspect_update(craft((1, 0, [item]))).references == {(9, MAX_CLOCK - 1)}


# --- resource bombs ------------------------------------------------------------------------------


def test_huge_counts_are_rejected_quickly() -> None:
    billion = vu(10**9)
    fast(lambda: inspect_update(billion + b"\x00"))  # clients
    fast(lambda: inspect_update(b"\x01" + billion + vu(1) + vu(0) + b"\x00\x01\x00"))  # structs
    fast(lambda: inspect_update(b"\x00\x01" + vu(1) + billion + b"\x00\x01"))  # delete ranges
    fast(lambda: inspect_update(b"\x00" + billion + b"\x01\x01"))  # delete-set clients
    fast(lambda: inspect_update(craft((1, 0, [root_item(8, "log", billion + b"\x7e")]))))
    fast(lambda: inspect_update(craft((1, 0, [root_item(8, "log", b"\x01\x75" + billion)]))))
    fast(lambda: inspect_update(craft((1, 0, [root_item(8, "log", b"\x01\x76" + billion)]))))
    fast(lambda: inspect_update(craft((1, 0, [root_item(4, "resume", billion + b"abc")]))))
    fast(lambda: inspect_update(craft((1, 0, [root_item(3, "log", billion + b"abc")]))))
    fast(lambda: inspect_update(b"\xff" * 11 + b"\x01"))  # varuint longer than 10 bytes
    fast(lambda: inspect_update(vu(2**64) + b"\x00"))  # varuint beyond 64 bits


def test_deep_nesting_is_rejected() -> None:
    deep = b"\x75\x01" * 1000 + b"\x7e"  # arrays within arrays
    fast(lambda: inspect_update(craft((1, 0, [root_item(8, "log", b"\x01" + deep)]))))
    shallow = b"\x75\x01" * 10 + b"\x7e"
    inspect_update(craft((1, 0, [root_item(8, "log", b"\x01" + shallow)])))
    deep_json = "[" * 5000 + "]" * 5000
    fast(lambda: inspect_update(craft((1, 0, [root_item(5, "resume", vs(deep_json))]))))


def test_large_claimed_lengths_that_fit_are_accepted_without_allocation() -> None:
    # a deleted run of a billion clocks is only a number: valid, and no memory is used
    summary = inspect_update(craft((1, 0, [root_item(1, "resume", vu(10**9))])))
    assert summary.blocks == (ClientBlock(1, 0, 10**9),)


# --- truncation and fuzzing ----------------------------------------------------------------------


def _sample_updates() -> list[bytes]:
    doc = rich_doc()
    updates = [doc.get_update(), _hello_update()]
    other = new_doc()
    other.apply_update(updates[0])
    log = record(other)
    other.get("items", type=Map)["week-1"]["title"] = "Kick-off 🚀"
    del other.get("resume", type=Text)[0:3]
    return updates + log


def test_every_truncation_is_rejected() -> None:
    for update in _sample_updates():
        inspect_update(update)
        for end in range(len(update)):
            rejected(update[:end])
        rejected(update + b"\x00", "trailing")


def test_random_corruption_raises_only_invalid_update() -> None:
    rng = random.Random(1234)
    samples = _sample_updates()
    accepted = 0
    for _ in range(4000):
        data = bytearray(rng.choice(samples))
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(data))
            action = rng.randrange(4)
            if action == 0:
                data[pos] ^= 1 << rng.randrange(8)
            elif action == 1:
                data[pos] = rng.choice([0x00, 0x7F, 0x80, 0xFF, rng.randrange(256)])
            elif action == 2:
                data.insert(pos, rng.randrange(256))
            elif len(data) > 1:
                del data[pos]
        try:
            inspect_update(bytes(data))
            accepted += 1
        except InvalidUpdate:
            pass
    assert 0 < accepted < 4000


# --- formats on which yrs and Yjs disagree -------------------------------------------------------


def test_repeated_client_section_is_rejected() -> None:
    first = root_item(4, "resume", vs("ab"))
    second = b"\x84" + vu(1) + vu(1) + vs("cd")
    inspect_update(craft((1, 0, [first, second])))
    rejected(craft((1, 0, [first]), (1, 2, [second])), "repeated")


def test_empty_structs_and_sections_are_rejected() -> None:
    rejected(craft((1, 0, [root_item(4, "resume", vs(""))])), "empty")
    rejected(craft((1, 0, [root_item(8, "log", b"\x00")])), "empty")
    rejected(craft((1, 0, [b"\x00\x00"])), "empty")
    rejected(craft((1, 0, [])) + b"\x00\x00", "without structs")


def test_unsupported_or_ambiguous_content_is_rejected() -> None:
    rejected(craft((1, 0, [b"\x20\x02"])), "flags")  # GC with a parentSub bit
    rejected(craft((1, 0, [b"\x8a\x02"])), "flags")  # skip with an origin bit
    rejected(craft((1, 0, [root_item(2, "log", b"\x01" + vs('"x"'))])), "content type 2")
    rejected(craft((1, 0, [root_item(0x11, "log", b"\x02")])), "content type 17")
    rejected(craft((1, 0, [root_item(7, "items", b"\x05" + vs("hook"), key="k")])), "shared")
    rejected(craft((1, 0, [root_item(7, "items", b"\x07", key="k")])), "shared")
    rejected(craft((1, 0, [root_item(8, "log", b"\x01\x73")])), "tag")
    rejected(craft((1, 0, [root_item(4, "resume", vs(b"\xed\xa0\x80"))])), "UTF-8")
    rejected(craft((1, 0, [root_item(5, "resume", vs("NaN"))])), "JSON")
    rejected(craft((1, 0, [root_item(6, "resume", vs("bold") + vs("{nope"))])), "JSON")
    rejected(craft((1, 0, [b"\x04\x02" + vs("x")])), "parent")
    element = root_item(7, "items", b"\x03" + vs("paragraph"), key="k")
    assert inspect_update(craft((1, 0, [element]))).blocks == (ClientBlock(1, 0, 1),)


def test_signed_integers_in_values() -> None:
    # pycrdt writes Python numbers as floats, Yjs clients write small integers as tag 125
    def values(*encoded: bytes) -> bytes:
        return craft((1, 0, [root_item(8, "log", vu(len(encoded)) + b"".join(encoded))]))

    summary = inspect_update(
        values(b"\x7d\x05", b"\x7d\x45", b"\x7d\xbf\x7f", b"\x7d\xff" + b"\xff" * 6 + b"\x0f")
    )
    assert summary.blocks == (ClientBlock(1, 0, 4),)
    rejected(values(b"\x7d\xbf\xff\xff\xff\xff\xff\xff\xff\x7f"), "out of range")  # 2**62 - 1
    rejected(values(b"\x7d" + b"\xff" * 10 + b"\x00"), "too long")
    rejected(values(b"\x7d\x80"), "truncated")


def test_reference_to_own_later_clock_is_rejected() -> None:
    first = root_item(4, "resume", vs("ab"))
    rejected(craft((1, 0, [first, b"\x84" + vu(1) + vu(2) + vs("c")])), "later clock")
    rejected(craft((1, 0, [b"\x04\x00" + vu(1) + vu(0) + vs("c")])), "later clock")


# --- dependencies --------------------------------------------------------------------------------


def test_continuation_from_another_doc_needs_the_first_docs_state() -> None:
    first = new_doc()
    items = first.get("items", type=Map)
    items["week-1"] = Map({"title": "Kick-off"})
    first.get("resume", type=Text).insert(0, "Hello")

    second = new_doc()
    second.apply_update(first.get_update())
    updates = record(second)
    second.get("items", type=Map)["week-1"]["title"] = "Kick-off 🚀"
    second.get("resume", type=Text).insert(5, " world")
    del second.get("resume", type=Text)[0:2]

    known = decode_state_vector(first.get_state())
    assert len(updates) == 3
    for update in updates:
        summary = inspect_update(update)
        assert missing_dependencies(summary, {})
        assert not missing_dependencies(summary, known)
        known.update(block_ends(summary))  # the next update continues this one
    deletion = inspect_update(updates[2])
    assert not deletion.blocks and deletion.deletes  # a delete-only update
    assert deletion.deletes[0][0] == first.client_id


def test_missing_dependencies_rules() -> None:
    summary = UpdateSummary(
        blocks=(ClientBlock(1, 5, 9),),
        references=frozenset({(2, 3)}),
        deletes=((3, 0, 4),),
        root_writes=(),
    )
    assert missing_dependencies(summary, {1: 5, 2: 4, 3: 4}) is False
    assert missing_dependencies(summary, {1: 7, 2: 4, 3: 4}) is False  # overlap is fine
    assert missing_dependencies(summary, {1: 4, 2: 4, 3: 4}) is True  # gap before the block
    assert missing_dependencies(summary, {1: 5, 2: 3, 3: 4}) is True  # reference unknown
    assert missing_dependencies(summary, {1: 5, 2: 4, 3: 3}) is True  # deletes unknown range
    own = UpdateSummary((ClientBlock(1, 0, 3),), frozenset({(1, 2)}), ((1, 0, 3),), ())
    assert missing_dependencies(own, {}) is False  # satisfied by the update itself
    split = UpdateSummary((ClientBlock(1, 6, 8), ClientBlock(1, 0, 6)), frozenset(), (), ())
    assert missing_dependencies(split, {}) is False  # any order of blocks


# --- root types ----------------------------------------------------------------------------------


def _roots(build: Callable[[Doc[Any]], object]) -> UpdateSummary:
    doc = new_doc()
    build(doc)
    return inspect_update(doc.get_update())


def _text(doc: Doc[Any], name: str) -> None:
    text = doc.get(name, type=Text)
    text += "hello 😀"
    text.format(0, 2, {"bold": True})
    text.insert_embed(1, {"image": "x.png"})


def _map(doc: Doc[Any], name: str) -> None:
    doc.get(name, type=Map)["key"] = Map({"nested": Text("t")})


def _array(doc: Doc[Any], name: str) -> None:
    doc.get(name, type=Array).append("x")


@pytest.mark.parametrize(
    ("build", "ok"),
    [
        (lambda doc: _map(doc, "items"), True),
        (lambda doc: _text(doc, "items"), False),
        (lambda doc: _array(doc, "goals"), False),
        (lambda doc: _text(doc, "resume"), True),
        (lambda doc: _map(doc, "resume"), False),
        (lambda doc: _array(doc, "resume"), False),
        (lambda doc: _text(doc, "scratch"), False),
        (lambda doc: _map(doc, "scratch"), False),
    ],
)
def test_check_root_types(build: Callable[[Doc[Any]], object], ok: bool) -> None:
    summary = _roots(build)
    if ok:
        check_root_types(summary, SCHEMA)
    else:
        with pytest.raises(InvalidUpdate, match="'(items|goals|resume|scratch)'"):
            check_root_types(summary, SCHEMA)


def test_check_root_types_with_array_schema() -> None:
    check_root_types(_roots(lambda doc: _array(doc, "log")), {"log": "array"})
    with pytest.raises(InvalidUpdate, match="'log'"):
        check_root_types(_roots(lambda doc: _map(doc, "log")), {"log": "array"})


# --- state vectors -------------------------------------------------------------------------------


def test_decode_state_vector_matches_pycrdt() -> None:
    docs = [rich_doc(), new_doc()]
    docs[1].apply_update(docs[0].get_update())
    docs[1].get("items", type=Map)["x"] = 1
    state = decode_state_vector(docs[1].get_state())
    assert state == {
        docs[0].client_id: block_ends(inspect_update(docs[0].get_update()))[docs[0].client_id],
        docs[1].client_id: 1,
    }
    assert _entries(state.items()) == docs[1].get_state()  # same entries, same order
    assert decode_state_vector(new_doc().get_state()) == {}
    assert decode_state_vector(b"\x00") == {}


def _entries(pairs: Iterable[tuple[int, int]]) -> bytes:
    pairs = list(pairs)
    return vu(len(pairs)) + b"".join(vu(c) + vu(k) for c, k in pairs)


def test_decode_state_vector_rejects_bad_input() -> None:
    claim = vu(5 * 10**8) + b"\x01\x02\x03\x04"
    assert len(claim) == 9
    fast(lambda: decode_state_vector(claim))
    with pytest.raises(InvalidUpdate):
        decode_state_vector(b"")
    with pytest.raises(InvalidUpdate):
        decode_state_vector(_entries([(1, 2)])[:-1])
    with pytest.raises(InvalidUpdate, match="trailing"):
        decode_state_vector(_entries([(1, 2)]) + b"\x00")
    with pytest.raises(InvalidUpdate, match="2\\*\\*32"):
        decode_state_vector(_entries([(1, MAX_CLOCK)]))
    with pytest.raises(InvalidUpdate, match="repeated"):
        decode_state_vector(_entries([(1, 2), (1, 3)]))
    assert decode_state_vector(_entries([(1, MAX_CLOCK - 1), (2, 0)])) == {1: MAX_CLOCK - 1, 2: 0}
