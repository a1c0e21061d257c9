// contractgen docs: offline filtering of the index page. The entries come from the JSON
// embedded in the page, so this works opened from the file system as well as from a server.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var data = document.getElementById("search-index");
  if (!input || !data) { return; }
  var entries = JSON.parse(data.textContent);
  var textById = {};
  entries.forEach(function (entry) { textById[entry.id] = (entry.kind + " " + entry.text).toLowerCase(); });
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-entry]"));
  var count = document.getElementById("search-count");
  var none = document.getElementById("no-match");

  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = textById[row.getAttribute("data-entry")] || "";
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.classList.toggle("hidden", !match);
      if (match) { shown += 1; }
    });
    count.textContent = words.length ? shown + " of " + rows.length + " shown" : "";
    none.hidden = shown !== 0;
  }

  input.addEventListener("input", apply);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  apply();
})();
