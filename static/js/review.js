// Actions Outstanding review. Everything here is an enhancement: without it
// every field shows, "Use this update" reloads the page filled in, and the
// server checks the outcome fields whatever the browser sends.
(function () {
  "use strict";

  // How it ended only matters for a closed action.
  function showOutcome(form) {
    var closed = form.querySelector('input.review-status[value="closed"]');
    form.querySelectorAll("[data-closed-only]").forEach(function (el) {
      el.hidden = !(closed && closed.checked);
    });
  }

  function init(root) {
    (root || document).querySelectorAll("form.review-form").forEach(showOutcome);
    if (root && root.matches && root.matches("form.review-form")) { showOutcome(root); }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input.review-status")) {
      showOutcome(event.target.form);
    }
  });

  // Copy the owner's update into the row's form instead of reloading the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.use-owner-update");
    if (!link) { return; }
    var prefix = "id_" + link.dataset.row + "-";
    var text = document.getElementById(prefix + "update");
    if (!text) { return; }
    event.preventDefault();
    // Text already typed is kept: the owner's update goes after it.
    text.value = text.value.trim() ? text.value.trim() + "\n\n" + link.dataset.text : link.dataset.text;
    var date = document.getElementById(prefix + "revised_target_date");
    var note = document.getElementById(prefix + "revised_target_note");
    if (link.dataset.date) {
      date.value = link.dataset.date;
      note.value = "";
    } else if (link.dataset.note) {
      note.value = link.dataset.note;
      date.value = "";
    }
    // Every update used is accepted when the row is saved: keep a list.
    var used = document.getElementById(prefix + "owner_update");
    var ids = used.value ? used.value.split(",") : [];
    if (ids.indexOf(link.dataset.update) === -1) { ids.push(link.dataset.update); }
    used.value = ids.join(",");
    var status = document.getElementById(link.dataset.row + "-status");
    if (status) { status.textContent = "Owner’s update copied into the form: check it, then save."; }
    text.dispatchEvent(new Event("input", { bubbles: true }));
    text.focus();
  });

  // A conflict (409) or a refused row (422) comes back as the row to show.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var code = event.detail.xhr.status;
    if (code === 409 || code === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:load", function (event) { init(event.target); });

  // "N reviewed so far" comes with each saved row, from the server (out of band).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
