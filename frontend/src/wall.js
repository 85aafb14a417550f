// The wall (assists/live/wall.py): the live board for the room's projector, read-only.
// It loads GET /api/v1/assists/<id>/wall, then follows the board's pushes on its own socket
// (/ws/assists/<id>/wall/, notes shaped for nobody in particular). A version gap, a phase or
// control change, or a reconnect fetches the whole state again: the wall never guesses.

import { renderFraming } from "./room/framing.js";

const root = document.getElementById("pa-wall");

const KIND_LABELS = { insight: "Insight", tip: "Tip", risk: "Risk", question: "Question", resource: "Resource" };
const NAME_KEYS = ["author", "spoken_by", "captured_by"];

const state = {
  wall: null,
  version: 0,
  notes: new Map(),
  withheld: new Map(), // note id -> column key, for notes kept private until revealed
  ws: null,
  attempt: 0,
  reconnectTimer: null,
  pingTimer: null,
  timerTick: null,
  fetching: null,
  fetchAgain: false,
  skew: 0, // server clock minus this screen's clock, in ms
};

function $(role) {
  return root.querySelector(`[data-role="${role}"]`);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(node, visible) {
  if (node) node.hidden = !visible;
}

// ---------------------------------------------------------------------------------------
// Loading and following

async function refresh() {
  if (state.fetching) {
    state.fetchAgain = true;
    return state.fetching;
  }
  state.fetching = (async () => {
    try {
      const response = await fetch(root.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 403 || response.status === 404) {
        setConnection("This wall can no longer be shown. Reload the page or open the live board.");
        stop();
        return;
      }
      if (!response.ok) throw new Error(`status ${response.status}`);
      apply(await response.json());
      if (state.ws) setConnection("");
    } catch {
      setConnection("Cannot reach the board just now; trying again…");
      setTimeout(refresh, 3000);
    } finally {
      state.fetching = null;
      if (state.fetchAgain) {
        state.fetchAgain = false;
        refresh();
      }
    }
  })();
  return state.fetching;
}

function apply(wall) {
  state.wall = wall;
  state.version = wall.version;
  state.skew = Date.parse(wall.now) - Date.now() || 0;
  state.notes = new Map(wall.notes.map((n) => [n.id, n]));
  state.withheld = new Map();
  for (const [key, count] of Object.entries(wall.withheld || {})) {
    for (let i = 0; i < count; i += 1) state.withheld.set(`${key}:${i}`, key);
  }
  renderAll(false);
}

function handleEvent(event) {
  if (event.type === "hello" || event.type === "pong") {
    state.greeted = true; // the server has this socket on the board: pushes come from here on
    if (event.presence) renderPeople(event.presence);
    if (event.version !== state.version) refresh();
    return;
  }
  if (event.type === "presence.changed") {
    renderPeople(event.presence);
    return;
  }
  if (event.type === "framing.changed") {
    if (state.wall) state.wall.framing = event.framing;
    renderFraming(root.querySelector('[data-role="framing"]'), event.framing);
    // The learning needs are the wall's columns: a change to them is fetched whole.
    const questions = (state.wall?.learning_needs || []).map((n) => n.question);
    if (state.wall && event.framing.learning_needs.join("\n") !== questions.join("\n")) refresh();
    return;
  }
  if (typeof event.version !== "number" || !state.wall) return;
  if (event.version <= state.version) return;
  if (event.version > state.version + 1) {
    refresh();
    return;
  }
  state.version = event.version;
  switch (event.type) {
    case "note.created":
    case "note.updated":
    case "note.deleted":
      applyNote(event.note, event.type === "note.created");
      break;
    default:
      // Phase, controls (anonymity and private writing change what the room may see), the
      // join code, and the analysis page's events: take the whole state as the room sees it.
      refresh();
  }
}

function applyNote(note, created) {
  if (!note) return;
  const columnKey = String(note.learning_need_id ?? "");
  state.withheld.delete(`id:${note.id}`);
  if (note.deleted) {
    state.notes.delete(note.id);
    root.querySelector(`[data-note-id="${note.id}"]`)?.remove();
    renderWithheld();
    return;
  }
  if (note.withheld) {
    state.notes.delete(note.id);
    root.querySelector(`[data-note-id="${note.id}"]`)?.remove();
    state.withheld.set(`id:${note.id}`, columnKey);
    renderWithheld();
    return;
  }
  const known = state.notes.get(note.id);
  if (known && note.version < known.version) return;
  state.notes.set(note.id, note);
  const card = noteCard(note, created && !known);
  const old = root.querySelector(`[data-note-id="${note.id}"]`);
  const list = columnList(note.learning_need_id);
  if (old && old.parentElement === list) old.replaceWith(card);
  else {
    old?.remove();
    list.append(card);
  }
  renderWithheld();
  renderSpotlight();
}

// ---------------------------------------------------------------------------------------
// WebSocket: back-off with full jitter, like the board

function connect() {
  if (state.reconnectTimer === "stopped") return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}${root.dataset.ws}`);
  state.ws = ws;
  ws.addEventListener("open", () => {
    state.greeted = false;
    state.attempt = 0;
    setConnection("");
    refresh();
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), 25000);
  });
  ws.addEventListener("message", (message) => {
    try {
      handleEvent(JSON.parse(message.data));
    } catch {
      // A frame the wall cannot read changes nothing on it.
    }
  });
  ws.addEventListener("close", (closeEvent) => {
    clearInterval(state.pingTimer);
    if (state.ws !== ws) return;
    state.ws = null;
    if (closeEvent.code === 4404) {
      setConnection("This wall can no longer be shown. Reload the page or open the live board.");
      stop();
      return;
    }
    const ceiling = Math.min(30000, 500 * 2 ** state.attempt);
    state.attempt += 1;
    setConnection("Reconnecting…");
    state.reconnectTimer = setTimeout(() => {
      state.reconnectTimer = null;
      connect();
    }, Math.random() * ceiling);
  });
}

function stop() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = "stopped";
  state.ws?.close();
}

function setConnection(text) {
  const node = $("connection");
  node.textContent = text;
  node.hidden = !text;
}

// ---------------------------------------------------------------------------------------
// Rendering

function columnKeys() {
  return [...state.wall.learning_needs.map((n) => String(n.id)), ""];
}

function columnList(needId) {
  const key = String(needId ?? "");
  return (
    root.querySelector(`.pa-wall-column[data-need="${key}"] .pa-wall-column__notes`) ||
    root.querySelector('.pa-wall-column[data-need=""] .pa-wall-column__notes')
  );
}

function personLine(note) {
  const anonymous = state.wall.anonymous;
  if (anonymous) return "";
  const who = note.spoken_by || note.author;
  return who ? who.name : "";
}

function noteCard(note, fresh) {
  const spotlighted = state.wall.controls.spotlight_note_id === note.id;
  const by = personLine(note);
  return el(
    "li",
    {
      class: `pa-wall-note pa-wall-note--${note.kind}${spotlighted ? " pa-wall-note--spotlight" : ""}${fresh ? " pa-wall-note--new" : ""}`,
      "data-note-id": note.id,
    },
    el("p", { class: "pa-wall-note__text pa-break-words", text: note.text }),
    el(
      "p",
      { class: "pa-wall-note__meta" },
      el("span", { class: "pa-wall-note__kind", text: KIND_LABELS[note.kind] || "Note" }),
      by ? ` · ${by}` : null,
    ),
  );
}

function renderColumns() {
  const needs = [...state.wall.learning_needs, { id: null, question: "Other" }];
  const box = $("columns");
  box.replaceChildren(
    ...needs.map((need, index) => {
      const key = String(need.id ?? "");
      const headingId = `pa-wall-col-${key || "other"}`;
      return el(
        "section",
        { class: "pa-wall-column", "data-need": key, "aria-labelledby": headingId },
        el(
          "h3",
          { class: "pa-wall-column__heading pa-break-words", id: headingId },
          need.id ? el("span", { class: "pa-wall-column__number", text: `${index + 1}` }) : null,
          need.question,
        ),
        el("p", { class: "pa-wall-column__withheld", "data-withheld": true, hidden: true }),
        el("ul", { class: "pa-wall-column__notes", "aria-labelledby": headingId }),
      );
    }),
  );
  for (const note of state.notes.values()) columnList(note.learning_need_id).append(noteCard(note, false));
}

function renderWithheld() {
  const counts = new Map(columnKeys().map((k) => [k, 0]));
  for (const key of state.withheld.values()) counts.set(counts.has(key) ? key : "", (counts.get(counts.has(key) ? key : "") || 0) + 1);
  for (const column of root.querySelectorAll(".pa-wall-column")) {
    const count = counts.get(column.dataset.need) || 0;
    const node = column.querySelector("[data-withheld]");
    node.hidden = count === 0;
    node.textContent = count ? `${count} private ${count === 1 ? "note" : "notes"} until the facilitator reveals them` : "";
  }
}

function renderPhase() {
  const wall = state.wall;
  $("phase").textContent = wall.phase_label;
  renderFraming(root.querySelector('[data-role="framing"]'), wall.framing);
  show(root.querySelector('[data-role="framing"]'), wall.show_framing);
  root.classList.toggle("pa-wall--framing", Boolean(wall.show_framing));
}

function renderSpotlight() {
  const c = state.wall.controls;
  let text = "";
  if (c.spotlight_note_id && state.notes.has(c.spotlight_note_id)) text = state.notes.get(c.spotlight_note_id).text;
  else if (c.spotlight_need_id) text = state.wall.learning_needs.find((n) => n.id === c.spotlight_need_id)?.question || "";
  show($("spotlight"), Boolean(text));
  $("spotlight-text").textContent = text;
  for (const column of root.querySelectorAll(".pa-wall-column")) {
    column.classList.toggle("pa-wall-column--spotlight", Boolean(c.spotlight_need_id) && column.dataset.need === String(c.spotlight_need_id));
  }
  for (const card of root.querySelectorAll(".pa-wall-note")) {
    card.classList.toggle("pa-wall-note--spotlight", Number(card.dataset.noteId) === c.spotlight_note_id);
  }
}

function renderTimer() {
  const timer = state.wall.controls.timer;
  const box = $("timer");
  const item = state.wall.agenda.find((a) => a.id === timer.agenda_item_id);
  const active = timer.running || timer.paused_seconds !== null;
  clearInterval(state.timerTick);
  show(box, active);
  box.classList.remove("pa-wall__timer--done");
  if (!active) return;
  $("timer-item").textContent = item ? item.title : "Timer";
  const tick = () => {
    const left = timer.running
      ? Math.max(0, Math.round((Date.parse(timer.ends_at) - (Date.now() + state.skew)) / 1000))
      : timer.paused_seconds;
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    $("timer-time").textContent = `${minutes}:${seconds}${timer.running ? "" : " paused"}`;
    const done = left === 0 && timer.running;
    box.classList.toggle("pa-wall__timer--done", done);
    if (done) {
      $("timer-time").textContent = "Time is up";
      clearInterval(state.timerTick);
    }
  };
  tick();
  if (timer.running) state.timerTick = setInterval(tick, 1000);
}

function renderPeople(presence) {
  const count = typeof presence === "number" ? presence : (presence.here || []).length + (presence.watchers || 0);
  $("people").textContent = String(count);
  $("people-label").textContent = count === 1 ? "person here" : "people here";
}

function renderJoin() {
  const join = state.wall.join;
  const box = $("join");
  const visible = Boolean(join && join.code);
  show(box, visible);
  if (!visible) return;
  $("join-code").textContent = join.code;
  $("join-url").textContent = join.url.replace(/\?.*$/, "").replace(/^https?:\/\//, "");
  const qr = $("join-qr");
  if (qr.getAttribute("src") !== join.qr) qr.setAttribute("src", join.qr);
}

function renderAll() {
  renderPhase();
  renderColumns();
  renderWithheld();
  renderSpotlight();
  renderTimer();
  renderPeople(state.wall.people_here);
  renderJoin();
}

function start() {
  if (!root) return;
  window.__paWall = { state, handleEvent }; // for tests
  refresh().then(connect);
}

start();
