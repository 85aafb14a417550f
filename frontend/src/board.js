// The live board (docs/realtime.md): writes over HTTP with a client id, pushes over the
// WebSocket, resync over HTTP on a version gap or a reconnect. Notes typed offline wait in
// localStorage and go out, once each, when the connection returns.

import { joinPanel } from "./room/join_panel.js";
import { renderFraming } from "./room/framing.js";

const root = document.getElementById("pa-board");
let joins = { refresh() {}, onEvent() {} }; // the facilitator's join panel, once wired

// ---------------------------------------------------------------------------------------
// Patient-identifiable data: the same patterns as assists/live/pid_guard.py, for an instant
// warning. The server check is the one that counts; nothing is sent anywhere else.

const PID_LABELS = {
  nhs_number: "an NHS number",
  date_of_birth: "a date of birth",
  postcode: "a postcode",
  email: "an e-mail address",
  phone: "a phone number",
};
const MONTHS =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" +
  "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

export function nhsNumberValid(digits) {
  if (!/^\d{10}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < 9; i += 1) total += Number(digits[i]) * (10 - i);
  let check = 11 - (total % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(digits[9]);
}

export function pidFindings(text, today = new Date()) {
  const found = [];
  const taken = [];
  const add = (kind, start, end) => {
    if (taken.some(([s, e]) => start < e && s < end)) return;
    taken.push([start, end]);
    found.push(kind);
  };
  const each = (re, fn) => {
    for (const m of text.matchAll(re)) fn(m);
  };
  each(/(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)/g, (m) => {
    if (nhsNumberValid(m[1] + m[2] + m[3])) add("nhs_number", m.index, m.index + m[0].length);
  });
  each(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, (m) => add("email", m.index, m.index + m[0].length));
  const dobHint = /\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b/i.test(text);
  const year = today.getFullYear();
  const dates = [
    ...text.matchAll(/\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/g),
    ...text.matchAll(new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTHS})\\s+(\\d{4})\\b`, "gi")),
  ];
  for (const m of dates) {
    let y = Number(m[3]);
    if (m[3].length === 2) y += y > year % 100 ? 1900 : 2000;
    if (dobHint || (y >= 1900 && y <= year - 10)) add("date_of_birth", m.index, m.index + m[0].length);
  }
  each(/(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)/g, (m) =>
    add("phone", m.index, m.index + m[0].length),
  );
  each(/\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b/gi, (m) => add("postcode", m.index, m.index + m[0].length));
  return [...new Set(found)].map((k) => PID_LABELS[k]);
}

function inWords(labels) {
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

// ---------------------------------------------------------------------------------------
// Small helpers

function uuid4() {
  // crypto.randomUUID needs a secure context; getRandomValues works everywhere.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "for") node.htmlFor = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "id")
      node.setAttribute(key, value === true ? "" : value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(role) {
  return root.querySelector(`[data-role="${role}"]`);
}

function $action(name) {
  return root.querySelector(`[data-action="${name}"]`);
}

function show(node, visible) {
  if (node) node.hidden = !visible;
}

const KIND_LABELS = { insight: "Insight", tip: "Tip", risk: "Risk", question: "Question", resource: "Resource" };

// ---------------------------------------------------------------------------------------
// State

const api = root?.dataset.api;
const storageKey = `pa-board-${root?.dataset.assistId}-pending`;
const maxLength = Number(root?.dataset.maxLength || 1000);

const state = {
  board: null,
  version: 0,
  notes: new Map(), // id -> note as the server shaped it for me
  withheld: new Set(), // ids of notes hidden from me under private writing
  // id -> version of notes gone from my view. A deleted note never comes back, but a hidden
  // or held one reaches me as "gone" too, and returns with a newer version when it is shown.
  deleted: new Map(),
  resyncAgain: null,
  withheldNeeds: new Map(), // withheld note id -> its column, so columns can count them
  editingMode: "edit",
  cards: new Map(), // id -> card element
  pending: loadPending(),
  ws: null,
  attempt: 0,
  reconnectTimer: null,
  pingTimer: null,
  resyncing: null,
  resyncRetry: null,
  resyncFailures: 0,
  online: navigator.onLine,
  typingSent: false,
  typingTimer: null,
  editing: null,
  pidConfirmed: false,
  announceQueue: [],
  announceTimer: null,
  lastAnnounce: 0,
  timerTick: null,
  beeped: false,
};

function loadPending() {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey) || "[]");
    return Array.isArray(raw) ? raw : [];
  } catch {
    return [];
  }
}

function savePending() {
  try {
    localStorage.setItem(storageKey, JSON.stringify(state.pending));
  } catch {
    // Storage full or blocked: the queue still lives in memory for this page.
  }
  renderPending();
}

// ---------------------------------------------------------------------------------------
// HTTP

class HttpError extends Error {
  constructor(status, body) {
    super(body?.detail || `The server answered ${status}.`);
    this.status = status;
    this.code = body?.code || "error";
  }
}

async function request(method, path, body) {
  const response = await fetch(`${api}${path}`, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new HttpError(response.status, data);
  return data;
}

// A network failure or a 5xx is worth retrying; a 4xx is an answer.
function retryable(error) {
  return !(error instanceof HttpError) || error.status >= 500 || error.status === 429;
}

// ---------------------------------------------------------------------------------------
// Sync: full load, catch-up since a version, and events

async function resync(full = false) {
  if (state.resyncing) {
    // Asked again while a fetch is out: fetch once more afterwards, so nothing newer is missed.
    state.resyncAgain = state.resyncAgain || (full ? "full" : "since");
    return state.resyncing;
  }
  state.resyncing = (async () => {
    try {
      const since = full || !state.board ? "" : `?since=${state.version}`;
      const data = await request("GET", `/board${since}`);
      applyBoard(data, !since);
      state.resyncFailures = 0;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) gone();
      else if (retryable(error)) retryResync(full);
    } finally {
      state.resyncing = null;
      const again = state.resyncAgain;
      state.resyncAgain = null;
      if (again) resync(again === "full");
    }
  })();
  return state.resyncing;
}

// A catch-up that failed (the server busy or restarting, a dropped connection) is tried
// again with jittered back-off, instead of waiting for the next event or ping to notice.
function retryResync(full) {
  if (state.resyncRetry) return;
  state.resyncFailures = (state.resyncFailures || 0) + 1;
  const cap = Math.min(10_000, 500 * 2 ** Math.min(state.resyncFailures, 5));
  state.resyncRetry = setTimeout(() => {
    state.resyncRetry = null;
    resync(full);
  }, Math.random() * cap);
}

function applyBoard(data, full) {
  const firstLoad = !state.board;
  if (!firstLoad && !full && data.version < state.version) {
    // An answer overtaken by newer events: take its notes (each checks its own version),
    // keep the newer phase and controls.
    for (const note of data.notes) applyNote(note, { quiet: false, created: true });
    renderCounts();
    return;
  }
  const versionBefore = state.version;
  const phaseBefore = state.board?.phase;
  if (full) {
    state.notes.clear();
    state.withheld.clear();
    state.withheldNeeds.clear();
    for (const card of state.cards.values()) card.remove();
    state.cards.clear();
  }
  state.board = { ...(state.board || {}), ...data, notes: undefined };
  if (full || firstLoad) renderColumns();
  // Notes fetched after a gap are as new as pushed ones, so they are announced too.
  for (const note of data.notes) applyNote(note, { quiet: firstLoad || full, created: true });
  state.version = Math.max(full ? data.version : state.version, data.version);
  renderAll();
  if (!firstLoad && phaseBefore && phaseBefore !== data.phase) announcePhase();
  if (full && versionBefore > data.version) setTimeout(() => resync(), 0);
  if (firstLoad) {
    show($("loading"), false);
    show($("app"), true);
  }
}

function handleEvent(event) {
  if (event.type === "hello" || event.type === "pong") {
    if (event.type === "hello" && event.presence) applyPresence(event.presence);
    if (event.version > state.version) resync();
    return;
  }
  if (event.type === "presence.changed") {
    applyPresence(event.presence);
    return;
  }
  if (event.type === "framing.changed") {
    // Not versioned: the purpose, ground rules or the BAR were edited mid-session.
    renderFraming($("framing"), event.framing);
    // A learning need added, reworded, reordered or removed is a column: the columns are
    // drawn from the board's state, so fetch it whole rather than leave them stale.
    const questions = (state.board?.learning_needs || []).map((n) => n.question);
    const changed = event.framing.learning_needs;
    if (state.board && changed.join("\n") !== questions.join("\n")) resync(true);
    return;
  }
  if (event.type === "error") {
    return;
  }
  // Types this board does not show (the analysis page's) still move the version on.
  if (typeof event.version !== "number") return;
  if (event.version <= state.version) return; // seen already (or fetched)
  if (event.version > state.version + 1) {
    resync(); // a gap: fetch what was missed instead of guessing
    return;
  }
  state.version = event.version;
  const board = state.board;
  switch (event.type) {
    case "note.created":
    case "note.updated":
    case "note.deleted":
      applyNote(event.note, { quiet: false, created: event.type === "note.created" });
      renderCounts();
      break;
    case "join.changed":
      joins.onEvent(event);
      resync(); // somebody admitted is a new participant (and a speaker to choose)
      break;
    case "phase.changed":
      joins.onEvent(event);
      board.phase = event.phase;
      board.status = event.status;
      board.controls = event.controls;
      announcePhase();
      renderAll();
      resync(); // my permissions depend on the phase
      break;
    case "controls.changed": {
      const privateBefore = board.controls.private_writing;
      board.controls = event.controls;
      if (privateBefore !== event.controls.private_writing) {
        if (!event.controls.private_writing) announce("The facilitator has revealed everybody's notes.");
        else announce("Private writing is on: notes written from now on are seen only by their writer and the facilitator.");
        resync(true);
      } else {
        resync();
      }
      renderAll();
      break;
    }
    case "takeaway.saved":
      board.takeaways = (board.takeaways || []).filter((t) => t.participant_id !== event.participant.id);
      board.takeaways.push({ participant_id: event.participant.id, name: event.participant.name, text: event.text });
      renderClose();
      break;
    case "participant.added":
      // A walk-in speaker (assists/live/walk_in.py): choosable as "Who said it" at once.
      board.participants = [...(board.participants || []), event.participant];
      renderCompose();
      break;
    case "closing.saved":
      board.closing = { host_thanks: event.host_thanks, action_list_due: event.action_list_due };
      renderClose();
      break;
    default:
      break;
  }
}

function applyNote(note, { quiet = true, created = false } = {}) {
  if (!note) return;
  state.withheld.delete(note.id);
  state.withheldNeeds.delete(note.id);
  if (note.deleted) {
    state.deleted.set(note.id, Math.max(note.version, state.deleted.get(note.id) ?? 0));
    state.notes.delete(note.id);
    state.cards.get(note.id)?.remove();
    state.cards.delete(note.id);
    return;
  }
  if (note.withheld) {
    state.notes.delete(note.id);
    state.cards.get(note.id)?.remove();
    state.cards.delete(note.id);
    state.withheld.add(note.id);
    state.withheldNeeds.set(note.id, note.learning_need_id ?? null);
    return;
  }
  if (state.deleted.has(note.id)) {
    if (note.version <= state.deleted.get(note.id)) return; // an older copy than its going
    state.deleted.delete(note.id); // shown again (a hidden or held note released)
  }
  const known = state.notes.get(note.id);
  if (known && note.version < known.version) return; // an older copy of what is shown
  const isNew = !known;
  state.notes.set(note.id, note);
  // The server has it: drop any pending copy with the same client id.
  const before = state.pending.length;
  state.pending = state.pending.filter((p) => p.client_id !== note.client_id);
  if (state.pending.length !== before) savePending();
  renderCard(note);
  if (!quiet && created && isNew && !note.mine) {
    const column = columnName(note.learning_need_id);
    announce(`New ${KIND_LABELS[note.kind].toLowerCase()} under ${column}.`, true);
  }
}

function applyPresence(presence) {
  if (!state.board) return;
  state.board.presence = presence;
  renderPresence();
}

function gone() {
  setConnection("You can no longer open this board. Reload the page or ask the facilitator.", "error");
  state.ws?.close();
  state.ws = null;
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = "stopped";
}

// ---------------------------------------------------------------------------------------
// WebSocket with exponential backoff and full jitter (0.5 s doubling to 30 s)

function connect() {
  if (state.reconnectTimer === "stopped" || !state.online) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}${root.dataset.ws}`);
  state.ws = ws;
  ws.addEventListener("open", () => {
    state.attempt = 0;
    setConnection("Live: changes appear as they happen.", "live");
    resync();
    flushPending();
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => send({ type: "ping" }), 25000);
  });
  ws.addEventListener("message", (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event.type === "note.ack" || event.type === "note.refused") {
      settleSocketWrite(event);
      return;
    }
    handleEvent(event);
  });
  ws.addEventListener("close", (closeEvent) => {
    clearInterval(state.pingTimer);
    socketWritesFallBack(ws);
    if (state.ws !== ws) return;
    state.ws = null;
    if (closeEvent.code === 4404) {
      gone();
      return;
    }
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  if (state.reconnectTimer === "stopped") return;
  clearTimeout(state.reconnectTimer);
  const ceiling = Math.min(30000, 500 * 2 ** state.attempt);
  const delay = Math.random() * ceiling;
  state.attempt += 1;
  setConnection(
    state.online
      ? "Reconnecting… Keep writing: your notes are kept and sent when the board is back."
      : "You are offline. Keep writing: your notes are kept and sent when you are back online.",
    "offline",
  );
  state.reconnectTimer = setTimeout(() => {
    state.reconnectTimer = null;
    connect();
  }, delay);
}

function send(frame) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(frame));
}

