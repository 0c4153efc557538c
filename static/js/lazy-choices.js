// Searchable drop-downs (templates/includes/lazy_select.html): the <select> holds "All" and the
// chosen value; typing in the search box above it, or opening it, loads the first matches from
// the page's choices endpoint. No library: a fetch and a few DOM calls.
(function () {
  "use strict";
  function setup(search) {
    var select = document.getElementById(search.getAttribute("aria-controls"));
    if (!select) return;
    var timer = null;
    var loaded = null;
    function load() {
      var q = search.value.trim();
      if (loaded === q) return;
      loaded = q;
      var url = search.dataset.lazyChoices + "?field=" + encodeURIComponent(search.dataset.lazyField) + "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          var chosen = select.value;
          var keep = Array.prototype.filter.call(select.options, function (o) { return o.value === "" || o.value === chosen; });
          select.replaceChildren.apply(select, keep);
          data.results.forEach(function (item) {
            if (item.value === chosen) return;
            select.add(new Option(item.label, item.value));
          });
        });
    }
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 200); });
    select.addEventListener("focus", load, { once: true });
    select.addEventListener("pointerdown", load, { once: true });
  }
  function init() { document.querySelectorAll("[data-lazy-choices]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
