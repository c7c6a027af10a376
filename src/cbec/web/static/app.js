/* Behaviour every page shares, kept in a file so the CSP needs no inline script: selects and boxes marked
   data-autosubmit send their form when changed; a box marked data-select-all="NAME" ticks or clears every box
   named NAME in its table (the review queue's "choose all on this page"). */
document.addEventListener("change", function (event) {
  "use strict";
  var field = event.target;
  if (field && field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
});

document.addEventListener("change", function (event) {
  "use strict";
  var box = event.target;
  if (!box || !box.hasAttribute || !box.hasAttribute("data-select-all")) return;
  var table = box.closest("table");
  if (!table) return;
  var boxes = table.querySelectorAll('input[type="checkbox"][name="' + box.getAttribute("data-select-all") + '"]');
  Array.prototype.forEach.call(boxes, function (each) { each.checked = box.checked; });
});