function setConnection(text, kind) {
  const node = $("connection");
  if (!node) return;
  node.textContent = text;
  node.className = `pa-board__connection pa-board__connection--${kind}`;
}

window.addEventListener("offline", () => {
  state.online = false;
  const ws = state.ws;
  state.ws = null;
  ws?.close();
  scheduleReconnect();
});

window.addEventListener("online", () => {
  state.online = true;
  state.attempt = 0;
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  if (!state.ws) connect();
  flushPending();
});

// ---------------------------------------------------------------------------------------
// Writing notes: queue first, then send; a retry carries the same client id

function queueNote(payload) {
  state.pending.push({ ...payload, state: "sending" });
  savePending();
  flushPending();
}

// A note goes over the open socket as a note.add frame, answered by note.ack (what the POST
// answers) or note.refused (its status, code and detail); otherwise, and whenever the socket
// closes or stays silent, by POST. Both run the same service, so the same client id sent
// both ways is still one note.
const SOCKET_ANSWER_WAIT = 10000;
const socketWrites = new Map(); // client_id -> { ws, settle(answer), fallBack() }

function postNote(body) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return request("POST", "/notes", body);
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socketWrites.delete(body.client_id);
    };
    const fallBack = () => {
      done();
      request("POST", "/notes", body).then(resolve, reject);
    };
    const timer = setTimeout(fallBack, SOCKET_ANSWER_WAIT);
    socketWrites.set(body.client_id, {
      ws,
      fallBack,
      settle(answer) {
        done();
        if (answer.type === "note.ack") resolve({ note: answer.note, version: answer.version });
        else reject(new HttpError(answer.status, answer));
      },
    });
    ws.send(JSON.stringify({ type: "note.add", ...body }));
  });
}

