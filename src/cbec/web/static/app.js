/* Behaviour every page shares, kept in a file so the CSP needs no inline script: selects and boxes marked
   data-autosubmit send their form when changed. */
document.addEventListener("change", function (event) {
  "use strict";
  var field = event.target;
  if (field && field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
});
