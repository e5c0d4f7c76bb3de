"""The BibTeX escaping rule: exact inverse, braces that every parser counts right, math kept."""

from __future__ import annotations

import pybtex.database
import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdex.export.tex import escape, looks_escaped, unescape
from paperdex.formats.bibtex import latex_to_text

# Text as notes have it: every TeX special, math-looking dollars, CJK, Cyrillic, newlines.
NOTE_TEXT = st.text(alphabet=st.sampled_from(list("\\{}%&$#_^~-'` \nab1xyz^$()[]中文ДаéÜ")), max_size=60)


def _brace_depths_ok(value: str) -> bool:
    """BibTeX's own rule: every brace counts, backslash or not, and depth never goes below zero."""
    depth = 0
    for ch in value:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


@settings(max_examples=400, deadline=None)
@given(NOTE_TEXT)
def test_unescape_inverts_escape_and_braces_balance(text):
    value = escape(text)
    assert unescape(value) == text
    assert looks_escaped(value)
    assert _brace_depths_ok(value)
    assert "%" not in value.replace("\\%", "")  # no comment character reaches a TeX reader
    assert "--" not in value.replace("$", "") or "$" in text
    literal = escape(text, math=False)  # notes: every `$` escaped, still exactly invertible
    assert unescape(literal) == text and "$" not in literal.replace("\\$", "")


@settings(max_examples=100, deadline=None)
@given(NOTE_TEXT)
def test_pybtex_parses_any_escaped_value(text):
    pybtex.errors.set_strict_mode(True)
    data = pybtex.database.parse_string("@misc{k,\n  note = {" + escape(text) + "}\n}\n", "bibtex")
    assert list(data.entries) == ["k"]


@pytest.mark.parametrize(("text", "value"), [
    ("100% & #1 a_b", "100\\% \\& \\#1 a\\_b"),
    ("$x^2$ and $\\frac{a}{b}$", "$x^2$ and $\\frac{a}{b}$"),  # math stays math
    ("costs $5 and $10", "costs \\$5 and \\$10"),  # pandoc's rule: no digit after the closing $
    ("$50%$", "\\$50\\%\\$"),  # a comment character in math: not kept as math
    ("pair $$(q, t^+)$$，其中$$x$$", "pair $$(q, t^+)$$，其中$$x$$"),  # display math is one span
    ("$a\\_b$", "\\$a\\textbackslash{}\\_b\\$"),  # Markdown-escaped `\_`: text, not math (citation-js)
    ("set {a, b}", "set \\{a, b\\}"),
    ("a stray } brace", "a stray \\textbraceright{} brace"),
    ("~10 ^ \\alpha", "\\textasciitilde{}10 \\textasciicircum{} \\textbackslash{}alpha"),
    ("A -- B --- C", "A -{}- B -{}-{}- C"),
    ("中文 Русский Müller", "中文 Русский Müller"),  # UTF-8 stays UTF-8
])
def test_escape_examples(text, value):
    assert escape(text) == value
    assert unescape(value) == text


def test_foreign_latex_is_still_decoded_by_pylatexenc():
    assert latex_to_text(r"M{\"u}ller and {BERT}") == "Müller and BERT"
    assert latex_to_text(escape("100% of {x}")) == "100% of {x}"
