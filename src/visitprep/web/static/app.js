// Comfort only: the page works the same with JavaScript off.
// - the question list, step 2's hints, top-question choices, page count and date
//   read-back follow the answers as they change, and the keyboard focus stays where
//   the person is (nothing the focus is in is replaced);
// - "Show my questions" is not needed, so it is hidden (one key less to pass);
// - Enter in a text box makes the checklist (the first button would only refresh);
// - Print prints the checklist shown in the page.
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  if (form) {
    var timer = null;
    var pending = null;
    var refreshLists = false;  // a change since the last request asks for the lists
    var pendingLists = false;  // the request on its way redraws them
    var showDateError = false;
    var update = document.getElementById("review-update");
    if (update) { update.hidden = true; }
    var liveEmpty = function () {
      var empty = document.getElementById("review-empty");
      if (empty && empty.getAttribute("data-live")) {
        empty.textContent = empty.getAttribute("data-live");
      }
    };
    liveEmpty();
    var setText = function (id, value) {
      var element = document.getElementById(id);
      if (element && element.textContent !== value) { element.textContent = value; }
    };
    var refresh = function () {
      timer = null;
      var data = new FormData(form);
      data.delete("action");
      // Whether this answer redraws the lists is settled now, not when it arrives: a
      // change made while an earlier answer is on its way must not be lost to it, and a
      // request stopped for a newer one hands its redraw on to it.
      var lists = refreshLists || pendingLists;
      refreshLists = false;
      pendingLists = lists;
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var withError = showDateError;
      showDateError = false;
      fetch("/api/preview", { method: "POST", body: data, signal: pending.signal,
                              credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (!answer) { return; }
          pendingLists = false;
          setText("count", answer.count);
          setText("date-readback", answer.date || (withError ? answer.date_error : ""));
          Object.keys(answer.hints || {}).forEach(function (id) {
            setText("concerns-" + id + "-hint", answer.hints[id]);
          });
          if (answer.concerns_intro) { setText("concerns-group-hint", answer.concerns_intro); }
          if (lists) {
            var review = document.getElementById("review-body");
            if (!review.contains(document.activeElement)) {
              review.innerHTML = answer.review;
              liveEmpty();
            }
          }
          refreshTop(answer.top_groups);
        })
        .catch(function () { /* stopped by a newer change, or the server is gone */ });
    };
    // The top-question lists offer what the list holds now; a choice still offered stays.
    var refreshTop = function (groups) {
      var selects = document.querySelectorAll("#top-body select");
      Array.prototype.forEach.call(selects, function (select) {
        var current = select.value;
        var none = select.options[0];
        while (select.options.length > 1) { select.remove(1); }
        while (select.children.length > 1) { select.removeChild(select.lastChild); }
        groups.forEach(function (group) {
          var parent = select;
          if (group[0]) {
            parent = document.createElement("optgroup");
            parent.label = group[0];
            select.appendChild(parent);
          }
          group[1].forEach(function (pair) {
            var option = document.createElement("option");
            option.value = pair[0];
            option.textContent = pair[1];
            option.selected = pair[0] === current;
            parent.appendChild(option);
          });
        });
        if (select.value !== current) { none.selected = true; }
      });
    };
    var changed = function (event, typing) {
      var name = event.target && event.target.name;
      if (name === "recurrence" || name === "concerns" || name === "length") {
        refreshLists = true;
      }
      // A date still being typed is read back when it reads; why it does not read is
      // said once the person leaves the box.
      if (name === "visit_date") { showDateError = !typing; }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(refresh, name === "visit_date" || name === "own" ? 400 : 150);
    };
    form.addEventListener("change", function (event) { changed(event, false); });
    form.addEventListener("input", function (event) {
      if (event.target && (event.target.name === "visit_date")) { changed(event, true); }
    });
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key === "Enter" && target && target.tagName === "INPUT" &&
          target.type === "text") {
        event.preventDefault();
        var make = document.getElementById("make");
        if (form.requestSubmit) { form.requestSubmit(make); } else { make.click(); }
      }
    });
  }
  var print = document.getElementById("print");
  var frame = document.getElementById("preview");
  if (print && frame) {
    print.addEventListener("click", function (event) {
      try {
        frame.contentWindow.focus();
        frame.contentWindow.print();
        event.preventDefault();
      } catch (e) { /* the link opens the PDF in a new tab, to print from there */ }
    });
  }
  // The sentence for browsers that cannot show a PDF in the page, only where it is true.
  var fallback = document.getElementById("preview-fallback");
  if (fallback && navigator.pdfViewerEnabled === true) { fallback.hidden = true; }
  // A clinic list takes a while to print: after a second, say so, and count the time.
  var clinic = document.getElementById("clinic-form");
  var working = document.getElementById("working");
  if (clinic && working) {
    clinic.addEventListener("submit", function () {
      var input = document.getElementById("csv");
      var file = input && input.files && input.files[0];
      if (!file) { return; }
      var rows = null;
      var started = Date.now();
      var say = function () {
        var text = rows ? clinic.dataset.workingRows.replace("{rows}", rows)
          : clinic.dataset.working;
        working.textContent = "";
        var line = document.createElement("p");
        line.textContent = text.replace("{name}", file.name);
        var bar = document.createElement("progress");
        bar.setAttribute("aria-hidden", "true");
        var elapsed = document.createElement("p");
        elapsed.className = "elapsed";
        elapsed.setAttribute("aria-hidden", "true");
        working.appendChild(line);
        working.appendChild(bar);
        working.appendChild(elapsed);
        var tick = function () {
          var seconds = Math.round((Date.now() - started) / 1000);
          elapsed.textContent = clinic.dataset.elapsed.replace("{seconds}", seconds);
        };
        tick();
        setInterval(tick, 1000);
      };
      if (file.text && file.size < 5000000) {
        file.text().then(function (content) {
          rows = content.split(/\r\n|\n|\r/).filter(function (line) {
            return line.trim() !== "";
          }).length - 1;
        }).catch(function () { rows = null; });
      }
      setTimeout(say, 1000);
      document.getElementById("print-list").setAttribute("aria-disabled", "true");
    });
  }
}());
