// Search as you type for the people fields of admin forms (progressive enhancement: without this script they are
// plain email inputs). An input with data-lookup="<url>" and list="<datalist id>" gets its datalist filled with the
// people whose name or email contains what is typed, from the admin-only JSON lookup.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-lookup");
    var timer = null;
    var last = "";
    if (!list || !url) { return; }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text === last || text.length < 2) { return; }
      last = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var target = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
        fetch(target, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { people: [] }; })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            (data.people || []).forEach(function (person) {
              var option = document.createElement("option");
              option.value = person.email;
              option.label = person.name + " (" + person.email + ")";
              option.textContent = person.name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still takes a typed email */ });
      }, 150);
    });
  }
  document.querySelectorAll("input[data-lookup][list]").forEach(attach);
}());
