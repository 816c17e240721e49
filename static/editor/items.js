// The curriculum's items as the editor reads and changes them (docs/document.md).
//
// Reading never throws: whatever a peer wrote is coerced the way collab/curriculum.py
// coerces it. Every change is one transaction carrying the caller's origin, so the
// undo manager can tell one's own edits from everybody else's.

import { Y } from "../vendor/yjs-bundle-13.6.33.mjs";
import { compareEntries, isKey, place } from "./positions.js";

export const COLUMNS = ["done", "now", "next", "later"]; // display order
export const COLUMN_LABELS = { done: "Done", now: "Now", next: "Next", later: "Later" };
export const KINDS = ["article", "video", "course", "book", "exercise", "project", "talk", "other"];
export const LIMITS = { title: 200, url: 2000, minutes: 100000, tags: 30, tag: 50 };

/** Empty, or an http(s) address with a host: safe to put in an href. */
export function urlOk(url) {
  if (url === "") return true;
  if (typeof url !== "string" || url.length > LIMITS.url || /\s/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}

function minutes(value) {
  return Number.isFinite(value) && typeof value === "number" && value >= 0 && value <= LIMITS.minutes
    ? Math.trunc(value)
    : null;
}

function tags(value) {
  if (!Array.isArray(value)) return [];
  const clean = value.filter((v) => typeof v === "string").map((v) => v.trim()).filter(Boolean);
  return [...new Set(clean)];
}

const str = (value) => (typeof value === "string" ? value : "");

/** One item (a Y.Map) as a plain, typed object; `notes` stays the live Y.Text (or null). */
export function readItem(id, entry) {
  const get = (key) => (entry instanceof Y.Map ? entry.get(key) : undefined);
  const notes = get("notes");
  const url = get("url");
  const kind = get("kind");
  const status = get("status");
  const position = get("position");
  return {
    id,
    title: str(get("title")),
    url: urlOk(url) ? url : "",
    kind: KINDS.includes(kind) ? kind : "other",
    skills: tags(get("skills")),
    status: COLUMNS.includes(status) ? status : "later",
    position: isKey(position) ? position : "",
    estimateMinutes: minutes(get("estimate_minutes")),
    assignedBy: typeof get("assigned_by") === "string" && get("assigned_by") ? get("assigned_by") : null,
    startedAt: typeof get("started_at") === "string" ? get("started_at") : null,
    completedAt: typeof get("completed_at") === "string" ? get("completed_at") : null,
    notes: notes instanceof Y.Text ? notes : null,
    notesValue: notes instanceof Y.Text ? null : str(notes),
  };
}

/** Items per column, each column in (position, id) order. */
export function readColumns(items) {
  const columns = Object.fromEntries(COLUMNS.map((status) => [status, []]));
  items.forEach((entry, id) => {
    if (entry instanceof Y.Map) {
      const item = readItem(id, entry);
      columns[item.status].push(item);
    }
  });
  for (const status of COLUMNS) columns[status].sort(compareEntries);
  return columns;
}

/** Now, as the document writes times: ISO 8601 in UTC, whole seconds. */
export function stamp(date = new Date()) {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Check a new card's fields like the server does; returns {values} or {errors}.
 * `fields` holds the raw form strings: title, url, kind, status, estimate, skills.
 */
export function validateNewItem(fields) {
  const errors = {};
  const title = fields.title.trim();
  if (!title) {
    errors.title = "Give the resource a title.";
  } else if (title.length > LIMITS.title) {
    errors.title = `The title is too long (${title.length} of at most ${LIMITS.title} characters).`;
  }
  const url = fields.url.trim();
  if (!urlOk(url)) errors.url = "The link must start with http:// or https:// (or leave it empty).";
  let estimate = null;
  const rawEstimate = fields.estimate.trim();
  if (rawEstimate !== "") {
    estimate = Number(rawEstimate);
    if (!/^\d+$/.test(rawEstimate) || estimate > LIMITS.minutes) {
      errors.estimate = `The estimate must be a whole number of minutes from 0 to ${LIMITS.minutes}.`;
    }
  }
  const skills = [...new Set(fields.skills.split(",").map((s) => s.trim()).filter(Boolean))];
  if (skills.length > LIMITS.tags) {
    errors.skills = `At most ${LIMITS.tags} skills.`;
  } else if (skills.some((s) => s.length > LIMITS.tag)) {
    errors.skills = `Each skill can be at most ${LIMITS.tag} characters.`;
  }
  const kind = KINDS.includes(fields.kind) ? fields.kind : "other";
  const status = COLUMNS.includes(fields.status) ? fields.status : "later";
  if (Object.keys(errors).length) return { errors };
  return { values: { title, url, kind, status, estimate, skills } };
}

/** Add a card at the end of its column, in one transaction; returns its id. */
export function addItem(doc, items, values, { assignedBy = null, origin }) {
  const id = newId();
  const column = readColumns(items)[values.status];
  const { key } = place(column.map((i) => i.position), column.length);
  const now = stamp();
  doc.transact(() => {
    const entry = new Y.Map();
    entry.set("title", values.title);
    entry.set("url", values.url);
    entry.set("kind", values.kind);
    entry.set("skills", values.skills);
    entry.set("status", values.status);
    entry.set("position", key);
    entry.set("estimate_minutes", values.estimate);
    entry.set("assigned_by", assignedBy);
    entry.set("started_at", values.status === "now" ? now : null);
    entry.set("completed_at", values.status === "done" ? now : null);
    entry.set("notes", new Y.Text());
    items.set(id, entry);
  }, origin);
  return id;
}

/**
 * Move card `id` into column `status` at `index` (counted without the card itself).
 * Status, position and completed_at are written together, so that when two people move
 * the same card at once one move wins whole; tied neighbours get fresh keys.
 */
export function moveItem(doc, items, id, status, index, { origin }) {
  const entry = items.get(id);
  if (!(entry instanceof Y.Map) || !COLUMNS.includes(status)) return false;
  const item = readItem(id, entry);
  const column = readColumns(items)[status].filter((i) => i.id !== id);
  const at = Math.max(0, Math.min(index, column.length));
  const { key, rekeys } = place(column.map((i) => i.position), at);
  const now = stamp();
  doc.transact(() => {
    entry.set("status", status);
    entry.set("position", key);
    const completed = (item.status === "done" && item.completedAt) || now; // kept within Done
    entry.set("completed_at", status === "done" ? completed : null);
    if (status === "now" && item.startedAt === null) entry.set("started_at", now);
    for (const [i, newKey] of rekeys) items.get(column[i].id).set("position", newKey);
  }, origin);
  return true;
}

/** Remove a card (undo brings it back, notes and all). */
export function deleteItem(doc, items, id, { origin }) {
  if (!items.has(id)) return;
  doc.transact(() => items.delete(id), origin);
}

/**
 * The card's notes as a Y.Text, replacing a plain string (or nothing) a client wrote in
 * its place; the new text starts as `initial` (default: the string it replaces).
 */
export function ensureNotes(doc, items, id, { origin, initial = null }) {
  const entry = items.get(id);
  if (!(entry instanceof Y.Map)) return null;
  const notes = entry.get("notes");
  if (notes instanceof Y.Text) return notes;
  const text = new Y.Text(initial ?? str(notes));
  doc.transact(() => entry.set("notes", text), origin);
  return text;
}
