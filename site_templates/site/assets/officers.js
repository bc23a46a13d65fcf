/* The city view for district officers (officers.md.j2): sort by any column, filter by district
   and street, and compute the two columns that move with the day (逾期未公布, 下一项应公布)
   again for the reader's day in China (UTC+8), whatever the reader's own time zone.

   Without JavaScript the page is a plain table as it stood on the day it was made. The data
   comes from <script type="application/json" id="gs-of-data"> (generator/site/officers.py):
   the day the page was made, every word printed (the page prints the same words) and each
   centre's disclosures not yet published with their due dates. Text is only ever set with
   textContent; nothing is requested from anywhere. */
(function () {
  "use strict";

  /* the reader's day in China and the site's wording, from assets/gongshi.js (loaded on every
     page; both scripts run their set-up once the page is parsed) */
  function chinaToday() { return window.gongshiDay.chinaToday(); }

  function daysBetween(from, to) { return window.gongshiDay.daysBetween(from, to); }

  function fillIn(template, values) { return window.gongshiDay.fillIn(template, values); }

  function readData() {
    var script = document.getElementById("gs-of-data");
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (e) {
      return null;
    }
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  /* ------------------------------------------------------------ the reader's day */

  function Words(data) {
    var w = data.words;
    this.word = function (key, values) { return fillIn(w[key], values || {}); };
    this.date = function (iso) {
      var p = iso.split("-");
      return fillIn(w.date, { y: +p[0], m: +p[1], d: +p[2] });
    };
  }

  /* As site.today.due_state: 未到期（还有 N 天）, 即将到期（今日到期）, 逾期未公布（逾期 N 天）. */
  function dueState(due, today, soonDays, words) {
    var left = daysBetween(today, due);
    if (left < 0) return words.word("overdue", { state: words.word("missing"), n: -left });
    if (left === 0) return words.word("due_today", { state: words.word("due") });
    return words.word("left", { state: words.word(left <= soonDays ? "due" : "upcoming"), n: left });
  }

  function setCell(cell, text, sort, note) {
    var link = cell.querySelector("a");
    (link || cell).textContent = text;
    cell.setAttribute("data-sort", String(sort));
    var extra = cell.querySelector(".gs-of-note");
    if (extra) {
      extra.textContent = note;
      extra.hidden = !note;
    }
  }

  function showDay(data, table, today) {
    var words = new Words(data);
    each(table.tBodies[0].rows, function (row) {
      var pending = data.pending[row.getAttribute("data-of-centre")];
      if (!pending) return;
      var late = pending.filter(function (p) { return p[0] < today; });
      var next = pending.filter(function (p) { return p[0] >= today; })[0];
      var overdue = row.querySelector('[data-of="overdue"]');
      if (overdue) {
        setCell(overdue, words.word("count", { n: late.length }), late.length,
          late.map(function (p) {
            return words.word("late_item", { title: p[1], date: words.date(p[0]) });
          }).join(words.word("sep")));
      }
      var cell = row.querySelector('[data-of="next"]');
      if (cell) {
        if (next) {
          setCell(cell, words.word("next", {
            title: next[1], state: dueState(next[0], today, data.soon_days, words)
          }), next[0].replace(/-/g, ""), "");
        } else {
          setCell(cell, words.word("none"), "99999999", "");
        }
      }
    });
    var note = document.querySelector('[data-of="day-note"]');
    if (note) {
      note.textContent = words.word("day_note", {
        when: words.word("now", { date: words.date(today) })
      });
    }
    document.documentElement.setAttribute("data-of-day", today);
  }

  /* ------------------------------------------------------------ sorting */

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return numeric ? -Infinity : "";
    if (numeric) {
      var n = parseFloat(cell.getAttribute("data-sort"));
      return isNaN(n) ? -Infinity : n;
    }
    return cell.textContent.trim();
  }

  function makeSorter(table, onSort) {
    var heads = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    var original = Array.prototype.slice.call(body.rows);
    var state = { index: -1, dir: "ascending" };

    function sortBy(index, dir) {
      var numeric = heads[index].getAttribute("data-of-numeric") === "1";
      var rows = original.slice();
      var sign = dir === "descending" ? -1 : 1;
      rows.sort(function (a, b) {
        var x = cellKey(a, index, numeric);
        var y = cellKey(b, index, numeric);
        var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y), "zh-Hans-CN");
        if (c === 0) return original.indexOf(a) - original.indexOf(b);
        return c * sign;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      each(heads, function (th, i) {
        if (i === index) th.setAttribute("aria-sort", dir);
        else th.removeAttribute("aria-sort");
      });
      state.index = index;
      state.dir = dir;
      onSort(index, dir);
    }

    each(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent.trim();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = state.index === index && state.dir === "ascending" ? "descending" : "ascending";
        sortBy(index, dir);
      });
    });
    return { sortBy: sortBy, heads: heads, state: state };
  }

  /* ------------------------------------------------------------ the controls */

  function makeSelect(labelText, id) {
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = labelText;
    var select = document.createElement("select");
    select.id = id;
    label.appendChild(select);
    return { label: label, select: select };
  }

  function option(select, value, text) {
    var opt = document.createElement("option");
    opt.value = value;
    opt.textContent = text;
    select.appendChild(opt);
  }

  function fill(select, values, allText) {
    var current = select.value;
    select.textContent = "";
    option(select, "", allText);
    values.forEach(function (v) { option(select, v, v); });
    select.value = values.indexOf(current) >= 0 ? current : "";
  }

  function unique(list) {
    return list.filter(function (v, i) { return v && list.indexOf(v) === i; });
  }

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function setUp() {
    var table = document.getElementById("gs-of-table");
    var box = document.getElementById("gs-of-controls");
    var data = readData();
    if (!table || !table.tHead || !table.tBodies.length || !box || !data || !data.words) return;
    if (box.getAttribute("data-ready")) return;
    var words = new Words(data);
    showDay(data, table, chinaToday());

    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var heads = table.tHead.rows[0].cells;
    var col = {};
    each(heads, function (th, i) { col[th.getAttribute("data-of-col")] = i; });

    var district = makeSelect(words.word("district"), "gs-of-district");
    var street = makeSelect(words.word("street"), "gs-of-street");
    var order = makeSelect(words.word("sort"), "gs-of-sort");
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    box.appendChild(district.label);
    box.appendChild(street.label);
    box.appendChild(order.label);
    box.appendChild(status);

    option(order.select, "", "—");
    each(heads, function (th, i) {
      var name = th.textContent.trim();
      option(order.select, i + ":ascending", name + " ↑");
      option(order.select, i + ":descending", name + " ↓");
    });

    var sorter = makeSorter(table, function (index, dir) {
      order.select.value = index + ":" + dir;
    });
    order.select.addEventListener("change", function () {
      if (!order.select.value) return;
      var parts = order.select.value.split(":");
      sorter.sortBy(+parts[0], parts[1]);
    });

    function apply() {
      var d = district.select.value;
      var s = street.select.value;
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!d || cellText(row, col.district) === d) && (!s || cellText(row, col.street) === s);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      status.textContent = words.word("shown", { n: shown, total: rows.length });
    }

    fill(district.select, unique(rows.map(function (r) { return cellText(r, col.district); })),
      words.word("all"));
    function refillStreets() {
      var d = district.select.value;
      fill(street.select, unique(rows.filter(function (r) {
        return !d || cellText(r, col.district) === d;
      }).map(function (r) { return cellText(r, col.street); })), words.word("all"));
    }
    refillStreets();
    district.select.addEventListener("change", function () { refillStreets(); apply(); });
    street.select.addEventListener("change", apply);
    box.hidden = false;
    box.setAttribute("data-ready", "1");
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
