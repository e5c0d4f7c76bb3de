"""An Obsidian vault: one Markdown note per paper with YAML front matter, an index note per section.

    papers/<Title>.md      front matter (title, authors, year, arxiv, doi, identifiers, url,
                           tags, sections = [[section note]] links, section, reader(s),
                           related = [[wikilinks]], added date, paperdex id), then `# Title`
                           and the notes
    sections/<Section>.md  a list of [[papers/<Title>|Title]] links
    index.md               the sections and the count

Front matter is what Obsidian's Properties view reads and writes itself:
lists as block lists, `added` as a bare ISO date (a Date property), `year` a
number, links as quoted wikilinks. `tags` are Obsidian tags (letters, digits,
`_ - /`, at least one letter): the sections and the user's own tags, spaces
turned into `-`, a section path `RL / Offline` nested as `RL/Offline`.
Since tags cannot hold a section's exact name, `sections` keeps it, as a link
to the section's note (so the paper and its section notes link both ways),
and a paper with one note also gets `section:`.

Written for segment/single_note.py so that `paperdex add vault/papers` gives
back the same papers (ids, titles, arXiv ids) and every note with the same
text, thoughts, quotes, section and reader: the body after the title is
exactly the note text, then its thoughts as `[想法]` paragraphs and its
quotes as `[来自…]` ones. A paper with several notes gets one
`## reader · section` part per note (`## Note` when it has neither), which
single_note splits back into notes, telling reader from section by the
`readers` and `tags` lists of the front matter (so a section whose name is not
already a tag comes back only once single_note also reads `sections`).
Links between papers that mention each other (a note naming another paper's
title or identifier) are `related:` wikilinks in the front matter, which
Obsidian shows in the graph and backlinks, so the body stays the note itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

from paperdex.export.common import best_link, papers_with_notes, readers_of, real_link, sections_of
from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.library.user_data import tags_for
from paperdex.model import Note, Paper
from paperdex.titles import normalize_title

NAME = "obsidian"
SUFFIX = ""
HELP = "an Obsidian vault: one note per paper (front matter, [[wikilinks]]), an index note per section"
MULTI_FILE = True

PAPERS_DIR = "papers"
SECTIONS_DIR = "sections"
THOUGHT_TAG = "[想法]"
QUOTE_TAG = "[来自{source}]"
# Characters Obsidian (links, tags, block refs) or Windows/macOS refuse in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 150  # well under the 255-byte limit, leaving room for " (2).md"
# A title shorter than this is too generic to count as a mention ("RL", "GPT").
MIN_MENTION = 12


def safe_name(text: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name from a title: no characters Obsidian or an OS refuses, at most max_bytes of UTF-8."""
    name = _UNSAFE.sub(" ", unicodedata.normalize("NFC", text or ""))
    name = " ".join(name.split()).strip(" .")
    encoded = name.encode("utf-8")
    if len(encoded) > max_bytes:
        name = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" .")
    if not name:
        name = "Untitled"
    if name.split(".")[0].upper() in _RESERVED:
        name += "_"
    return name


