// paperdex review page: "Select all on this page" ticks every paper's box (kept in a file for the CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("select-all");
    if (!all) return;
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll('input[type="checkbox"][name="paper"][form="bulk"]');
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    });
  });
})();
