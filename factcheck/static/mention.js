// @mentions in the comment box: after "@" and a few letters, a list of desk members to pick from
// (ARIA: the textarea owns a listbox through aria-controls/aria-activedescendant; arrows move,
// Enter or Tab picks, Escape closes). The names come from /people/mentions.json.
(function () {
  "use strict";
  var form = document.querySelector("form[data-mention-url]");
  if (!form || !window.fetch) return;
  var box = form.querySelector("textarea");
  if (!box) return;
  var url = form.dataset.mentionUrl;
  var list = document.createElement("ul");
  list.id = "mention-list";
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People to mention");
  list.hidden = true;
  box.parentNode.insertBefore(list, box.nextSibling);
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  list.parentNode.insertBefore(status, list.nextSibling);
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);
  var help = document.getElementById("mention-help");
  if (help) {
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + help.id);
  }
  var active = -1;
  var asked = "";
  var people = [];

  function query() {
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|[\s(])@([\w.+-]{0,150})$/.exec(before);
    return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
  }

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    active = -1;
    people = [];
    box.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (options[index]) box.setAttribute("aria-activedescendant", options[index].id);
  }

  function pick(index) {
    var q = query();
    var person = people[index];
    if (!q || !person) return;
    var after = box.value.slice(box.selectionStart);
    var inserted = "@" + person.username + " ";
    box.value = box.value.slice(0, q.start) + inserted + after;
    var caret = q.start + inserted.length;
    box.setSelectionRange(caret, caret);
    close();
    box.focus();
  }

  function show(found) {
    people = found;
    list.innerHTML = "";
    if (!found.length) { close(); status.textContent = "Nobody matches."; return; }
    found.forEach(function (person, i) {
      var option = document.createElement("li");
      option.id = "mention-option-" + i;
      option.setAttribute("role", "option");
      option.textContent = "@" + person.username + (person.name ? " (" + person.name + ")" : "");
      option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
      list.appendChild(option);
    });
    list.hidden = false;
    highlight(0);
    status.textContent = found.length + (found.length === 1 ? " person matches" : " people match")
      + ": arrows to choose, Enter to pick.";
  }

  box.addEventListener("input", function () {
    var q = query();
    if (!q) { close(); return; }
    var mine = q.text;
    asked = mine;
    fetch(url + "?q=" + encodeURIComponent(mine), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        var now = query();
        // Only the answer to what the box now says (an earlier, slower answer is dropped).
        if (data && now && now.text === mine && mine === asked) show(data.people);
      })
      .catch(close);
  });

  box.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    var count = people.length;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % count); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + count) % count); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); pick(active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  box.addEventListener("blur", function () { window.setTimeout(close, 150); });
})();
