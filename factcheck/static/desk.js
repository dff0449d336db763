// Live capture states on the claim page: poll while any capture is queued or fetching.
(function () {
  "use strict";
  var list = document.getElementById("sources");
  if (!list || !list.dataset.poll) return;
  var url = list.dataset.poll;

  function render(rows) {
    rows.forEach(function (row) {
      var item = list.querySelector('[data-evidence="' + row.evidence + '"]');
      if (!item) return;
      var state = item.querySelector('[data-role="capture-state"]');
      var link = item.querySelector('[data-role="capture-link"]');
      state.className = "capture capture-" + row.state;
      state.textContent = row.label + (row.reason ? ": " : "");
      if (row.reason) {
        // The reason may quote a remote server: isolated, as the page's `bdi` filter does.
        var reason = document.createElement("bdi");
        reason.textContent = row.reason;
        state.appendChild(reason);
      }
      var text = item.querySelector('[data-role="capture-text"]');
      if (text) {
        text.className = "capture-text capture-text-" + row.text_status;
        var rereading = row.text_status === "pending" && row.pending && row.state !== "queued"
          && row.state !== "fetching";
        var problem = row.text_problem && row.state === "archived";
        text.textContent = problem ? row.text_label + ": " + row.text_reason
          : (rereading ? "Reading the text again…" : "");
        text.hidden = !problem && !rereading;
      }
      var pack = item.querySelector('[data-role="capture-package"]');
      if (pack && row.package) {
        // The WACZ package: packaging, signed, timestamped, or why not (reason isolated).
        var label = pack.querySelector('[data-role="package-label"]');
        pack.className = "capture-package capture-package-" + row.package.state;
        label.textContent = row.package.label + (row.package.problem ? ": " : "");
        if (row.package.problem) {
          var why = document.createElement("bdi");
          why.textContent = row.package.problem;
          label.appendChild(why);
        }
        var download = pack.querySelector('[data-role="package-download"]');
        if (download && row.package.wacz_url) {
          download.href = row.package.wacz_url;
          download.hidden = false;
        }
        pack.hidden = row.package.state === "none";
      }
      if (link && (row.state === "archived" || row.state === "partial") && row.id) {
        link.href = "/captures/" + row.id + "/";
        if (row.state === "partial") link.textContent = "Read what arrived";
        link.hidden = false;
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        render(data.captures);
        if (data.pending) window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (list.dataset.pending === "1") window.setTimeout(poll, 1000);
})();
