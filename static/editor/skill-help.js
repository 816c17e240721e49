// The server's help with skills, for the dream job panel (server/goals/skills.py):
// suggestions from the resume, a tag's canonical name, and coverage of the goals.
// Same-origin JSON POSTs with the page's CSRF token. Each kind of request keeps only
// its latest answer, so a slow answer never overwrites a newer one.

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export class SkillHelp {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.latest = {};
  }

  /** POST `body` to `name`; resolves to the JSON answer, or null if a newer call was made. */
  async post(name, body) {
    const ticket = Symbol(name);
    this.latest[name] = ticket;
    const response = await fetch(`${this.baseUrl}/${name}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body),
    });
    const answer = response.headers.get("content-type")?.includes("json")
      ? await response.json()
      : { error: await response.text() };
    if (this.latest[name] !== ticket) return null;
    if (!response.ok) throw new Error(answer.error || answer.detail || `error ${response.status}`);
    return answer;
  }

  suggest(text) {
    return this.post("suggest", { text });
  }

  /** {skill, label, known, did_you_mean} for a tag as someone typed it. */
  async normalise(tag) {
    const response = await fetch(`${this.baseUrl}/normalise`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ tag }),
    });
    if (!response.ok) throw new Error(await response.text());
    return response.json();
  }

  coverage(goals, items) {
    return this.post("coverage", { goals, items });
  }
}

/** `call` at most once per `wait` ms, after the last request for it. */
export function debounce(call, wait) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(call, wait);
  };
}
