// The facilitator's "Join from a phone" panel on the live board (templates/assists/_join_panel.html):
// the join code and its QR code, the admission mode, and the waiting list with admit and
// refuse. It reads GET .../joins and writes through the /joins routes; a join.changed event
// (somebody asked, was admitted, or the code changed) makes it read again.

export function joinPanel(root, request, announce) {
  const panel = root.querySelector('[data-role="join-panel"]');
  if (!panel) return { refresh() {}, onEvent() {} };
  const $ = (role) => panel.querySelector(`[data-role="${role}"]`);
  let waitingBefore = null;

  function showError(message) {
    $("join-error").textContent = message ? `Error: ${message}` : "";
  }

  async function run(method, path, body) {
    showError("");
    try {
      render(await request(method, path, body));
    } catch (error) {
      showError(error.message || "The board could not be reached. Try again.");
    }
  }

  function render(joins) {
    const live = Boolean(joins.code);
    $("join-live").hidden = !live;
    if (live) {
      $("join-code").textContent = joins.code;
      $("join-url").textContent = joins.url.replace(/\?.*$/, "");
      const qr = $("join-qr");
      if (qr.getAttribute("src") !== joins.qr) qr.setAttribute("src", joins.qr);
    }
    const closed = $("join-closed");
    closed.hidden = joins.open;
    closed.textContent = joins.closed_reason || "";
    const rotate = panel.querySelector('[data-action="join-rotate"]');
    rotate.hidden = !joins.open;
    rotate.textContent = live ? "Show a new code (the old one stops working)" : "Show a join code";
    for (const radio of panel.querySelectorAll('[data-role="admission"]')) radio.checked = radio.value === joins.admission;
    $("join-count").textContent = `(${joins.waiting.length})`;
    $("join-waiting").replaceChildren(
      ...joins.waiting.map((person) => {
        const item = document.createElement("li");
        item.className = "pa-join-panel__person";
        const who = document.createElement("span");
        who.className = "pa-join-panel__who";
        const name = document.createElement("strong");
        name.textContent = person.name;
        who.append(name, `, ${person.organisation} – ${person.role_label.toLowerCase()}, ${person.attendance_label.toLowerCase()}`);
        item.append(who, decisionButton(person, true), decisionButton(person, false));
        return item;
      }),
    );
    if (waitingBefore !== null && joins.waiting.length > waitingBefore) {
      announce(`${joins.waiting.length} ${joins.waiting.length === 1 ? "person is" : "people are"} waiting to join.`);
    }
    waitingBefore = joins.waiting.length;
  }

  function decisionButton(person, admit) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = admit ? "nhsuk-button nhsuk-button--secondary pa-flat-button" : "pa-link-button";
    button.textContent = admit ? "Admit" : "Refuse";
    button.setAttribute("aria-label", `${admit ? "Admit" : "Refuse"} ${person.name}`);
    button.addEventListener("click", () => run("POST", `/joins/${person.id}/decision`, { admit }));
    return button;
  }

  panel.querySelector('[data-action="join-rotate"]').addEventListener("click", () => run("POST", "/joins/code", {}));
  for (const radio of panel.querySelectorAll('[data-role="admission"]')) {
    radio.addEventListener("change", () => run("PUT", "/joins/admission", { admission: radio.value }));
  }

  return {
    refresh: () => run("GET", "/joins"),
    onEvent(event) {
      if (event.type === "join.changed" || event.type === "phase.changed") run("GET", "/joins");
    },
  };
}
