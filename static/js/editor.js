// Drafting pages: warn before leaving with unsaved typing, and move focus to
// a section htmx has just replaced so keyboard users keep their place.
(function () {
  "use strict";
  var dirty = new Set();

  document.addEventListener("input", function (event) {
    var form = event.target.closest("form[data-warn-unsaved]");
    if (form) { dirty.add(form); form.classList.add("is-dirty"); }
  });
  document.addEventListener("submit", function (event) { dirty.delete(event.target); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && event.detail.successful) { dirty.delete(form); }
  });
  window.addEventListener("beforeunload", function (event) {
    dirty.forEach(function (form) { if (!form.isConnected) { dirty.delete(form); } });
    if (dirty.size) { event.preventDefault(); event.returnValue = ""; }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var focus = target && target.querySelector && target.querySelector("[data-focus-after-swap]");
    if (focus) { focus.focus(); }
  });
})();
