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
  // An add form whose row was added starts empty again, folded away until
  // the next one (focus goes to the row added).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-reset-after-add]")) { return; }
    if (event.detail.xhr && event.detail.xhr.status === 200) {
      form.reset();
      form.classList.remove("is-dirty");
      var errors = form.querySelector("[id$=-errors]");
      if (errors) { errors.innerHTML = ""; }
      var folded = form.closest("details");
      if (folded) { folded.open = false; }
    }
  });
  // A section that asks for itself again (an item's reviews, when its
  // decisions or actions changed) waits while one of its forms holds typing.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.matches && elt.matches("[data-refresh-unless-typed]") && elt.querySelector("form.is-dirty")) {
      event.preventDefault();
    }
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

// The agenda items after a move, a change of depth, an addition or a
// deletion: the answer's outline ("pk:number …", in order) puts the items in
// that order and renumbers them where they stand, so what is typed in them
// stays; an item not in it was deleted. Focus stays where it was.
(function () {
  "use strict";
  function apply(outline) {
    var list = document.getElementById("items-list");
    if (!list || !outline.dataset.items) { return; }
    var focused = document.activeElement;
    var kept = new Set();
    outline.dataset.items.split(" ").forEach(function (entry) {
      var parts = entry.split(":");
      var article = document.getElementById("item-" + parts[0]);
      if (!article) { return; }
      var number = parts[1];
      var depth = number.split(".").length - 1;
      article.classList.remove("depth-0", "depth-1");
      article.classList.add("depth-" + depth);
      article.querySelectorAll("[data-item-number]").forEach(function (node) { node.textContent = number; });
      article.querySelectorAll("[data-item-label]").forEach(function (node) {
        node.setAttribute(node.dataset.itemLabelAttr || "aria-label", node.dataset.itemLabel.replace("{n}", number));
      });
      list.appendChild(article);
      kept.add(article);
    });
    list.querySelectorAll(":scope > article.item-editor").forEach(function (article) {
      if (!kept.has(article)) { article.remove(); }
    });
    if (focused && focused.isConnected && focused !== document.activeElement && !outline.matches("[data-focus-after-swap]")) {
      focused.focus();
    }
  }
  // Applied as soon as the answer is swapped in (with an added item's
  // placeholder, swapped out of band just before), in the same task, so the
  // list is never seen in its old order with new content.
  document.addEventListener("htmx:afterSwap", function () {
    var outline = document.getElementById("items-outline");
    if (outline && outline.dataset.items && !outline.dataset.applied) {
      outline.dataset.applied = "true";
      apply(outline);
    }
  });
})();

// Attendance: drag a person by the handle to a new place in their list. The
// ↑ and ↓ buttons do the same from the keyboard.
(function () {
  "use strict";
  var dragged = null;

  function lineOf(node) { return node && node.closest ? node.closest("tr[data-move-url]") : null; }

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
    var token = dragged.querySelector("input[name=csrfmiddlewaretoken]");  // in the row's form
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


// Copy buttons (the calendar feeds' addresses): shown only where a script
// runs; the address is in a read-only field beside, to select by hand too.
(function () {
  "use strict";
  function wire(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.copy);
    var said = button.parentNode.querySelector("[aria-live]");
    if (!field) { return; }
    function done(text) { if (said) { said.textContent = text; } }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(
        function () { done("Copied."); },
        function () { field.select(); done("Selected: press Ctrl+C (⌘C) to copy."); }
      );
    } else {
      field.select();
      done("Selected: press Ctrl+C (⌘C) to copy.");
    }
  });
})();

// A save the server failed, or that never reached it: said at the foot of the
// window (an alert, read out) and beside what was being saved. Nothing is
// swapped, so what was typed stays in its fields for another try.
(function () {
  "use strict";
  // A grid row's (or the form's own) "Saved" status.
  function statusOf(elt) {
    var place = elt.closest ? elt.closest("tr") || elt : null;
    return place && place.querySelector("[role=status]");
  }
  function say(event, failure) {
    var saving = event.detail.requestConfig && event.detail.requestConfig.verb !== "get";
    var alert = document.getElementById("request-failed");
    if (alert) {
      alert.textContent = saving
        ? "Not saved: " + failure + ". What you typed is still here; try again in a moment."
        : "This part of the page could not be loaded: " + failure + ". Try again in a moment.";
    }
    var status = saving && statusOf(event.detail.elt);
    if (status) {
      status.textContent = "Not saved";
      status.classList.add("not-saved");
    }
  }
  document.addEventListener("htmx:responseError", function (event) {
    say(event, "the server failed (error " + event.detail.xhr.status + ")");
  });
  document.addEventListener("htmx:sendError", function (event) {
    say(event, "the server could not be reached");
  });
  document.addEventListener("htmx:timeout", function (event) {
    say(event, "the server did not answer in time");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { return; }
    var alert = document.getElementById("request-failed");
    if (alert) { alert.textContent = ""; }
    var status = statusOf(event.detail.elt);
    if (status) { status.classList.remove("not-saved"); }
  });
})();
