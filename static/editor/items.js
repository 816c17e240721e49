// The curriculum's items as the editor reads and changes them (docs/document.md).
//
// The schema (columns, kinds, limits, and the patterns of ids, links and times) is the
// server's, collab/schema.py: the editor page hands it over as JSON in #editor's
// data-schema, and `useSchema` takes it in before anything else runs. Reading never
// throws: whatever a peer wrote is coerced exactly as the server coerces it
// (tests/fixtures/junk_documents.json holds both sides to that). Every change is one
// transaction carrying the caller's origin, so the undo manager can tell one's own
// edits from everybody else's.

import { Y } from "../vendor/yjs-bundle-13.6.33.mjs";
import { compareEntries, isKey, place } from "./positions.js";

// Set by useSchema; exported as live bindings.
export let COLUMNS = [];
export let COLUMN_LABELS = {};
export let KINDS = [];
export let LIMITS = {};
let schema = null;
let patterns = null;

/** Take in the server's schema (client_schema() in collab/schema.py). */
export function useSchema(given) {
  schema = given;
  ({ columns: COLUMNS, columnLabels: COLUMN_LABELS, kinds: KINDS, limits: LIMITS } = given);
  patterns = {
    id: new RegExp(`^(?:${given.idPattern})$`),
    urlForbidden: new RegExp(given.urlForbidden),
    url: new RegExp(given.urlPattern),
    bracketedHost: new RegExp(given.urlBracketedHost),
    time: new RegExp(given.timePattern),
    date: new RegExp(given.datePattern),
  };
}

const length = (text) => [...text].length; // in code points, as Python counts

