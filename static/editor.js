// The curriculum editor: the board, the add form, moves, notes, undo, presence and the
// connection indicator, all over one Y.Doc synced with y-websocket (docs/editor.md).
//
// Every local edit is a transaction with origin LOCAL, and the undo manager tracks only
// that origin, so Ctrl+Z takes back one's own changes and never a peer's.

import { Y, WebsocketProvider, awarenessProtocol } from "./vendor/yjs-bundle-13.6.33.mjs";
import { enableAddForm } from "./editor/add-form.js";
import { Board } from "./editor/board.js";
import { ConnectionStatus } from "./editor/connection.js";
import { DreamJob } from "./editor/dream-job.js";
import { enableDragAndDrop } from "./editor/drag.js";
import {
  COLUMNS, COLUMN_LABELS, addItem, deleteItem, ensureNotes, moveItem, useSchema,
} from "./editor/items.js";
import { Presence } from "./editor/presence.js";

const LOCAL = Symbol("local edit");
const ARROWS = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

function start(root) {
  const config = root.dataset;
  useSchema(JSON.parse(config.schema)); // the server's schema: kinds, columns, limits
  const canEdit = config.access === "edit";
  const doc = new Y.Doc();
  const items = doc.getMap("items");
  const meta = doc.getMap("meta");
  const provider = new WebsocketProvider(config.wsUrl, config.docId, doc);
  const undoManager = new Y.UndoManager(
    [items, doc.getMap("goals"), doc.getText("resume")], { trackedOrigins: new Set([LOCAL]) },
  );
  const announcer = document.getElementById("announcer");
  const announce = (message) => {
    // clear first so the same message twice is announced twice
    announcer.textContent = "";
    requestAnimationFrame(() => { announcer.textContent = message; });
  };

  root.querySelectorAll("[data-live-only]").forEach((node) => { node.hidden = false; });
  const boardElement = document.getElementById("board");
  boardElement.setAttribute("aria-busy", "true");

  const board = new Board(boardElement, items, {
    canEdit,
    itemsUrl: config.itemsUrl,
    origin: LOCAL,
    undoOrigin: undoManager,
    ensureNotes: (id, initial) => ensureNotes(doc, items, id, { origin: LOCAL, initial }),
    onFocusedRemoved: (view) => announce(`“${view.item?.title ?? "This card"}” was removed.`),
  });
  const presence = new Presence(
    provider.awareness,
    { name: config.userName || "Someone", color: config.userColor },
    document.getElementById("presence-list"),
    (id) => board.card(id)?.viewers ?? null,
  );
  const connection = new ConnectionStatus(provider, document.getElementById("connection"));
  const dreamJob = new DreamJob(document.getElementById("dream-job"), doc, {
    canEdit,
    origin: LOCAL,
    undoManager,
    skillsUrl: config.skillsUrl,
    libraryUrl: "/library",
    onAddResource: (skill) => {
      // "add a resource for this skill": the add form, with the skill filled in
      document.getElementById("add-skills").value = skill;
      const title = document.getElementById("add-title");
      title.scrollIntoView({ block: "center" });
      title.focus();
      announce(`Add a resource for ${skill}: the skill is filled in, give it a title.`);
    },
  });

  const render = () => {
    board.render();
    presence.renderMarkers();
  };
  // the server's cards stay until the document has arrived (or someone edits offline)
  provider.on("sync", (synced) => {
    if (!synced) return;
    render();
    dreamJob.start();
  });
  items.observeDeep((events) => {
    // typing in notes is shown by the notes binding; the board only needs other changes
    if (board.live && events.every((event) => event.target instanceof Y.Text)) return;
    render();
  });
  meta.observe(() => {
    const title = meta.get("title");
    if (typeof title === "string" && title.trim()) {
      document.getElementById("curriculum-title").textContent = title;
      document.title = `${title} · mentorHub`;
    }
  });

  // -- moves ------------------------------------------------------------------------

  const move = (id, status, index) => {
    if (!canEdit || !moveItem(doc, items, id, status, index, { origin: LOCAL })) return;
    undoManager.stopCapturing(); // each move is its own undo step
    const where = board.place(id);
    const title = board.card(id)?.item.title ?? "card";
    if (where) {
      announce(`Moved “${title}” to ${COLUMN_LABELS[where.status]}, ${where.index + 1} of ${where.count}.`);
    }
  };

  /** Move a card one step: up/down in its column, left/right to the neighbouring column. */
  const step = (id, direction) => {
    const where = board.place(id);
    if (!where) return;
    const title = board.card(id).item.title;
    if (direction === "up" || direction === "down") {
      const index = where.index + (direction === "up" ? -1 : 1);
      if (index < 0 || index >= where.count) {
        const edge = direction === "up" ? "top" : "bottom";
        announce(`“${title}” is already at the ${edge} of ${COLUMN_LABELS[where.status]}.`);
        return;
      }
      move(id, where.status, index);
      return;
    }
    const target = COLUMNS[COLUMNS.indexOf(where.status) + (direction === "left" ? -1 : 1)];
    if (!target) {
      announce(`“${title}” is already in the ${direction === "left" ? "first" : "last"} column.`);
      return;
    }
    // towards Done it joins the end of the queue; away from Done it goes first in line
    move(id, target, direction === "left" ? Infinity : 0);
  };

  if (canEdit) {
    enableDragAndDrop(boardElement, move);
    boardElement.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      const card = button?.closest(".card");
      if (!card) return;
      const id = card.dataset.itemId;
      if (button.dataset.move) {
        if (button.getAttribute("aria-disabled") === "true") return;
        step(id, { up: "up", down: "down", prev: "left", next: "right" }[button.dataset.move]);
        if (button.hidden) card.focus(); // e.g. "Later" is gone once the card is in Later
      } else if (button.dataset.action === "remove") {
        const title = board.card(id)?.item.title ?? "card";
        deleteItem(doc, items, id, { origin: LOCAL });
        undoManager.stopCapturing();
        announce(`Removed “${title}”. Press Control+Z to undo.`);
      }
    });
    enableAddForm(
      document.getElementById("add-item-form"),
      document.getElementById("add-status-message"),
      (values) => {
        const assignedBy = config.userEmail || config.userName || null;
        addItem(doc, items, values, { assignedBy, origin: LOCAL });
        undoManager.stopCapturing();
      },
    );
  }

  // -- keyboard on cards --------------------------------------------------------------

  boardElement.addEventListener("keydown", (event) => {
    const card = event.target.closest?.(".card");
    if (!card) return;
    const id = card.dataset.itemId;
    const direction = ARROWS[event.key];
    const inField = event.target.matches("textarea, input, select");
    const others = event.ctrlKey || event.metaKey || event.shiftKey;
    const plain = !event.altKey && !others;
    if (direction && event.altKey && !others && !inField) {
      if (!canEdit) return;
      event.preventDefault();
      step(id, direction);
      card.scrollIntoView({ block: "nearest" });
    } else if (event.target === card && plain && direction) {
      event.preventDefault();
      board.neighbour(id, direction)?.focus();
    } else if (event.target === card && plain && event.key === "Enter") {
      event.preventDefault();
      card.querySelector("textarea")?.focus();
    } else if (event.key === "Escape" && event.target.matches("textarea")) {
      event.preventDefault();
      card.focus();
    }
  });

  // -- presence -----------------------------------------------------------------------

  boardElement.addEventListener("focusin", (event) => {
    presence.setFocus(event.target.closest?.(".card")?.dataset.itemId ?? null);
  });
  boardElement.addEventListener("focusout", (event) => {
    if (!event.relatedTarget?.closest?.(".card")) presence.setFocus(null);
  });
  // leave at once when the page goes away, and come back if it is restored from cache
  let presenceState = null;
  window.addEventListener("pagehide", () => {
    presenceState = provider.awareness.getLocalState();
    awarenessProtocol.removeAwarenessStates(provider.awareness, [doc.clientID], "page hidden");
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && presenceState) provider.awareness.setLocalState(presenceState);
  });

  // -- undo / redo --------------------------------------------------------------------

  const undoButton = document.getElementById("undo");
  const redoButton = document.getElementById("redo");
  const updateHistory = () => {
    // aria-disabled, not disabled: a focused button must not lose focus when it runs out
    undoButton?.setAttribute("aria-disabled", String(undoManager.undoStack.length === 0));
    redoButton?.setAttribute("aria-disabled", String(undoManager.redoStack.length === 0));
  };
  const undo = () => {
    if (undoManager.undoStack.length === 0) return announce("Nothing to undo.");
    undoManager.undo();
    announce("Undone.");
  };
  const redo = () => {
    if (undoManager.redoStack.length === 0) return announce("Nothing to redo.");
    undoManager.redo();
    announce("Redone.");
  };
  for (const name of ["stack-item-added", "stack-item-popped", "stack-cleared"]) {
    undoManager.on(name, updateHistory);
  }
  updateHistory();

  if (canEdit) {
    undoButton.addEventListener("click", undo);
    redoButton.addEventListener("click", redo);
    document.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      const isUndo = key === "z" && !event.shiftKey;
      const isRedo = (key === "z" && event.shiftKey) || (key === "y" && !event.shiftKey);
      if (!isUndo && !isRedo) return;
      // fields outside the board (the add form, goals' fields) keep the browser's own
      // undo; the resume is shared text, like notes, and takes the shared undo
      const field = event.target.closest?.("input, textarea, select");
      if (field && !field.closest("#board") && field.id !== "resume-text") return;
      event.preventDefault();
      if (isUndo) undo();
      else redo();
    });
    // the Edit menu's undo in a notes field or the resume: route it to the shared undo
    const historyInput = (event) => {
      if (event.inputType === "historyUndo" || event.inputType === "historyRedo") {
        event.preventDefault();
        if (event.inputType === "historyUndo") undo();
        else redo();
      }
    };
    boardElement.addEventListener("beforeinput", historyInput);
    document.getElementById("resume-text").addEventListener("beforeinput", historyInput);
  }

  window.mentorhub = { doc, provider, undoManager, board, presence, connection, dreamJob };
}

const root = document.getElementById("editor");
if (root) start(root);
