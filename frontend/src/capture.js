// Fast capture on the live board: paste many notes → preview in place → one confirm through
// the JSON API; add a walk-in speaker without leaving the board. Without this module the same
// forms post to their own pages (assists/live/views_capture.py), so nothing depends on it.

const panel = document.querySelector("[data-capture]");

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = panel?.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function say(text, { error = false } = {}) {
  const status = panel.querySelector("[data-capture-status]");
  status.textContent = text;
  status.classList.toggle("pa-capture__status--error", error);
}

async function postJson(path, body) {
  const response = await fetch(`${panel.dataset.api}${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, ok: response.ok, data };
}

function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// --- Bulk: the preview is the server's own page section, fetched; the confirm is the API.

const form = panel?.querySelector("[data-capture-form]");
const result = panel?.querySelector("[data-capture-result]");

async function showPreview(event) {
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  say("Preparing the preview…");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      body: new FormData(form),
      headers: { "X-CSRFToken": csrfToken() },
    });
    const html = await response.text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    const preview = doc.querySelector("[data-capture-preview]");
    if (preview) {
      result.replaceChildren(document.adoptNode(preview));
      const cancel = result.querySelector("[data-role=bulk-cancel]");
      cancel?.addEventListener("click", (e) => {
        e.preventDefault();
        closePreview();
        form.querySelector("textarea").focus();
      });
      result.querySelector("[data-capture-confirm]").addEventListener("submit", confirm);
      say("");
      result.querySelector("#bulk-preview-heading").focus();
      return;
    }
    // The paste itself was refused (too many lines, nothing pasted, wrong role): the page
    // says why in its error summary or its paragraph.
    const message =
      doc.querySelector(".nhsuk-error-summary__list")?.textContent.trim() ||
      doc.querySelector("main p")?.textContent.trim() ||
      "The preview could not be made. Try again.";
    say(message, { error: true });
    form.querySelector("textarea").focus();
  } catch {
    say("The preview could not be fetched: check the connection and try again.", { error: true });
  } finally {
    button.disabled = false;
  }
}

function closePreview() {
  result.replaceChildren();
}

function lineErrors(confirmForm, sentItems, lines) {
  for (const item of confirmForm.querySelectorAll("[data-line]")) {
    item.classList.remove("pa-bulk-line--error");
    item.querySelector(".nhsuk-form-group").classList.remove("nhsuk-form-group--error");
    const message = item.querySelector("[data-role=line-error]");
    message.hidden = true;
  }
  const links = [];
  for (const line of lines) {
    const item = sentItems[line.index - 1];
    if (!item) continue;
    item.classList.add("pa-bulk-line--error");
    item.querySelector(".nhsuk-form-group").classList.add("nhsuk-form-group--error");
    const message = item.querySelector("[data-role=line-error]");
    message.querySelector("[data-role=line-error-text]").textContent = line.detail;
    message.hidden = false;
    const textarea = item.querySelector("textarea");
    const a = document.createElement("a");
    a.href = `#${textarea.id}`;
    a.textContent = `Note ${item.dataset.line}: ${line.detail}`;
    const li = document.createElement("li");
    li.append(a);
    links.push(li);
  }
  let summary = confirmForm.parentElement.querySelector(".nhsuk-error-summary");
  if (!summary) {
    summary = document.createElement("div");
    summary.className = "nhsuk-error-summary";
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    summary.innerHTML =
      '<h2 class="nhsuk-error-summary__title">There is a problem: nothing was added</h2>' +
      '<div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list"></ul></div>';
    confirmForm.parentElement.prepend(summary);
  }
  summary.querySelector("ul").replaceChildren(...links);
  summary.focus();
}

async function confirm(event) {
  event.preventDefault();
  const confirmForm = event.currentTarget;
  const buttons = confirmForm.querySelectorAll("button[type=submit]");
  const notes = [];
  const sentItems = [];
  for (const item of confirmForm.querySelectorAll("[data-line]")) {
    const text = item.querySelector("textarea").value.trim();
    if (!text) continue; // emptied in the preview: left out
    const need = item.querySelector("select[name^=need-]")?.value;
    const speaker = item.querySelector("select[name^=speaker-]")?.value;
    notes.push({
      client_id: item.dataset.clientId,
      text,
      learning_need_id: need ? Number(need) : null,
      spoken_by_id: speaker ? Number(speaker) : null,
      confirm_sensitive: Boolean(item.querySelector("input[name^=safe-]")?.checked),
    });
    sentItems.push(item);
  }
  if (!notes.length) {
    say("Every line is empty: there is nothing to add.", { error: true });
    return;
  }
  const kind = confirmForm.querySelector("input[name=kind]").value;
  for (const b of buttons) b.disabled = true;
  say(`Adding ${notes.length} notes…`);
  try {
    // A retry after a lost answer sends the same client ids: each note is added once.
    const { ok, data, status } = await postJson("/notes/bulk", { notes, kind });
    if (ok) {
      closePreview();
      form.querySelector("textarea").value = "";
      const batch = form.querySelector("input[name=batch]");
      if (batch) batch.value = uuid4();
      const added = data.created;
      say(
        added === notes.length
          ? `${added} note${added === 1 ? "" : "s"} added to the board.`
          : `${added} new notes added; ${notes.length - added} had been added already.`,
      );
      form.querySelector("textarea").focus();
      return;
    }
    if (status === 400 && data?.lines) {
      say(data.detail, { error: true });
      lineErrors(confirmForm, sentItems, data.lines);
      return;
    }
    say(data?.detail || "The notes could not be added. Try again.", { error: true });
  } catch {
    say("The notes could not be sent: check the connection and press the button again.", { error: true });
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// --- Walk-in speaker

const speakerForm = panel?.querySelector("[data-capture-speaker-form]");

async function addSpeaker(event) {
  event.preventDefault();
  const error = speakerForm.querySelector("[data-capture-speaker-error]");
  const field = (name) => speakerForm.querySelector(`[name=${name}]`);
  const { ok, data } = await postJson("/speakers", {
    name: field("name").value,
    organisation: field("organisation").value,
    role: field("role").value,
  }).catch(() => ({ ok: false, data: { detail: "Check the connection and try again." } }));
  if (!ok) {
    error.textContent = data?.detail || "The speaker could not be added.";
    error.hidden = false;
    field("name").focus();
    return;
  }
  error.hidden = true;
  const person = data.participant;
  const select = form?.querySelector("select[name=speaker]");
  if (select) {
    const option = document.createElement("option");
    option.value = person.id;
    option.textContent = `${person.name} (${person.role_label})`;
    select.append(option);
  }
  field("name").value = "";
  field("organisation").value = "";
  say(`${person.name} added: you can now choose them as the speaker.`);
  field("name").focus();
}

if (panel && form) {
  form.addEventListener("submit", showPreview);
  // Ctrl+Enter (or ⌘+Enter) in the paste box previews, without leaving the keyboard's home row.
  form.querySelector("textarea").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  speakerForm?.addEventListener("submit", addSpeaker);
}
