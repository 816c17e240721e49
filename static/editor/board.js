// The four columns rendered from the document's `items`, updated in place by id.
//
// A re-render moves only the card nodes that are out of place (with moveBefore where
// the browser has it, which keeps focus and caret; otherwise focus and selection are put
// back by hand), so a peer's edit never disturbs what someone is doing on another card.

import { CardView } from "./card.js";
import { COLUMNS, readColumns } from "./items.js";

/** Put `node` before `before` in `parent`, keeping focus and selection inside it. */
export function moveNode(parent, node, before) {
  if (typeof parent.moveBefore === "function" && node.isConnected) {
    try {
      parent.moveBefore(node, before);
      return;
    } catch {
      // fall through: e.g. the node came from another document
    }
  }
  const active = document.activeElement;
  const holdsFocus = active !== null && node.contains(active);
  const selection = holdsFocus && "selectionStart" in active && active.selectionStart !== null
    ? [active.selectionStart, active.selectionEnd, active.selectionDirection, active.scrollTop]
    : null;
  parent.insertBefore(node, before);
  if (holdsFocus) {
    active.focus({ preventScroll: true });
    if (selection) {
      active.setSelectionRange(selection[0], selection[1], selection[2]);
      active.scrollTop = selection[3];
    }
  }
}

/** Reorder `list` to show `desired` nodes in order, moving as few as it can. */
function reconcile(list, desired) {
  const wanted = new Set(desired);
  let cursor = list.firstElementChild;
  for (const node of desired) {
    while (cursor && !wanted.has(cursor)) cursor = cursor.nextElementSibling;
    if (node === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      moveNode(list, node, cursor);
    }
  }
}

export class Board {
  /** @param options passed on to each CardView, plus `onFocusedRemoved(view)` */
  constructor(root, items, options) {
    this.root = root;
    this.items = items;
    this.options = options;
    this.cards = new Map(); // item id -> CardView
    this.columns = Object.fromEntries(COLUMNS.map((status) => [status, []])); // ids in order
    this.lists = Object.fromEntries(
      COLUMNS.map((status) => [status, root.querySelector(`ol.cards[data-status="${status}"]`)]),
    );
    this.live = false;
  }

  /** Render every column from the document (the first call replaces the server's cards). */
  render() {
    if (!this.live) {
      this.live = true;
      // the server's cards (and the whitespace between them) make way for live ones
      for (const list of Object.values(this.lists)) list.replaceChildren();
      this.root.removeAttribute("aria-busy");
    }
    const columns = readColumns(this.items);
    const present = new Set();
    for (const status of COLUMNS) {
      for (const item of columns[status]) present.add(item.id);
    }
    const refocus = this.removeGone(present);
    for (const status of COLUMNS) {
      const column = columns[status];
      column.forEach((item, index) => {
        let view = this.cards.get(item.id);
        if (!view) {
          view = new CardView(item.id, this.options);
          this.cards.set(item.id, view);
        }
        view.update(item, index, column.length);
      });
      reconcile(this.lists[status], column.map((item) => this.cards.get(item.id).root));
      this.columns[status] = column.map((item) => item.id);
      const count = this.lists[status].closest(".column").querySelector("[data-count]");
      if (count && count.textContent !== String(column.length)) count.textContent = String(column.length);
    }
    refocus?.focus();
  }

  /** Drop the cards of deleted items; returns where focus should go if it was on one. */
  removeGone(present) {
    let refocus = null;
    for (const [id, view] of this.cards) {
      if (present.has(id)) continue;
      if (view.root.contains(document.activeElement)) {
        this.options.onFocusedRemoved?.(view);
        const siblings = [view.root.nextElementSibling, view.root.previousElementSibling];
        const status = view.root.dataset.status;
        refocus = siblings.find((node) => node && present.has(node.dataset.itemId))
          ?? this.root.querySelector(`#column-${status}-heading`);
      }
      view.destroy();
      this.cards.delete(id);
    }
    return refocus;
  }

  card(id) {
    return this.cards.get(id) ?? null;
  }

  /** {status, index, count} of a card, from the last render. */
  place(id) {
    for (const status of COLUMNS) {
      const index = this.columns[status].indexOf(id);
      if (index >= 0) return { status, index, count: this.columns[status].length };
    }
    return null;
  }

  /** The card element next to `card` in direction up/down/left/right, for arrow keys. */
  neighbour(id, direction) {
    const where = this.place(id);
    if (!where) return null;
    if (direction === "up" || direction === "down") {
      const ids = this.columns[where.status];
      const other = ids[where.index + (direction === "up" ? -1 : 1)];
      return other ? this.cards.get(other).root : null;
    }
    const step = direction === "left" ? -1 : 1;
    for (let c = COLUMNS.indexOf(where.status) + step; c >= 0 && c < COLUMNS.length; c += step) {
      const ids = this.columns[COLUMNS[c]];
      if (ids.length) return this.cards.get(ids[Math.min(where.index, ids.length - 1)]).root;
    }
    return null;
  }
}
