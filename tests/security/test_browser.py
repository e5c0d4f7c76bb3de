"""The hostile library in real headless Chromium: every page and API answer is opened, nothing runs,
nothing is fetched from elsewhere, nothing is posted, and the reader's tags and status stay as they were.

Uses tests/web/test_browser.py's Chromium (Debian's package through Playwright; skips cleanly when
either is missing).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.security import pages
from tests.security.conftest import user_rows
from tests.servers import serve_in_thread
from tests.web.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# Run in the page after it loaded: elements inside note containers with attributes a note could
# only have planted, and whether htmx is alive (else "nothing was posted" would prove nothing).
_DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || ((n.startsWith('hx-') || n.startsWith('data-hx')) && n !== 'hx-disable'
          && el.tagName !== 'FORM')) bad.push(el.tagName + ' ' + n + '=' + a.value);
    }
  }
  for (const img of document.images) {
    if (!img.src.startsWith(location.origin) && !img.src.startsWith('data:')) bad.push('IMG ' + img.src);
  }
  return {bad, htmx: typeof window.htmx === 'object'};
}"""


@pytest.fixture
def hostile_server(hostile_library):
    from paperdex.web.app import LOOPBACK_HOSTS, create_app

    path, facts = hostile_library
    url, stop = serve_in_thread(create_app(path, allowed_hosts=LOOPBACK_HOSTS))
    yield url, path, facts
    stop()


def test_every_page_of_the_hostile_library_is_inert_in_chromium(browser, hostile_server):  # noqa: F811
    base, path, facts = hostile_server
    before = user_rows(path)
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    dialogs: list[str] = []
    elsewhere: list[str] = []
    writes: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: (elsewhere.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1"
                                  and not r.url.startswith("data:") else None,
                                  writes.append(f"{r.method} {r.url}") if r.method != "GET" else None))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    opened = 0
    for url in pages.urls(facts):
        response = page.goto(base + url, wait_until="load")
        assert response is not None and response.status == 200, url
        if url.startswith("/api/") and url != "/api/docs":
            assert response.headers["content-type"].startswith("application/json"), url
            assert pages.json_problems(page.inner_text("body")) == [], url
        else:
            page.wait_for_timeout(150)  # htmx processes hx-trigger="load" right after DOMContentLoaded
            found = page.evaluate(_DOM_CHECK)
            assert found["htmx"], f"htmx did not load on {url}: the test would prove nothing"
            assert found["bad"] == [], (url, found["bad"])
            # Pointer events over every piece of note text: onmouseover/onfocus payloads would fire here.
            page.evaluate("""() => { for (const el of document.querySelectorAll('[hx-disable] *'))
              for (const kind of ['mouseover', 'mouseenter', 'focus'])
                el.dispatchEvent(new MouseEvent(kind, {bubbles: true})); }""")
        opened += 1
    assert opened >= 30
    assert dialogs == [] and elsewhere == [] and writes == [], (dialogs, elsewhere, writes)
    assert errors == [], errors
    assert user_rows(path) == before
