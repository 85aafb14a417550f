// Lesson form: a filter box over the CFIR construct checkboxes. Without JavaScript every
// domain can still be opened and ticked; this only narrows the list as you type.
function setUpPicker(picker) {
  const group = picker.querySelector("[data-construct-filter-group]");
  const input = picker.querySelector("[data-construct-filter]");
  if (!group || !input) return;
  group.hidden = false;
  const domains = Array.from(picker.querySelectorAll("[data-construct-domain]"));
  input.addEventListener("input", () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const domain of domains) {
      let shown = 0;
      for (const item of domain.querySelectorAll("[data-construct-item]")) {
        const text = item.dataset.search || "";
        const match = words.every((w) => text.includes(w));
        item.hidden = !match;
        if (match) shown += 1;
      }
      domain.hidden = shown === 0;
      if (words.length) domain.open = shown > 0;
    }
  });
}

document.querySelectorAll("[data-construct-picker]").forEach(setUpPicker);
