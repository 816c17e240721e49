// Two-way binding between a <textarea> and a Y.Text, keeping everyone's caret.
//
// Local input: the smallest change between the text and the textarea (common prefix
// and suffix, anchored at the caret) is applied to the Y.Text as one delete and one
// insert. Any other change to the Y.Text (a peer, undo, redo) rewrites the textarea and
// carries its selection through the change's delta, so a person typing is never thrown
// to the end of the note. Yjs counts in UTF-16 code units, as JavaScript strings do.
// Input during IME composition is applied as it comes (a remote change arriving in the
// middle of a composition ends it: a small cost, but nobody's text is ever lost).

/** Map a caret offset through a Yjs delta; text inserted exactly at the caret goes after it. */
export function transformOffset(offset, delta) {
  let index = 0; // position in the old text
  let shift = 0;
  for (const op of delta) {
    if (op.retain !== undefined) {
      index += op.retain;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === "string" ? op.insert.length : 1;
      if (index < offset) shift += length;
    } else if (op.delete !== undefined) {
      if (index < offset) shift -= Math.min(op.delete, offset - index);
      index += op.delete;
    }
    if (index >= offset) break;
  }
  return offset + shift;
}

const isHigh = (code) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The change from `before` to `after`: {index, removed, inserted}, or null if equal.
 * `caret` (where the caret is in `after`) decides between equally small answers, so
 * typing "a" after the first "a" of "aa" inserts at 1, not 2.
 */
export function diff(before, after, caret = after.length) {
  if (before === after) return null;
  let suffix = 0;
  const maxSuffix = Math.min(before.length, after.length, Math.max(0, after.length - caret));
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) {
    suffix += 1;
  }
  let prefix = 0;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix += 1;
  // never split a surrogate pair
  if (prefix > 0 && isHigh(before.charCodeAt(prefix - 1))) prefix -= 1;
  if (suffix > 0 && isLow(before.charCodeAt(before.length - suffix))) suffix -= 1;
  return {
    index: prefix,
    removed: before.length - suffix - prefix,
    inserted: after.slice(prefix, after.length - suffix),
  };
}

/**
 * Bind `textarea` to `ytext`. Local edits are made in transactions with `origin`.
 * `undoOrigin` is the undo manager: after one's own undo the caret goes to the change.
 * Returns a function that removes the binding.
 */
export function bindNotes(textarea, ytext, { origin, undoOrigin = null }) {
  const doc = ytext.doc;

  const onInput = () => {
    if (textarea.readOnly) return;
    const change = diff(ytext.toString(), textarea.value, textarea.selectionEnd);
    if (!change) return;
    doc.transact(() => {
      if (change.removed) ytext.delete(change.index, change.removed);
      if (change.inserted) ytext.insert(change.index, change.inserted);
    }, origin);
  };

  const observer = (event, transaction) => {
    const text = ytext.toString();
    if (textarea.value === text) return; // our own input, already shown
    const focused = document.activeElement === textarea;
    const { selectionStart, selectionEnd, selectionDirection, scrollTop } = textarea;
    const delta = event.delta;
    textarea.value = text;
    if (!focused) return;
    if (undoOrigin !== null && transaction.origin === undoOrigin) {
      const caret = caretAfter(delta);
      textarea.setSelectionRange(caret, caret);
    } else {
      const start = transformOffset(selectionStart, delta);
      const end = Math.max(start, transformOffset(selectionEnd, delta));
      textarea.setSelectionRange(start, end, selectionDirection);
      textarea.scrollTop = scrollTop;
    }
  };

  if (textarea.value !== ytext.toString()) textarea.value = ytext.toString();
  textarea.addEventListener("input", onInput);
  ytext.observe(observer);
  return () => {
    ytext.unobserve(observer);
    textarea.removeEventListener("input", onInput);
  };
}

/** Where the last change of a delta ends in the new text (the caret after an undo). */
function caretAfter(delta) {
  let index = 0;
  let caret = 0;
  for (const op of delta) {
    if (op.retain !== undefined) index += op.retain;
    else if (op.insert !== undefined) {
      index += typeof op.insert === "string" ? op.insert.length : 1;
      caret = index;
    } else if (op.delete !== undefined) caret = index;
  }
  return caret;
}
