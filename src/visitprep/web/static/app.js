// Comfort only: the page works the same with JavaScript off.
// - the question list, top-question choices, page count and date read-back follow
//   the answers as they change;
// - Enter in a text box makes the checklist (the first button would only refresh);
// - Print prints the checklist shown in the page.
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  if (form) {
    var timer = null;
    var pending = null;
    var refreshLists = false;
    var update = function () {
      timer = null;
      var data = new FormData(form);
      data.delete("action");
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch("/api/preview", { method: "POST", body: data, signal: pending.signal,
                              credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (!answer) { return; }
          document.getElementById("count").textContent = answer.count;
          document.getElementById("date-readback").textContent = answer.date;
          if (refreshLists) {
            refreshLists = false;
            var review = document.getElementById("review-body");
            var top = document.getElementById("top-body");
            if (!review.contains(document.activeElement)) { review.innerHTML = answer.review; }
            if (!top.contains(document.activeElement)) { top.innerHTML = answer.top; }
          }
        })
        .catch(function () { /* stopped by a newer change, or the server is gone */ });
    };
    var changed = function (event) {
      var name = event.target && event.target.name;
      if (name === "recurrence" || name === "concerns" || name === "own") {
        refreshLists = true;
      }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(update, name === "visit_date" || name === "own" ? 400 : 150);
    };
    form.addEventListener("change", changed);
    form.addEventListener("input", function (event) {
      if (event.target && (event.target.name === "visit_date")) { changed(event); }
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
}());
