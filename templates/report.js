(function () {
  "use strict";
  // The item table: rows come from the JSON block #item-data and are written into the page as text (never as
  // markup), a page at a time; filters and paging work on the data.  Printing draws every filtered row.
  var table = document.getElementById("item-table");
  var data = document.getElementById("item-data");
  if (!table || !data) { return; }
  var rows = JSON.parse(data.textContent);
  var body = table.tBodies[0];
  var many = Number(table.getAttribute("data-files")) > 1;
  function texts(id) {  // the names in a <template> (its content is not part of the page)
    var holder = document.getElementById(id);
    var spans = holder ? holder.content.querySelectorAll("span") : [];
    return Array.prototype.map.call(spans, function (s) { return s.textContent; });
  }
  var names = texts("file-names"), sheets = texts("sheet-names");
  // the page's words in its language (from the message table): statuses and the templates below
  var L = {{ js_text|tojson }};
  var label = L.status;
  function say(template, slots) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return String(slots[key]); });
  }
  var status = document.getElementById("f-status");
  var category = document.getElementById("f-category");
  var file = document.getElementById("f-file");
  var text = document.getElementById("f-text");
  var count = document.getElementById("f-count");
  var size = document.getElementById("p-size");
  var at = document.getElementById("p-at");
  var page = 0, shown = rows, printLimit = 5000;
  // row: [n, file, rows, code, name, features, unit, quantity, amount, status, flags, categories, rules,
  //       marks in name, marks in features, page, sheet]
  function place(r) {
    if (r[15]) { return say(L.page, {n: r[15]}); }
    var sheet = sheets[r[16]] || "";
    return (sheet && sheet !== "csv" ? sheet + " " : "") + (r[2] ? say(L.row, {n: r[2]}) : "");
  }
  function has(list, value) { return (" " + list + " ").indexOf(" " + value + " ") >= 0; }
  function cell(tr, value, css) {
    var td = document.createElement("td");
    if (css) { td.className = css; }
    if (value !== null && value !== undefined) { td.textContent = value; }
    tr.appendChild(td);
    return td;
  }
  function marked(td, value, marks) {
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos || m[1] > value.length) { return; }
      td.appendChild(document.createTextNode(value.slice(pos, m[0])));
      var mark = document.createElement("mark");
      mark.className = m[2];
      mark.textContent = value.slice(m[0], m[1]);
      td.appendChild(mark);
      pos = m[1];
    });
    td.appendChild(document.createTextNode(value.slice(pos)));
  }
  function draw(list) {
    var fragment = document.createDocumentFragment();
    list.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = "r-" + r[9];
      tr.setAttribute("data-flags", r[10]);
      tr.setAttribute("data-file", String(r[1]));
      tr.setAttribute("data-cats", r[11]);
      cell(tr, r[0], "num");
      var where = cell(tr, null, "small");
      if (many) { where.appendChild(document.createTextNode(names[r[1]] || "")); where.appendChild(document.createElement("br")); }
      where.appendChild(document.createTextNode(place(r)));
      cell(tr, r[3], "code");
      marked(cell(tr, null, ""), r[4], r[13]);
      marked(cell(tr, null, "pre small"), r[5], r[14]);
      cell(tr, r[6], "");
      cell(tr, r[7], "num");
      cell(tr, r[8], "num");
      var state = cell(tr, null, "");
      var badge = document.createElement("span");
      badge.className = "badge s-" + r[9];
      badge.textContent = label[r[9]];
      state.appendChild(badge);
      if (has(r[10], "waived")) {
        var waived = document.createElement("span");
        waived.className = "badge s-waived";
        waived.textContent = L.waived;
        state.appendChild(waived);
      }
      if (r[12]) {
        var rules = document.createElement("div");
        rules.className = "small muted";
        rules.textContent = r[12];
        state.appendChild(rules);
      }
      cell(tr, r[11].split("|").join(L.sep), "small");
      fragment.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(fragment);
  }
  function pageSize() { return Number(size.value); }
  function render() {
    var n = pageSize(), pages = n ? Math.max(1, Math.ceil(shown.length / n)) : 1;
    page = Math.min(page, pages - 1);
    draw(n ? shown.slice(page * n, page * n + n) : shown);
    at.textContent = say(L.at, {page: page + 1, pages: pages});
  }
  function apply() {
    var s = status.value, c = category.value, f = file.value, q = text.value.trim().toLowerCase();
    shown = rows.filter(function (r) {
      var list = r[11] ? r[11].split("|") : [];
      return (!s || has(r[10], s)) &&
        (!c || (c === "__any" ? list.length > 0 : c === "__none" ? list.length === 0 : list.indexOf(c) >= 0)) &&
        (!f || String(r[1]) === f) &&
        (!q || (r[3] + " " + r[4] + " " + r[5]).toLowerCase().indexOf(q) >= 0);
    });
    page = 0;
    count.textContent = say(L.shown, {shown: shown.length, all: rows.length});
    render();
  }
  var controls = {status: status, category: category, file: file, q: text};
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var eq = pair.indexOf("=");
    if (eq > 0 && controls.hasOwnProperty(pair.slice(0, eq))) {
      try { controls[pair.slice(0, eq)].value = decodeURIComponent(pair.slice(eq + 1)); } catch (e) { /* ignore */ }
    }
  });
  [status, category, file].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  size.addEventListener("change", function () { page = 0; render(); });
  document.getElementById("p-prev").addEventListener("click", function () { page = Math.max(0, page - 1); render(); });
  document.getElementById("p-next").addEventListener("click", function () { page += 1; render(); });
  document.getElementById("f-reset").addEventListener("click", function () {
    status.value = ""; category.value = ""; file.value = ""; text.value = ""; apply();
  });
  window.addEventListener("beforeprint", function () { draw(shown.slice(0, printLimit)); });
  window.addEventListener("afterprint", render);
  apply();
}());
