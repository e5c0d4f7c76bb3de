"""Static site: every page, relative links only, untrusted notes escaped, search works over the index."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from paperdex.export import site
from paperdex.library.store import iter_papers
from tests.export.helpers import build_library, check_golden, tree_text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_golden_and_deterministic(seed_lib):
    files = site.build(list(iter_papers(seed_lib)), "Paper notes")
    assert files == site.build(list(iter_papers(seed_lib)), "Paper notes")
    chinchilla = next(p for p in iter_papers(seed_lib) if p.arxiv_id == "2203.15556")
    shown = {k: files[k] for k in ("index.html", "search.html", "search-index.js", site.paper_href(chinchilla))}
    check_golden("seeds.site.txt", tree_text(shown))


def test_every_local_link_resolves_from_file_urls(seed_lib, tmp_path):
    out = tmp_path / "site"
    count = site.export(seed_lib, out)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == count + 2 and (out / ".nojekyll").exists()
    for page in pages:
        for _tag, attrs in _tags(page.read_text(encoding="utf-8")):
            ref = attrs.get("href") or attrs.get("src")
            if not ref or ref.startswith(("http://", "https://", "#")):
                continue
            assert not ref.startswith(("/", "//")), f"{page}: absolute link {ref} breaks file://"
            assert (page.parent / ref.split("#")[0].split("?")[0]).exists(), f"{page}: broken link {ref}"
    assert "Permission is hereby granted" in (out / "assets" / "minisearch.LICENSE.txt").read_text()


HOSTILE = """# Notes
## Security
* 2024 - [Attention Is All You Need <img src=x onerror=alert(1)>](https://arxiv.org/abs/1706.03762)
  * a note with <script>alert("xss")</script> inside and </script><script>alert(2)</script>
  * [想法] <iframe src="javascript:alert(3)"></iframe>
* 2023 - [Llama 2: Open Foundation and Fine-Tuned Chat Models](https://arxiv.org/abs/2307.09288)
  * see [this](javascript:alert(4)) and <a href="javascript:alert(5)">that</a>
* 2022 - [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)
  * fine
"""


def test_untrusted_note_text_is_escaped(tmp_path):
    notes = tmp_path / "hostile.md"
    notes.write_text(HOSTILE, encoding="utf-8")
    lib = build_library(tmp_path / "lib.db", [str(notes)])
    out = tmp_path / "site"
    site.export(lib, out)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = [a for t, a in _tags(html) if t == "script"]
        assert all(a.get("src") in ("assets/minisearch.js", "search-index.js", "assets/search.js") for a in scripts)
        assert not [t for t, _ in _tags(html) if t in ("img", "iframe")]
        assert "javascript:" not in " ".join(a.get("href", "") for _, a in _tags(html))
    page = next((out / "papers").glob("*.html"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in (out / "papers").glob("*.html"))
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in text
    assert page.exists()
    index_js = (out / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in index_js and "<\\/script>" in index_js
    data = json.loads(index_js.removeprefix("window.PAPERDEX_INDEX = ").rstrip(";\n").replace("<\\/", "</"))
    assert any("<script>" in d["text"] for d in data)  # kept as text, rendered with textContent


NODE_SEARCH = r"""
const vm = require("vm"), fs = require("fs"), path = require("path");
const dir = process.argv[1];
const ctx = {console};
ctx.window = ctx; ctx.globalThis = ctx;
vm.createContext(ctx);
for (const f of ["assets/minisearch.js", "search-index.js", "assets/search.js"]) {
  vm.runInContext(fs.readFileSync(path.join(dir, f), "utf8"), ctx, {filename: f});
}
const engine = ctx.PaperdexSearch.build(ctx.PAPERDEX_INDEX);
const out = {};
for (const q of JSON.parse(process.argv[2])) {
  out[q] = ctx.PaperdexSearch.search(engine, q, 5).map(r => r.title);
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_client_side_search_finds_papers_in_every_language(seed_lib, tmp_path):
    out = tmp_path / "site"
    site.export(seed_lib, out)
    queries = ["compute optimal", "2203.15556", "chinchilla", "偏好对齐", "гран туризмо", "xyzzy-nothing"]
    run = subprocess.run(["node", "-e", NODE_SEARCH, str(out), json.dumps(queries, ensure_ascii=False)],
                         capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(run.stdout)
    assert found["compute optimal"][0] == "Training Compute-Optimal Large Language Models"
    assert found["2203.15556"][0] == "Training Compute-Optimal Large Language Models"
    assert "Training Compute-Optimal Large Language Models" in found["chinchilla"]
    assert "Offline RL for Natural Language Generation with Implicit Language Q Learning" in found["偏好对齐"]
    assert found["гран туризмо"] == [
        "A Super-human Vision-based Reinforcement Learning Agent for Autonomous Racing in Gran Turismo"]
    assert found["xyzzy-nothing"] == []


def test_search_page_uses_only_vendored_scripts(seed_lib):
    html = site.build(list(iter_papers(seed_lib)), "Paper notes")["search.html"]
    srcs = [a["src"] for t, a in _tags(html) if t == "script"]
    assert srcs == ["assets/minisearch.js", "search-index.js", "assets/search.js"]
    assert not re.search(r"https?://[^\"']*\.js", html)
    assert Path(site.__file__).with_name("static").joinpath("assets", "minisearch.js").stat().st_size > 10_000
