// The claim page as a workbench: keyboard shortcuts for its common actions, listed in the `?`
// dialog (templates/claims/_shortcuts.html, the one list of them). They never fire while the
// person types in a field or holds a modifier key.
(function () {
  "use strict";
  var dialog = document.getElementById("shortcuts");
  var content = document.getElementById("shortcuts-content");
  if (!dialog || !content || typeof dialog.showModal !== "function") return;
  // The list stays inert in its <template> until the dialog first opens.
  var entries = content.content;
  var opener = document.querySelector("[data-shortcuts-open]");
  var lastFocus = null;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function show() {
    if (!dialog.firstElementChild) {
      dialog.appendChild(document.importNode(content.content, true));
      dialog.setAttribute("aria-labelledby", "shortcuts-h");
      dialog.querySelector("[data-shortcuts-close]").addEventListener("click", close);
    }
    lastFocus = document.activeElement;
    dialog.showModal();
    dialog.querySelector("[data-shortcuts-close]").focus();
  }

  function close() {
    dialog.close();
  }

  dialog.addEventListener("close", function () {
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  });
  if (opener) {
    opener.hidden = false;
    opener.addEventListener("click", show);
  }

  function focusable(selector) {
    var found = document.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) {
      var el = found[i];
      if (el.matches("input:not([type=hidden]), textarea, select, button, a[href]") && !el.disabled) {
        return el;
      }
      var inner = el.querySelector("input:not([type=hidden]), textarea, select, button, a[href]");
      if (inner) return inner;
    }
    return null;
  }

  function run(entry) {
    if (entry.dataset.go) { window.location.assign(entry.dataset.go); return; }
    if (entry.dataset.open) {
      var details = document.querySelector(entry.dataset.open);
      if (details && details.tagName === "DETAILS") details.open = true;
    }
    if (entry.dataset.focus) {
      var target = focusable(entry.dataset.focus);
      if (target) {
        target.scrollIntoView({ block: "center" });
        target.focus();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (dialog.open) return;  // the dialog handles its own keys (Escape closes it)
    var key = event.key;
    if (key === "?") { event.preventDefault(); show(); return; }
    if (!/^[a-z]$/.test(key)) return;
    var entry = entries.querySelector('[data-key="' + key + '"]');
    if (!entry) return;
    event.preventDefault();
    run(entry);
  });
})();
