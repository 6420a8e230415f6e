(function () {
  "use strict";
  var table = document.getElementById("item-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var status = document.getElementById("f-status");
  var category = document.getElementById("f-category");
  var file = document.getElementById("f-file");
  var text = document.getElementById("f-text");
  var count = document.getElementById("f-count");
  function has(list, value) { return (" " + list + " ").indexOf(" " + value + " ") >= 0; }
  function apply() {
    var s = status.value, c = category.value, f = file.value, q = text.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var cats = row.getAttribute("data-cats");
      var list = cats ? cats.split("|") : [];
      var ok = (!s || has(row.getAttribute("data-flags"), s)) &&
        (!c || (c === "__any" ? list.length > 0 : c === "__none" ? list.length === 0 : list.indexOf(c) >= 0)) &&
        (!f || row.getAttribute("data-file") === f) &&
        (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 行";
  }
  var controls = {status: status, category: category, file: file, q: text};
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var at = pair.indexOf("=");
    if (at > 0 && controls.hasOwnProperty(pair.slice(0, at))) {
      try { controls[pair.slice(0, at)].value = decodeURIComponent(pair.slice(at + 1)); } catch (e) { /* ignore */ }
    }
  });
  [status, category, file].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    status.value = ""; category.value = ""; file.value = ""; text.value = ""; apply();
  });
  apply();
}());
