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
      var browser = row.kind === "browser" ? row : row.browser;
      if (browser) {
        var browserState = item.querySelector('[data-role="browser-state"]');
        if (browserState) {
          browserState.textContent = browser.label + (browser.reason ? ": " : "");
          if (browser.reason) {
            var why = document.createElement("bdi");
            why.textContent = browser.reason;
            browserState.appendChild(why);
          }
        }
        if (browser.screenshot) showScreenshot(item, browser);
      }
      if (link && (row.state === "archived" || row.state === "partial") && row.id) {
        link.href = "/captures/" + row.id + "/";
        if (row.state === "partial") link.textContent = "Read what arrived";
        link.hidden = false;
      }
    });
  }

  // A browser capture that has just finished: its screenshot as a thumbnail opening the full view.
  function showScreenshot(item, row) {
    if (item.querySelector('[data-role="screenshot-thumb"][src="' + row.screenshot + '"]')) return;
    var old = item.querySelector('[data-role="browser-capture"]');
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "browser-capture";
    box.dataset.role = "browser-capture";
    var full = document.createElement("a");
    full.href = row.screenshot;
    full.target = "_blank";
    full.rel = "noopener";
    full.dataset.role = "screenshot-full";
    var img = document.createElement("img");
    img.src = row.screenshot;
    img.alt = "Screenshot of the page as the browser rendered it (opens the full view)";
    img.width = 240;
    img.className = "screenshot-thumb";
    img.dataset.role = "screenshot-thumb";
    full.appendChild(img);
    box.appendChild(full);
    var head = document.createElement("p");
    head.className = "row-meta";
    var title = document.createElement("strong");
    title.textContent = "Browser capture";
    var label = document.createElement("span");
    label.dataset.role = "browser-state";
    label.textContent = row.label + (row.reason ? ": " : "");
    if (row.reason) {
      var why = document.createElement("bdi");
      why.textContent = row.reason;
      label.appendChild(why);
    }
    head.append(title, ": ", label);
    box.appendChild(head);
    var meta = document.createElement("p");
    meta.className = "row-meta";
    var provenance = document.createElement("a");
    provenance.href = "/captures/" + row.id + "/provenance/";
    provenance.dataset.role = "provenance-link";
    provenance.textContent = "Provenance of the browser capture";
    meta.appendChild(provenance);
    box.appendChild(meta);
    item.querySelector(".source-capture").after(box);
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
