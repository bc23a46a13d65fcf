/* Filter the home page's centre table by district and street.
   Without JavaScript the full table is shown; the controls exist only when this runs. */
(function () {
  "use strict";

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function makeSelect(labelText, id) {
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = labelText;
    var select = document.createElement("select");
    select.id = id;
    label.appendChild(select);
    return { label: label, select: select };
  }

  function fill(select, values) {
    var current = select.value;
    select.textContent = "";
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "全部";
    select.appendChild(all);
    values.forEach(function (v) {
      var opt = document.createElement("option");
      opt.value = v;
      opt.textContent = v;
      select.appendChild(opt);
    });
    select.value = values.indexOf(current) >= 0 ? current : "";
  }

  function unique(list) {
    return list.filter(function (v, i) { return v && list.indexOf(v) === i; });
  }

  function setUp() {
    var box = document.getElementById("gs-filter");
    if (!box || box.dataset.ready) return;
    var table = null;
    var next = box.nextElementSibling;
    while (next && !table) {
      table = next.tagName === "TABLE" ? next : next.querySelector("table");
      next = next.nextElementSibling;
    }
    if (!table || !table.tBodies.length) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var district = makeSelect("所在区", "gs-filter-district");
    var street = makeSelect("街道", "gs-filter-street");
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.className = "gs-filter-status";
    box.appendChild(district.label);
    box.appendChild(street.label);
    box.appendChild(status);

    function apply() {
      var d = district.select.value;
      var s = street.select.value;
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!d || cellText(row, 1) === d) && (!s || cellText(row, 2) === s);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      status.textContent = "显示 " + shown + " 个中心";
    }

    fill(district.select, unique(rows.map(function (r) { return cellText(r, 1); })));
    function refillStreets() {
      var d = district.select.value;
      fill(street.select, unique(rows.filter(function (r) {
        return !d || cellText(r, 1) === d;
      }).map(function (r) { return cellText(r, 2); })));
    }
    refillStreets();
    district.select.addEventListener("change", function () { refillStreets(); apply(); });
    street.select.addEventListener("change", apply);
    box.hidden = false;
    box.dataset.ready = "1";
    apply();
  }

  /* Wide tables scroll sideways on a phone: make each scrolling box reachable and named for
     keyboard and screen-reader users (WCAG 2.1.1), using the table's caption as its name. */
  function labelScrollBoxes() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var figure = box.closest("figure");
      var caption = figure ? figure.querySelector("figcaption") : null;
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格");
    });
  }

  function ready() {
    setUp();
    labelScrollBoxes();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
