"""End to end in a real headless Chromium: search in English, open the paper, read two readers side by side;
search from the header as you type; every page fits a phone.

Needs Debian's `chromium` and the `playwright` Python package (never `playwright install`):
the test skips cleanly when either is missing. The phone test saves screenshots of the library,
paper, search and review pages at 390x844 and 1280x800; with PAPERDEX_SCREENSHOTS=DIR set they go
to DIR (docs/screenshots/ for the README), and a further test saves every page there too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.servers import serve_in_thread

# Seconds per test even on an idle machine: out of the quick loop, run by `.ci/run` with `pytest -m slow`.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ILQL = "Offline RL for Natural Language Generation with Implicit Language Q Learning"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (starting it costs seconds); each test opens its own pages."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = _chromium()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def server(seed_library):
    """uvicorn on 127.0.0.1:<free port> in a thread, serving the seed library."""
    from paperdex.web.app import LOOPBACK_HOSTS, create_app

    url, stop = serve_in_thread(create_app(seed_library, allowed_hosts=LOOPBACK_HOSTS))
    yield url
    stop()


def test_search_english_open_paper_two_readers_side_by_side(browser, server, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    page.on("console", lambda msg: script_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(server + "/")
    assert page.locator(".paper-row").count() > 10
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url("**/search")
    # English words; the note that matches is the Chinese one in seed 000 (its title is English).
    page.locator("#q").fill("implicit language q learning")
    hit = page.locator(".hit a.title", has_text="Implicit Language Q Learning").first
    hit.wait_for(timeout=10_000)  # arrived through htmx, without submitting the form
    assert "q=implicit" in page.url  # htmx pushed the query into the address bar
    assert page.locator(".hit mark").count() >= 1
    hit.click()
    page.wait_for_selector("article.note")

    assert page.locator("h1").inner_text().strip() == ILQL
    notes = page.locator("article.note")
    assert notes.count() == 2
    languages = sorted(notes.nth(i).get_attribute("lang") for i in range(2))
    assert languages == ["ru", "zh"]
    assert "强化学习" in page.content() and "алаймент" in page.content()
    one, two = notes.nth(0).bounding_box(), notes.nth(1).bounding_box()
    assert one and two
    assert abs(one["y"] - two["y"]) < 5 and one["x"] != two["x"], "the two notes are not side by side"
    page.screenshot(path=str(tmp_path / "ilql.png"), full_page=True)
    assert (tmp_path / "ilql.png").stat().st_size > 10_000
    assert not script_errors, script_errors


def test_hostile_note_runs_no_script_in_the_browser(browser, server, seed_library):
    """The XSS payloads, stored as a real note, render as text in Chromium; no dialog ever opens."""
    from tests.web.test_security import add_hostile_note

    paper_id = add_hostile_note(seed_library)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/papers/{paper_id}")
    page.wait_for_selector("article.note")
    for link in page.locator("article.note a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    page.locator("article.note").first.click()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert "<script>alert(1)</script>" in page.locator("article.note").first.inner_text()


PAGES = {
    "library": "/",
    "paper": None,  # the ILQL paper, found at run time
    "search": "/search?q=offline+reinforcement+learning",
    "documents": "/documents",
    "document": None,
    "stats": "/stats",
    "review": "/review",
    "api": "/api/docs",
}


@pytest.mark.skipif(not os.environ.get("PAPERDEX_SCREENSHOTS"),
                    reason="set PAPERDEX_SCREENSHOTS=docs/screenshots to refresh the README's screenshots")
def test_screenshots_of_every_page(browser, server):
    out = Path(os.environ["PAPERDEX_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    scheme = os.environ.get("PAPERDEX_SCREENSHOTS_SCHEME", "light")
    page = browser.new_page(viewport={"width": 1360, "height": 900}, color_scheme=scheme)
    page.goto(server + "/search?q=" + "implicit language q learning".replace(" ", "+"))
    paper_url = page.locator(".hit a.title", has_text="Implicit Language Q Learning").first.get_attribute("href")
    page.goto(server + "/documents")
    doc_url = page.locator(".docs a.title").first.get_attribute("href")
    suffix = "" if scheme == "light" else "-" + scheme
    for name, url in PAGES.items():
        url = url or {"paper": paper_url, "document": doc_url}[name]
        # Notes may embed images from the web (unreachable here): wait for the DOM and math, not images.
        page.goto(server + url.split("#")[0], wait_until="domcontentloaded")
        page.wait_for_timeout(700)
        page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=name not in ("library", "document"))


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Content a real reading list holds that is wider than a phone: a long link, a wide table, a long code line.
WIDE_NOTES = r"""# Long-context reading list

