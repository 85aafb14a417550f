// The affinity wall on the analysis page: select notes (click, shift-click, arrow keys and
// space), then drag the selection onto a theme or onto the blank column, or use the one
// "Move selected notes to" form. The checkboxes are the selection, so what a screen reader
// hears and what the form posts without JavaScript are the same thing. Writes go through the
// JSON API (the same services as the forms); the page then refreshes from the server.
//
// Every listener is delegated to the page's root, because the wall is swapped out whenever
// someone changes the analysis.

const NOTE = ".pa-an-note[data-note-id]";
const BOX = 'input[type="checkbox"][name="note_ids"]';

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function createWall(root, { refresh, announce }) {
  let anchor = null; // the note id a shift-click or shift-arrow extends from

  const boxes = () => [...root.querySelectorAll(`${NOTE} ${BOX}`)];
  const selectedIds = () => boxes().filter((box) => box.checked).map((box) => Number(box.value));

  function paint() {
    const ids = selectedIds();
    for (const box of boxes()) box.closest(NOTE).classList.toggle("pa-an-note--selected", box.checked);
    const count = root.querySelector("[data-selected-count]");
    if (count) count.textContent = ids.length ? `${plural(ids.length, "note")} selected.` : "Tick notes, then choose where they go.";
  }

  // After the wall is swapped for a fresh copy: draggable notes, the same ticks as before.
  function prepare(keep = new Set()) {
    if (root.dataset.canEdit !== "true") return;
    for (const note of root.querySelectorAll(NOTE)) note.draggable = true;
    for (const box of boxes()) if (keep.has(Number(box.value))) box.checked = true;
    paint();
  }

  async function call(path, body) {
    const response = await fetch(`${root.dataset.apiBase}${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    if (response.ok) return true;
    const answer = await response.json().catch(() => ({}));
    announce(answer.detail || "That move did not work; the page was not changed. Try “Move selected notes to”.");
    return false;
  }

  async function move(noteIds, target, title = "") {
    if (!noteIds.length) return;
    const keep = new Set(selectedIds().filter((id) => !noteIds.includes(id)));
    let done;
    let where;
    if (target === "new") {
      const themes = root.querySelectorAll(".pa-an-theme").length;
      const name = title.trim() || root.querySelector("#new-theme-title")?.value.trim() || `New theme ${themes + 1}`;
      done = await call("/themes", { title: name, note_ids: noteIds });
      where = `the new theme “${name}”`;
    } else {
      done = await call("/placements", { note_ids: noteIds, theme_id: target === "ungrouped" ? null : Number(target) });
      where = target === "ungrouped" ? "the ungrouped notes" : `“${themeTitle(target)}”`;
    }
    if (!done) return;
    await refresh(keep);
    announce(`${plural(noteIds.length, "note")} moved to ${where}.`);
  }

  function themeTitle(themeId) {
    const option = root.querySelector(`#move-target option[value="${themeId}"]`);
    return option ? option.textContent.trim() : "the theme";
  }

  // --- selecting ------------------------------------------------------------------------

  function selectRange(fromId, toId) {
    const all = boxes();
    const a = all.findIndex((box) => Number(box.value) === fromId);
    const b = all.findIndex((box) => Number(box.value) === toId);
    if (a < 0 || b < 0) return false;
    for (const box of all.slice(Math.min(a, b), Math.max(a, b) + 1)) box.checked = true;
    return true;
  }

  root.addEventListener("click", (event) => {
    const note = event.target.closest(NOTE);
    const box = note?.querySelector(BOX);
    if (!box || event.target.closest("a")) return;
    const id = Number(note.dataset.noteId);
    if (event.shiftKey && anchor !== null && anchor !== id) {
      event.preventDefault(); // the label or checkbox would toggle itself as well
      if (selectRange(anchor, id)) paint();
      box.focus();
      return;
    }
    anchor = id;
    if (!event.target.closest("label, input")) {
      box.checked = !box.checked; // a click on the card, outside the checkbox and its label
      box.focus();
      paint();
    }
  });

  root.addEventListener("change", (event) => {
    if (event.target.matches?.(BOX)) paint();
  });

  function columnsWithNotes() {
    return [...root.querySelectorAll(".pa-aff-column")].map((column) => [...column.querySelectorAll(`${NOTE} ${BOX}`)]).filter((list) => list.length);
  }

  function neighbour(box, key) {
    const columns = columnsWithNotes();
    const col = columns.findIndex((list) => list.includes(box));
    if (col < 0) return null;
    const row = columns[col].indexOf(box);
    if (key === "ArrowUp") return columns[col][row - 1] || null;
    if (key === "ArrowDown") return columns[col][row + 1] || null;
    const next = columns[col + (key === "ArrowLeft" ? -1 : 1)];
    return next ? next[Math.min(row, next.length - 1)] : null;
  }

  root.addEventListener("keydown", (event) => {
    const box = event.target;
    if (!box.matches?.(BOX)) return;
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].includes(event.key)) {
      event.preventDefault();
      const next = neighbour(box, event.key);
      if (!next) return;
      if (event.shiftKey) {
        box.checked = true;
        next.checked = true;
        paint();
      }
      next.focus();
      next.closest(NOTE).scrollIntoView({ block: "nearest", inline: "nearest" });
    } else if (event.key === " ") {
      anchor = Number(box.value);
    } else if ((event.key === "m" || event.key === "M") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      root.querySelector("#move-target")?.focus();
    } else if (event.key === "Escape") {
      for (const each of boxes()) each.checked = false;
      paint();
      announce("Selection cleared.");
    }
  });

  // --- the one "Move selected notes to" form ----------------------------------------------

  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "move-selected") return;
    const target = form.querySelector("#move-target").value;
    const ids = selectedIds();
    if (!target || !ids.length) return; // let the server explain what is missing
    if (target === "new" && !form.querySelector("#move-new-title").value.trim()) return;
    event.preventDefault();
    move(ids, target, form.querySelector("#move-new-title").value).catch(() => form.submit());
  });

  // --- dragging ---------------------------------------------------------------------------

  root.addEventListener("dragstart", (event) => {
    const note = event.target.closest?.(NOTE);
    if (!note || root.dataset.canEdit !== "true") return;
    const box = note.querySelector(BOX);
    const ids = box?.checked ? selectedIds() : [Number(note.dataset.noteId)];
    event.dataTransfer.setData("text/plain", ids.join(","));
    event.dataTransfer.effectAllowed = "move";
    for (const id of ids) root.querySelector(`#note-${id}`)?.classList.add("pa-an-note--dragging");
  });

  root.addEventListener("dragend", () => {
    for (const note of root.querySelectorAll(".pa-an-note--dragging")) note.classList.remove("pa-an-note--dragging");
  });

  const dropZone = (event) => event.target.closest?.("[data-drop-theme]");

  root.addEventListener("dragover", (event) => {
    const zone = dropZone(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("pa-an-notes--over");
  });

  root.addEventListener("dragleave", (event) => {
    const zone = dropZone(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("pa-an-notes--over");
  });

  root.addEventListener("drop", (event) => {
    const zone = dropZone(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("pa-an-notes--over");
    const ids = (event.dataTransfer.getData("text/plain") || "").split(",").map(Number).filter(Boolean);
    move(ids, zone.dataset.dropTheme).catch(() => announce("That move did not work. Try “Move selected notes to”."));
  });

  return { prepare, selectedIds: () => new Set(selectedIds()) };
}
