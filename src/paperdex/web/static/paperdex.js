// paperdex: typeset math after each page load and htmx swap; search from anywhere (type, or press /);
// fold the library filters on phones. Kept in a file (no inline script) so the Content-Security-Policy
// can forbid inline scripts.
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
    // An inline formula wider than its column (a phone) scrolls on its own instead of widening the page;
    // narrower ones keep breaking across lines as KaTeX lays them out.
    var inline = (root || document).querySelectorAll(".prose .katex, .snippet .katex, .excerpt .katex");
    for (var j = 0; j < inline.length; j++) {
      var box = inline[j].closest(".prose, .snippet, .excerpt");
      if (box && inline[j].getBoundingClientRect().right > box.getBoundingClientRect().right + 1) {
        inline[j].classList.add("wide-math");
      }
    }
  }

  // "/" focuses the search box, as on GitHub and most docs sites; never while typing in a field.
  function onKey(ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var box = document.getElementById("q") || document.getElementById("quick-q");
    if (!box) return;
    ev.preventDefault();
    box.focus();
    box.select();
  }

  // Typing in the header swaps the search page in (htmx, see base.html). From then on the page's own
  // box carries the query: give it what was typed meanwhile, the caret at the end, and hide the header box.
  function afterHeaderSearch() {
    var quick = document.getElementById("quick-q"), q = document.getElementById("q");
    if (!quick || !q || quick.form.hidden) return;
    var typed = quick.value;
    quick.form.hidden = true;
    quick.value = "";
    q.focus();
    if (typed && q.value !== typed) {
      q.value = typed;
      q.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var end = q.value.length;
    try { q.setSelectionRange(end, end); } catch (e) { /* type=search without selection support */ }
  }

  var FILTER = /[?&](section|reader|source|language|year_from|year_to|resolved|status|tag|has_thoughts)=[^&]/;
  function foldFilters() {
    var filters = document.querySelector("details.filters");
    if (filters && window.matchMedia("(max-width: 800px)").matches && !FILTER.test(window.location.search)) {
      filters.open = false;
    }
  }

  document.addEventListener("DOMContentLoaded", function () { typeset(document); foldFilters(); });
  document.addEventListener("keydown", onKey);
  document.addEventListener("htmx:afterSwap", function (ev) { typeset(ev.target); });
  document.addEventListener("htmx:afterSettle", afterHeaderSearch);
})();
