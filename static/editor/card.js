// One card's DOM, built once per item and updated in place as the item changes, so a
// focused card, its notes and the caret in them survive every re-render.

import { COLUMNS, COLUMN_LABELS } from "./items.js";
import { bindNotes, diff } from "./notes-binding.js";

let serial = 0; // DOM ids come from a counter: item ids are whatever a peer wrote

const DATE = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function formatMinutes(value) {
  if (value === null) return "";
  if (value < 60) return `${value} min`;
  const hours = Math.floor(value / 60);
  return value % 60 ? `${hours} h ${value % 60} min` : `${hours} h`;
}

function formatDate(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? DATE.format(date) : "";
}

function moveButton(kind, arrow, label, visible) {
  const button = el("button", `button button-small move move-${kind}`);
  button.type = "button";
  button.dataset.move = kind;
  const hidden = el("span", "visually-hidden", label);
  const shown = el("span", "move-text", visible);
  const glyph = el("span", "move-arrow", arrow);
  glyph.setAttribute("aria-hidden", "true");
  if (kind === "next") button.append(hidden, shown, glyph);
  else button.append(glyph, hidden, shown);
  return button;
}

export class CardView {
  /** @param options {canEdit, itemsUrl, origin, undoOrigin, ensureNotes(id) -> Y.Text} */
  constructor(id, options) {
    this.id = id;
    this.options = options;
    this.item = null;
    this.ytext = null;
    this.unbind = null;
    const n = (serial += 1);

    const root = (this.root = el("li", "card"));
    root.dataset.itemId = id;
    root.tabIndex = 0;
    root.setAttribute("aria-labelledby", `card-${n}-title`);
    root.setAttribute("aria-describedby", `card-${n}-meta card-help`);
    if (options.canEdit) root.draggable = true;

    const head = el("div", "card-head");
    this.title = el("h3", "card-title");
    this.title.id = `card-${n}-title`;
    this.viewers = el("span", "card-viewers");
    head.append(this.title, this.viewers);
    if (options.canEdit) {
      this.remove = el("button", "remove");
      this.remove.type = "button";
      this.remove.dataset.action = "remove";
      this.remove.title = "Remove (undo brings it back)";
      const cross = el("span", "", "✕");
      cross.setAttribute("aria-hidden", "true");
      this.removeFor = el("span", "visually-hidden");
      this.remove.append(cross, this.removeFor);
      head.append(this.remove);
    }

    this.meta = el("p", "card-meta");
    this.meta.id = `card-${n}-meta`;
    this.kind = el("span", "kind");
    this.estimate = el("span", "estimate");
    this.dates = el("span", "dates");
    this.meta.append(this.kind, this.estimate, this.dates);

    this.skills = el("ul", "skills");
    this.skills.setAttribute("aria-label", "Skills");

    const notes = el("div", "card-notes");
    const label = el("label", "notes-label", "Notes");
    this.notesFor = el("span", "visually-hidden");
    label.append(this.notesFor);
    this.textarea = el("textarea", "notes");
    this.textarea.id = `card-${n}-notes`;
    this.textarea.rows = 2;
    this.textarea.spellcheck = true;
    this.textarea.placeholder = options.canEdit ? "Notes, questions, take-aways…" : "";
    label.htmlFor = this.textarea.id;
    this.textarea.readOnly = !options.canEdit;
    notes.append(label, this.textarea);
    root.append(head, this.meta, this.skills, notes);

    if (options.canEdit) {
      this.actions = el("div", "card-actions");
      this.actions.setAttribute("role", "group");
      this.up = moveButton("up", "↑", "Move up", "");
      this.down = moveButton("down", "↓", "Move down", "");
      this.prev = moveButton("prev", "←", "Move to ", "");
      this.next = moveButton("next", "→", "Move to ", "");
      this.actions.append(this.up, this.down, this.prev, this.next);
      root.append(this.actions);
      this.up.title = "Move up (Alt+↑)";
      this.down.title = "Move down (Alt+↓)";
      // let people select text in the notes with the mouse instead of dragging the card
      const draggableAgain = () => { root.draggable = true; };
      this.textarea.addEventListener("pointerdown", () => {
        root.draggable = false;
        document.addEventListener("pointerup", draggableAgain, { once: true });
        document.addEventListener("pointercancel", draggableAgain, { once: true });
      });
    }
  }