function settleSocketWrite(answer) {
  socketWrites.get(answer.client_id)?.settle(answer);
}

function socketWritesFallBack(ws) {
  for (const write of [...socketWrites.values()]) if (write.ws === ws) write.fallBack();
}

let flushing = false;
async function flushPending() {
  if (flushing || !state.pending.length) return;
  flushing = true;
  try {
    for (const item of [...state.pending]) {
      try {
        const { state: _ignored, ...body } = item;
        const data = await postNote(body);
        state.pending = state.pending.filter((p) => p.client_id !== item.client_id);
        savePending();
        applyNote(data.note);
        renderCounts();
      } catch (error) {
        if (retryable(error)) {
          item.state = "waiting";
          savePending();
          break; // the connection is down; try again when it returns
        }
        state.pending = state.pending.filter((p) => p.client_id !== item.client_id);
        savePending();
        refused(item, error);
      }
    }
  } finally {
    flushing = false;
  }
}

// A note the server would not take goes back into the form, with the reason.
function refused(item, error) {
  const text = $("note-text");
  if (text && !text.value.trim()) text.value = item.text;
  if (error.code === "sensitive_data") {
    showPidWarning(error.message);
    return;
  }
  showNoteError(error.message);
  renderCompose();
}

function showNoteError(message) {
  const node = $("note-error");
  node.textContent = message ? `Error: ${message}` : "";
  node.hidden = !message;
  $("text-group").classList.toggle("nhsuk-form-group--error", Boolean(message));
  $("note-text").classList.toggle("nhsuk-textarea--error", Boolean(message));
  if (message) $("note-text").setAttribute("aria-describedby", "pa-note-error pa-note-hint pa-note-count");
  else $("note-text").setAttribute("aria-describedby", "pa-note-hint pa-note-count");
}

