"""BibTeX/BibLaTeX exports (Zotero, JabRef, Better BibTeX): each entry is one paper with its notes.

Entries become finished paper blocks: LaTeX in titles and names is decoded
(`{\\"u}` -> ü, `{BERT}` -> BERT), the reader's notes come from `annote`,
`comment` and `note` (Zotero writes HTML there: tags are stripped), the
abstract and keywords go to the block's fields. A malformed entry is listed in
the Document's metadata["errors"] (line, key, what is wrong) and the rest are
imported; the importer reports each one as a failure of this file.

An `annote` written by paperdex's own exporter (notes opening with a
`[reader: …; section: …; source: …]` header line, then the text, then
`Thought: ` and `Quote: ` lines) is read back as those notes, verbatim: one
block per note, with its reader, section, thoughts and quotes, so an export
round-trips exactly. A value written by export/tex.py `escape` is decoded by
its exact inverse; anything else goes through pylatexenc.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import PurePath

from paperdex.errors import MalformedInput
from paperdex.export.tex import balanced, looks_escaped, unescape
from paperdex.formats.records import identifiers, one_line, paper_block, strip_html, year_of
from paperdex.model import Document, NoteBlock

NAME = "bibtex"
EXTENSIONS = (".bib", ".bibtex", ".biblatex")

_ENTRY_START = re.compile(r"^\s*@(article|inproceedings|misc|book|incollection|phdthesis|mastersthesis|"
                          r"techreport|online|unpublished|conference|preprint|report|thesis)\s*[{(]",
                          re.I | re.M)
# Zotero's `note` for arXiv preprints is only the id: "arXiv:1706.03762 [cs]".
_ID_ONLY_NOTE = re.compile(r"^\s*arxiv\s*:\s*\S+(?:\s*\[[\w.\-]+\])?\s*$", re.I)
_NOTE_FIELDS = ("annote", "annotation", "comment", "note", "review")
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "eventtitle", "series")
# export/bibtex.py `format_note`: the header line that opens each note of an annote.
_NOTE_HEADER = re.compile(r"^\[(?:reader: (?P<reader>[^;\n]+); )?(?:section: (?P<section>[^\n]+?); )?"
                          r"source: (?P<source>[^\n]+)\]$", re.M)
_NOTE_PARTS = {"Thought: ": "thoughts", "Quote: ": "quotes"}


def detect(path: str, head: str) -> float:
    if path.lower().endswith(EXTENSIONS):
        return 0.9
    hits = len(_ENTRY_START.findall(head[:8000]))
    return 0.75 if hits >= 2 else 0.5 if hits == 1 else 0.0


def read(text: str, source: str) -> list[Document]:
    import bibtexparser

    splitter_log = logging.getLogger("bibtexparser")
    level = splitter_log.level
    splitter_log.setLevel(logging.ERROR)  # its warnings are our metadata["errors"], not stderr noise
    try:
        library = bibtexparser.parse_string(text)
    finally:
        splitter_log.setLevel(level)
    kept, failed = _split_failures(library.failed_blocks)
    errors = [_describe_failure(block) for block in failed]
    entries = list(library.entries) + kept
    entries.sort(key=lambda e: e.start_line or 0)
    if not entries:
        reason = "holds no BibTeX entries" if not errors else f"has no entry that parses ({errors[0]})"
        raise MalformedInput(source, reason, "check that it is a .bib export")
    blocks = [block for entry in entries for block in entry_to_blocks(entry)]
    return [
        Document(
            source=source,
            format=NAME,
            text="",
            title=PurePath(source).name,
            blocks=blocks,
            metadata={"entries": len(blocks), "errors": errors},
        )
    ]


_BLOCK_KEY = re.compile(r"\s*@\s*(\w+)\s*[{(]\s*([^,\s{}()]+)")


# An entry pasted into a note: `@article{key,` at a line's start, perhaps after a list number (`[1] @article{`).
_PASTED_ENTRY = re.compile(r"^[ \t]*(?:\[\d{1,3}\][ \t]*|\d{1,3}[.)][ \t]*|[-*+][ \t]+)?@(?:article|inproceedings|"
                           r"conference|misc|book|incollection|inbook|techreport|phdthesis|mastersthesis|proceedings|"
                           r"online|software|unpublished|report|thesis)[ \t]*\{", re.I | re.M)


def pasted_entries(text: str, source: str) -> tuple[str, list[NoteBlock]]:
    """BibTeX entries pasted into a note (a README's references), as paper blocks, and the text with
    their lines blanked (line numbers kept) so the note's own extractor does not read their fields."""
    if "@" not in text or not _PASTED_ENTRY.search(text):
        return text, []
    import bibtexparser

    spans: list[tuple[int, int]] = []
    for m in _PASTED_ENTRY.finditer(text):
        start = text.index("@", m.start())
        depth, end = 0, None
        for i in range(text.index("{", start), min(len(text), start + 20_000)):
            depth += 1 if text[i] == "{" else -1 if text[i] == "}" else 0
            if depth == 0:
                end = i + 1
                break
        if end is not None and (not spans or start >= spans[-1][1]):
            spans.append((start, end))
    blocks: list[NoteBlock] = []
    kept = []
    splitter_log = logging.getLogger("bibtexparser")
    level = splitter_log.level
    splitter_log.setLevel(logging.ERROR)
    try:
        for start, end in spans:
            library = bibtexparser.parse_string(text[start:end])
            if not library.entries:
                continue
            line = text.count("\n", 0, start) + 1
            for block in entry_to_blocks(library.entries[0]):
                block.line = line
                blocks.append(block)
            kept.append((start, end))
    finally:
        splitter_log.setLevel(level)
    pieces, pos = [], 0
    for start, end in kept:
        pieces += [text[pos:start], "\n" * text.count("\n", start, end)]
        pos = end
    return "".join(pieces) + text[pos:], blocks


def _describe_failure(block: object) -> str:
    """`line 40: entry 'foo' has unbalanced braces; skipped`: where, which entry, what, and its fate."""
    from bibtexparser.model import DuplicateBlockKeyBlock

    line = (getattr(block, "start_line", None) or 0) + 1
    raw = getattr(block, "raw", "") or ""
    match = _BLOCK_KEY.match(raw)
    what = f"entry '{match.group(2)}'" if match else f"the block {one_line(raw)[:40]!r}"
    if isinstance(block, DuplicateBlockKeyBlock):
        return f"line {line}: {what} repeats a citation key used earlier; imported as another paper"
    if raw.count("{") != raw.count("}") or (raw.count("(") != raw.count(")") and "{" not in raw[:20]):
        return f"line {line}: {what} has unbalanced braces; skipped"
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or (str(error) if error else "") or type(block).__name__
    return f"line {line}: {what} cannot be parsed ({one_line(reason)}); skipped"


def _split_failures(failed: list[object]) -> tuple[list, list]:
    """(entries still worth importing, blocks to report as errors).

    Zotero writes one `annote` per child note, which bibtexparser calls a
    duplicate field: that entry is fine. A second entry with a used key is
    still a paper: kept, and reported.
    """
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

    kept, errors = [], []
    for block in failed:
        entry = getattr(block, "ignore_error_block", None)
        if isinstance(block, DuplicateFieldKeyBlock | DuplicateBlockKeyBlock) and isinstance(entry, Entry):
            kept.append(entry)
            if isinstance(block, DuplicateFieldKeyBlock):
                continue
        errors.append(block)
    return kept, errors


def entry_to_blocks(entry: object) -> list[NoteBlock]:
    """The entry's paper block, or one block per note when its annote is paperdex's own."""
    # export/bibtex.py writes `annote`, export/biblatex.py `annotation`.
    annote = next((_unwrap(str(f.value)) for f in entry.fields  # type: ignore[attr-defined]
                   if f.key.lower() in ("annote", "annotation")), "")
    notes = paperdex_notes(annote)
    block = entry_to_block(entry, skip_annote=bool(notes))
    if not notes:
        return [block]
    out = []
    for note in notes:
        part = replace(block, identifiers=list(block.identifiers), urls=list(block.urls),
                       authors=list(block.authors), fields=dict(block.fields), **note)
        if block.text:  # the entry's other note fields (a user's `note`) stay with its first note
            part.text = "\n\n".join(t for t in [part.text, block.text] if t)
            block = replace(block, text="")
        out.append(part)
    return out


def paperdex_notes(annote: str, tex: bool = True) -> list[dict]:
    """The notes of an annote written by export/bibtex.py, as NoteBlock fields; [] for any other annote.

    `tex=False` for text that is not a BibTeX value (RIS notes): taken as it is.
    """
    if not annote.startswith("["):
        return []
    if tex and looks_escaped(annote):
        annote = unescape(annote)
    elif tex:
        escaped = annote.replace("\\{", "{").replace("\\}", "}")
        if not balanced(escaped):
            annote = escaped  # older exports escaped every brace of an unbalanced annote, and only then
    headers = list(_NOTE_HEADER.finditer(annote))
    if not headers or headers[0].start() != 0:
        return []
    notes = []
    for header, following in zip(headers, [*headers[1:], None], strict=True):
        end = following.start() if following else len(annote)
        chunk = annote[header.end():end]  # "\ntext\nThought: t\n\n" before the next header
        if following:
            if not chunk.endswith("\n\n"):
                return []  # not the exporter's layout: read it as a plain note
            chunk = chunk[:-2]
        if chunk and not chunk.startswith("\n"):
            return []
        chunk = chunk[1:]
        note: dict = {"text": [], "thoughts": [], "quotes": [], "reader": header.group("reader"),
                      "section": header.group("section")}
        current = note["text"]
        for line in chunk.split("\n") if chunk else []:
            prefix = next((p for p in _NOTE_PARTS if line.startswith(p)), None)
            if prefix:
                note[_NOTE_PARTS[prefix]].append([line[len(prefix):]])
                current = note[_NOTE_PARTS[prefix]][-1]
            else:
                current.append(line)
        note["text"] = "\n".join(note["text"]).strip()  # the exporter writes the text stripped
        for name in _NOTE_PARTS.values():
            note[name] = ["\n".join(lines) for lines in note[name]]
        notes.append(note)
    return notes


def entry_to_block(entry: object, skip_annote: bool = False) -> NoteBlock:
    fields: dict[str, str] = {}
    notes, id_texts = [], []
    for field in sorted(entry.fields, key=lambda f: _note_rank(f.key)):  # type: ignore[attr-defined]
        key, value = field.key.lower(), _unwrap(str(field.value))
        if key not in _NOTE_FIELDS:
            fields.setdefault(key, value)
        elif key == "note" and _ID_ONLY_NOTE.match(value):
            id_texts.append(value)
        elif key in ("annote", "annotation") and skip_annote:
            continue
        elif value.strip():
            notes.append(latex_to_text(strip_html(value), keep_lines=True))
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    is_arxiv = archive == "arxiv" or "arxiv" in fields.get("eprint", "").lower()
    eprint = fields.get("eprint") if is_arxiv else None
    url = _unescape_url(fields.get("url", ""))
    venue = next((fields[k] for k in _VENUE_FIELDS if fields.get(k)), None)
    if venue is None and fields.get("howpublished") and "\\url" not in fields["howpublished"]:
        venue = fields["howpublished"]
    id_texts += [fields.get("journal", ""), fields.get("howpublished", "")]
    extra = {
        "abstract": latex_to_text(fields.get("abstract", ""), keep_lines=True),
        "keywords": latex_to_text(fields.get("keywords", "")),
        "entry_type": str(entry.entry_type).lower(),  # type: ignore[attr-defined]
        "citation_key": str(entry.key),  # type: ignore[attr-defined]
        "publisher": latex_to_text(fields.get("publisher", "")),
        "file": fields.get("file", ""),
    }
    return paper_block(
        title=latex_to_text(fields.get("title", "")) or None,
        authors=split_authors(fields.get("author", "")),
        year=year_of(fields.get("year") or fields.get("date")),
        venue=latex_to_text(venue) if venue else None,
        ids=identifiers(doi=_unescape_url(fields.get("doi", "")) or None, arxiv=eprint,
                        urls=[url] if url else [], texts=[t for t in id_texts if t]),
        urls=[url] if url else [],
        text="\n\n".join(n for n in notes if n),
        line=(entry.start_line or 0) + 1,  # type: ignore[attr-defined]
        fields=extra,
    )


def _unwrap(value: str) -> str:
    """`{...}` or `"..."` around a whole value: entries kept from failed blocks skipped the middleware."""
    value = value.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    if len(value) < 2 or value[0] != "{" or value[-1] != "}":
        return value
    depth = 0
    for i, ch in enumerate(value):
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth == 0 and i < len(value) - 1:
            return value  # "{BERT}: ... {X}" is not one pair around the value
    return value[1:-1]


def _note_rank(key: str) -> int:
    key = key.lower()
    return _NOTE_FIELDS.index(key) if key in _NOTE_FIELDS else -1


def _unescape_url(value: str) -> str:
    value = re.sub(r"\\url\{([^}]*)\}", r"\1", value.strip())
    return re.sub(r"\\([_%&#~$])", r"\1", value).strip("{} ")


# What the LaTeX reader or paperdex's own escaping acts on; a value without any is taken as it is.
_MARKUP = re.compile(r"[\\{}$~^_]")


def latex_to_text(value: str, keep_lines: bool = False) -> str:
    """LaTeX markup in a field as plain Unicode text; a bare `%` (not a comment in .bib data) is kept."""
    if not value:
        return ""
    # Plain text (most fields) reads the same either way below, and testing whether paperdex wrote it
    # costs more than the rest of a .bib's reading: only markup goes through that test and the parser.
    if not _MARKUP.search(value):
        text = value
    elif looks_escaped(value):  # written by paperdex: decode exactly, keep `$...$` as it was
        text = unescape(value).replace("\u00a0", " ")
        if keep_lines:
            return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()).strip()
        return re.sub(r"\s+", " ", text).strip()
    else:
        text = _latex_to_text(value, keep_lines)
    text = text.replace("\u00a0", " ")
    if keep_lines:
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
        return "\n".join(lines).strip()
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _latex_context():
    """pylatexenc's default macro table: it builds a new one for each value unless given one (most of the
    cost of a short value), and parsing only reads it."""
    from pylatexenc.latexwalker import get_default_latex_context_db

    return get_default_latex_context_db()


