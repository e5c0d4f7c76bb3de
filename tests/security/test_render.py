"""Each hostile note, rendered alone: only the sanitiser's own tags and attributes come out."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from paperdex.web.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, inline, markdown
from tests.security.corpus import ATTACKS


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


def _unearned(html: str) -> list[str]:
    """Every tag or attribute the sanitiser would not have produced from plain Markdown."""
    found = []
    for tag, attrs in _parse(html).elements:
        if tag not in ALLOWED_TAGS:
            found.append(f"<{tag}>")
        earned = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel", "class"} if tag == "a" else set()) | \
            ({"class"} if tag == "span" else set())
        found += [f"<{tag} {name}={value!r}>" for name, value in attrs.items() if name not in earned]
        if "class" in attrs and attrs["class"] != "remote-image":
            found.append(f"<{tag} class={attrs['class']!r}>")
        if tag == "a" and not (attrs.get("href") or "https:").startswith(("https:", "http:", "mailto:")):
            found.append(f"<a href={attrs['href']!r}>")
    return found


@pytest.mark.parametrize(("name", "body"), ATTACKS, ids=[name for name, _ in ATTACKS])
def test_no_hostile_note_earns_an_attribute(name, body):
    for rendered in (str(markdown(body)), str(inline(body)), str(markdown(f"# {body}")),
                     str(markdown(f"- item\n  - {body}")), str(markdown(f"> {body}"))):
        assert _unearned(rendered) == [], (name, rendered)


def test_the_issues_payload_stays_visible_as_text():
    _, body = ATTACKS[0]
    html = str(markdown(body))
    parsed = _parse(html)
    [(tag, attrs)] = parsed.elements[1:]  # <p> then the one link standing in for the image
    assert tag == "a" and attrs["href"] == "https://example.com/a.png" and attrs["class"] == "remote-image"
    text = "".join(parsed.text)
    assert 'hx-post="/papers/' in text and text.strip().startswith("🖼")


def test_math_in_a_link_title_stays_in_the_title():
    html = str(markdown('[p](https://example.org/p "$\\" onmouseover=\\"alert(1)$")'))
    [_, (tag, attrs)] = _parse(html).elements
    assert tag == "a" and attrs["title"] == '$\\" onmouseover=\\"alert(1)$'  # the math source, verbatim
    assert set(attrs) == {"href", "title", "rel"}


def test_math_in_text_is_kept_for_katex():
    html = str(markdown('Loss $\\mathcal{L} = a_b$ and $x < y$, heading-safe $"$'))
    assert "$\\mathcal{L} = a_b$" in html and "$x &lt; y$" in html and "<em>" not in html


def test_remote_images_never_load_themselves():
    html = str(markdown("![pixel](https://tracker.example/p.gif) ![local](/etc/passwd) ![d](data:image/png;base64,AAAA)"))
    assert "<img" not in html
    assert 'href="https://tracker.example/p.gif"' in html and "tracker.example" in html
    assert 'href="/etc/passwd"' not in html and "data:" not in html.replace("🖼 d", "")
