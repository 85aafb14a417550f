// Subject access export page: polls the export's small JSON status while the task worker
// builds it, updates the progress bar and the polite live region, and shows the download
// button once the ZIP is ready. Without JavaScript the page offers a "Check again" link.
const POLL_MS = 2000;

function start() {
  const box = document.getElementById("export-progress");
  if (!box || !box.dataset.inProgress) return;
  const bar = document.getElementById("export-bar");
  const status = document.getElementById("export-status");
  const again = document.getElementById("export-check-again");
  const download = document.getElementById("export-download");
  if (again) again.hidden = true;
  let lastText = status.textContent;

  async function poll() {
    let body;
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      body = await response.json();
    } catch {
      window.setTimeout(poll, POLL_MS * 2); // a blip: try again, more slowly
      return;
    }
    bar.value = body.percent;
    bar.textContent = `${body.percent}%`;
    const text = body.finished
      ? body.label
      : `${body.label}: ${body.step} (step ${body.steps_done} of ${body.steps_total}, ${body.percent}%)`;
    if (text !== lastText) {
      // Only a change is written, so screen readers hear each step once.
      status.replaceChildren();
      const strong = document.createElement("strong");
      strong.textContent = body.label;
      status.append(strong, body.finished ? "" : text.slice(body.label.length));
      lastText = text;
    }
    if (!body.finished) {
      window.setTimeout(poll, POLL_MS);
    } else if (body.can_download && download) {
      download.hidden = false;
    } else {
      window.location.reload(); // failed or not ours: the page says what to do
    }
  }
  window.setTimeout(poll, POLL_MS);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
