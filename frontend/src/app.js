// Every page: NHS.UK components and htmx. Page-specific modules (the live board) are separate.
import { initAll } from "nhsuk-frontend";
import htmx from "htmx.org";

window.htmx = htmx;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = csrfToken();
});

// Error summaries take focus so screen reader users hear what went wrong first.
document.addEventListener("DOMContentLoaded", () => {
  initAll();
  const summary = document.querySelector(".nhsuk-error-summary");
  if (summary) summary.focus();
});
