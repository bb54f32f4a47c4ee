/* Saves the answers of an open attempt as the learner changes them (progressive enhancement: without this
   script, "Save and finish later" does the same).  Loaded from static/ by the attempt page; no inline script. */
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form[data-draft-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-draft-url");
  var status = document.getElementById("draft-status");
  var tokenField = form.querySelector("input[name=csrf_token]");
  var timer = null;
  var dirty = false;
  var inFlight = false;
  var submitting = false;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (inFlight) { timer = window.setTimeout(save, 300); return; }
    dirty = false;
    inFlight = true;
    var headers = { "Accept": "application/json" };
    if (tokenField) { headers["X-CSRFToken"] = tokenField.value; }
    say("Saving…");
    fetch(url, { method: "POST", body: new FormData(form), headers: headers, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; },
                                    function () { return { ok: false, body: {} }; });
      })
      .then(function (result) {
        if (result.ok && result.body.label) { say(result.body.label); return; }
        dirty = true;
        say(result.body.message || "Not saved. Your answers are still on this page; try “Save and finish later”.");
      })
      .catch(function () {
        dirty = true;
        say("Not saved: no connection. Your answers are still on this page and are saved when the connection is back.");
      })
      .then(function () { inFlight = false; });
  }

  function changed() {
    dirty = true;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 400);
  }

  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("online", function () { if (dirty) { changed(); } });
  // A tab closed (or a page left) within the pause before saving: send the last change with the page.
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting && navigator.sendBeacon) {
      var data = new FormData(form);
      data.append("via", "beacon");  // answered without a redirect or a message for the next page
      navigator.sendBeacon(url, data);
    }
  });
  if (status && status.textContent.indexOf("Saved at") !== 0) { say("Your answers are saved as you change them."); }
}());