function showPidWarning(message) {
  const box = $("pid-warning");
  $("pid-text").textContent = message;
  box.hidden = false;
  box.focus();
}

function submitNote(event) {
  event.preventDefault();
  const text = $("note-text").value.trim();
  showNoteError("");
  if (!text) {
    showNoteError("Write something in the note first.");
    $("note-text").focus();
    return;
  }
  if (text.length > maxLength) {
    showNoteError(`A note can be at most ${maxLength.toLocaleString("en-GB")} characters.`);
    return;
  }
  const findings = pidFindings(text);
  if (findings.length && !state.pidConfirmed) {
    showPidWarning(
      `This note looks as if it holds ${inWords(findings)}. Patient-identifiable data must not go ` +
        "on the board: edit it out, or confirm that it is safe to keep.",
    );
    return;
  }
  const need = $("note-need").value;
  const speaker = $("note-speaker").value;
  queueNote({
    client_id: uuid4(),
    text,
    kind: $("note-kind").value,
    learning_need_id: need ? Number(need) : null,
    spoken_by_id: speaker && !$("speaker-group").hidden ? Number(speaker) : null,
    confirm_sensitive: state.pidConfirmed,
  });
  state.pidConfirmed = false;
  $("pid-warning").hidden = true;
  $("note-text").value = "";
  updateCount();
  typing(false);
  $("note-text").focus();
}

function updateCount() {
  const length = $("note-text").value.length;
  $("note-count").textContent = `${length.toLocaleString("en-GB")} of ${maxLength.toLocaleString("en-GB")} characters`;
}

// "Writing a note" lasts 8 s on the server: renew it every 5 s while the person types,
// and clear it after 6 s without a key press.
function typing(active) {
  clearTimeout(state.typingTimer);
  if (active) state.typingTimer = setTimeout(() => typing(false), 6000);
  const renew = active && Date.now() - (state.typingAt || 0) > 5000;
  if (active === state.typingSent && !renew) return;
  state.typingSent = active;
  state.typingAt = active ? Date.now() : 0;
  send({ type: "typing", active });
}

// ---------------------------------------------------------------------------------------
// Rendering

function columnName(needId) {
  if (!needId) return "Other";
  const index = state.board.learning_needs.findIndex((n) => n.id === needId);
  return index >= 0 ? `learning need ${index + 1}` : "Other";
}

