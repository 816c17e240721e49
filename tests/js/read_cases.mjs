// Reads the shared cases with the editor's own modules, under Node, for
// tests/test_one_model.py: JSON in on stdin ({schema, documents: [base64 Yjs update],
// forms, positions, goals}), the readings out on stdout, shaped as the Python side shapes them.

import { Y } from "../../static/vendor/yjs-bundle-13.6.33.mjs";
import { COLUMNS, readColumns, useSchema, validateNewItem } from "../../static/editor/items.js";
import { readGoals } from "../../static/editor/goals.js";
import { isKey, keyBetween, keysBetween, place } from "../../static/editor/positions.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const given = JSON.parse(Buffer.concat(chunks).toString("utf8"));
useSchema(given.schema);

function readDocument(update) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, "base64"));
  const columns = readColumns(doc.getMap("items"));
  return COLUMNS.flatMap((status) => columns[status]).map((item) => ({
    id: item.id,
    title: item.title,
    url: item.url,
    kind: item.kind,
    skills: item.skills,
    status: item.status,
    position: item.position,
    estimate_minutes: item.estimateMinutes,
    assigned_by: item.assignedBy,
    started_at: item.startedAt,
    completed_at: item.completedAt,
    notes: item.notes ? item.notes.toString() : item.notesValue,
  }));
}

function readGoalDocument(update) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, "base64"));
  return readGoals(doc.getMap("goals")).map((goal) => ({
    id: goal.id,
    title: goal.title,
    skills: goal.skills,
    done: goal.done,
    position: goal.position,
    target_date: goal.targetDate,
  }));
}

function readForm(fields) {
  const result = validateNewItem(fields);
  if (result.errors) return { errors: Object.keys(result.errors).sort() };
  const { estimate, ...values } = result.values;
  return { values: { ...values, estimate_minutes: estimate } };
}

function outcome(call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof RangeError) return { error: true };
    throw error;
  }
}

const placed = (keys, index) => {
  const { key, rekeys } = place(keys, index);
  return { key, rekeys: [...rekeys].sort((a, b) => a[0] - b[0]) };
};

const cases = given.positions;
process.stdout.write(JSON.stringify({
  documents: given.documents.map(readDocument),
  forms: given.forms.map(readForm),
  goals: given.goals.map(readGoalDocument),
  positions: {
    is_key: cases.is_key.map((key) => isKey(key)),
    key_between: cases.key_between.map(([a, b]) => outcome(() => keyBetween(a, b))),
    keys_between: cases.keys_between.map(([a, b, n]) => outcome(() => keysBetween(a, b, n))),
    place: cases.place.map(([keys, index]) => outcome(() => placed(keys, index))),
  },
}));
