// Live navigation: poll the person's counts (as desk.js polls capture states) and keep the
// badges, My work and the notification list up to date without a reload.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.live;
  if (!url || !window.fetch) return;
  var interval = parseInt(body.dataset.liveInterval, 10) || 10000;

  function setBadge(name, n, label) {
    document.querySelectorAll('[data-live-count="' + name + '"]').forEach(function (badge) {
      badge.textContent = n ? label : "";
      badge.hidden = !n;
    });
  }

  function announce(region, text) {
    var status = document.querySelector("[data-live-announce]");
    if (status) status.textContent = text;
  }

  function refresh(region, version) {
    fetch(region.dataset.liveRefresh, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        // Keep the focus where it was when the element still exists after the swap.
        var focused = document.activeElement && region.contains(document.activeElement)
          ? document.activeElement.id : "";
        region.innerHTML = html;
        region.dataset.liveVersion = version;
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
        announce(region, region.dataset.liveMessage || "Updated.");
      })
      .catch(function () {});
  }

  function poll() {
    if (document.hidden) { window.setTimeout(poll, interval); return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) {
          setBadge("waiting", data.waiting, data.labels.waiting);
          setBadge("unread", data.unread, data.labels.unread);
          Object.keys(data.counts).forEach(function (key) {
            setBadge(key, data.counts[key], data.labels[key]);
          });
          document.querySelectorAll("[data-live-refresh]").forEach(function (region) {
            if (region.dataset.liveVersion !== data.version) refresh(region, data.version);
          });
        }
        window.setTimeout(poll, interval);
      })
      .catch(function () { window.setTimeout(poll, interval * 2); });
  }

  poll();
})();
