// Posts the deep-linking answer (a signed JWT) back to the platform as soon as the page loads.
// A file, not an inline script: the Content-Security-Policy forbids inline code.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("lti-deep-link-return");
  if (form) { form.submit(); }
});
