// Progressive enhancement only: every page works without this file.
// After htmx swaps a region (e.g. reordering goals), put keyboard focus back where it was.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target.querySelector("[data-focus-after-swap]");
  if (target) target.focus();
});
