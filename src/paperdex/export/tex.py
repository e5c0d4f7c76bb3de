"""Text to BibTeX field values and back: every special character escaped, math kept as math.

One rule for every field, so that BibTeX, biber, pybtex, pandoc and JabRef
read the same value: the ten LaTeX specials `\\ { } % & $ # _ ^ ~` become
LaTeX commands (`\\%`, `\\textbraceleft{}`...), math is kept as math (a
`$$...$$` span, or a `$...$` span by pandoc's rule: no space just inside the
dollars, no digit right after the closing one, one line; in either, braces
balanced and no `%`/`#`/`&`/`\\_`), and
`--` becomes `-{}-` so that TeX does not print an en dash. Non-ASCII text stays
UTF-8: biber, pybtex, pandoc, JabRef and Zotero read it, and Chinese notes have
no LaTeX spelling.

Braces are written `\\{` and `\\}` when they pair up, and as
`\\textbraceleft{}`/`\\textbraceright{}` when they do not: BibTeX counts every
brace, escaped or not, when it looks for the end of a field, so one stray `}`
would end the entry early (pandoc 2.17 drops the long forms, hence both).

`unescape` is the exact inverse of `escape` (tested with hypothesis), so
paperdex's own notes come back verbatim when a .bib it wrote is re-added.
"""

from __future__ import annotations

import re

# Specials outside math -> their LaTeX spelling. `{}` after a word command ends it before letters.
_ESCAPES = {
    "\\": "\\textbackslash{}",
    "{": "\\textbraceleft{}",
    "}": "\\textbraceright{}",
    "%": "\\%",
    "&": "\\&",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "^": "\\textasciicircum{}",
    "~": "\\textasciitilde{}",
}
_UNESCAPES = {**{v: k for k, v in _ESCAPES.items()}, "\\{": "{", "\\}": "}"}
_TOKEN = re.compile("|".join(re.escape(v) for v in sorted(_UNESCAPES, key=len, reverse=True)))
# pandoc's tex_math_dollars: display `$$...$$`, or inline `$` + non-space ... non-space + `$`, not
# followed by a digit.
_MATH = re.compile(r"\$\$([^$]+?)\$\$|\$(?=[^\s$])([^$\n]*?[^\s$\\])\$(?!\d)|\$([^\s$\\])\$(?!\d)")


def _safe_math(body: str) -> bool:
    """Math whose body every parser keeps whole: braces balanced, no comment or table characters."""
    # `\_` in math is rare in real formulas and breaks citation-js's math parser; it marks Markdown-escaped text.
    return not re.search(r"[%#&]|\\_", body) and balanced(body)


def balanced(text: str) -> bool:
    """Whether every brace pairs up in order (a field BibTeX parsers can read)."""
    depth = 0
    for ch in text:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def _escape_text(text: str, paired: bool) -> str:
    table = {**_ESCAPES, "{": "\\{", "}": "\\}"} if paired else _ESCAPES
    out = "".join(table.get(ch, ch) for ch in text)
    return out.replace("--", "-{}-").replace("--", "-{}-")


def escape(text: str, math: bool = True) -> str:
    """A plain string as the inside of a braced BibTeX value (see the module docstring).

    `math=False` escapes every `$` too: for notes, which are Markdown rather than LaTeX, so that
    every reader shows them as written (and one formula citation-js cannot parse, such as
    `$\\bf W$`, does not make it refuse the whole file).
    """
    pieces: list[tuple[bool, str]] = []  # (is math, text)
    pos = 0
    for match in _MATH.finditer(text) if math else ():
        body = match.group(1) or match.group(2) or match.group(3)
        if _safe_math(body) and not body.endswith("\\"):
            pieces += [(False, text[pos:match.start()]), (True, match.group(0))]
            pos = match.end()
    pieces.append((False, text[pos:]))
    # Math braces pair up by themselves, so the braces outside math decide for the whole value.
    paired = balanced("".join(t for is_math, t in pieces if not is_math))
    return "".join(t if is_math else _escape_text(t, paired) for is_math, t in pieces)


def unescape(value: str) -> str:
    """The string `escape` was given: specials decoded, math spans copied, `-{}-` back to `--`."""
    out: list[str] = []
    pos = 0
    while pos < len(value):
        ch = value[pos]
        if ch == "\\":
            match = _TOKEN.match(value, pos)
            if match:
                out.append(_UNESCAPES[match.group(0)])
                pos = match.end()
                continue
        elif ch == "$":
            delimiter = "$$" if value.startswith("$$", pos) else "$"
            end = value.find(delimiter, pos + len(delimiter))
            if end > pos:
                out.append(value[pos:end + len(delimiter)])
                pos = end + len(delimiter)
                continue
        elif value.startswith("{}", pos):
            pos += 2
            continue
        out.append(ch)
        pos += 1
    return "".join(out)


def looks_escaped(value: str) -> bool:
    """True when `value` could have come from `escape` (no bare special outside math)."""
    try:
        text = unescape(value)
        return value in (escape(text), escape(text, math=False))
    except Exception:  # pragma: no cover - escape/unescape take any string
        return False
