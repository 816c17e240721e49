// The "Add a resource" form: checks its fields like the server does, shows errors next
// to each field (announced), and hands valid values to `onAdd(values)`.

import { COLUMN_LABELS, validateNewItem } from "./items.js";

const FIELDS = { title: "add-title", url: "add-url", estimate: "add-minutes", skills: "add-skills" };

export function enableAddForm(form, status, onAdd) {
  const input = (name) => form.elements.namedItem(name);
  const showErrors = (errors) => {
    for (const [field, id] of Object.entries(FIELDS)) {
      const control = document.getElementById(id);
      const message = document.getElementById(`${id}-error`);
      const error = errors[field] ?? "";
      message.textContent = error;
      if (error) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const minutes = input("estimate_minutes");
    const result = validateNewItem({
      title: input("title").value,
      url: input("url").value,
      kind: input("kind").value,
      status: input("status").value,
      // a number field reports "" for text it cannot read: pass that on as invalid
      estimate: minutes.validity.badInput ? "?" : minutes.value,
      skills: input("skills").value,
    });
    if (result.errors) {
      showErrors(result.errors); // each message is a live region next to its field
      status.textContent = "";
      const first = Object.keys(FIELDS).find((field) => result.errors[field]);
      document.getElementById(FIELDS[first])?.focus();
      return;
    }
    showErrors({});
    onAdd(result.values);
    const keep = input("status").value;
    const kind = input("kind").value;
    form.reset();
    input("status").value = keep; // people often add several cards to one column
    input("kind").value = kind;
    status.textContent = `Added “${result.values.title}” to ${COLUMN_LABELS[result.values.status]}.`;
    input("title").focus();
  });

  // clear a field's error as soon as it is edited
  form.addEventListener("input", (event) => {
    const id = event.target.id;
    if (Object.values(FIELDS).includes(id) && event.target.hasAttribute("aria-invalid")) {
      event.target.removeAttribute("aria-invalid");
      document.getElementById(`${id}-error`).textContent = "";
    }
  });
}
