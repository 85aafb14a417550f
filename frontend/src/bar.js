// Before Action Review autosave. Typed text is copied to localStorage on every keystroke and
// kept there until the server confirms it saved that exact text, so a lost connection, a
// validation error or a closed tab never loses what someone typed. Without JavaScript the
// form still saves with its buttons; this only adds drafts while typing.
const SAVE_DELAY_MS = 1200;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function readCopy(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function writeCopy(key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the server save still runs.
  }
}

function dropCopy(key) {
  try {
    window.localStorage.removeItem(key);
  } catch {
    /* ignore */
  }
}

function init(form) {
  const url = form.dataset.autosaveUrl;
  const prefix = form.dataset.barKey;
  const serverTime = Date.parse(form.dataset.updatedAt || "") || 0;
  const status = form.querySelector(".pa-autosave-status");
  const fields = Array.from(form.querySelectorAll("[data-bar-field]"));
  const keyFor = (field) => `${prefix}-${field.dataset.barField}`;
  let timer = null;
  let pending = new Set();

  function say(text, isError = false) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("pa-autosave-status--error", isError);
  }

  async function save() {
    timer = null;
    const sending = {};
    for (const field of pending) sending[field.dataset.barField] = field.value;
    pending = new Set();
    if (Object.keys(sending).length === 0) return;
    say("Saving draft…");
    let response;
    try {
      response = await fetch(url, {
        method: "PATCH",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(sending),
      });
    } catch {
      say("Not saved: no connection. Your text is kept on this device and will be saved when you press a button or type again.", true);
      return;
    }
    if (!response.ok) {
      let detail = "Not saved.";
      try {
        detail = (await response.json()).detail || detail;
      } catch {
        /* not JSON */
      }
      say(`Draft not saved: ${detail} Your text is kept on this device.`, true);
      return;
    }
    // Forget only the copies the server now holds exactly.
    for (const field of fields) {
      const name = field.dataset.barField;
      const copy = readCopy(keyFor(field));
      if (name in sending && copy && copy.text === sending[name]) dropCopy(keyFor(field));
    }
    const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    say(`Draft saved at ${time}.`);
  }

  function changed(field) {
    writeCopy(keyFor(field), { text: field.value, at: Date.now() });
    pending.add(field);
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, SAVE_DELAY_MS);
  }

  let restored = 0;
  for (const field of fields) {
    const copy = readCopy(keyFor(field));
    if (!copy) continue;
    if (copy.text === field.value) {
      dropCopy(keyFor(field));
    } else if (copy.at > serverTime && !field.closest(".nhsuk-form-group--error")) {
      field.value = copy.text;
      restored += 1;
      changed(field);
    } else {
      dropCopy(keyFor(field));
    }
  }
  if (restored) {
    say("We put back text you typed on this device that had not been saved yet. Saving it now.");
  } else {
    say("Your answers save as a draft while you type.");
  }
  for (const field of fields) field.addEventListener("input", () => changed(field));
  // A button press posts the whole form; the copies stay until the next page shows them saved.
  form.addEventListener("submit", () => {
    if (timer) window.clearTimeout(timer);
  });
}

document.querySelectorAll("form[data-autosave-url]").forEach(init);