def _latex_to_text(value: str, keep_lines: bool) -> str:
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import LatexWalker

    protected = re.sub(r"(?<!\\)([%&])", r"\\\1", value)
    if keep_lines:
        # In notes a tilde means "about" (~10%), not a non-breaking space.
        protected = re.sub(r"(?<!\\)~", r"{\\textasciitilde}", protected)
    try:
        # LatexNodes2Text.latex_to_text(protected), with the macro table built once.
        nodes = LatexWalker(protected, latex_context=_latex_context()).get_latex_nodes()[0]
        text = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True).nodelist_to_text(nodes)
    except Exception:  # pylatexenc raises its own errors on odd markup; the raw field is better than none
        text = value
    return text


def split_authors(value: str) -> list[str]:
    """`Last, First and Other, Name and others` -> ["First Last", "Name Other"] (et al. dropped)."""
    if not value.strip():
        return []
    names, depth, start = [], 0, 0
    lowered = value.lower()
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and lowered.startswith(" and ", i):
            names.append(value[start:i])
            start = i + 5
            i += 4
        i += 1
    names.append(value[start:])
    authors = []
    for raw in names:
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        parts = [p.strip() for p in _split_top_level_commas(raw)]
        if len(parts) == 2:
            raw = f"{parts[1]} {parts[0]}"
        elif len(parts) >= 3:  # "von Last, Jr, First"
            raw = f"{parts[2]} {parts[0]} {parts[1]}"
        name = latex_to_text(raw)
        if name:
            authors.append(name)
    return authors


def _split_top_level_commas(name: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(name):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    return [p for p in parts if p.strip()]
