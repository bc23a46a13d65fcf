/* Filter the centres index (各中心) by district and street: each district's table carries
   data-gs-district (its district) and marks its street column's heading data-gs-street; a
   district none of whose centres is shown is hidden with its heading. Without JavaScript every
   table is shown; the controls exist only when this runs.

   The day: a centre's pages print nothing of the day they were made on (they are kept while
   the centre's records, which of its disclosures are published and its rule results stay the
   same). They carry, in <script type="application/json" class="gs-day">
   (generator/site/today.py, with every word printed), the data today's opening, this week's
   activities, whether an activity is still to come and the state of each disclosure not
   published yet (未到期, 即将到期, 逾期未公布, with the days left or overdue: the page itself
   prints only its due date) are computed from; here they are computed
   for the reader's day in China (UTC+8), whatever the reader's own time zone. The day the site
   was last updated, which dates the compliance check, is read from data/updated.json beside
   this script's folder; without it the check is shown undated. Record text is only ever set
   as text (textContent), never as HTML. */
(function () {
  "use strict";

  /* this script's own address, to find data/updated.json from any page (read while it runs) */
  var SCRIPT = document.currentScript ? document.currentScript.src : "";

  function cellText(row, index) {
    var cell = index >= 0 ? row.cells[index] : null;
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

  /* The heading just before a district's table (or before the figure holding it). */
  function headingOf(table) {
    var block = table.closest("figure") || table;
    var prev = block.previousElementSibling;
    return prev && /^H[1-6]$/.test(prev.tagName) ? prev : null;
  }

  function setUp() {
    var box = document.getElementById("gs-filter");
    if (!box || box.dataset.ready) return;
    var groups = [];
    var rows = [];
    Array.prototype.forEach.call(document.querySelectorAll("table[data-gs-district]"), function (table) {
      var streetHead = table.querySelector("thead [data-gs-street]");
      var group = {
        district: table.getAttribute("data-gs-district"),
        block: table.closest("figure") || table,
        heading: headingOf(table),
        rows: []
      };
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var entry = {
            row: row,
            district: group.district,
            street: cellText(row, streetHead ? streetHead.cellIndex : -1)
          };
          group.rows.push(entry);
          rows.push(entry);
        });
      });
      groups.push(group);
    });
    if (!rows.length) return;
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
      groups.forEach(function (group) {
        var any = false;
        group.rows.forEach(function (e) {
          var ok = (!d || e.district === d) && (!s || e.street === s);
          e.row.hidden = !ok;
          if (ok) { shown += 1; any = true; }
        });
        group.block.hidden = !any;
        if (group.heading) group.heading.hidden = !any;
      });
      status.textContent = "显示 " + shown + " 个中心";
    }

    fill(district.select, unique(groups.map(function (g) { return g.district; })));
    function refillStreets() {
      var d = district.select.value;
      fill(street.select, unique(rows.filter(function (e) {
        return !d || e.district === d;
      }).map(function (e) { return e.street; })));
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

  /* Tables of three columns or more read as stacked rows on a phone (gongshi.css): each cell
     carries its column's name. A table that still overflows its box gets a scroll cue. */
  function stackTables() {
    var tables = document.querySelectorAll(".md-typeset table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.closest(".gs-calendar") || table.hasAttribute("data-gs-stack")) return;
      var heads = table.tHead ? table.tHead.rows[0] : null;
      if (!heads || heads.cells.length < 3) return;
      var names = Array.prototype.map.call(heads.cells, function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          Array.prototype.forEach.call(row.cells, function (cell, i) {
            if (names[i]) cell.setAttribute("data-label", names[i]);
          });
        });
      });
      table.setAttribute("data-gs-stack", "");
    });
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("data-gs-scrolls", "");
      else box.removeAttribute("data-gs-scrolls");
    });
  }

  /* ------------------------------------------------------------ the reader's day */

  var DAY = 86400000;
  var CHINA = 8 * 3600000; /* China Standard Time, UTC+8, no summer time */

  function chinaToday() {
    return new Date(Date.now() + CHINA).toISOString().slice(0, 10);
  }

  function stamp(iso) { /* an ISO date as a UTC time value, for date arithmetic */
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }

  function isoOf(time) { return new Date(time).toISOString().slice(0, 10); }

  function daysBetween(from, to) { return Math.round((stamp(to) - stamp(from)) / DAY); }

  function addDays(iso, n) { return isoOf(stamp(iso) + n * DAY); }

  function weekdayOf(iso) { return (new Date(stamp(iso)).getUTCDay() + 6) % 7; } /* 0: Monday */

  function fillIn(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  /* the day arithmetic other scripts of the site share (assets/officers.js) */
  window.gongshiDay = {
    chinaToday: chinaToday,
    stamp: stamp,
    daysBetween: daysBetween,
    fillIn: fillIn
  };

  function dayData() {
    var script = document.querySelector("script.gs-day");
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (e) {
      return null;
    }
  }

  function Words(data) {
    var w = data.words;
    this.word = function (key, values) { return fillIn(w[key], values || {}); };
    this.date = function (iso) {
      var p = iso.split("-");
      return fillIn(w.date, { y: +p[0], m: +p[1], d: +p[2] });
    };
    this.day = function (iso) {
      return fillIn(w.day, { date: this.date(iso), weekday: data.weekdays[weekdayOf(iso)] });
    };
  }

  /* The exception covering a day (the last one listed wins), as OpeningHours.sessions_on. */
  function exceptionOn(hours, iso) {
    for (var i = hours.exceptions.length - 1; i >= 0; i -= 1) {
      var e = hours.exceptions[i];
      if (e.from <= iso && iso <= e.to) return e;
    }
    return null;
  }

  function todayStatus(hours, iso, words) {
    var exc = exceptionOn(hours, iso);
    if (exc && exc.closed) return words.word("closed", { reason: exc.reason });
    var sessions = exc ? exc.sessions : hours.weekly[weekdayOf(iso)];
    if (!sessions.length) return words.word("shut");
    var text = sessions.join(words.word("sep"));
    if (exc) return words.word("open_note", { sessions: text, reason: exc.reason });
    return words.word("open", { sessions: text });
  }

  function showToday(data, today, words) {
    if (!data.hours) return;
    Array.prototype.forEach.call(document.querySelectorAll('[data-gs="today"]'), function (el) {
      var strong = document.createElement("strong");
      strong.textContent = words.day(today);
      el.textContent = "";
      el.appendChild(strong);
      el.appendChild(document.createTextNode("\u3000" + todayStatus(data.hours, today, words)));
    });
  }

  function showChanges(data, today) {
    if (!data.hours) return;
    var horizon = addDays(today, data.hours.upcoming_days);
    var shown = 0;
    var rows = document.querySelectorAll("[data-gs-change]");
    Array.prototype.forEach.call(rows, function (row) {
      var e = data.hours.exceptions[+row.getAttribute("data-gs-change")];
      var near = !!e && e.to >= today && e.from <= horizon;
      row.hidden = !near;
      if (near) shown += 1;
    });
    var table = document.querySelector('[data-gs="upcoming"]');
    if (table) table.hidden = shown === 0;
    var none = document.querySelector('[data-gs="upcoming-none"]');
    if (none) none.hidden = shown > 0;
  }

  function showWeek(data, today, words) {
    var list = document.querySelector('[data-gs="week"]');
    if (!list || !data.week) return;
    var monday = addDays(today, -weekdayOf(today));
    var sunday = addDays(monday, 6);
    list.textContent = "";
    var count = 0;
    data.week.forEach(function (a) {
      if (a.date < monday || a.date > sunday) return;
      var item = document.createElement("li");
      item.appendChild(span("gs-nw", words.day(a.date)));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(span("gs-nw", a.time));
      item.appendChild(document.createTextNode(" "));
      var link = document.createElement("a");
      link.setAttribute("href", a.href);
      link.textContent = a.title;
      item.appendChild(link);
      item.appendChild(document.createTextNode("（" + a.room + "）" + a.note));
      if (a.description) {
        item.appendChild(document.createElement("br"));
        item.appendChild(span("gs-desc", a.description));
      }
      if (a.signup) {
        item.appendChild(document.createElement("br"));
        item.appendChild(span("gs-signup", words.word("signup", { signup: a.signup })));
      }
      if (a.date === today) item.className = "gs-is-today";
      list.appendChild(item);
      count += 1;
    });
    list.hidden = count === 0;
    var none = document.querySelector('[data-gs="week-none"]');
    if (none) {
      none.textContent = words.word("week_none");
      none.hidden = count > 0;
    }
  }

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  /* A month plan: mark the reader's day in the agenda and the calendar, and the reader's
     week, each with a word (not colour alone). */
  function markToday(data, today, words) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-gs-date]"), function (el) {
      var on = el.getAttribute("data-gs-date") === today;
      el.classList.toggle("gs-is-today", on);
      var mark = el.querySelector(".gs-mark");
      if (on && !mark) {
        var target = el.querySelector("h4, strong") || el;
        target.appendChild(span("gs-mark", words.word("today_mark")));
      } else if (!on && mark) {
        mark.remove();
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-gs-week]"), function (el) {
      var on = el.getAttribute("data-gs-week") <= today && today <= el.getAttribute("data-gs-week-to");
      el.classList.toggle("gs-this-week", on);
      var head = el.querySelector("h3");
      if (on && head && !head.querySelector(".gs-mark")) {
        head.appendChild(span("gs-mark", words.word("week_mark")));
      }
    });
  }

  function showActivities(data, today, words) {
    if (!data.planned) return;
    var items = document.querySelectorAll("[data-gs-activity]");
    Array.prototype.forEach.call(items, function (item) {
      var date = data.planned[item.getAttribute("data-gs-activity")];
      if (!date) return;
      item.textContent = words.word(date >= today ? "to_come" : "unrecorded");
    });
  }

  /* The state of a disclosure not published yet on the reader's day, with its days: the
     label and the count, as site.today.due_state and calendar.state_on (the page prints
     only 最迟应于…公布 in its place). */
  function dueState(due, today, soonDays, words) {
    var left = daysBetween(today, due);
    if (left < 0) return words.word("overdue", { state: words.word("missing"), n: -left });
    if (left === 0) return words.word("due_today", { state: words.word("due") });
    return words.word("left", { state: words.word(left <= soonDays ? "due" : "upcoming"), n: left });
  }

  function showDue(data, today, words) {
    if (!data.due) return;
    var cells = document.querySelectorAll("[data-gs-due]");
    Array.prototype.forEach.call(cells, function (cell) {
      var due = data.due[cell.getAttribute("data-gs-due")];
      if (due) cell.textContent = dueState(due, today, data.soon_days, words);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-gs="as-of"]'), function (el) {
      el.textContent = words.word("states", { when: words.word("now", { date: words.date(today) }) });
    });
  }

  /* The compliance page: the day the site was last updated, when data/updated.json says it. */
  function showChecked(words) {
    var spans = document.querySelectorAll('[data-gs="checked"]');
    if (!spans.length || !SCRIPT || !window.fetch) return;
    var url;
    try {
      url = new URL("../data/updated.json", SCRIPT).href;
    } catch (e) {
      return;
    }
    fetch(url, { cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (updated) {
        var day = updated && updated.day;
        if (typeof day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
        Array.prototype.forEach.call(spans, function (span) {
          span.textContent = words.word("checked", { date: words.date(day) });
          span.hidden = false;
        });
      })
      .catch(function () { /* no date: the check is shown undated */ });
  }

  function showDay() {
    var data = dayData();
    if (!data || !data.words) return;
    var today = chinaToday();
    var words = new Words(data);
    showToday(data, today, words);
    showChanges(data, today);
    showWeek(data, today, words);
    showActivities(data, today, words);
    markToday(data, today, words);
    showDue(data, today, words);
    showChecked(words);
    document.documentElement.setAttribute("data-gs-day", today);
  }

  function ready() {
    setUp();
    stackTables();
    labelScrollBoxes();
    showDay();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
