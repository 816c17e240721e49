// The dream job panel: the reverse resume (the `resume` Y.Text, bound like notes), the
// goals (the `goals` map: add, rename, reorder, remove, mark reached, skills, target
// date), skill suggestions from the resume and coverage of each goal's skills
// (docs/goals.md). Everything here is live: peers' edits show as they arrive.

import { Y } from "../vendor/yjs-bundle-13.6.33.mjs";
import { moveNode } from "./board.js";
import { GoalView } from "./goal-view.js";
import { addGoal, deleteGoal, moveGoal, readGoals, updateGoal } from "./goals.js";
import { COLUMNS, LIMITS, isoDate, readColumns, strip } from "./items.js";
import { bindNotes } from "./notes-binding.js";
import { SkillHelp, debounce } from "./skill-help.js";

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export class DreamJob {
  constructor(root, doc, { canEdit, origin, undoManager, skillsUrl, libraryUrl, onAddResource }) {
    this.root = root;
    this.doc = doc;
    this.goals = doc.getMap("goals");
    this.items = doc.getMap("items");
    this.resume = doc.getText("resume");
    this.options = { canEdit, origin, undoManager, libraryUrl, onAddResource };
    this.help = new SkillHelp(skillsUrl);
    this.views = new Map(); // goal id -> GoalView
    this.labels = new Map(); // skill name -> label, as the server gave them
    this.suggestions = [];
    this.live = false;
    this.list = root.querySelector("#goal-list");
    this.count = root.querySelector("#dream-job-count");
    this.announcer = root.querySelector("#dream-job-announcer");
    this.textarea = root.querySelector("#resume-text");
    this.suggestionList = root.querySelector("#suggestion-list");
    this.suggestionStatus = root.querySelector("#suggestions-status");
    this.target = root.querySelector("#suggestion-goal");
    this.empty = document.createElement("p");
    this.empty.className = "goal-empty";
    this.empty.textContent = canEdit ? "No goals yet: add the first one below." : "No goals yet.";
    this.refreshSuggestions = debounce(() => this.fetchSuggestions(), 400);
    this.refreshCoverage = debounce(() => this.fetchCoverage(), 300);
  }

  announce(message) {
    this.announcer.textContent = "";
    requestAnimationFrame(() => { this.announcer.textContent = message; });
  }

  /** Take over from the server's rendering once the document has synced (once). */
  start() {
    if (this.live) return;
    this.live = true;
    const { canEdit, origin, undoManager } = this.options;
    this.root.querySelectorAll("[data-live-only]").forEach((node) => { node.hidden = false; });
    this.list.querySelectorAll("[data-static]").forEach((node) => node.remove());
    this.textarea.readOnly = !canEdit;
    bindNotes(this.textarea, this.resume, { origin, undoOrigin: undoManager });
    this.resume.observe(() => this.refreshSuggestions());
    this.goals.observeDeep((events, transaction) => {
      this.render(transaction.origin !== origin);
      this.refreshCoverage();
    });
    this.items.observeDeep((events) => {
      if (!events.every((event) => event.target instanceof Y.Text)) this.refreshCoverage();
    });
    if (canEdit) this.enableEditing();
    this.render(false);
    this.fetchSuggestions();
    this.fetchCoverage();
  }

  // -- goals ----------------------------------------------------------------------------

  render(remote) {
    const goals = readGoals(this.goals);
    const before = new Map([...this.views].map(([id, view]) => [id, view.goal]));
    goals.forEach((goal, index) => {
      let view = this.views.get(goal.id);
      if (!view) {
        view = new GoalView(goal.id, this.options);
        this.views.set(goal.id, view);
      }
      view.update(goal, index, goals.length, this.labels);
      const at = this.list.children[index] ?? null;
      if (at !== view.element) moveNode(this.list, view.element, at);
    });
    const ids = new Set(goals.map((g) => g.id));
    for (const [id, view] of this.views) {
      if (ids.has(id)) continue;
      const hadFocus = view.element.contains(document.activeElement);
      const next = view.element.nextElementSibling ?? view.element.previousElementSibling;
      view.element.remove();
      this.views.delete(id);
      if (hadFocus) (next?.querySelector("input, button") ?? this.root.querySelector("#goals-heading"))?.focus();
      if (remote || hadFocus) this.announce(`The goal “${view.goal?.title || "Untitled goal"}” was removed.`);
    }
    if (remote) {
      for (const goal of goals) {
        const old = before.get(goal.id);
        if (!old) this.announce(`Goal added: “${goal.title || "Untitled goal"}”.`);
        else if (old.done !== goal.done) {
          this.announce(`“${goal.title}” ${goal.done ? "is marked reached" : "is no longer marked reached"}.`);
        }
      }
    }
    if (goals.length === 0) this.list.after(this.empty);
    else this.empty.remove();
    this.count.textContent = plural(goals.length, "goal");
    this.renderTargets(goals);
    this.renderSuggestions();
  }

  renderTargets(goals) {
    if (!this.target) return;
    const chosen = this.target.value;
    const options = goals.map((goal, index) => {
      const option = document.createElement("option");
      option.value = goal.id;
      option.textContent = `${index + 1}. ${goal.title || "Untitled goal"}`;
      return option;
    });
    const key = JSON.stringify(options.map((o) => [o.value, o.textContent]));
    if (key !== this.targetsKey) {
      this.target.replaceChildren(...options);
      this.targetsKey = key;
      if (goals.some((g) => g.id === chosen)) this.target.value = chosen;
    }
    this.target.disabled = goals.length === 0;
  }

  goal(id) {
    return readGoals(this.goals).find((g) => g.id === id) ?? null;
  }

  change(id, changes) {
    const { origin, undoManager } = this.options;
    updateGoal(this.doc, this.goals, id, changes, { origin });
    undoManager.stopCapturing();
  }

  addSkill(id, skill, label) {
    const goal = this.goal(id);
    if (!goal) return "That goal is gone.";
    if (label) this.labels.set(skill, label);
    if (goal.skills.includes(skill)) return `“${goal.title}” already has ${label ?? skill}.`;
    if (goal.skills.length >= LIMITS.tags) return `A goal has at most ${LIMITS.tags} skills.`;
    this.change(id, { skills: [...goal.skills, skill] });
    return null;
  }

  enableEditing() {
    const { origin, undoManager, onAddResource } = this.options;
    const form = this.root.querySelector("#goal-add-form");
    const title = form.querySelector("#goal-add-title");
    const error = form.querySelector("#goal-add-error");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = strip(title.value);
      const problem = !text ? "Give the goal a title."
        : [...text].length > LIMITS.title ? `At most ${LIMITS.title} characters.` : "";
      error.textContent = problem;
      if (problem) {
        title.setAttribute("aria-invalid", "true");
        title.focus();
        return;
      }
      title.removeAttribute("aria-invalid");
      addGoal(this.doc, this.goals, text, { origin });
      undoManager.stopCapturing();
      title.value = "";
      this.announce(`Added the goal “${text}”.`);
    });

    this.list.addEventListener("change", (event) => {
      const view = this.views.get(event.target.closest(".goal")?.dataset.goalId);
      const name = event.target.dataset.field;
      if (!view || !name || name === "skill") return;
      if (name === "done") this.change(view.id, { done: event.target.checked });
      if (name === "targetDate") {
        const date = event.target.value === "" ? null : isoDate(event.target.value);
        if (date !== null || event.target.value === "") this.change(view.id, { targetDate: date });
      }
      if (name === "title") {
        const text = strip(event.target.value);
        if (text && [...text].length <= LIMITS.title) this.change(view.id, { title: text });
        else event.target.value = view.goal.title; // a goal keeps a title
      }
    });

    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-goal-action]");
      const view = this.views.get(button?.closest(".goal")?.dataset.goalId);
      if (!view || button.getAttribute("aria-disabled") === "true") return;
      const goals = readGoals(this.goals);
      const index = goals.findIndex((g) => g.id === view.id);
      const action = button.dataset.goalAction;
      if (action === "up" || action === "down") {
        moveGoal(this.doc, this.goals, view.id, index + (action === "up" ? -1 : 1), { origin });
        undoManager.stopCapturing();
        const where = readGoals(this.goals).findIndex((g) => g.id === view.id);
        this.announce(`Moved “${view.goal.title}” to ${where + 1} of ${goals.length}.`);
        button.focus();
      } else if (action === "remove") {
        deleteGoal(this.doc, this.goals, view.id, { origin });
        undoManager.stopCapturing();
        this.announce(`Removed the goal “${view.goal.title}”. Press Control+Z to undo.`);
      } else if (action === "remove-skill") {
        const skill = button.dataset.skill;
        this.change(view.id, { skills: view.goal.skills.filter((s) => s !== skill) });
        this.announce(`Removed ${this.labels.get(skill) ?? skill} from “${view.goal.title}”.`);
        view.skillInput.focus();
      } else if (action === "add-resource") {
        onAddResource(button.dataset.skill);
      }
    });

    this.list.addEventListener("submit", async (event) => {
      const view = this.views.get(event.target.closest(".goal")?.dataset.goalId);
      if (!view) return;
      event.preventDefault();
      const input = view.skillInput;
      const typed = strip(input.value);
      if (!typed) {
        view.skillError.textContent = "Type a skill, or pick one from the list.";
        return;
      }
      try {
        const found = await this.help.normalise(typed);
        const problem = this.addSkill(view.id, found.skill, found.label);
        const hint = found.known || !found.did_you_mean.length ? ""
          : ` Did you mean ${found.did_you_mean.join(" or ")}?`;
        view.skillError.textContent = (problem ?? "") + hint;
        if (!problem) {
          input.value = "";
          this.announce(`Added ${found.label} to “${view.goal.title}”.${hint}`);
        }
      } catch (error) {
        view.skillError.textContent = String(error.message || error);
      }
    });

    this.suggestionList.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-skill]");
      if (!button || !this.target.value) return;
      const { skill, label } = button.dataset;
      const goal = this.goal(this.target.value);
      const problem = this.addSkill(this.target.value, skill, label);
      this.announce(problem ?? `Added ${label} to “${goal?.title}”.`);
      const buttons = [...this.suggestionList.querySelectorAll("button")];
      const index = buttons.indexOf(button);
      this.renderSuggestions();
      const after = this.suggestionList.querySelectorAll("button");
      (after[Math.min(index, after.length - 1)] ?? this.target).focus();
    });
    this.target.addEventListener("change", () => this.renderSuggestions());
  }

  // -- suggestions and coverage ---------------------------------------------------------

  async fetchSuggestions() {
    const text = this.resume.toString();
    if (!strip(text)) {
      this.suggestions = [];
      this.renderSuggestions();
      return;
    }
    try {
      const answer = await this.help.suggest(text);
      if (answer === null) return; // a newer request is on its way
      this.suggestions = answer.suggestions;
      for (const s of this.suggestions) this.labels.set(s.skill, s.label);
    } catch (error) {
      this.suggestionStatus.textContent = `Suggestions are not available now (${error.message}).`;
      return;
    }
    this.renderSuggestions();
  }

  renderSuggestions() {
    if (!this.live) return;
    const { canEdit } = this.options;
    const goal = canEdit && this.target.value ? this.goal(this.target.value) : null;
    const rows = this.suggestions.map((s) => {
      const row = document.createElement("li");
      row.className = "suggestion";
      row.dataset.skill = s.skill;
      const name = document.createElement("span");
      name.className = "suggestion-skill";
      name.textContent = s.label;
      const phrase = document.createElement("span");
      phrase.className = "suggestion-phrase";
      phrase.textContent = `from “${s.phrase}”`;
      row.append(name, " ", phrase);
      if (goal && goal.skills.includes(s.skill)) {
        const note = document.createElement("span");
        note.className = "suggestion-taken";
        note.textContent = "in this goal";
        row.append(" ", note);
      } else if (goal) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small";
        button.dataset.skill = s.skill;
        button.dataset.label = s.label;
        button.textContent = "Add";
        button.setAttribute("aria-label", `Add ${s.label} to “${goal.title || "Untitled goal"}”`);
        row.append(" ", button);
      }
      return row;
    });
    this.suggestionList.replaceChildren(...rows);
    const n = this.suggestions.length;
    const hasGoals = readGoals(this.goals).length > 0;
    this.suggestionStatus.textContent = n === 0
      ? "Skills appear here as the resume names them."
      : `${plural(n, "skill")} named in the resume.${canEdit && !hasGoals ? " Add a goal to collect them." : ""}`;
  }

  async fetchCoverage() {
    const goals = readGoals(this.goals).map(({ id, title, skills }) => ({ id, title, skills }));
    const columns = readColumns(this.items);
    const items = COLUMNS.flatMap((status) => columns[status])
      .map(({ id, title, status, skills }) => ({ id, title, status, skills }));
    let answer;
    try {
      answer = await this.help.coverage(goals, items);
    } catch {
      return; // shown again with the next change
    }
    if (answer === null) return;
    for (const found of answer.goals) for (const s of found.skills) this.labels.set(s.skill, s.label);
    this.render(false); // skill chips with their labels
    for (const found of answer.goals) this.views.get(found.goal_id)?.showCoverage(found);
  }
}