function renderColumns() {
  const box = $("columns");
  box.replaceChildren();
  const needs = [...state.board.learning_needs, { id: null, question: "Other" }];
  needs.forEach((need, index) => {
    const headingId = `pa-col-${need.id ?? "other"}`;
    const list = el("ul", { class: "pa-column__notes", "aria-labelledby": headingId });
    const column = el(
      "section",
      { class: "pa-column", "data-need": need.id ?? "", "aria-labelledby": headingId },
      el(
        "h3",
        { class: "nhsuk-heading-s pa-column__heading pa-break-words", id: headingId },
        need.id ? el("span", { class: "pa-column__number", text: `Learning need ${index + 1}: ` }) : null,
        need.question,
      ),
      el("p", { class: "pa-column__withheld nhsuk-body-s", "data-withheld": true, hidden: true }),
      list,
    );
    box.append(column);
  });
  const select = $("note-need");
  const spot = $("spot-need");
  // Redrawn when the needs change mid-session: keep the column the writer had chosen.
  const chosen = select.value;
  select.replaceChildren(
    ...state.board.learning_needs.map((n, i) => el("option", { value: n.id, text: `${i + 1}. ${n.question}` })),
    el("option", { value: "", text: "Other" }),
  );
  spot.replaceChildren(
    el("option", { value: "", text: "Nothing in the spotlight" }),
    ...state.board.learning_needs.map((n, i) => el("option", { value: n.id, text: `${i + 1}. ${n.question}` })),
  );
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

function columnList(needId) {
  const column = root.querySelector(`.pa-column[data-need="${needId ?? ""}"]`) ||
    root.querySelector('.pa-column[data-need=""]');
  return column.querySelector(".pa-column__notes");
}

// On an anonymous note the server keeps a name only for the people on it; say so to them,
// so nobody believes everyone can see it is theirs.
const SEEN_AS_ANONYMOUS = " (you — others see “Anonymous”)";

function personLine(note) {
  const parts = [];
  if (note.spoken_by) parts.push(`Said by ${note.spoken_by.name} (${note.spoken_by.label})${note.anonymous && note.spoken_by_me ? SEEN_AS_ANONYMOUS : ""}`);
  else if (note.author) parts.push(`By ${note.author.name} (${note.author.label})${note.anonymous && note.mine ? SEEN_AS_ANONYMOUS : ""}`);
  else parts.push(note.mine ? "By you, shown to others without your name" : "Anonymous");
  if (note.captured_by && note.spoken_by) parts.push(`noted by ${note.captured_by.name}`);
  if (note.spoken_by) parts.push(note.speaker_confirmed ? "confirmed by the speaker" : "not yet confirmed");
  return parts.join(", ");
}

function renderCard(note) {
  const me = state.board.me;
  const canEdit = me.is_facilitator || (note.mine && me.can_write);
  let card = state.cards.get(note.id);
  const editing = state.editing === note.id;
  const spotlighted = state.board.controls.spotlight_note_id === note.id;
  const fresh = el(
    "li",
    {
      class: `pa-note pa-note--${note.kind}${note.hidden ? " pa-note--hidden" : ""}${spotlighted ? " pa-note--spotlight" : ""}`,
      "data-note-id": note.id,
    },
    el("p", { class: "pa-note__kind", text: KIND_LABELS[note.kind] + (note.held ? "" : note.hidden ? " (hidden from others)" : "") }),
    note.held
      ? el("p", {
          class: "pa-note__held nhsuk-body-s",
          text: me.is_facilitator
            ? "Held: its writer says it is safe, but it may name a patient. Release it, or edit it out."
            : "Held: the facilitator checks it for patient details before anybody else sees it.",
        })
      : null,
    editing ? editForm(note) : el("p", { class: "pa-note__text pa-break-words pa-pre-line", text: note.text }),
    el("p", { class: "pa-note__by nhsuk-body-s", text: personLine(note) }),
    editing
      ? null
      : el(
          "div",
          { class: "pa-note__actions" },
          canEdit ? noteButton("Edit", "edit", note) : null,
          canEdit ? noteButton("Delete", "delete", note) : null,
          note.spoken_by_me && !note.speaker_confirmed ? noteButton("Confirm", "confirm", note) : null,
          note.spoken_by_me && me.can_write ? noteButton("Correct", "correct", note) : null,
          me.is_facilitator ? noteButton(note.held ? "Release" : note.hidden ? "Show" : "Hide", "hide", note) : null,
          me.is_facilitator ? noteButton(spotlighted ? "Leave spotlight" : "Spotlight", "spotlight", note) : null,
        ),
  );
  const list = columnList(note.learning_need_id);
  if (editing && card?.querySelector("[data-edit-form]")) {
    return card; // keep what the person is typing; the saved version shows after Save
  }
  if (card && card.parentElement === list) {
    const hadFocus = card.contains(document.activeElement);
    const focusedAction = document.activeElement?.dataset?.noteAction;
    card.replaceWith(fresh);
    if (hadFocus) (fresh.querySelector(`[data-note-action="${focusedAction}"]`) || fresh.querySelector("button, textarea"))?.focus();
  } else {
    card?.remove();
    list.append(fresh);
  }
  state.cards.set(note.id, fresh);
  card = fresh;
  return card;
}

function noteButton(label, action, note) {
  return el("button", {
    type: "button",
    class: "pa-link-button",
    "data-note-action": action,
    "data-note": note.id,
    text: label,
    "aria-label": `${label}: ${note.text.slice(0, 60)}`,
  });
}

function editForm(note) {
  const id = `pa-edit-${note.id}`;
  const correcting = state.editingMode === "correct";
  const form = el(
    "form",
    { class: "pa-note__edit", "data-edit-form": note.id, noValidate: true },
    el("label", { class: "nhsuk-label", for: id, text: correcting ? "Correct what you said" : "Edit the note" }),
    el("p", { class: "nhsuk-error-message", "data-edit-error": true, hidden: true }),
    el("textarea", { class: "nhsuk-textarea", id, rows: 3, maxLength, value: note.text }),
    el(
      "div",
      { class: "pa-button-row" },
      el("button", { type: "submit", class: "nhsuk-button nhsuk-button--secondary", text: "Save" }),
      el("button", { type: "button", class: "pa-link-button", "data-note-action": "cancel", "data-note": note.id, text: "Cancel" }),
    ),
  );
  form.querySelector("textarea").value = note.text;
  return form;
}

function renderCounts() {
  const visible = state.notes.size;
  $("note-total").textContent = `(${visible}${state.withheld.size ? ` shown, ${state.withheld.size} private until revealed` : ""})`;
  for (const column of root.querySelectorAll(".pa-column")) {
    const needId = column.dataset.need ? Number(column.dataset.need) : null;
    let hidden = 0;
    for (const id of state.withheld) {
      const w = state.withheldNeeds.get(id);
      if (w === needId) hidden += 1;
    }
    const node = column.querySelector("[data-withheld]");
    node.hidden = hidden === 0;
    node.textContent = hidden ? `${hidden} private ${hidden === 1 ? "note" : "notes"} until the facilitator reveals them` : "";
  }
}

function renderPending() {
  const node = $("pending");
  if (!node) return;
  const count = state.pending.length;
  node.hidden = count === 0;
  const waiting = state.pending.some((p) => p.state === "waiting");
  node.textContent = count
    ? `${count} ${count === 1 ? "note is" : "notes are"} ${waiting ? "waiting to be sent (they go as soon as the connection returns)" : "being sent"}.`
    : "";
  for (const old of root.querySelectorAll(".pa-note--pending")) old.remove();
  if (!state.board) return;
  for (const item of state.pending) {
    columnList(item.learning_need_id).append(
      el(
        "li",
        { class: "pa-note pa-note--pending", "data-client-id": item.client_id },
        el("p", { class: "pa-note__kind", text: `${KIND_LABELS[item.kind] || "Note"} (pending)` }),
        el("p", { class: "pa-note__text pa-break-words pa-pre-line", text: item.text }),
        el("p", { class: "pa-note__by nhsuk-body-s", text: item.state === "waiting" ? "Waiting to send" : "Sending…" }),
      ),
    );
  }
}

function renderPhases() {
  const board = state.board;
  const list = $("phases");
  list.replaceChildren(
    ...board.phases.map((p) =>
      el(
        "li",
        {
          class: `pa-phases__item${p.value === board.phase ? " pa-phases__item--current" : ""}`,
          "aria-current": p.value === board.phase ? "step" : null,
        },
        p.label.split(":")[0],
      ),
    ),
  );
  const guide = board.guidance[board.phase];
  $("guidance-now").textContent = guide.now;
  $("guidance-next").textContent = guide.next;
  const me = board.me.participant;
  $("you").textContent = me
    ? `You are taking part as ${me.role_label.toLowerCase()}.`
    : "You are watching: only participants can add notes.";
}

function renderFacilitator() {
  const board = state.board;
  const box = $("facilitator");
  show(box, board.me.is_facilitator);
  if (!board.me.is_facilitator) return;
  const index = board.phases.findIndex((p) => p.value === board.phase);
  const back = board.phases[index - 1];
  const next = board.phases[index + 1];
  const backButton = $action("phase-back");
  const nextButton = $action("phase-next");
  backButton.hidden = !back;
  nextButton.hidden = !next;
  if (back) backButton.textContent = `Back to ${back.label.split(":")[0]}`;
  if (next) nextButton.textContent = `Move to ${next.label.split(":")[0]}`;
  const c = board.controls;
  for (const [action, on, onText, offText] of [
    ["toggle-anonymous", c.anonymous, "Anonymous mode is on: turn off", "Turn on anonymous mode"],
    ["toggle-private", c.private_writing, "Reveal everybody's notes", "Turn on private writing"],
    ["toggle-lock", c.locked, "Unlock the board", "Lock the board"],
  ]) {
    const button = $action(action);
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? onText : offText;
  }
  const select = $("item-select");
  const items = board.agenda.filter((a) => a.phase === board.phase);
  const chosen = c.timer.agenda_item_id;
  select.replaceChildren(
    el("option", { value: "", text: items.length ? "Choose an item" : "No agenda item for this phase" }),
    ...items.map((a) => el("option", { value: a.id, text: `${a.title} (${a.minutes} min)`, selected: a.id === chosen })),
  );
  const spot = $("spot-need");
  spot.value = c.spotlight_need_id ? String(c.spotlight_need_id) : "";
}

function renderCompose() {
  const board = state.board;
  const me = board.me;
  show($("compose"), me.can_write && board.phase !== "close");
  const readonly = $("readonly");
  const reason = me.write_refusal?.detail;
  show(readonly, Boolean(reason) && Boolean(me.participant));
  readonly.textContent = reason || "";
  const speakerGroup = $("speaker-group");
  const speaks = me.is_note_taker || me.is_facilitator;
  show(speakerGroup, speaks);
  if (speaks) {
    const select = $("note-speaker");
    const current = select.value;
    select.replaceChildren(
      el("option", { value: "", text: "Me" }),
      ...board.participants
        .filter((p) => p.id !== me.participant?.id)
        .map((p) => el("option", { value: p.id, text: `${p.name}, ${p.label}` })),
    );
    select.value = current;
  }
}

function renderTimer() {
  const board = state.board;
  const timer = board.controls.timer;
  const box = $("timer");
  const item = board.agenda.find((a) => a.id === timer.agenda_item_id);
  const active = timer.running || timer.paused_seconds !== null;
  show(box, active);
  clearInterval(state.timerTick);
  if (!active) {
    box.classList.remove("pa-timer--done");
    state.beeped = false;
    return;
  }
  $("timer-item").textContent = item ? item.title : "";
  const total = (item?.minutes || 15) * 60;
  const tick = () => {
    const left = timer.running
      ? Math.max(0, Math.round((Date.parse(timer.ends_at) - Date.now()) / 1000))
      : timer.paused_seconds;
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    $("timer-time").textContent = `${minutes}:${seconds} left${timer.running ? "" : " (paused)"}`;
    // A 5% step as a data attribute: app.css sizes the bar (no inline style under the CSP).
    const percent = Math.max(0, Math.min(100, (left / total) * 100));
    $("timer-fill").dataset.fill = String(Math.round(percent / 5) * 5);
    const done = left === 0 && timer.running;
    box.classList.toggle("pa-timer--done", done);
    $("timer-alert").textContent = done ? "Time is up." : "";
    if (done && !state.beeped) {
      state.beeped = true;
      if ($("sound").checked) beep();
      clearInterval(state.timerTick);
    }
  };
  state.beeped = false;
  tick();
  if (timer.running) state.timerTick = setInterval(tick, 1000);
}

function beep() {
  try {
    const Context = window.AudioContext || window.webkitAudioContext;
    const audio = new Context();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.8);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.8);
  } catch {
    // No audio: the visual alert is still there.
  }
}