def unique_names(items: list[tuple[str, str, str]]) -> dict[str, str]:
    """key -> file name for (key, wanted name, tie-break order) items; case-insensitively distinct
    (macOS and Windows file systems), the earliest item keeping the plain name."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key, wanted, _order in sorted(items, key=lambda i: (i[1].casefold(), i[2], i[0])):
        name, n = wanted, 1
        while name.casefold() in taken:
            n += 1
            name = f"{wanted} ({n})"
        taken.add(name.casefold())
        out[key] = name
    return out


def _yaml(value: object) -> str:
    """A YAML scalar: JSON is valid YAML, and quoting every string keeps `: ` and `#` safe."""
    return json.dumps(value, ensure_ascii=False)


def _property(key: str, value: object) -> list[str]:
    """One front matter property as Obsidian writes it: lists as block lists, dates bare."""
    if isinstance(value, list):
        return [f"{key}:", *(f"  - {_yaml(v)}" for v in value)]
    if isinstance(value, date):
        return [f"{key}: {value.isoformat()}"]
    return [f"{key}: {_yaml(value)}"]


_TAG_JUNK = re.compile(r"[^\w/-]+")


def obsidian_tag(text: str) -> str | None:
    """`text` as a tag Obsidian accepts (letters, digits, `_ - /`, at least one letter), or None.

    "Base Model" -> "Base-Model", "RL / Offline" -> "RL/Offline", "2023" -> "y2023", "2020-05" -> "y2020-05".
    """
    parts = []
    for part in re.split(r"\s*/\s*", unicodedata.normalize("NFC", text)):
        part = re.sub(r"-{2,}", "-", _TAG_JUNK.sub("-", part.replace("#", ""))).strip("-_")
        if part:
            parts.append(part)
    tag = "/".join(parts)
    if not tag:
        return None
    # Obsidian wants a non-digit; a letter is the safe reading ("2020-05" is not shown as a tag either).
    return tag if re.search(r"[^\W\d]", tag) else "y" + tag


def _added(paper: Paper) -> date | None:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", paper.added_at or "")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None
    except ValueError:
        return None


def mentions(papers: list[Paper]) -> dict[str, list[str]]:
    """paper id -> ids of other papers its notes name (by title, or by identifier in references)."""
    titles = {p.id: normalize_title(p.title) for p in papers if p.title}
    titles = {pid: t for pid, t in titles.items() if len(t) >= MIN_MENTION and " " in t}
    by_ident = {i.key: p.id for p in papers for i in p.identifiers}
    out: dict[str, list[str]] = {}
    for paper in papers:
        text = " " + normalize_title(" ".join(
            [n.text for n in paper.notes] + [t for n in paper.notes for t in n.thoughts])) + " "
        found = {pid for pid, title in titles.items() if pid != paper.id and f" {title} " in text}
        found |= {by_ident[r] for n in paper.notes for r in n.references
                  if r in by_ident and by_ident[r] != paper.id}
        if found:
            out[paper.id] = sorted(found)
    return out


def _note_part(note: Note) -> list[str]:
    lines = [note.text.strip()] if note.text.strip() else []
    if note.thoughts:
        if lines:
            lines.append("")
        lines += [f"{THOUGHT_TAG} {t.strip()}" for t in note.thoughts]
    if note.quotes:
        if lines:
            lines.append("")
        source = (note.fields or {}).get("quote_source", "")
        lines += [f"{QUOTE_TAG.format(source=source)} {q.strip()}" for q in note.quotes]
    return lines


def paper_note(paper: Paper, names: dict[str, str], related: list[str], titles: dict[str, str],
               section_names: dict[str, str] | None = None, user_tags: list[str] | None = None) -> str:
    """The vault note of one paper: front matter, title heading, the notes."""
    readers = readers_of(paper)
    sections = sections_of(paper)
    section_names = section_names or {}
    tags = sorted({t for t in (obsidian_tag(x) for x in [*sections, *(user_tags or [])]) if t}, key=str.casefold)
    fm: list[tuple[str, object]] = [
        ("title", paper.title or "Untitled"),
        ("authors", paper.authors or None),
        ("year", paper.year),
        ("venue", paper.venue),
        ("arxiv", paper.arxiv_id),
        ("doi", paper.doi),
        ("identifiers", {i.scheme: i.value for i in paper.identifiers} or None),
        ("url", real_link(paper)),
        ("tags", tags or None),
        # A name that would end the link early (`|`, `]`) stays plain text, exact either way.
        ("sections", [f"[[{SECTIONS_DIR}/{section_names[x]}|{x}]]"
                      if x in section_names and not re.search(r"[|\]\[]", x) else x for x in sections] or None),
        ("section", sections[0] if len(paper.notes) == 1 and len(sections) == 1 else None),
        # Only when every note is that reader's: the Markdown reader gives it to every note.
        ("reader", readers[0] if len(readers) == 1 and all(n.reader for n in paper.notes) else None),
        ("readers", readers or None),
        ("related", [f"[[{PAPERS_DIR}/{names[r]}|{titles[r]}]]"
                     for r in sorted(related, key=lambda r: (titles[r].casefold(), r))] or None),
        ("added", _added(paper)),
        ("paperdex", paper.id),
    ]
    # A linked title heading marks the file as one paper's note even without ids, year or authors.
    link = best_link(paper, paper.notes)
    heading = f"# [{paper.title or 'Untitled'}]({link})" if link else f"# {paper.title or 'Untitled'}"
    lines = ["---", *(line for k, v in fm if v not in (None, "") for line in _property(k, v)), "---",
             heading, ""]
    if len(paper.notes) == 1:
        lines += _note_part(paper.notes[0])
    else:
        for note in paper.notes:
            head = " · ".join(x for x in [note.reader, note.section] if x) or "Note"
            lines += [f"## {head}", "", *_note_part(note), ""]
    return "\n".join(lines).rstrip() + "\n"


def section_note(section: str, papers: list[Paper], names: dict[str, str]) -> str:
    lines = ["---", f"title: {_yaml(section)}", f"count: {len(papers)}", "paperdex_section: true", "---",
             f"# {section}", ""]
    for paper in sorted(papers, key=lambda p: (-(p.year or 0), (p.title or "").casefold(), p.id)):
        year = f"{paper.year} - " if paper.year else ""
        lines.append(f"- {year}[[{PAPERS_DIR}/{names[paper.id]}|{paper.title or 'Untitled'}]]")
    return "\n".join(lines) + "\n"


def index_note(title: str, sections: dict[str, list[Paper]], section_names: dict[str, str],
               total: int) -> str:
    lines = [f"# {title}", "", f"{total} papers.", ""]
    for section in sorted(sections):
        lines.append(f"- [[{SECTIONS_DIR}/{section_names[section]}|{section}]] ({len(sections[section])})")
    return "\n".join(lines) + "\n"


def build(papers: list[Paper], title: str, user_tags: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Relative path -> file content for the whole vault (pure, so tests can compare it)."""
    names = unique_names([(p.id, safe_name(p.title or p.id), p.added_at or "") for p in papers])
    titles = {p.id: p.title or "Untitled" for p in papers}
    related = mentions(papers)
    files: dict[str, str] = {}
    sections: dict[str, list[Paper]] = {}
    for paper in papers:
        for section in sections_of(paper) or ["Others"]:
            sections.setdefault(section, []).append(paper)
    section_names = unique_names([(s, safe_name(s), "") for s in sections])
    for paper in papers:
        files[f"{PAPERS_DIR}/{names[paper.id]}.md"] = paper_note(
            paper, names, related.get(paper.id, []), titles, section_names, (user_tags or {}).get(paper.id))
    for section, members in sections.items():
        files[f"{SECTIONS_DIR}/{section_names[section]}.md"] = section_note(section, members, names)
    files["index.md"] = index_note(title, sections, section_names, len(papers))
    return files


def _written_by_us(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    fm = head.split("\n---", 1)[0] if head.startswith("---") else ""
    return bool(re.search(r"^(paperdex: \"p[0-9a-f]+\"|paperdex_section: true)$", fm, re.M))


def export(lib: Library, out: Path, options: ExportOptions | None = None) -> int:
    options = options or ExportOptions()
    papers = [p for p in papers_with_notes(iter_papers(lib, options.filter), options.filter) if p.notes]
    user_tags: dict[str, list[str]] = {}
    for start in range(0, len(papers), 500):  # SQLite caps the parameters of one query
        user_tags |= tags_for(lib, [p.id for p in papers[start:start + 500]])
    files = build(papers, options.title, user_tags)
    out = Path(out)
    for sub in (PAPERS_DIR, SECTIONS_DIR):
        folder = out / sub
        folder.mkdir(parents=True, exist_ok=True)
        # Notes this exporter wrote for papers no longer selected go; the user's own notes stay.
        for old in folder.glob("*.md"):
            if f"{sub}/{old.name}" not in files and _written_by_us(old):
                old.unlink()
    for rel, text in sorted(files.items()):
        (out / rel).write_text(text, encoding="utf-8", newline="\n")
    return len(papers)
