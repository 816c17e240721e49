// Drag and drop of cards between and within columns (HTML drag and drop; on touch
// screens and from the keyboard the move buttons and Alt+arrow keys do the same).

const TYPE = "application/x-mentorhub-item";

/** The card list of the column under an event's target (the whole column is a drop zone). */
const listAt = (target) => target.closest?.(".column")?.querySelector("ol.cards") ?? null;

/**
 * Make the cards in `board` draggable into any `ol.cards`.
 * `onDrop(itemId, status, index)` gets the index among the column's other cards.
 */
export function enableDragAndDrop(board, onDrop) {
  let dragged = null; // the card being dragged
  let marked = null; // {list, before}: where the drop indicator is

  const clearMark = () => {
    if (!marked) return;
    marked.list.classList.remove("drop-target", "drop-at-end");
    marked.before?.classList.remove("drop-before");
    marked = null;
  };

  /** Where a drop at clientY lands in `list`: the card it goes before (null: the end). */
  const dropPoint = (list, clientY) => {
    const cards = [...list.children].filter((c) => c.classList.contains("card") && c !== dragged);
    const before = cards.find((card) => {
      const box = card.getBoundingClientRect();
      return clientY < box.top + box.height / 2;
    });
    return { before: before ?? null, index: before ? cards.indexOf(before) : cards.length };
  };

  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.(".card");
    if (!card || !card.draggable) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData(TYPE, card.dataset.itemId);
    event.dataTransfer.setData("text/plain", card.querySelector(".card-title")?.textContent.trim() ?? "");
    if (event.target !== card) event.dataTransfer.setDragImage(card, 20, 20);
    requestAnimationFrame(() => card.classList.add("dragging"));
  });

  board.addEventListener("dragover", (event) => {
    const list = listAt(event.target);
    if (!dragged || !list) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const { before } = dropPoint(list, event.clientY);
    if (marked && marked.list === list && marked.before === before) return;
    clearMark();
    marked = { list, before };
    list.classList.add("drop-target");
    if (before) before.classList.add("drop-before");
    else list.classList.add("drop-at-end");
  });

  board.addEventListener("dragleave", (event) => {
    const list = listAt(event.target);
    if (marked && list === marked.list && !list.closest(".column").contains(event.relatedTarget)) {
      clearMark();
    }
  });

  board.addEventListener("drop", (event) => {
    const list = listAt(event.target);
    if (!dragged || !list) return;
    event.preventDefault();
    const { index } = dropPoint(list, event.clientY);
    const id = dragged.dataset.itemId;
    clearMark();
    onDrop(id, list.dataset.status, index);
  });

  board.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    clearMark();
  });
}
