"""Does every page of a real library fit a phone? Serves LIBRARY and checks pages in headless Chromium.

    paperdex --db dev.db add ../shared/corpora --no-resolve
    python bench/phone_fit.py dev.db --width 360

Checks the library (two pages), documents, stats, review, two searches, the 60 papers with
the longest notes, 60 random papers and 40 documents: a page fails when it scrolls sideways
or holds a box wider than the screen outside a scrolling box (the same test as
tests/web/test_browser.py). Prints each failing page and a count. Needs Debian's chromium
and playwright, as the browser test does.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--width", type=int, default=390)
    args = parser.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright
    from tests.web.test_browser import CHROMIUM_ARGS, OVERFLOW_JS

    from paperdex.library.db import Library
    from paperdex.web.app import LOOPBACK_HOSTS, create_app

    with Library(args.library) as lib:
        ids = [r[0] for r in lib.conn.execute(
            "SELECT p.id FROM papers p JOIN notes n ON n.paper_id = p.id GROUP BY p.id "
            "ORDER BY sum(length(n.text)) DESC LIMIT 60")]
        ids += [r[0] for r in lib.conn.execute("SELECT id FROM papers ORDER BY random() LIMIT 60")]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(args.library, allowed_hosts=LOOPBACK_HOSTS),
                                           host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    urls = ["/", "/?page=2", "/documents", "/stats", "/review", "/search?q=transformer", "/search?q=强化学习"]
    urls += [f"/papers/{i}" for i in ids]
    bad = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 844}, is_mobile=True, has_touch=True)
        page.goto(base + "/documents")
        urls += [a.get_attribute("href") for a in page.locator(".docs a.title").all()[:40]]
        for url in urls:
            page.goto(base + url, wait_until="domcontentloaded")
            page.wait_for_timeout(250)  # math typeset
            found = page.evaluate(OVERFLOW_JS)
            if found["scroll"] > found["viewport"] or found["wide"]:
                bad += 1
                print(f"{url}  page {found['scroll']} px wide: {found['wide'][:4]}")
        browser.close()
    server.should_exit = True
    print(f"{len(urls)} pages at {args.width} px: {bad} too wide")


if __name__ == "__main__":
    main()
