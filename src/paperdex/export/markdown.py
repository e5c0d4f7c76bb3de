"""A Markdown reading-list digest in the shape of seed 000's README, that `paperdex add` reads back.

    # Paper notes
    Total Count：38
    ## LLM
    * 2024 - [ToolChain*: Efficient Action Space ...](https://arxiv.org/abs/2310.13227)
      * one sub-bullet per line of the note
      * [想法] one sub-bullet per thought
      * [来自知乎] one sub-bullet per quote

It is written for segment/readme_list.py, so that re-adding it gives back the
same papers, ids, note texts, thoughts and sections:

- Each note is one entry under its section's headings ("A / B" -> `## A`,
  `### B`); a paper noted twice is listed twice and merges back into one
  paper with two notes. Notes without a section come first, under the title.
- A paper's id is the hash of the key that first created it (see
  export/common.py); the paper's first entry links with exactly that key
  (e.g. a title-only paper that later gained an arXiv id first appears with a
  link carrying no id), later entries link its best identifier.
- Each line of a note is one sub-bullet; blank lines between paragraphs are
  written as blank lines between sub-bullets, which readme_list keeps, so the
  note text comes back exactly (but for indentation at the start of a line,
  which a sub-bullet cannot carry).
- Readers: a digest of one reader's notes (one reader in the library, or
  `--reader alice`) says so in YAML front matter (`reader: alice`), which the
  Markdown reader gives to every note. A digest mixing readers labels each
  attributed entry `<kbd>@alice</kbd>` (rendered as a badge on GitHub), which
  readme_list reads back as the note's reader: attribution round-trips either way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from paperdex.export.common import best_link, id_basis, link_with, papers_with_notes, section_path
from paperdex.export.options import ExportOptions
from paperdex.ids import identifier_from_url
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.model import Note, Paper
from paperdex.segment.readme_list import DIGEST_MARKER
from paperdex.titles import parse_venue

NAME = "markdown"
SUFFIX = ".md"
HELP = "a README-style digest (sections, YEAR - [Title](link), notes and [想法] thoughts) that re-imports"
MULTI_FILE = False

THOUGHT_TAG = "[想法]"
QUOTE_TAG = "[来自{source}]"
OTHERS = "Others"
_MARK_SYMBOLS = {"recommended": "🌟", "hot": "🔥", "favourite": "❤"}


@dataclass
class Entry:
    paper: Paper
    note: Note
    link: str | None = None


def _sort_key(entry: Entry) -> tuple:
    paper, note = entry.paper, entry.note
    return (-(paper.year or 0), (paper.title or "").casefold(), paper.id, note.source, note.line, note.id)


def _entries(papers: list[Paper]) -> dict[tuple[str, ...], list[Entry]]:
    groups: dict[tuple[str, ...], list[Entry]] = {}
    for paper in papers:
        for note in paper.notes:
            groups.setdefault(section_path(note.section), []).append(Entry(paper, note))
    for entries in groups.values():
        entries.sort(key=_sort_key)
    return groups


@dataclass
class LinkState:
    """Which papers were already written, across every file of one export, in import order."""

    counts: dict[str, int]
    seen: set[str]

    @classmethod
    def of(cls, papers: list[Paper]) -> LinkState:
        return cls({p.id: len(p.notes) for p in papers}, set())

    def link(self, entry: Entry, *, commit: bool = True) -> str | None:
        """First mention of a paper (if it has more) links with the key its id came from; later
        ones, and a paper's only mention, with the best link."""
        paper = entry.paper
        if paper.id not in self.seen and self.counts.get(paper.id, 1) > 1:
            link = link_with(paper, id_basis(paper), [entry.note])
        else:
            link = best_link(paper, [entry.note])
        if commit:
            self.seen.add(paper.id)
        return link


def layout(papers: list[Paper], state: LinkState) -> list[tuple[tuple[str, ...], list[Entry]]]:
    """(section path, entries) in file order, links assigned.

    The Markdown segmenter skips an author's preamble: entries before the first
    one carrying an identifier, unless they sit in its top section. So the file
    opens with an entry that carries one: unsectioned notes first when one of
    them can lead, else sections in order with the first that can lead moved up,
    and unsectioned notes last under "## Others".
    """
    groups = _entries(papers)
    loose = groups.pop((), [])
    order = ([((), loose)] if loose else []) + [(path, groups[path]) for path in sorted(groups)]

    def can_lead(entry: Entry) -> bool:
        link = state.link(entry, commit=False)
        return bool(link) and identifier_from_url(link) is not None

    for index, (path, entries) in enumerate(order):
        lead = next((e for e in entries if can_lead(e)), None)
        if lead is None:
            continue
        entries.remove(lead)
        entries.insert(0, lead)
        order.insert(0, order.pop(index))
        if loose and path != ():
            order = [g for g in order if g[0] != ()] + [((OTHERS,), loose)]
        break
    for _, entries in order:
        for entry in entries:
            entry.link = state.link(entry)
    return order


