"""Every page and API answer a reader can reach in a library holding the hostile notes, and the
checks each answer must pass (shared by the HTML-parsing test and the real-browser test)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import ClassVar

# Attributes an element inside a container of note text may carry: the sanitiser's output
# (href, title, rel, align, start, class="remote-image") and the template's own markup around it.
SAFE_INSIDE_NOTES = {"href", "title", "rel", "align", "start", "class", "id", "lang", "hx-disable",
                     "aria-label", "datetime"}
# Substrings of the payloads that must never reach an attribute the page acts on.
PAYLOAD_MARKS = ("pwned", "evil.example", "tracker.example", "alert(", "/papers/", "/review/")


def urls(facts: dict) -> list[str]:
    """HTML pages first, then the JSON API, each showing hostile notes (or hostile queries)."""
    html = ["/", "/?q=hostile", "/?section=Attacks", "/?section=%3Csvg+onload%3Dalert(7)%3E", "/documents",
            f"/documents/{facts['source_id']}", "/search?q=hostile", "/search?q=hx-post",
            "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "/review", "/stats", "/api/docs"]
    html += [f"/papers/{pid}" for pid in facts["papers"]]
    api = ["/api/papers?per_page=200", "/api/search?q=hostile", "/api/search?q=hx-post"]
    api += [f"/api/papers/{pid}" for pid in facts["papers"][:3]]
    return html + api


class _Elements(HTMLParser):
    """Every element with its attributes and whether it sits inside an `hx-disable` container."""

    VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], bool]] = []
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inside = any(disabled for _, disabled in self.stack)
        self.elements.append((tag, attributes, inside))
        if tag not in self.VOID:
            self.stack.append((tag, inside or "hx-disable" in attributes))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), any(disabled for _, disabled in self.stack)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def html_problems(page: str) -> list[str]:
    """What in an HTML page a note could have put there to act: an empty list when the page is inert."""
    parser = _Elements()
    parser.feed(page)
    found = []
    notes_seen = False
    for tag, attrs, inside in parser.elements:
        notes_seen = notes_seen or inside
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            found.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "base", "svg", "form") and inside:
            found.append(f"<{tag}> inside a note")
        if tag == "img" and not (attrs.get("src") or "").startswith(("/", "data:")):
            found.append(f"<img src={attrs.get('src')}> loads from elsewhere")
        for name, value in attrs.items():
            if name.startswith("on") or (inside and name not in SAFE_INSIDE_NOTES):
                found.append(f"<{tag} {name}={value!r}>")
            # The templates' only htmx is the search form; anything else with hx-* came from a note.
            if name.startswith(("hx-", "data-hx")) and name != "hx-disable" and (
                    tag != "form" or any(m in (value or "") for m in PAYLOAD_MARKS)):
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    ("javascript:", "data:text/html", "vbscript:", "//")):
                found.append(f"<{tag} {name}={value!r}>")
        if inside and attrs.get("class") not in (None, "remote-image") and tag in ("a", "span") \
                and "remote-image" in (attrs.get("class") or ""):
            found.append(f"<{tag} class={attrs['class']!r}>")
    return found


def json_problems(body: str) -> list[str]:
    try:
        json.loads(body)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    return []
