// An article imported from a URL waits for its capture: poll, then show the text when it lands.
(function () {
  "use strict";
  var status = document.getElementById("import-status");
  if (!status || !status.dataset.poll) return;
  function poll() {
    fetch(status.dataset.poll, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.import_state !== "waiting") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
