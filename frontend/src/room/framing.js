// The framing of Welcome and Tell (templates/assists/_framing.html) drawn again from a
// framing.changed event, so that an edit to the purpose, open decisions, ground rules or the
// BAR reaches the board and the wall mid-session without a reload. Same markup as the
// template; text only (textContent), never HTML.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function list(items, numbered) {
  const node = el(numbered ? "ol" : "ul", numbered ? "pa-framing__list pa-framing__list--numbered" : "pa-framing__list");
  for (const item of items) node.append(el("li", "pa-break-words", item));
  return node;
}

function part(...children) {
  const node = el("div", "pa-framing__part");
  node.append(...children.filter(Boolean));
  return node;
}

export function renderFraming(section, framing) {
  if (!section || !framing) return;
  const grid = section.querySelector(".pa-framing__grid");
  if (!grid) return;
  const parts = [
    part(
      el("h3", "nhsuk-heading-s", "Purpose"),
      el("p", "pa-pre-line pa-break-words", framing.purpose || "The host team will say what it wants to learn."),
      framing.open_decisions.length ? el("h3", "nhsuk-heading-s", "Decisions still open") : null,
      framing.open_decisions.length ? list(framing.open_decisions, false) : null,
    ),
  ];
  if (framing.intended_results || framing.learning_needs.length) {
    parts.push(
      part(
        framing.intended_results ? el("h3", "nhsuk-heading-s", "What the host team intends to achieve") : null,
        framing.intended_results ? el("p", "pa-pre-line pa-break-words", framing.intended_results) : null,
        framing.learning_needs.length ? el("h3", "nhsuk-heading-s", "What it wants to learn from you") : null,
        framing.learning_needs.length ? list(framing.learning_needs, true) : null,
      ),
    );
  }
  if (framing.ground_rules.length) {
    parts.push(part(el("h3", "nhsuk-heading-s", "Ground rules"), list(framing.ground_rules, false)));
  }
  grid.replaceChildren(...parts);
}