def _title_label(entry: Entry) -> str:
    note = entry.note
    marks = "".join(_MARK_SYMBOLS[m] for m in note.marks if m in _MARK_SYMBOLS)
    label = (entry.paper.title or note.title or "Untitled").replace("\n", " ")
    if note.venue and parse_venue(note.venue) and not label.endswith(")"):
        label += f" ({note.venue})"
    return f"{marks} {label}" if marks else label


def _continued(text: str, indent: str) -> list[str]:
    """A multi-line sub-bullet: the first line after the marker, the rest as lazy continuation lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [lines[0], *(indent + line for line in lines[1:])] if lines else [""]


def entry_lines(entry: Entry, label_reader: bool) -> list[str]:
    note = entry.note
    head = "* "
    year = entry.paper.year or note.year
    if year:
        head += f"{year} - "
    head += f"[{_title_label(entry)}]({entry.link or ''})"
    if label_reader and note.reader:
        head += f" <kbd>@{note.reader}</kbd>"
    out = [head]
    blanks = 0
    for line in note.text.strip().splitlines():
        if not line.strip():
            blanks += 1
            continue
        # A paragraph break stays a blank line between sub-bullets, which readme_list keeps.
        out += [""] * blanks + ["  * " + line.strip()]
        blanks = 0
    for thought in note.thoughts:
        first, *rest = _continued(thought, "    ")
        out += [f"  * {THOUGHT_TAG} {first}", *rest]
    source = note.fields.get("quote_source", "") if note.fields else ""
    for quote in note.quotes:
        first, *rest = _continued(quote, "    ")
        out += [f"  * {QUOTE_TAG.format(source=source)} {first}", *rest]
    return out


def render(papers: list[Paper], title: str, state: LinkState | None = None) -> str:
    """One digest; `state` carries first mentions over from digests re-added before this one."""
    state = state or LinkState.of(papers)
    notes = [n for p in papers for n in p.notes]
    readers = sorted({n.reader or "" for n in notes})
    single_reader = readers[0] if len(readers) == 1 and readers[0] else None
    lines: list[str] = []
    if single_reader:
        lines += ["---", f"reader: {_yaml_scalar(single_reader)}", "---"]
    # The marker tells `paperdex add` to read this digest back exactly (segment/readme_list.py).
    lines += [f"# {title}", "", DIGEST_MARKER, "", f"Total Count：{len(papers)}"]
    previous: tuple[str, ...] = ()
    for path, entries in layout(papers, state):
        common = 0
        while common < min(len(path), len(previous)) and path[common] == previous[common]:
            common += 1
        for depth in range(common, len(path)):
            lines.append("#" * min(depth + 2, 6) + " " + path[depth])
        previous = path
        for entry in entries:
            lines += entry_lines(entry, label_reader=len(readers) > 1)
    return "\n".join(lines) + "\n"


def _yaml_scalar(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def selected_papers(lib: Library, options: ExportOptions) -> list[Paper]:
    return [p for p in papers_with_notes(iter_papers(lib, options.filter), options.filter) if p.notes]


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    options = options or ExportOptions()
    papers = selected_papers(lib, options)
    out.write(render(papers, options.title))
    return len(papers)


UNATTRIBUTED = "unattributed"


def reader_file_name(reader: str | None) -> str:
    from paperdex.export.obsidian import safe_name

    return (safe_name(reader) if reader else UNATTRIBUTED) + SUFFIX


def export_per_reader(lib: Library, folder: Path, options: ExportOptions | None = None) -> list[Path]:
    """One digest per reader (`alice.md` with `reader: alice` front matter; `unattributed.md`), so that
    adding the folder gives every note back to its reader. Files are written, and their first
    mentions decided, in the order `paperdex add` reads them (sorted names)."""
    options = options or ExportOptions()
    papers = selected_papers(lib, options)
    state = LinkState.of(papers)
    by_file: dict[str, list[Paper]] = {}
    for paper in papers:
        for reader in sorted({n.reader or "" for n in paper.notes}):
            mine = [n for n in paper.notes if (n.reader or "") == reader]
            by_file.setdefault(reader_file_name(reader or None), []).append(replace(paper, notes=mine))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(by_file):
        path = folder / name
        path.write_text(render(by_file[name], options.title, state), encoding="utf-8", newline="\n")
        written.append(path)
    return written
