// Fractional order keys, the same algorithm as collab/positions.py (keep the two in step).
//
// A key is a base-62 fraction (digits 0-9A-Za-z in ASCII order) that never ends in "0",
// so plain string comparison is numeric order and there is always room between two keys.
// Cards in a column are ordered by (position, id). Both sides compute identical keys,
// so a card placed by a browser and one placed by the server never disagree on order.

export const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE = DIGITS.length;
const BIG_BASE = BigInt(BASE);
const SMALLEST = DIGITS[0];
const LARGEST = DIGITS[BASE - 1];
const VALUE = new Map([...DIGITS].map((digit, value) => [digit, value]));

/** True if `key` is a well-formed position key. */
export function isKey(key) {
  return (
    typeof key === "string" &&
    key !== "" &&
    !key.endsWith(SMALLEST) &&
    [...key].every((char) => VALUE.has(char))
  );
}

/** Canonical order of entries in a column: position, then id for ties. */
export function compareEntries(a, b) {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** A key strictly between `a` and `b` (null is an open end). */
export function keyBetween(a, b) {
  check(a, b);
  if (b == null) return a != null ? after(a) : DIGITS[Math.floor(BASE / 2)];
  if (a == null) return before(b);
  return spread(a, b, 1)[0];
}

/** `n` increasing keys strictly between `a` and `b`, evenly spread. */
export function keysBetween(a, b, n) {
  if (n < 0) throw new RangeError("n must not be negative");
  check(a, b);
  if (n === 1) return [keyBetween(a, b)];
  return n ? spread(a ?? "", b, n) : [];
}

/**
 * A key for an entry inserted at `index` of a column, plus the re-keys it needs.
 *
 * `keys` are the column's positions in canonical order; "" stands for a missing or
 * malformed position (it sorts first). When the neighbours tie, the tied entries from
 * `index` on get new keys (returned as a Map index -> key) so the new entry lands
 * exactly where asked.
 */
export function place(keys, index) {
  if (!(index >= 0 && index <= keys.length)) {
    throw new RangeError(`index ${index} is outside 0..${keys.length}`);
  }
  keys.forEach((key, i) => {
    if (key !== "" && !isKey(key)) throw new RangeError(`malformed position key ${key}`);
    if (i && key < keys[i - 1]) throw new RangeError("keys are not in order");
  });
  const lo = index ? keys[index - 1] || null : null;
  let end = index;
  while (end < keys.length && (keys[end] === "" || (lo !== null && keys[end] <= lo))) end += 1;
  const hi = end < keys.length ? keys[end] : null;
  const fresh = keysBetween(lo, hi, end - index + 1);
  const rekeys = new Map(fresh.slice(1).map((key, offset) => [index + offset, key]));
  return { key: fresh[0], rekeys };
}

function check(a, b) {
  for (const key of [a, b]) {
    if (key != null && !isKey(key)) throw new RangeError(`malformed position key ${key}`);
  }
  if (a != null && b != null && a >= b) throw new RangeError(`${a} does not sort before ${b}`);
}

/** The shortest step up from `a`: bump its first digit that can go up. */
function after(a) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== LARGEST) return a.slice(0, i) + DIGITS[VALUE.get(a[i]) + 1];
  }
  return a + DIGITS[1];
}

/** The shortest step down from `b`: lower its first digit that can go down. */
function before(b) {
  for (let i = 0; i < b.length; i += 1) {
    if (VALUE.get(b[i]) > 1) return b.slice(0, i) + DIGITS[VALUE.get(b[i]) - 1];
  }
  return b.slice(0, -1) + SMALLEST + LARGEST; // b is all 0s and 1s, ending in 1
}

/** `n` keys evenly spaced between fractions `a` and `b` (null is 1); exact, in BigInt. */
function spread(a, b, n) {
  const count = BigInt(n);
  let width = Math.max(a.length, (b ?? "").length, 1);
  let lo;
  let hi;
  for (;;) {
    lo = toInt(a, width);
    hi = b != null ? toInt(b, width) : BIG_BASE ** BigInt(width);
    if (hi - lo > count) break;
    width += 1;
  }
  const keys = [];
  for (let i = 1n; i <= count; i += 1n) {
    keys.push(toKey(lo + (i * (hi - lo)) / (count + 1n), width));
  }
  return keys;
}

function toInt(key, width) {
  let value = 0n;
  for (const char of key.padEnd(width, SMALLEST)) value = value * BIG_BASE + BigInt(VALUE.get(char));
  return value;
}

function toKey(value, width) {
  const digits = [];
  for (let i = 0; i < width; i += 1) {
    digits.push(DIGITS[Number(value % BIG_BASE)]);
    value /= BIG_BASE;
  }
  return digits.reverse().join("").replace(/0+$/, "");
}