/** `text` without the schema's spaces at either end. */
export function strip(text) {
  let start = 0;
  let end = text.length;
  while (start < end && schema.space.includes(text[start])) start += 1;
  while (end > start && schema.space.includes(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/** An id of the schema's form (only those are read; they are safe in a URL). */
export const isId = (value) => typeof value === "string" && patterns.id.test(value);

/** Empty, or an http(s) address with a host and no space or control character. */
export function urlOk(url) {
  if (url === "") return true;
  if (typeof url !== "string" || length(url) > LIMITS.url || patterns.urlForbidden.test(url)) {
    return false;
  }
  const found = patterns.url.exec(url);
  if (!found || found[1].includes("\\")) return false;
  const host = found[1].slice(found[1].lastIndexOf("@") + 1);
  if (host.includes("[") || host.includes("]")) return patterns.bracketedHost.test(host);
  const colon = host.indexOf(":");
  const name = colon < 0 ? host : host.slice(0, colon);
  return name !== "" && /^[0-9]*$/.test(colon < 0 ? "" : host.slice(colon + 1));
}

const pad = (value, width = 2) => String(value).padStart(width, "0");

/** An ISO 8601 time as UTC `YYYY-MM-DDTHH:MM:SSZ`, or null (the server's `iso`). */
export function iso(value) {
  const found = typeof value === "string" ? patterns.time.exec(value) : null;
  if (!found) return null;
  const [year, month, day, hour, minute, second] = found.slice(1, 7).map((v) => Number(v ?? 0));
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // leap year 2000
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 2 && !leap ? 28 : daysInMonth;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > lastDay) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = found[7] ?? "Z";
  let shift = 0;
  if (offset !== "Z" && offset !== "z") {
    const [hours, minutes] = [Number(offset.slice(1, 3)), Number(offset.slice(4, 6))];
    if (hours > 23 || minutes > 59) return null;
    shift = (offset[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - shift, second, 0);
  const utcYear = date.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return null;
  return `${pad(utcYear, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T`
    + `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
}

/** A calendar date written `YYYY-MM-DD` (year 1 to 9999), as is, or null (the server's
 * `iso_date`): a goal's target date. */
export function isoDate(value) {
  const found = typeof value === "string" ? patterns.date.exec(value) : null;
  if (!found) return null;
  const [year, month, day] = found.slice(1, 4).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days !== undefined && day >= 1 && day <= days ? found[0] : null;
}

function minutes(value) {
  return Number.isFinite(value) && typeof value === "number" && value >= 0 && value <= LIMITS.minutes
    ? Math.trunc(value) + 0 // + 0 turns -0 into 0
    : null;
}

export function tags(value) {
  if (!Array.isArray(value)) return [];
  const clean = value.filter((v) => typeof v === "string").map(strip).filter(Boolean);
  return [...new Set(clean)];
}

export const str = (value) => (typeof value === "string" ? value : "");

/** A plain (JSON) object, as a peer may write one where a Y.Map belongs. */
export function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    && !(value instanceof Y.AbstractType) && !(value instanceof Uint8Array);
}

/** An entry's field; a shared type reads as missing, but for a card's notes (Y.Text). */
export function field(entry, key) {
  const value = entry instanceof Y.Map ? entry.get(key)
    : Object.hasOwn(entry, key) ? entry[key] : undefined;
  if (value instanceof Y.Text && key === "notes") return value;
  return value instanceof Y.AbstractType || value instanceof Uint8Array ? undefined : value;
}

/** One item (a Y.Map or a plain object) as a typed object; `notes` stays the live Y.Text
 * (or null, with the text a plain entry holds in `notesValue`). */
export function readItem(id, entry) {
  const get = (key) => field(entry, key);
  const notes = get("notes");
  const url = get("url");
  const kind = get("kind");
  const status = get("status");
  const position = get("position");
  const assignedBy = get("assigned_by");
  return {
    id,
    title: str(get("title")),
    url: urlOk(url) ? url : "",
    kind: KINDS.includes(kind) ? kind : schema.defaultKind,
    skills: tags(get("skills")),
    status: schema.statuses.includes(status) ? status : schema.defaultStatus,
    position: isKey(position) ? position : "",
    estimateMinutes: minutes(get("estimate_minutes")),
    assignedBy: typeof assignedBy === "string" && assignedBy ? assignedBy : null,
    startedAt: iso(get("started_at")),
    completedAt: iso(get("completed_at")),
    notes: notes instanceof Y.Text ? notes : null,
    notesValue: notes instanceof Y.Text ? null : str(notes),
  };
}

/** True for an entry of `items` that is read as a card. */
const isCard = (entry, id) => isId(id) && (entry instanceof Y.Map || isPlainObject(entry));

/** Items per column, each column in (position, id) order. */
export function readColumns(items) {
  const columns = Object.fromEntries(COLUMNS.map((status) => [status, []]));
  items.forEach((entry, id) => {
    if (isCard(entry, id)) {
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

export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Check a new card's fields by the server's rules (new_item_from_form in
 * collab/edits.py); returns {values} or {errors} (by field).
 * `fields` holds the raw form strings: title, url, kind, status, estimate, skills.
 */
export function validateNewItem(fields) {
  const errors = {};
  const title = strip(fields.title);
  if (!title) {
    errors.title = "Give the resource a title.";
  } else if (length(title) > LIMITS.title) {
    errors.title = `The title is too long (${length(title)} of at most ${LIMITS.title} characters).`;
  }
  const url = strip(fields.url);
  if (!urlOk(url)) errors.url = "The link must start with http:// or https:// (or leave it empty).";
  let estimate = null;
  const rawEstimate = strip(fields.estimate);
  if (rawEstimate !== "") {
    estimate = /^[0-9]{1,9}$/.test(rawEstimate) ? Number(rawEstimate) : null;
    if (estimate === null || estimate > LIMITS.minutes) {
      errors.estimate = `The estimate must be a whole number of minutes from 0 to ${LIMITS.minutes}.`;
    }
  }
  const skills = [...new Set(fields.skills.split(",").map(strip).filter(Boolean))];
  if (skills.length > LIMITS.tags) {
    errors.skills = `At most ${LIMITS.tags} skills.`;
  } else if (skills.some((s) => length(s) > LIMITS.tag)) {
    errors.skills = `Each skill can be at most ${LIMITS.tag} characters.`;
  }
  const kind = fields.kind || schema.defaultKind;
  if (!KINDS.includes(kind)) errors.kind = `The kind must be one of ${KINDS.join(", ")}.`;
  const status = fields.status || schema.defaultStatus;
  if (!schema.statuses.includes(status)) {
    errors.status = `The column must be one of ${schema.statuses.join(", ")}.`;
  }
  if (Object.keys(errors).length) return { errors };
  return { values: { title, url, kind, status, estimate, skills } };
}

/** A new Y.Map holding every field of a card (`item` shaped as readItem returns it). */
function cardMap(item) {
  return new Y.Map([
    ["title", item.title],
    ["url", item.url],
    ["kind", item.kind],
    ["skills", item.skills],
    ["status", item.status],
    ["position", item.position],
    ["estimate_minutes", item.estimateMinutes],
    ["assigned_by", item.assignedBy],
    ["started_at", item.startedAt],
    ["completed_at", item.completedAt],
    ["notes", new Y.Text(item.notesValue ?? "")],
  ]);
}

/** Add a card at the end of its column, in one transaction; returns its id. */
export function addItem(doc, items, values, { assignedBy = null, origin }) {
  const id = newId();
  const column = readColumns(items)[values.status];
  const { key } = place(column.map((i) => i.position), column.length);
  const now = stamp();
  doc.transact(() => {
    items.set(id, cardMap({
      title: values.title,
      url: values.url,
      kind: values.kind,
      skills: values.skills,
      status: values.status,
      position: key,
      estimateMinutes: values.estimate,
      assignedBy,
      startedAt: values.status === "now" ? now : null,
      completedAt: values.status === "done" ? now : null,
      notesValue: "",
    }));
  }, origin);
  return id;
}

/**
 * Move card `id` into column `status` at `index` (counted without the card itself).
 * Status, position and completed_at are written together, so that when two people move
 * the same card at once one move wins whole; tied neighbours get fresh keys.
 */
export function moveItem(doc, items, id, status, index, { origin }) {
  if (!isCard(items.get(id), id) || !COLUMNS.includes(status)) return false;
  const item = readItem(id, items.get(id));
  const column = readColumns(items)[status].filter((i) => i.id !== id);
  const at = Math.max(0, Math.min(index, column.length));
  const { key, rekeys } = place(column.map((i) => i.position), at);
  const now = stamp();
  doc.transact(() => {
    const entry = asMap(items, id);
    entry.set("status", status);
    entry.set("position", key);
    const completed = (item.status === "done" && item.completedAt) || now; // kept within Done
    entry.set("completed_at", status === "done" ? completed : null);
    if (status === "now" && item.startedAt === null) entry.set("started_at", now);
    for (const [i, newKey] of rekeys) asMap(items, column[i].id).set("position", newKey);
  }, origin);
  return true;
}

/** The card as a Y.Map, replacing a plain object a peer wrote in its place (as the
 * server's edits do); call it inside a transaction. */
function asMap(items, id) {
  const entry = items.get(id);
  if (entry instanceof Y.Map) return entry;
  const map = cardMap(readItem(id, entry));
  items.set(id, map);
  return map;
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
  if (!isCard(entry, id)) return null;
  const notes = field(entry, "notes");
  if (notes instanceof Y.Text) return notes;
  const text = new Y.Text(initial ?? str(notes));
  doc.transact(() => asMap(items, id).set("notes", text), origin);
  return text;
}
