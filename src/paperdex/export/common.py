"""What several exporters share: a paper's links, the key its id was made from, sections, readers.

Round-tripping exports must give back the same paper ids. A paper's id is the
hash of the key of the block that first created it (library/ingest.py
`paper_id_for`): an identifier, or the normalised title when that first note
carried none. `id_basis` finds that key again so that an exporter can write
the first mention of a paper with exactly that key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote_plus

from paperdex.ids import identifier_from_url, primary_identifier
from paperdex.library.ingest import paper_id_for
from paperdex.library.store import PaperFilter
from paperdex.model import Identifier, Note, NoteBlock, Paper

# Sections are stored as "Top / Sub" (heading path); notes outside any heading have none.
SECTION_SEP = " / "


def canonical_url(ident: Identifier) -> str | None:
    """The landing page of an identifier, when one can be built from the id alone."""
    value = ident.value
    return {
        "arxiv": f"https://arxiv.org/abs/{value}",
        "doi": f"https://doi.org/{value}",
        "openreview": f"https://openreview.net/forum?id={value}",
        "acl": f"https://aclanthology.org/{value}/",
        "pmlr": f"https://proceedings.mlr.press/{value}.html",
    }.get(ident.scheme)


def search_url(title: str) -> str:
    """A link for a paper known only by its title: a scholar search, carrying no identifier."""
    return "https://scholar.google.com/scholar?q=" + quote_plus(f'"{title}"')


def id_basis(paper: Paper) -> Identifier | None:
    """The identifier the paper's id was derived from, or None when it came from the title.

    Unknown (returns the primary identifier) when the id matches neither, e.g. after a
    hash collision was resolved by re-hashing.
    """
    for ident in paper.identifiers:
        if paper_id_for(NoteBlock(identifiers=[ident])) == paper.id:
            return ident
    if paper.title and paper_id_for(NoteBlock(title=paper.title)) == paper.id:
        return None
    return primary_identifier(paper.identifiers)


def urls_of(paper: Paper, notes: Iterable[Note] = ()) -> list[str]:
    """Every known link of a paper: its notes' links first, then canonical ones for its identifiers."""
    out: list[str] = []
    for url in [*(u for n in notes for u in n.urls), *paper.urls]:
        if url.startswith(("http://", "https://")) and url not in out:
            out.append(url)
    for ident in sorted(paper.identifiers, key=_rank):
        url = canonical_url(ident)
        if url and url not in out:
            out.append(url)
    return out


def _rank(ident: Identifier) -> tuple[int, str]:
    from paperdex.model import SCHEMES

    return (SCHEMES.index(ident.scheme) if ident.scheme in SCHEMES else len(SCHEMES), ident.value)


def link_with(paper: Paper, want: Identifier | None, notes: Iterable[Note] = ()) -> str | None:
    """A link that carries exactly identifier `want` (None: a link carrying no identifier)."""
    for url in urls_of(paper, notes):
        if identifier_from_url(url) == want:
            return url
    if want is None:
        return search_url(paper.title) if paper.title else None
    return canonical_url(want)


def best_link(paper: Paper, notes: Iterable[Note] = ()) -> str | None:
    """The link a reader wants: the primary identifier's page, else the first link, else a search."""
    primary = primary_identifier(paper.identifiers)
    if primary is not None:
        link = link_with(paper, primary, notes)
        if link:
            return link
    urls = urls_of(paper, notes)
    if urls:
        return urls[0]
    return search_url(paper.title) if paper.title else None


def real_link(paper: Paper, notes: Iterable[Note] | None = None) -> str | None:
    """The paper's best link, but never a made-up search link: metadata fields hold facts."""
    link = best_link(paper, paper.notes if notes is None else notes)
    return None if link and paper.title and link == search_url(paper.title) else link


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_INITIALS = re.compile(r"(?:[A-Z]\.?-?)+")


def split_name(author: str) -> tuple[str, str]:
    """(family, given) of 'Fu, Z.', 'Zipeng Fu' or 'Fu Z.'; ('', name) for a name that is one unit
    (one word, an organisation, a CJK name), which bibliographies must not reorder."""
    author = " ".join(author.split())
    if "," in author:
        family, given = (part.strip() for part in author.split(",", 1))
        return (family, given) if given and family else ("", family or given)
    parts = author.split()
    if len(parts) < 2 or _CJK.search(author) or " and " in author.lower():
        return "", author
    if _INITIALS.fullmatch(parts[-1]):  # "Fu Z.": family name first
        return parts[0], " ".join(parts[1:])
    lead = 0
    while lead < len(parts) - 1 and _INITIALS.fullmatch(parts[lead]):
        lead += 1
    if lead:  # "M. Sobol Mark": after the initials, every word is the family name
        return " ".join(parts[lead:]), " ".join(parts[:lead])
    return parts[-1], " ".join(parts[:-1])


_SCRIPTS = (("ja", re.compile(r"[\u3040-\u30ff]")), ("ko", re.compile(r"[\uac00-\ud7af]")),
            ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")), ("ru", re.compile(r"[\u0400-\u04ff]")))
# biblatex `langid` (babel/polyglossia names) for the ISO codes above.
LANGIDS = {"en": "english", "zh": "chinese", "ja": "japanese", "ko": "korean", "ru": "russian"}


def paper_language(paper: Paper) -> str | None:
    """ISO 639-1 code of the paper's own language, judged from its title's script (kana before Han:
    Japanese titles mix both); Latin-script titles are taken as English, the norm in these notes."""
    title = paper.title or ""
    for code, script in _SCRIPTS:
        if script.search(title):
            return code
    return "en" if re.search(r"[A-Za-z]", title) else None


def sections_of(paper: Paper) -> list[str]:
    """The paper's sections (from its notes), sorted, without duplicates."""
    return sorted({n.section for n in paper.notes if n.section})


def readers_of(paper: Paper) -> list[str]:
    return sorted({n.reader for n in paper.notes if n.reader})


def section_path(section: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in section.split(SECTION_SEP)) if section else ()


def note_passes(note: Note, flt: PaperFilter) -> bool:
    """The note-level part of a PaperFilter, applied in Python (store filters papers, not their notes)."""
    if flt.section and (note.section or "").casefold() != flt.section.casefold():
        return False
    if flt.reader and (note.reader or "").casefold() != flt.reader.casefold():
        return False
    if flt.source and not (note.source == flt.source or flt.source in note.source):
        return False
    if flt.has_thoughts and not note.thoughts:
        return False
    return not (flt.language and note.language != flt.language)


def papers_with_notes(papers: Iterable[Paper], flt: PaperFilter) -> list[Paper]:
    """Papers whose notes are cut down to the ones the filter asks for (`--reader alice`: alice's)."""
    out = []
    for paper in papers:
        paper.notes = [n for n in paper.notes if note_passes(n, flt)]
        out.append(paper)
    return out
