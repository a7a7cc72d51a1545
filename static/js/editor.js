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
  // What a save swapped in says where focus goes (htmx:load fires on the new
  // content, also when an outerHTML swap replaced the element it targeted).
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (!root || root === document.body || !root.querySelector) { return; }
    var focus = root.matches("[data-focus-after-swap]") ? root : root.querySelector("[data-focus-after-swap]");
    // After htmx has settled the swap (which restores the focus it had).
    if (focus) { window.setTimeout(function () { focus.focus(); }, 0); }
  });
})();

// Attendance: drag a person by the handle to a new place in their list. The
// ↑ and ↓ buttons do the same from the keyboard.
(function () {
  "use strict";
  var dragged = null;

  function lineOf(node) { return node && node.closest ? node.closest("li[data-move-url]") : null; }

  document.addEventListener("dragstart", function (event) {
    if (!event.target.classList || !event.target.classList.contains("drag-handle")) { return; }
    dragged = lineOf(event.target);
    if (!dragged) { return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.id);
    dragged.classList.add("is-dragging");
  });
  document.addEventListener("dragover", function (event) {
    var over = lineOf(event.target);
    if (dragged && over && over.parentNode === dragged.parentNode) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });
  document.addEventListener("drop", function (event) {
    var over = lineOf(event.target);
    if (!dragged || !over || over.parentNode !== dragged.parentNode || over === dragged) { return; }
    event.preventDefault();
    var position = Array.prototype.indexOf.call(over.parentNode.children, over);
    var token = dragged.querySelector("input[name=csrfmiddlewaretoken]");
    window.htmx.ajax("POST", dragged.dataset.moveUrl, {
      target: "#attendance",
      swap: "outerHTML",
      values: { position: position, csrfmiddlewaretoken: token ? token.value : "" }
    });
  });
  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragging"); }
    dragged = null;
  });
})();