## Efficient attention

* 2020 - [Longformer: The Long-Document Transformer](https://arxiv.org/abs/2004.05150?utm_source=reading-list&utm_medium=telegram&utm_campaign=long-context-attention-survey-2024-spring-edition)
  - sliding window + global attention; the baseline every later paper compares with

    | model | params | context | attention | memory | speed | dataset | score | notes | year | venue | code |
    |---|---|---|---|---|---|---|---|---|---|---|---|
    | Longformer-base | 149M | 4096 | sliding+global | linear | 1.0x | WikiHop | 75.0 | strong baseline | 2020 | arXiv | allenai/longformer |

  - `python -m torch.distributed.launch --nproc_per_node=8 train.py --attention_window 512 --max_seq_len 4096 --fp16`
* 2019 - [Transformer-XL: Attentive Language Models beyond a Fixed-Length Context](https://arxiv.org/abs/1901.02860)
  - segment-level recurrence with relative positions; memory of the previous segment, no gradient through it

## Offline RL

* 2020 - [Conservative Q-Learning for Offline Reinforcement Learning](https://arxiv.org/abs/2006.04779)
  - loss: $\mathcal{L}(\theta)=\alpha\,\mathbb{E}_{s\sim\mathcal{D}}\left[\log\sum_a\exp Q_\theta(s,a)-\mathbb{E}_{a\sim\hat\pi_\beta(a|s)}Q_\theta(s,a)\right]+\tfrac{1}{2}\mathbb{E}_{(s,a,s')\sim\mathcal{D}}\left[\left(Q_\theta-\hat{\mathcal{B}}^\pi\hat{Q}\right)^2\right]$
"""


@pytest.fixture
def awaiting_review(seed_library):
    """A paper with two candidates waiting in review, as an unsure `paperdex resolve` leaves it."""
    from paperdex.library.db import Library
    from paperdex.library.resolution import record_status
    from paperdex.model import Identifier
    from paperdex.resolve.records import Record

    with Library(seed_library) as lib:
        row = lib.conn.execute("SELECT id, title FROM papers WHERE id NOT IN (SELECT paper_id FROM identifiers) "
                               "AND title IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        found = [Record(provider="openalex", raw_id=f"W43190{n}", title=f"{row['title']}: a survey",
                        authors=["A. Reader", "B. Writer"], year=2021,
                        identifiers=[Identifier("doi", f"10.1234/survey.{n}")]) for n in (1, 2)]
        record_status(lib, row["id"], "ambiguous", provider="openalex", score=0.71,
                      evidence={"candidate": found[0].raw_id, "title": 0.71}, candidate=found[0],
                      alternatives=[(found[1], 0.62, {"candidate": found[1].raw_id, "title": 0.62})])
    return row["id"]


@pytest.fixture
def wide_note(seed_library, tmp_path):
    from paperdex import importer
    from paperdex.library.db import Library

    path = tmp_path / "long-context.md"
    path.write_text(WIDE_NOTES, encoding="utf-8")
    with Library(seed_library) as lib:
        summary = importer.add(lib, [str(path)], max_bytes=1 << 20)
    assert not summary.failures and len(summary.papers) == 3, summary
    return sorted(summary.papers)


OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    // Scrolling boxes (code, charts, display math, tables) may be wider; KaTeX's hidden MathML copy and the
    // inside of SVG drawings are clipped by their own boxes.
    if (r.width && r.right > vw + 1
        && el.closest("pre, .scroll, .katex-display, .wide-math, .prose table, .api-docs table, .katex-mathml") === null
        && !(el instanceof SVGElement && el.tagName.toLowerCase() !== "svg")
        && getComputedStyle(el).position !== "absolute") {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, viewport: vw, wide: wide.slice(0, 8)};
}"""


def _urls(page, server: str, wide: list[str]) -> dict[str, str]:
    page.goto(server + "/documents")
    doc = page.locator(".docs a.title").first.get_attribute("href")
    return {"library": "/", "paper": _ilql_url(page, server), "search": "/search?q=offline+reinforcement+learning",
            "review": "/review", "documents": "/documents", "document": doc, "stats": "/stats", "api": "/api/docs",
            **{f"wide-note-{n}": f"/papers/{pid}" for n, pid in enumerate(wide, start=1)}}


def _ilql_url(page, server: str) -> str:
    page.goto(server + "/search?q=implicit+language+q+learning")
    return page.locator(".hit a.title", has_text="Implicit Language Q Learning").first.get_attribute("href")


@pytest.mark.parametrize("width", [390, 360])
def test_every_page_fits_a_phone(browser, server, awaiting_review, wide_note, width):
    """No page scrolls sideways on a phone (390x844, and the narrowest common 360 px), even with a note
    holding a long link and a wide table."""
    phone = browser.new_page(viewport={**PHONE, "width": width}, is_mobile=True, has_touch=True,
                             device_scale_factor=1)
    urls = _urls(phone, server, wide_note)
    too_wide = {}
    for name, url in urls.items():
        phone.goto(server + url, wait_until="domcontentloaded")
        phone.wait_for_timeout(100)
        if name == "review":
            assert phone.locator(".review-item").count() == 1
        found = phone.evaluate(OVERFLOW_JS)
        if found["scroll"] > found["viewport"] or found["wide"]:
            too_wide[name] = found
    phone.close()
    assert not too_wide, too_wide


@pytest.mark.slow
def test_screenshots_at_phone_and_desktop_sizes(browser, server, awaiting_review, wide_note, tmp_path):
    """Library, paper, search and review at 390x844 and 1280x800: into $PAPERDEX_SCREENSHOTS (docs/screenshots/
    for the README), else a temporary folder."""
    out = Path(os.environ.get("PAPERDEX_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    urls = _urls(phone, server, wide_note)
    desktop = browser.new_page(viewport=DESKTOP, device_scale_factor=1)
    for page, size in ((phone, "390x844"), (desktop, "1280x800")):
        for name in ("library", "paper", "search", "review"):
            page.goto(server + urls[name].split("#")[0], wait_until="domcontentloaded")
            page.wait_for_timeout(400)  # math typeset; web images in notes are not waited for
            target = out / f"{name}-{size}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 8_000, target
        page.close()


def _query(url: str) -> tuple[str, str]:
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query).get("q", [""])[0]


def test_header_search_as_you_type_slash_focuses_and_the_url_is_shareable(browser, server):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/stats")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "quick-q"
    page.keyboard.type("implicit language", delay=20)  # no Enter: results come as you type
    hit = page.locator(".hit a.title", has_text="Implicit Language Q Learning").first
    hit.wait_for(timeout=10_000)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'q'", timeout=5_000)
    assert _query(page.url) == ("/search", "implicit language")
    assert page.input_value("#q") == "implicit language"
    assert page.locator("#quick-q").is_hidden()  # one search box on the search page
    assert page.locator('#nav a[aria-current="page"]').inner_text() == "Search"
    # typing on goes into the page's own box, and the address follows
    page.keyboard.type(" q learning", delay=20)
    page.wait_for_url(lambda url: _query(url) == ("/search", "implicit language q learning"), timeout=10_000)
    first = page.locator(".hit a.title").first.inner_text()
    # the address is shareable: opened fresh, it shows the same results
    shared = browser.new_page()
    shared.goto(page.url)
    assert shared.locator(".hit a.title").first.inner_text() == first
    assert shared.input_value("#q") == "implicit language q learning"
    # "/" inside a field is a character, not a shortcut
    page.keyboard.type("/")
    assert page.input_value("#q").endswith("/")
    assert not errors, errors
