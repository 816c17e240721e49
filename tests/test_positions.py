"""Fractional order keys: ordering invariants, validation, ties and key length."""

from __future__ import annotations

import random

import pytest

from collab.positions import DIGITS, is_key, key_between, keys_between, place, sort_key

SEEDS = range(20)


def random_key(rng: random.Random) -> str:
    body = "".join(rng.choice(DIGITS) for _ in range(rng.randint(0, 5)))
    return body + rng.choice(DIGITS[1:])


def random_pair(rng: random.Random) -> tuple[str | None, str | None]:
    a, b = sorted({random_key(rng), random_key(rng)} | {DIGITS[-1] * 7})[:2]
    return (None if rng.random() < 0.2 else a), (None if rng.random() < 0.2 else b)


def test_alphabet_is_in_ascii_order() -> None:
    assert DIGITS == "".join(sorted(DIGITS))
    assert len(DIGITS) == 62


@pytest.mark.parametrize("seed", SEEDS)
def test_key_between_is_strictly_between(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        a, b = random_pair(rng)
        key = key_between(a, b)
        assert is_key(key)
        assert a is None or a < key
        assert b is None or key < b


@pytest.mark.parametrize("seed", SEEDS)
def test_keys_between_are_increasing_and_inside(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        a, b = random_pair(rng)
        n = rng.randint(0, 70)
        keys = keys_between(a, b, n)
        assert len(keys) == n
        assert all(is_key(k) for k in keys)
        assert keys == sorted(set(keys))
        if keys:
            assert a is None or a < keys[0]
            assert b is None or keys[-1] < b


def test_keys_between_spread_evenly() -> None:
    assert keys_between(None, None, 3) == ["F", "V", "k"]
    assert keys_between("A", "B", 1) == [key_between("A", "B")]
    assert keys_between("A", "B", 0) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("B", "A"), ("A", "A"), ("", None), (None, ""), ("a-b", None), ("A0", None), (None, "é")],
)
def test_bad_bounds_are_rejected(a: str | None, b: str | None) -> None:
    with pytest.raises(ValueError):
        key_between(a, b)
    with pytest.raises(ValueError):
        keys_between(a, b, 2)


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        keys_between(None, None, -1)


def test_keys_never_end_in_the_smallest_digit() -> None:
    # "1" has nothing but 0s and 1s below it; the key must still leave room
    key = key_between(None, "1")
    assert key < "1" and not key.endswith("0")
    assert key_between(None, key) < key
    assert "V" < key_between("V", "W") < "W"


def test_appending_and_prepending_stay_short() -> None:
    back = front = key_between(None, None)
    for _ in range(1000):
        new_back, new_front = key_between(back, None), key_between(None, front)
        assert back < new_back and new_front < front
        back, front = new_back, new_front
    assert len(back) <= 20 and len(front) <= 20


def test_inserting_into_the_same_gap_stays_short_ish() -> None:
    # each insert halves the gap: about one more character per five inserts
    low, high = "V", "W"
    for _ in range(300):  # always right after "V"
        high = key_between(low, high)
    assert len(high) <= 64
    low, high = "V", "W"
    for _ in range(300):  # always right before "W"
        low = key_between(low, high)
    assert len(low) <= 64


@pytest.mark.parametrize("seed", SEEDS)
def test_random_inserts_keep_order_and_stay_short(seed: int) -> None:
    rng = random.Random(seed)
    keys: list[str] = []
    for _ in range(1000):
        index = rng.randint(0, len(keys))
        low, high = keys[index - 1] if index else None, keys[index] if index < len(keys) else None
        keys.insert(index, key_between(low, high))
    assert keys == sorted(set(keys))
    assert place(keys, 500)[1] == {}  # distinct keys never need re-keying
    assert max(map(len, keys)) <= 8


@pytest.mark.parametrize("seed", SEEDS)
def test_place_handles_ties_and_missing_keys(seed: int) -> None:
    rng = random.Random(seed)
    keys = sorted([""] * rng.randint(0, 3) + [rng.choice("ABC") for _ in range(8)])
    for _ in range(200):
        index = rng.randint(0, len(keys))
        key, rekeys = place(keys, index)
        new = [rekeys.get(i, k) for i, k in enumerate(keys)]
        new.insert(index, key)
        assert all(is_key(k) for k in [key, *rekeys.values()])
        assert all(i >= index for i in rekeys)
        assert new == sorted(new)
        # the new key sorts strictly between its neighbours, whatever their ids
        assert index == 0 or new[index - 1] < key or new[index - 1] == ""
        assert index == len(keys) or key < new[index + 1]
        keys = new


def test_place_rekeys_only_the_tied_run() -> None:
    key, rekeys = place(["A", "B", "B", "B", "C"], 2)
    assert "B" < key < rekeys[2] < rekeys[3] < "C"
    assert set(rekeys) == {2, 3}


def test_place_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        place(["A"], 2)
    with pytest.raises(ValueError):
        place(["B", "A"], 1)
    with pytest.raises(ValueError):
        place(["A", "x y"], 1)


def test_concurrent_inserts_at_the_same_key_have_one_order() -> None:
    column = ["A", "C"]
    key_1, _ = place(column, 1)  # two peers, same state, same gap
    key_2, _ = place(column, 1)
    assert key_1 == key_2
    entries = [("A", "a1"), (key_2, "zz-peer-2"), ("C", "c1"), (key_1, "aa-peer-1")]
    mine = sorted(entries, key=lambda e: sort_key(*e))
    theirs = sorted(reversed(entries), key=lambda e: sort_key(*e))
    assert mine == theirs
    assert [e[1] for e in mine] == ["a1", "aa-peer-1", "zz-peer-2", "c1"]
