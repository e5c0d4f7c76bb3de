// paperdex: typeset math in notes after each page load and after htmx swaps in search results.
// Kept in a file (no inline script) so the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var options = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true }
    ],
    throwOnError: false,
    trust: false,
    ignoredClasses: ["no-math"]
  };
  function typeset(root) {
    if (typeof window.renderMathInElement !== "function") return;
    var targets = (root || document).querySelectorAll(".prose, .snippet, .excerpt");
    for (var i = 0; i < targets.length; i++) {
      try { window.renderMathInElement(targets[i], options); } catch (e) { /* a bad formula stays as text */ }
    }
  }
  document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { typeset(ev.target); });
})();
