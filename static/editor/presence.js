// Who is here, and which card each person is on, from the provider's awareness.
//
// Local state: {user: {name, color}, focus: itemId | null}. The server replaces the
// user of every state others see with the account's name and colour, and marks a
// read-only connection's `user.readOnly`. The list shows everyone (yourself first,
// marked "you", readers marked "read only"); each card shows a coloured marker per
// other person focused on it.

const HEX = /^#[0-9a-f]{6}$/i;

/** Black or white, whichever reads better on `color` (WCAG relative luminance). */
export function inkFor(color) {
  if (!HEX.test(color)) return "#000";
  const channel = (i) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? "#000" : "#fff";
}

function safeColor(color) {
  return typeof color === "string" && HEX.test(color) ? color : "#6b7280";
}

function initials(name) {
  const letters = name.trim().split(/\s+/).map((word) => [...word][0] ?? "");
  return (letters[0] ?? "?").concat(letters.length > 1 ? letters[letters.length - 1] : "").toUpperCase();
}

export class Presence {
  /**
   * @param awareness the provider's awareness
   * @param list the <ul> for "who is here"
   * @param markerHost itemId -> the element that holds that card's markers (or null)
   */
  constructor(awareness, { name, color }, list, markerHost) {
    this.awareness = awareness;
    this.list = list;
    this.markerHost = markerHost;
    this.marked = new Set(); // marker hosts we have filled
    awareness.setLocalState({ user: { name, color: safeColor(color) }, focus: null });
    this.onChange = () => this.render();
    awareness.on("change", this.onChange);
    this.render();
  }

  /** Tell the others which card (if any) has our focus. */
  setFocus(itemId) {
    const state = this.awareness.getLocalState();
    if (state && state.focus !== itemId) this.awareness.setLocalStateField("focus", itemId);
  }

  /** Everyone with a user, yourself first, then by name. */
  people() {
    const self = this.awareness.clientID;
    const people = [];
    this.awareness.getStates().forEach((state, clientId) => {
      const user = state && state.user;
      if (!user || typeof user.name !== "string") return;
      people.push({
        clientId,
        self: clientId === self,
        name: user.name.slice(0, 80) || "Someone",
        color: safeColor(user.color),
        focus: typeof state.focus === "string" ? state.focus : null,
        // set by the server from the connection's rights, never by the client
        readOnly: user.readOnly === true,
      });
    });
    return people.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  }

  render() {
    const people = this.people();
    this.list.replaceChildren(
      ...people.map((person) => {
        const li = document.createElement("li");
        li.className = "person";
        li.dataset.clientId = String(person.clientId);
        const dot = document.createElement("span");
        dot.className = "person-dot";
        dot.setAttribute("aria-hidden", "true");
        dot.style.setProperty("--person-color", person.color);
        li.append(dot, person.name);
        if (person.readOnly) {
          const reading = document.createElement("span");
          reading.className = "person-read-only";
          reading.textContent = " (read only)";
          li.append(reading);
        }
        if (person.self) {
          li.classList.add("person-self");
          const you = document.createElement("span");
          you.className = "person-you";
          you.textContent = " (you)";
          li.append(you);
        }
        return li;
      }),
    );
    this.renderMarkers(people.filter((person) => !person.self && person.focus));
  }

  /** Call after cards were added so their markers show up. */
  renderMarkers(focused = this.people().filter((p) => !p.self && p.focus)) {
    const byItem = new Map();
    for (const person of focused) {
      if (!byItem.has(person.focus)) byItem.set(person.focus, []);
      byItem.get(person.focus).push(person);
    }
    const filled = new Set();
    for (const [itemId, people] of byItem) {
      const host = this.markerHost(itemId);
      if (!host) continue;
      filled.add(host);
      host.replaceChildren(...people.map((person) => marker(person)));
      host.closest(".card")?.style.setProperty("--viewer-color", people[0].color);
      host.closest(".card")?.classList.add("card-has-viewers");
    }
    for (const host of this.marked) {
      if (!filled.has(host)) {
        host.replaceChildren();
        host.closest(".card")?.classList.remove("card-has-viewers");
      }
    }
    this.marked = filled;
  }

  destroy() {
    this.awareness.off("change", this.onChange);
  }
}

function marker(person) {
  const span = document.createElement("span");
  span.className = "viewer";
  span.style.setProperty("--person-color", person.color);
  span.style.setProperty("--person-ink", inkFor(person.color));
  span.title = `${person.name} is on this card`;
  span.setAttribute("aria-hidden", "true");
  span.textContent = initials(person.name);
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.textContent = `${person.name} is here. `;
  const wrapper = document.createElement("span");
  wrapper.className = "viewer-wrap";
  wrapper.append(span, label);
  return wrapper;
}
