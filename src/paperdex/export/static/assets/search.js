/* paperdex static site search: MiniSearch over window.PAPERDEX_INDEX (search-index.js).
 * The index is a script, not JSON fetched at run time, because browsers block fetch() from file://.
 * Results are built with textContent only: note text is untrusted and never parsed as HTML. */
(function (root) {
  "use strict";

  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
  var CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/g;

  /* Words for Latin/Cyrillic text; single characters and bigrams for Chinese/Japanese/Korean runs,
   * which have no spaces between words. */
  function tokenize(text) {
    var out = [];
    var rest = String(text || "").replace(CJK_RUN, function (run) {
      for (var i = 0; i < run.length; i++) {
        out.push(run[i]);
        if (i + 1 < run.length) out.push(run.slice(i, i + 2));
      }
      return " ";
    });
    rest.split(/[^\p{L}\p{N}]+/u).forEach(function (w) { if (w) out.push(w); });
    return out;
  }

  function build(docs) {
    var engine = new root.MiniSearch({
      idField: "id",
      fields: ["title", "authors", "sections", "readers", "text", "ids"],
      storeFields: ["title", "year", "href", "sections", "readers", "text"],
      tokenize: tokenize,
      processTerm: function (t) { return t.toLowerCase(); },
      searchOptions: {
        boost: { title: 3, ids: 3, authors: 2 },
        prefix: function (term) { return !CJK.test(term) && term.length > 2; },
        fuzzy: function (term) { return CJK.test(term) ? false : term.length > 4 ? 0.2 : false; },
        combineWith: "AND"
      }
    });
    engine.addAll(docs);
    return engine;
  }

  function snippet(text, query) {
    text = String(text || "");
    var words = tokenize(query).filter(function (w) { return w.length > 1 || CJK.test(w); });
    var lower = text.toLowerCase();
    var at = -1;
    for (var i = 0; i < words.length && at < 0; i++) at = lower.indexOf(words[i].toLowerCase());
    var start = Math.max(0, at - 60);
    return (start > 0 ? "…" : "") + text.slice(start, start + 220) + (text.length > start + 220 ? "…" : "");
  }

  function search(engine, query, limit) {
    if (!query.trim()) return [];
    return engine.search(query).slice(0, limit || 50);
  }

  function render(doc, results, query) {
    var list = doc.getElementById("results");
    var status = doc.getElementById("status");
    while (list.firstChild) list.removeChild(list.firstChild);
    status.textContent = query.trim() ? results.length + " result" + (results.length === 1 ? "" : "s") : "";
    results.forEach(function (r) {
      var li = doc.createElement("li");
      var a = doc.createElement("a");
      a.href = r.href;
      a.textContent = (r.year ? r.year + " · " : "") + r.title;
      li.appendChild(a);
      var meta = doc.createElement("div");
      meta.className = "meta";
      meta.textContent = [].concat(r.sections || [], r.readers || []).join(" · ");
      li.appendChild(meta);
      var p = doc.createElement("div");
      p.className = "snippet";
      p.textContent = snippet(r.text, query);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  var api = { tokenize: tokenize, build: build, search: search, snippet: snippet, render: render };
  root.PaperdexSearch = api;

  if (root.document && root.PAPERDEX_INDEX) {
    var doc = root.document;
    var engine = build(root.PAPERDEX_INDEX);
    var input = doc.getElementById("q");
    var initial = new URLSearchParams(root.location.search).get("q") || "";
    var run = function () {
      var q = input.value;
      render(doc, search(engine, q), q);
      if (root.history && root.history.replaceState && root.location.protocol !== "file:") {
        root.history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : root.location.pathname);
      }
    };
    input.value = initial;
    input.addEventListener("input", run);
    run();
  }
})(typeof window !== "undefined" ? window : globalThis);
