"""Markdown from notes becomes safe HTML; math survives for KaTeX; snippets are escaped."""

from __future__ import annotations

from paperdex.web.render import highlight, inline, markdown, marked


def test_raw_html_in_notes_is_text():
    assert str(markdown("<script>alert(1)</script> hi")) == "<p>&lt;script&gt;alert(1)&lt;/script&gt; hi</p>\n"
    assert "<img" not in str(markdown("<img src=x onerror=alert(1)>"))


def test_only_web_links_become_links():
    assert "<a" not in str(markdown("[x](javascript:alert(1))"))
    assert "<a" not in str(markdown("[x](data:text/html;base64,PHNjcmlwdD4=)"))
    assert str(markdown("[x](vbscript:msgbox)")).count("href") == 0
    assert str(markdown("[p](https://arxiv.org/abs/2206.11871)")) == (
        '<p><a href="https://arxiv.org/abs/2206.11871" rel="noopener noreferrer">p</a></p>\n')
    assert 'href="mailto:a@b.org"' in str(markdown("[mail](mailto:a@b.org)"))
    assert "href" not in str(markdown("[rel](/etc/passwd)"))
    assert "src" not in str(markdown("![i](javascript:alert(1))"))


def test_math_is_kept_verbatim_and_escaped():
    out = str(markdown("Loss $a_b * c_d$ and $$\\sum_{i<n} x_i$$ but $5 and $10 stay money"))
    assert "$a_b * c_d$" in out  # no <em> from the underscores or the star
    assert "$$\\sum_{i&lt;n} x_i$$" in out
    assert "<em>" not in out
    assert "$5 and $10 stay money" in out
    assert "<script>" not in str(markdown("$x<script>alert(1)</script>$"))


def test_real_note_markdown():
    text = "- 2022 - [Title](https://arxiv.org/abs/2206.11871)\n  - sub **bold**\n\nline1\nline2"
    out = str(markdown(text))
    assert "<ul>" in out and "<strong>bold</strong>" in out and "line1<br>" in out
    assert str(inline("*emph* [x](https://x.org)")).startswith("<em>emph</em>")


def test_highlights_are_escaped():
    assert str(highlight("Implicit <b>Q</b> learning", ["q", "learn"])) == (
        "Implicit &lt;b&gt;<mark>Q</mark>&lt;/b&gt; <mark>learn</mark>ing")
    assert str(marked("a <i>b</i> c", [(3, 6), (11, 12), (20, 30)])) == "a &lt;<mark>i&gt;b</mark>&lt;/i&gt; <mark>c</mark>"
