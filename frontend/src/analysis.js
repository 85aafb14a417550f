// The analysis page, enhanced: the affinity wall (analysis/affinity.js), live refresh when
// others change things, and the CFIR construct list's filter. Every action also works without
// this module (the "Move selected notes to" form and plain checkboxes), so it only adds speed.

import { createWall } from "./analysis/affinity.js";

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

// The wall's own checkboxes: ``wall.prepare`` puts their ticks back.
const WALL_BOX = 'input[type="checkbox"][name="note_ids"]';

// Keep the boxes someone has ticked or unticked but not yet sent: the notes of an "Add …
// to ‹theme›" suggestion, whose box ids name the suggestion and the note
// (suggestion-<id>-note-<id>). A box the fresh page does not have (its suggestion was
// accepted or dismissed, or the note left it) keeps nothing; a new suggestion, even of the
// same notes, has new ids and comes ticked as the server made it.
function keepChoices(current, fresh) {
  for (const box of current.querySelectorAll("input[id][type=checkbox], input[id][type=radio]")) {
    if (box.matches(WALL_BOX) || box.checked === box.defaultChecked) continue;
    const twin = fresh.querySelector(`#${CSS.escape(box.id)}`);
    if (twin && twin.type === box.type && twin.value === box.value) twin.checked = box.checked;
  }
  // A choice made in a list (where to move the ticked notes, which themes to merge, an
  // action's status) stays made, if the fresh list still offers it.
  for (const select of current.querySelectorAll("select[id]")) {
    if ([...select.options].every((option) => option.selected === option.defaultSelected)) continue;
    const twin = fresh.querySelector(`select#${CSS.escape(select.id)}`);
    if (!twin) continue;
    const chosen = new Set([...select.selectedOptions].map((option) => option.value));
    const offered = new Set([...twin.options].map((option) => option.value));
    if (![...chosen].every((value) => offered.has(value))) continue;
    for (const option of twin.options) option.selected = chosen.has(option.value);
  }
}

// Where focus goes back to once ``fresh`` replaces the section holding ``active``: the
// element with its id, or one without an id (the "Move selected" button, say) by its place
// in a form that has one. Without this a redraw between two key presses dropped the
// keyboard user's focus onto the page itself.
function focusTwin(active, fresh) {
  if (active.id) return fresh.id === active.id ? fresh : fresh.querySelector(`#${CSS.escape(active.id)}`);
  const form = active.form;
  if (!form?.id) return null;
  const twinForm = fresh.id === form.id ? fresh : fresh.querySelector(`form#${CSS.escape(form.id)}`);
  return twinForm?.elements[[...form.elements].indexOf(active)] || null;
}

// Swap in the server's fresh sections; the ticked notes in ``keep`` (by default, the ones
// ticked when the answer arrives) stay ticked, and focus stays where it was.
async function refresh(root, keep = null) {
  const response = await fetch(window.location.pathname, {
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const ticked = keep || wall?.selectedIds() || new Set();
  const active = document.activeElement;
  for (const id of SECTIONS) {
    const current = document.getElementById(id);
    const fresh = page.getElementById(id);
    if (!current || !fresh) continue;
    // Never pull a form out from under someone who is typing in it.
    if (active && active !== document.body && current.contains(active) && active.matches("input[type=text], input:not([type]), textarea")) continue;
    const refocus = active && current.contains(active) ? focusTwin(active, fresh) : null;
    // Keep what someone has typed but not yet sent (a new theme's title, a suggested
    // theme's title, say).
    for (const field of current.querySelectorAll("input[id]:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea[id]")) {
      const twin = fresh.querySelector(`#${CSS.escape(field.id)}`);
      if (twin && field.value !== field.defaultValue) twin.value = field.value;
    }
    keepChoices(current, fresh);
    // Keep open whatever "Change this theme" panels were open.
    for (const details of current.querySelectorAll("details[open]")) {
      const owner = details.parentElement?.closest("[id]");
      if (owner) fresh.querySelector(`#${CSS.escape(owner.id)} details`)?.setAttribute("open", "");
    }
    current.replaceWith(fresh);
    refocus?.focus();
  }
  wall?.prepare(ticked);
}

function scheduler(root) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => refresh(root).catch(() => {}), 150);
  };
}

let wall = null;

// --- live updates ----------------------------------------------------------------------------

function connect(root, onChange, delay = 500) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/assists/${root.dataset.assistId}/`);
  // The version the page shows: a refresh (one's own move, say) already brought changes up
  // to the fresh board's version, so their events need no second refresh.
  const shown = () => Number(document.getElementById("analysis-board")?.dataset.version || 0);
  let version = shown();
  socket.addEventListener("open", () => { delay = 500; });
  socket.addEventListener("message", (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    if (event.type === "hello") {
      if (event.version > version) onChange();
      version = event.version;
      return;
    }
    version = Math.max(version, shown());
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
  wall = createWall(root, {
    refresh: (keep) => refresh(root, keep),
    announce: (text) => announce(root, text),
  });
  wall.prepare();
  if ("WebSocket" in window) connect(root, scheduler(root));
});
