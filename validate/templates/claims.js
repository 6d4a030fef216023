(function () {
  "use strict";
  var table = document.getElementById("claims-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("filter-text");
  var count = document.getElementById("visible-count");
  var reset = document.getElementById("filter-reset");
  function state() {
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) { params.set(s.getAttribute("data-filter"), s.value); } });
    if (search.value.trim()) { params.set("q", search.value.trim()); }
    return params;
  }
  function apply() {
    var wanted = selects.filter(function (s) { return s.value !== ""; }).map(function (s) {
      return ["data-" + s.getAttribute("data-filter").replace(/_/g, "-"), s.value];
    });
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = wanted.every(function (w) { return (row.getAttribute(w[0]) || "").split(" ").indexOf(w[1]) >= 0; }) &&
        terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = String(shown);
    var params = state().toString();
    try { history.replaceState(null, "", params ? "#" + params : location.pathname); } catch (e) { /* file:// may refuse */ }
  }
  function load() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") < 0) { return; }
    var params = new URLSearchParams(hash);
    selects.forEach(function (s) {
      var v = params.get(s.getAttribute("data-filter"));
      if (v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) { s.value = v; }
    });
    if (params.get("q")) { search.value = params.get("q"); }
  }
  search.form.addEventListener("submit", function (e) { e.preventDefault(); });
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  reset.addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    search.value = "";
    apply();
  });
  load();
  apply();
})();
