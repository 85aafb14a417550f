// The analysis page, enhanced: drag notes between themes, refresh live when others change
// things, and filter the CFIR construct list. Every action also works without this module
// (the "Move to theme…" forms and plain checkboxes), so it only adds speed.

const LIVE_TYPES = /^(theme\.|note\.|voting\.|determinant\.|action\.)/;
const SECTIONS = ["analysis-board", "voting", "determinants", "actions", "suggestions"];

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function announce(root, text) {
  const status = root.querySelector("[data-live-status]");
  if (status) status.textContent = text;
}

// --- refresh ---------------------------------------------------------------------------------

async function refresh(root) {
  const response = await fetch(window.location.pathname, {
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const active = document.activeElement;
  for (const id of SECTIONS) {
    const current = document.getElementById(id);
    const fresh = page.getElementById(id);
    if (!current || !fresh) continue;
    // Never pull a form out from under someone who is typing in it.
    if (active && active !== document.body && current.contains(active) && active.matches("input[type=text], input:not([type]), textarea")) continue;
    const focusedId = active && current.contains(active) ? active.id : null;
    current.replaceWith(fresh);
    if (focusedId) document.getElementById(focusedId)?.focus();
  }
  enableDragging(root);
}

function scheduler(root) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => refresh(root).catch(() => {}), 150);
  };
}

// --- drag and drop ---------------------------------------------------------------------------

async function place(root, noteId, themeId) {
  const response = await fetch(`${root.dataset.apiBase}/placements`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ note_ids: [Number(noteId)], theme_id: themeId === "ungrouped" ? null : Number(themeId) }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    announce(root, body.detail || "That move did not work. Use “Move to theme…” instead.");
    return;
  }
  announce(root, "Note moved.");
  await refresh(root);
}

function enableDragging(root) {
  if (root.dataset.canEdit !== "true") return;
  for (const note of root.querySelectorAll(".pa-an-note[data-note-id]")) {
    note.draggable = true;
    note.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", note.dataset.noteId);
      event.dataTransfer.effectAllowed = "move";
      note.classList.add("pa-an-note--dragging");
    });
    note.addEventListener("dragend", () => note.classList.remove("pa-an-note--dragging"));
  }
  for (const list of root.querySelectorAll("[data-drop-theme]")) {
    list.addEventListener("dragover", (event) => {
      event.preventDefault();
      list.classList.add("pa-an-notes--over");
    });
    list.addEventListener("dragleave", () => list.classList.remove("pa-an-notes--over"));
    list.addEventListener("drop", (event) => {
      event.preventDefault();
      list.classList.remove("pa-an-notes--over");
      const noteId = event.dataTransfer.getData("text/plain");
      if (noteId) place(root, noteId, list.dataset.dropTheme).catch(() => {});
    });
  }
}

// --- live updates ----------------------------------------------------------------------------

function connect(root, onChange, delay = 500) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/assists/${root.dataset.assistId}/`);
  let version = Number(document.getElementById("analysis-board")?.dataset.version || 0);
  socket.addEventListener("open", () => { delay = 500; });
  socket.addEventListener("message", (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    if (event.type === "hello") {
      if (event.version > version) onChange();
      version = event.version;
      return;
    }
    if (typeof event.version === "number" && event.version <= version) return;
    if (typeof event.version === "number") version = event.version;
    if (LIVE_TYPES.test(event.type || "")) {
      announce(root, "The host team changed the analysis; the page is up to date.");
      onChange();
    }
  });
  socket.addEventListener("close", () => {
    const wait = Math.random() * Math.min(30000, delay);
    setTimeout(() => connect(root, onChange, Math.min(30000, delay * 2)), wait);
  });
}

// --- construct picker filter -----------------------------------------------------------------

function enableFilter() {
  const box = document.querySelector("[data-construct-filter]");
  if (!box) return;
  box.hidden = false;
  const input = box.querySelector("input");
  input.addEventListener("input", () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const domain of document.querySelectorAll("[data-domain]")) {
      let shown = 0;
      for (const item of domain.querySelectorAll("[data-construct]")) {
        const text = item.dataset.construct.toLowerCase();
        const match = words.every((w) => text.includes(w));
        item.hidden = !match;
        if (match) shown += 1;
      }
      domain.hidden = shown === 0;
      domain.open = words.length > 0 && shown > 0;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enableFilter();
  const root = document.querySelector(".pa-analysis");
  if (!root) return;
  enableDragging(root);
  if ("WebSocket" in window) connect(root, scheduler(root));
});