function renderSpotlight() {
  const board = state.board;
  const c = board.controls;
  const box = $("spotlight");
  let text = "";
  if (c.spotlight_note_id && state.notes.has(c.spotlight_note_id)) text = state.notes.get(c.spotlight_note_id).text;
  else if (c.spotlight_need_id) text = board.learning_needs.find((n) => n.id === c.spotlight_need_id)?.question || "";
  show(box, Boolean(text));
  $("spotlight-text").textContent = text;
  for (const column of root.querySelectorAll(".pa-column")) {
    column.classList.toggle("pa-column--spotlight", Boolean(c.spotlight_need_id) && column.dataset.need === String(c.spotlight_need_id));
  }
}

// Where each person takes part from (their RSVP or the join form); empty while not said.
const ATTENDANCE_LABELS = { in_room: "In the room", online: "Online" };

function attendanceSummary(here) {
  const inRoom = here.filter((p) => p.attendance === "in_room").length;
  const online = here.filter((p) => p.attendance === "online").length;
  if (!inRoom && !online) return "";
  return `${inRoom} in the room, ${online} online`;
}

function renderPresence() {
  const presence = state.board.presence || { here: [], watchers: 0, typing: 0 };
  const list = $("presence");
  $("attendance").textContent = attendanceSummary(presence.here);
  list.replaceChildren(
    ...[
      ...presence.here.map((p) =>
      el(
        "li",
        { class: "pa-presence__person" },
        el("span", { class: "pa-presence__name", text: p.name }),
        ` – ${p.role_label}`,
        ATTENDANCE_LABELS[p.attendance]
          ? el("span", {
              class: `nhsuk-tag nhsuk-tag--${p.attendance === "online" ? "blue" : "grey"} pa-presence__attendance`,
              text: ATTENDANCE_LABELS[p.attendance],
            })
          : null,
        p.done ? el("strong", { class: "nhsuk-tag nhsuk-tag--green pa-presence__done", text: "Done" }) : null,
      ),
    ),
      presence.watchers
        ? el("li", { text: `${presence.watchers} ${presence.watchers === 1 ? "colleague" : "colleagues"} watching` })
        : null,
    ].filter(Boolean),
  );
  $("typing").textContent = presence.typing
    ? `${presence.typing} ${presence.typing === 1 ? "person is" : "people are"} writing a note.`
    : "";
  const me = state.board.me;
  const done = $action("toggle-done");
  show(done, Boolean(me.participant));
  const mine = presence.here.find((p) => p.id === me.participant?.id);
  const isDone = mine ? mine.done : me.done;
  done.setAttribute("aria-pressed", String(Boolean(isDone)));
  done.textContent = isDone ? "I'm done (press to undo)" : "I'm done";
}

