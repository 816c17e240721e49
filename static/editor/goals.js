// The curriculum's goals as the editor reads and changes them (docs/document.md).
//
// A goal is an entry of the `goals` map: title, skills, done, position (its order
// among the goals) and target_date (`YYYY-MM-DD` or nothing). Reading coerces junk
// exactly as collab/schema.py's Goal does (tests/fixtures/goal_documents.json holds
// both sides to it). Each change is one transaction carrying the caller's origin.

import { Y } from "../vendor/yjs-bundle-13.6.33.mjs";
import { field, isId, isPlainObject, isoDate, newId, str, tags } from "./items.js";
import { compareEntries, isKey, place } from "./positions.js";

/** One goal (a Y.Map or a plain object) as a typed object. */
export function readGoal(id, entry) {
  const get = (key) => field(entry, key);
  const position = get("position");
  return {
    id,
    title: str(get("title")),
    skills: tags(get("skills")),
    done: get("done") === true,
    position: isKey(position) ? position : "",
    targetDate: isoDate(get("target_date")),
  };
}

const isGoal = (entry, id) => isId(id) && (entry instanceof Y.Map || isPlainObject(entry));

/** The goals in (position, id) order. */
export function readGoals(goals) {
  const found = [];
  goals.forEach((entry, id) => {
    if (isGoal(entry, id)) found.push(readGoal(id, entry));
  });
  return found.sort(compareEntries);
}

function goalMap(goal) {
  return new Y.Map([
    ["title", goal.title],
    ["skills", goal.skills],
    ["done", goal.done],
    ["position", goal.position],
    ["target_date", goal.targetDate],
  ]);
}

/** The goal as a Y.Map, replacing a plain object a peer wrote (inside a transaction). */
function asMap(goals, id) {
  const entry = goals.get(id);
  if (entry instanceof Y.Map) return entry;
  const map = goalMap(readGoal(id, entry));
  goals.set(id, map);
  return map;
}

/** Add a goal after the others; returns its id. */
export function addGoal(doc, goals, title, { origin }) {
  const id = newId();
  const keys = readGoals(goals).map((g) => g.position);
  const { key } = place(keys, keys.length);
  doc.transact(() => {
    goals.set(id, goalMap({ title, skills: [], done: false, position: key, targetDate: null }));
  }, origin);
  return id;
}

/** Set some of a goal's fields: {title, skills, done, targetDate}. */
export function updateGoal(doc, goals, id, changes, { origin }) {
  if (!isGoal(goals.get(id), id)) return false;
  const names = { title: "title", skills: "skills", done: "done", targetDate: "target_date" };
  doc.transact(() => {
    const entry = asMap(goals, id);
    for (const [name, value] of Object.entries(changes)) entry.set(names[name], value);
  }, origin);
  return true;
}

/** Move a goal to `index` among the others (counted without it); tied keys are re-keyed. */
export function moveGoal(doc, goals, id, index, { origin }) {
  if (!isGoal(goals.get(id), id)) return false;
  const others = readGoals(goals).filter((g) => g.id !== id);
  const at = Math.max(0, Math.min(index, others.length));
  const { key, rekeys } = place(others.map((g) => g.position), at);
  doc.transact(() => {
    asMap(goals, id).set("position", key);
    for (const [i, newKey] of rekeys) asMap(goals, others[i].id).set("position", newKey);
  }, origin);
  return true;
}

/** Remove a goal (undo brings it back). */
export function deleteGoal(doc, goals, id, { origin }) {
  if (!goals.has(id)) return;
  doc.transact(() => goals.delete(id), origin);
}