  /** Show `item`; `index`/`count` place it within its column. */
  update(item, index, count) {
    const old = this.item ?? {};
    this.item = item;
    this.root.dataset.status = item.status;

    if (old.title !== item.title || old.url !== item.url) {
      const text = item.title || "Untitled";
      if (item.url) {
        const link = el("a", "card-link", text);
        // ids are of the schema's form (items.js skips others); quoted all the same
        const itemUrl = `${this.options.itemsUrl}/${encodeURIComponent(item.id)}`;
        link.href = `${itemUrl}/open`;
        link.dataset.start = `${itemUrl}/start`; // static/page.js records the start
        link.title = item.url;
        this.title.replaceChildren(link);
      } else {
        this.title.replaceChildren(text);
      }
      setText(this.notesFor, ` for ${text}`);
      if (this.actions) {
        this.actions.setAttribute("aria-label", `Move ${text}`);
        setText(this.removeFor, `Remove ${text}`);
      }
    }
    setText(this.kind, item.kind);
    this.kind.className = `kind kind-${item.kind}`;
    setText(this.estimate, formatMinutes(item.estimateMinutes));
    const dates =
      item.status === "done" && item.completedAt ? `Finished ${formatDate(item.completedAt)}`
      : item.startedAt ? `Started ${formatDate(item.startedAt)}` : "";
    setText(this.dates, dates);

    if ((old.skills ?? []).join("\n") !== item.skills.join("\n")) {
      this.skills.replaceChildren(...item.skills.map((skill) => el("li", "skill", skill)));
    }
    this.skills.hidden = item.skills.length === 0;

    this.bindNotes(item);
    if (this.actions) this.updateActions(item.status, index, count);
  }

  updateActions(status, index, count) {
    const column = COLUMNS.indexOf(status);
    const prev = COLUMNS[column - 1];
    const next = COLUMNS[column + 1];
    this.up.setAttribute("aria-disabled", String(index === 0));
    this.down.setAttribute("aria-disabled", String(index >= count - 1));
    this.prev.hidden = !prev;
    this.next.hidden = !next;
    if (prev) {
      setText(this.prev.querySelector(".move-text"), COLUMN_LABELS[prev]);
      this.prev.dataset.target = prev;
    }
    if (next) {
      setText(this.next.querySelector(".move-text"), COLUMN_LABELS[next]);
      this.next.dataset.target = next;
    }
  }

  bindNotes(item) {
    if (item.notes === this.ytext && (item.notes || this.textarea.value === item.notesValue)) return;
    this.unbind?.();
    this.unbind = null;
    this.ytext = item.notes;
    if (item.notes) {
      this.unbind = bindNotes(this.textarea, item.notes, {
        origin: this.options.origin,
        undoOrigin: this.options.undoOrigin,
      });
    } else {
      // a plain string where a Y.Text belongs: show it, and turn it into a Y.Text
      // the first time someone types (the items observer then binds the new text)
      this.textarea.value = item.notesValue;
      if (this.options.canEdit) {
        const upgrade = () => {
          const ytext = this.options.ensureNotes(this.id, this.textarea.value);
          if (ytext && ytext.toString() !== this.textarea.value) {
            // someone else had already made it a Y.Text: apply this keystroke to theirs
            const change = diff(ytext.toString(), this.textarea.value, this.textarea.selectionEnd);
            ytext.doc.transact(() => {
              if (change.removed) ytext.delete(change.index, change.removed);
              if (change.inserted) ytext.insert(change.index, change.inserted);
            }, this.options.origin);
          }
        };
        this.textarea.addEventListener("input", upgrade, { once: true });
        this.unbind = () => this.textarea.removeEventListener("input", upgrade);
      }
    }
  }

  destroy() {
    this.unbind?.();
    this.root.remove();
  }
}