function renderClose() {
  const board = state.board;
  const inClose = board.phase === "close" || board.phase === "actions";
  show($("close-panel"), inClose);
  if (!inClose) return;
  const me = board.me;
  show($("takeaway-form"), board.phase === "close" && Boolean(me.participant));
  show($("closing-form"), me.participant && ["host_lead", "facilitator"].includes(me.role));
  const view = $("closing-view");
  const closing = board.closing || {};
  view.replaceChildren(
    ...[
    closing.host_thanks ? el("p", { class: "pa-break-words pa-pre-line", text: closing.host_thanks }) : null,
    closing.action_list_due
      ? el("p", {}, el("strong", { text: "Action list promised by: " }), new Date(closing.action_list_due).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }))
      : null,
    ].filter(Boolean),
  );
  $("takeaways").replaceChildren(
    ...(board.takeaways || []).map((t) => el("li", { class: "pa-break-words" }, el("strong", { text: `${t.name}: ` }), t.text)),
  );
  if (!$("takeaway-text").value && me.takeaway) $("takeaway-text").value = me.takeaway;
}

function renderAll() {
  if (!state.board) return;
  show($("framing"), ["welcome", "tell"].includes(state.board.phase));
  renderPhases();
  renderFacilitator();
  renderCompose();
  renderTimer();
  renderSpotlight();
  renderPresence();
  renderClose();
  for (const note of state.notes.values()) renderCard(note);
  renderPending();
  renderCounts();
}

// ---------------------------------------------------------------------------------------
// Announcements: polite, and at most one every few seconds

const ANNOUNCE_GAP = 4000;

function announce(message, batchable = false) {
  state.announceQueue.push({ message, batchable });
  const wait = Math.max(0, state.lastAnnounce + ANNOUNCE_GAP - Date.now());
  if (!state.announceTimer) state.announceTimer = setTimeout(flushAnnouncements, wait);
}

function flushAnnouncements() {
  state.announceTimer = null;
  const queue = state.announceQueue.splice(0);
  if (!queue.length) return;
  const notes = queue.filter((q) => q.batchable);
  const others = queue.filter((q) => !q.batchable).map((q) => q.message);
  if (notes.length === 1) others.push(notes[0].message);
  else if (notes.length > 1) others.push(`${notes.length} new notes on the board.`);
  $("announce").textContent = others.join(" ");
  state.lastAnnounce = Date.now();
}

function announcePhase() {
  const board = state.board;
  const phase = board.phases.find((p) => p.value === board.phase);
  announce(`The session has moved to ${phase.label}. ${board.guidance[board.phase].now}`);
}

// ---------------------------------------------------------------------------------------
// Actions

async function act(promise, errorTarget) {
  try {
    return await promise;
  } catch (error) {
    const message = error instanceof HttpError ? error.message : "The board could not be reached. Try again.";
    if (errorTarget) {
      errorTarget.textContent = `Error: ${message}`;
      errorTarget.hidden = false;
    } else {
      announce(message);
      setConnection(message, "error");
    }
    return null;
  }
}

function controls(changes) {
  return act(request("PATCH", "/controls", changes));
}

