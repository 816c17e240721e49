// One goal's row in the dream job panel, built once per goal id and updated in place:
// done, title, target date, move up/down, remove, its skills, and its coverage.
// Fields being edited are never overwritten by a re-render (a peer's change to the same
// field shows once the field loses focus).

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
};

const STATUS_LABELS = { done: "Done", now: "Now", next: "Next", later: "Later" };

export class GoalView {
  constructor(id, { canEdit, libraryUrl }) {
    this.id = id;
    this.goal = null;
    this.libraryUrl = libraryUrl;
    const prefix = `goal-${id}`;
    this.element = el("li", { class: "goal", "data-goal-id": id, "aria-labelledby": `${prefix}-name` });
    this.name = el("span", { class: "visually-hidden", id: `${prefix}-name` });
    this.element.append(this.name);
    const head = el("div", { class: "goal-head" });
    this.done = el("input", { type: "checkbox", id: `${prefix}-done`, "data-field": "done" });
    this.title = el("input", {
      type: "text", id: `${prefix}-title`, class: "goal-title-input", maxlength: "200",
      autocomplete: "off", "data-field": "title",
    });
    this.date = el("input", { type: "date", id: `${prefix}-date`, "data-field": "targetDate" });
    if (!canEdit) {
      this.done.disabled = true;
      this.title.readOnly = true;
      this.date.readOnly = true;
    }
    head.append(
      el("div", { class: "goal-done" }, this.done, el("label", { for: `${prefix}-done`, text: "Reached" })),
      el("div", { class: "goal-title-field" },
        this.titleLabel = el("label", { for: `${prefix}-title`, class: "visually-hidden", text: "Goal" }),
        this.title),
      el("div", { class: "goal-date-field" },
        el("label", { for: `${prefix}-date`, text: "Target date" }), this.date),
    );
    if (canEdit) {
      this.up = el("button", { type: "button", class: "button button-small button-quiet", "data-goal-action": "up" });
      this.down = el("button", { type: "button", class: "button button-small button-quiet", "data-goal-action": "down" });
      this.remove = el("button", { type: "button", class: "button button-small button-quiet", "data-goal-action": "remove" });
      head.append(el("div", { class: "goal-buttons", role: "group", "aria-label": "Goal actions" },
        this.up, this.down, this.remove));
    }
    this.skills = el("ul", { class: "goal-skills", "aria-label": "Skills of this goal" });
    this.element.append(head, this.skills);
    if (canEdit) {
      const input = el("input", {
        type: "text", id: `${prefix}-skill`, list: "skill-options", autocomplete: "off",
        "aria-describedby": `${prefix}-skill-error`, "data-field": "skill",
      });
      this.skillError = el("p", { class: "field-error", id: `${prefix}-skill-error`, "aria-live": "polite" });
      this.skillForm = el("form", { class: "goal-skill-form", novalidate: "" },
        el("label", { for: `${prefix}-skill`, text: "Add a skill" }), input,
        el("button", { type: "submit", class: "button button-small", text: "Add skill" }), this.skillError);
      this.skillInput = input;
      this.element.append(this.skillForm);
    }
    this.coverage = el("div", { class: "goal-coverage", "aria-live": "polite" });
    this.element.append(this.coverage);
    this.coverageKey = null;
    this.canEdit = canEdit;
  }

  /** Show `goal` (as readGoal returns it); `index`/`count` place it among the goals. */
  update(goal, index, count, labels) {
    this.goal = goal;
    const title = goal.title || "Untitled goal";
    this.name.textContent = `Goal ${index + 1} of ${count}: ${title}`;
    this.element.classList.toggle("goal-reached", goal.done);
    this.element.dataset.title = goal.title;
    this.done.checked = goal.done;
    this.done.setAttribute("aria-label", `Reached: ${title}`);
    if (document.activeElement !== this.title) this.title.value = goal.title;
    this.titleLabel.textContent = `Goal ${index + 1}`;
    if (document.activeElement !== this.date) this.date.value = goal.targetDate ?? "";
    this.date.setAttribute("aria-label", `Target date of ${title}`);
    if (this.canEdit) {
      this.up.textContent = "↑ Up";
      this.up.setAttribute("aria-label", `Move “${title}” up`);
      this.up.setAttribute("aria-disabled", String(index === 0));
      this.down.textContent = "↓ Down";
      this.down.setAttribute("aria-label", `Move “${title}” down`);
      this.down.setAttribute("aria-disabled", String(index === count - 1));
      this.remove.textContent = "Remove";
      this.remove.setAttribute("aria-label", `Remove the goal “${title}”`);
      this.skillInput.setAttribute("aria-label", `Add a skill to “${title}”`);
    }
    const chips = goal.skills.map((skill) => {
      const chip = el("li", { class: "goal-skill" }, el("span", { text: labels.get(skill) ?? skill }));
      if (this.canEdit) {
        chip.append(el("button", {
          type: "button", class: "chip-remove", "data-goal-action": "remove-skill", "data-skill": skill,
          "aria-label": `Remove the skill ${labels.get(skill) ?? skill} from “${title}”`, text: "✕",
        }));
      }
      return chip;
    });
    const key = JSON.stringify(goal.skills.map((skill) => labels.get(skill) ?? skill));
    if (this.skillsKey !== key || this.titleShown !== title) {
      // rebuilt only when they change, so a focused chip button keeps its place otherwise
      this.skills.replaceChildren(...chips);
      this.skillsKey = key;
      this.titleShown = title;
    }
  }

  /** Show the coverage of this goal's skills (one goal of the coverage endpoint's answer). */
  showCoverage(found) {
    const key = JSON.stringify(found);
    if (key === this.coverageKey) return;
    this.coverageKey = key;
    if (!found || found.skills.length === 0) {
      this.coverage.replaceChildren();
      return;
    }
    const list = el("ul", { class: "coverage", "aria-label": "What serves each skill" });
    for (const entry of found.skills) {
      const row = el("li", { class: `coverage-skill${entry.served ? "" : " unserved"}`, "data-skill": entry.skill });
      row.append(el("span", { class: "skill-name", text: entry.label }), ": ");
      if (entry.served) {
        const parts = Object.keys(STATUS_LABELS).filter((status) => entry[status].length)
          .map((status) => `${STATUS_LABELS[status]}: ${entry[status].map((i) => i.title).join(", ")}`);
        row.append(el("span", { class: "served-by", text: parts.join("; ") }));
      } else {
        row.append(el("strong", { class: "unserved-note", text: "nothing serves this skill yet." }), " ");
        if (this.canEdit) {
          row.append(el("button", {
            type: "button", class: "button button-small", "data-goal-action": "add-resource",
            "data-skill": entry.skill, "aria-label": `Add a resource for ${entry.label}`,
            text: "Add a resource for this skill",
          }), " ");
        }
        const url = `${this.libraryUrl}?${new URLSearchParams({ skill: entry.skill })}`;
        row.append(el("a", { href: url, text: `Find ${entry.label} in the library` }));
      }
      list.append(row);
    }
    this.coverage.replaceChildren(list);
  }
}