async function onNoteAction(button) {
  const id = Number(button.dataset.note);
  const note = state.notes.get(id);
  const action = button.dataset.noteAction;
  if (action === "cancel") {
    state.editing = null;
    if (note) renderCard(note)?.querySelector('[data-note-action="edit"], [data-note-action="correct"]')?.focus();
    return;
  }
  if (!note) return;
  if (action === "edit" || action === "correct") {
    state.editing = id;
    state.editingMode = action;
    renderCard(note).querySelector("textarea").focus();
  } else if (action === "delete") {
    if (!window.confirm("Delete this note? Everyone will stop seeing it.")) return;
    await act(request("DELETE", `/notes/${id}`));
  } else if (action === "hide") {
    const data = await act(request("PATCH", `/notes/${id}`, { hidden: !note.hidden }));
    if (data) applyNote(data.note);
  } else if (action === "spotlight") {
    const on = state.board.controls.spotlight_note_id === id;
    await controls({ spotlight_note_id: on ? null : id });
  } else if (action === "confirm") {
    const data = await act(request("POST", `/notes/${id}/confirm`, {}));
    if (data) applyNote(data.note);
  }
}

async function onEditSubmit(form, confirmSensitive = false) {
  const id = Number(form.dataset.editForm);
  const text = form.querySelector("textarea").value.trim();
  const error = form.querySelector("[data-edit-error]");
  error.hidden = true;
  const findings = pidFindings(text);
  if (findings.length && !confirmSensitive) {
    if (!window.confirm(`This note looks as if it holds ${inWords(findings)}. Keep it anyway?`)) return;
    confirmSensitive = true;
  }
  const path = state.editingMode === "correct" ? `/notes/${id}/confirm` : `/notes/${id}`;
  const method = state.editingMode === "correct" ? "POST" : "PATCH";
  const data = await act(request(method, path, { text, confirm_sensitive: confirmSensitive }), error);
  if (data) {
    state.editing = null;
    applyNote(data.note);
    state.cards.get(id)?.querySelector("button")?.focus();
  }
}

function wire() {
  $("note-form").addEventListener("submit", submitNote);
  $("note-text").addEventListener("input", () => {
    updateCount();
    typing($("note-text").value.length > 0);
    state.pidConfirmed = false;
    $("pid-warning").hidden = true;
  });
  $action("pid-edit").addEventListener("click", () => {
    $("pid-warning").hidden = true;
    $("note-text").focus();
  });
  $action("pid-confirm").addEventListener("click", () => {
    state.pidConfirmed = true;
    $("note-form").requestSubmit();
  });
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-note-action]");
    if (button) onNoteAction(button);
  });
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-edit-form]");
    if (form) {
      event.preventDefault();
      onEditSubmit(form);
    }
  });
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.editing !== null) {
      const note = state.notes.get(state.editing);
      state.editing = null;
      if (note) renderCard(note).querySelector("button")?.focus();
    }
  });
  const phaseMove = (offset) => async () => {
    const board = state.board;
    const index = board.phases.findIndex((p) => p.value === board.phase);
    const target = board.phases[index + offset];
    if (!target) return;
    if (!window.confirm(`Move everyone to “${target.label}”?`)) return;
    await act(request("POST", "/phase", { to: target.value, expected_from: board.phase }));
  };
  $action("phase-back").addEventListener("click", phaseMove(-1));
  $action("phase-next").addEventListener("click", phaseMove(1));
  $action("timer-start").addEventListener("click", () => {
    const changes = { timer: "start" };
    const item = $("item-select").value;
    const minutes = $("minutes").value;
    if (item && Number(item) !== state.board.controls.timer.agenda_item_id) changes.agenda_item_id = Number(item);
    if (minutes) changes.minutes = Number(minutes);
    controls(changes);
  });
  $action("timer-pause").addEventListener("click", () => controls({ timer: "pause" }));
  $action("timer-reset").addEventListener("click", () => controls({ timer: "reset" }));
  $("spot-need").addEventListener("change", (event) => {
    const value = event.target.value;
    controls({ spotlight_need_id: value ? Number(value) : null });
  });
  $action("toggle-anonymous").addEventListener("click", () => controls({ anonymous: !state.board.controls.anonymous }));
  $action("toggle-private").addEventListener("click", () => controls({ private_writing: !state.board.controls.private_writing }));
  $action("toggle-lock").addEventListener("click", () => controls({ locked: !state.board.controls.locked }));
  $action("toggle-done").addEventListener("click", async () => {
    const button = $action("toggle-done");
    const done = button.getAttribute("aria-pressed") !== "true";
    const data = await act(request("POST", "/presence", { done }));
    if (data) {
      state.board.me.done = data.done;
      renderPresence();
    }
  });
  $("takeaway-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("takeaway-error");
    error.hidden = true;
    const data = await act(request("POST", "/takeaway", { text: $("takeaway-text").value }), error);
    if (data) announce("Your take-away is saved.");
  });
  $("closing-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("closing-error");
    error.hidden = true;
    const due = $("due-date").value || null;
    const data = await act(request("POST", "/close", { host_thanks: $("thanks-text").value, action_list_due: due }), error);
    if (data) announce("Thanks and date saved.");
  });
  const sound = $("sound");
  sound.checked = localStorage.getItem("pa-board-sound") === "1";
  sound.addEventListener("change", () => localStorage.setItem("pa-board-sound", sound.checked ? "1" : "0"));
}

async function load() {
  try {
    const data = await request("GET", "/board");
    applyBoard(data, true);
  } catch (error) {
    $("loading").textContent =
      error instanceof HttpError && error.status === 404
        ? "You cannot open this board."
        : "The board could not be loaded yet. Trying again…";
    if (!(error instanceof HttpError) || error.status >= 500) setTimeout(load, 3000);
    return;
  }
  connect();
  flushPending();
  joins.refresh();
}

function start() {
  if (!root) return;
  wire();
  joins = joinPanel(root, request, announce);
  updateCount();
  setConnection("Connecting…", "offline");
  window.__paBoard = { state, pidFindings, handleEvent }; // for debugging and tests
  load();
}

start();
