"""Find and normalise paper identifiers (arXiv, DOI, OpenReview, CVF, ACL, PMLR, NeurIPS) in URLs and text.

Everything is pure string work. Normalised values are fixed points: running a
normaliser on its own output returns it unchanged, so values can be used as
database keys and compared across notes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from paperdex.model import SCHEMES, Identifier

# --- arXiv -----------------------------------------------------------------------------------------

# New style (2007+): YYMM.NNNN (to 2014) or YYMM.NNNNN (2015+); the month must be real.
_ARXIV_NEW = r"\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}"
# Old style (to March 2007): archive[.SUBJ]/YYMMNNN. Archive names are a closed list so that
# "and/or" or "km/1234567" are never taken for ids.
_OLD_ARCHIVES = (
    "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin",
    "nucl-ex", "nucl-th", "physics", "quant-ph", "math", "cs", "q-bio", "q-fin", "stat",
    "adap-org", "alg-geom", "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "dg-ga", "funct-an",
    "mtrl-th", "patt-sol", "q-alg", "solv-int", "supr-con", "acc-phys", "ao-sci", "atom-ph",
    "bayes-an", "plasm-ph",
)
_ARCHIVE_RE = "|".join(sorted((re.escape(a) for a in _OLD_ARCHIVES), key=len, reverse=True))
_ARXIV_OLD = rf"(?:{_ARCHIVE_RE})(?:\.[A-Za-z]{{2}})?/\d{{2}}(?:0[1-9]|1[0-2])\d{{3}}"
_ARXIV_FULL = re.compile(rf"^(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<v>\d+))?$", re.I)

# --- DOI -------------------------------------------------------------------------------------------

_DOI = re.compile(r"(?<![\w/.])10\.\d{4,9}/[^\s\"'<>`\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\s*[:：]\s*|doi\s+)", re.I)
_TRAILING = ".,;:!?'\"*`，。；：！？、"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_CLOSER = re.compile(r"[)\]}>]")
_BRACKET = re.compile(r"[()\[\]{}<>]")

# --- URLs ------------------------------------------------------------------------------------------

# Stop at whitespace, quotes, angle brackets and CJK / full-width characters (notes glue URLs to
# Chinese text: "见https://arxiv.org/abs/1706.03762。").
_URL = re.compile(r"https?://[^\s\"'<>`\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", re.I)
# Scheme-less arXiv links written as text ("arxiv.org/abd/2412.04463"); `abd` is a real typo.
_ARXIV_LINK = re.compile(
    rf"arxiv\.org/(?:abs|abd|pdf|html|ps|format)/(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<v>\d+))?", re.I
)
# A new-style id is only an arXiv id when the text says so: "arXiv:2406.10454",
# "arXiv preprint arXiv:2310.17596", "arxiv 2406.10454", "arXiv.2312.07559" (DOI suffix).
_ARXIV_PREFIXED = re.compile(
    rf"(?<![A-Za-z])arxiv\s*(?:[:：.]|\bid\b)?\s*(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<v>\d+))?(?!\d)", re.I
)
_ARXIV_OLD_BARE = re.compile(rf"(?<![\w/.-])(?P<id>{_ARXIV_OLD})(?:v(?P<v>\d+))?(?!\d)", re.I)


def _trim_url_tail(url: str) -> str:
    """Cut an unbalanced closing bracket (Markdown `[x](url)`) and trailing punctuation."""
    depth: dict[str, int] = {}
    # Only brackets change the depth, and only a closer can cut the URL: the scan visits brackets alone.
    for m in _BRACKET.finditer(url) if _CLOSER.search(url) else ():
        i, ch = m.start(), m.group()
        if ch in "([{<":
            depth[ch] = depth.get(ch, 0) + 1
        elif ch in _CLOSERS:
            opener = _CLOSERS[ch]
            if depth.get(opener, 0) == 0:
                url = url[:i]
                break
            depth[opener] -= 1
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    return url


def _url_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    if "://" not in text:
        return spans
    for m in _URL.finditer(text):
        url = _trim_url_tail(m.group(0))
        if len(url) > len("https://"):
            spans.append((m.start(), m.start() + len(url), url))
    return spans


def find_urls(text: str) -> list[str]:
    """http(s) URLs in text, bare or inside Markdown links, in order of appearance, without duplicates."""
    seen: dict[str, None] = {}
    for _, _, url in _url_spans(text):
        seen.setdefault(url, None)
    return list(seen)


# --- normalisers -----------------------------------------------------------------------------------


def _old_style(raw: str) -> str:
    archive, number = raw.split("/", 1)
    return f"{archive.split('.', 1)[0].lower()}/{number}"


def _arxiv_match(s: str) -> re.Match[str] | None:
    s = s.strip()
    if not s:
        return None
    link = _ARXIV_LINK.search(s)
    if link:
        return link
    s = re.sub(r"^(?:10\.48550/)?arxiv\s*[:：.]?\s*", "", s, flags=re.I)
    s = re.sub(r"\.pdf$", "", s, flags=re.I)
    return _ARXIV_FULL.match(s)


def normalize_arxiv(s: str) -> str | None:
    """'2406.10454' from 'arXiv:2406.10454v2', an abs/pdf URL or the arXiv DOI; old style keeps its archive."""
    m = _arxiv_match(s)
    if not m:
        return None
    raw = m.group("id")
    return _old_style(raw) if "/" in raw else raw


def arxiv_version(s: str) -> int | None:
    """The version number of an arXiv reference ('2406.10454v2' -> 2), None when unversioned."""
    m = _arxiv_match(s)
    if not m or not m.group("v"):
        return None
    return int(m.group("v"))


def _strip_doi_tail(doi: str) -> str:
    depth = 0
    for i, ch in enumerate(doi):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                doi = doi[:i]
                break
            depth -= 1
        elif ch in "]}>":
            doi = doi[:i]
            break
    while doi and doi[-1] in _TRAILING:
        doi = doi[:-1]
    return doi


def normalize_doi(s: str) -> str | None:
    """Lower-case DOI '10.x/y' without resolver prefix, 'doi:' or trailing punctuation."""
    s = unquote(s.strip())
    s = _DOI_PREFIX.sub("", s)
    s = re.sub(r"\s+", "", s)
    s = _strip_doi_tail(s).lower()
    if not re.fullmatch(r"10\.\d{4,9}/\S+", s):
        return None
    return s


_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_\-]{5,40}$")


def normalize_openreview(s: str) -> str | None:
    """The OpenReview note id (case-sensitive) from a forum/pdf URL or a bare id."""
    s = s.strip()
    if "openreview.net" in s.lower():
        query = parse_qs(urlsplit(s if "://" in s else "https://" + s).query)
        ids = query.get("id")
        if not ids:
            return None
        s = ids[0]
    s = s.strip()
    return s if _OPENREVIEW_ID.match(s) else None


# --- URL -> identifier ---------------------------------------------------------------------------------

_CVF_DIR = re.compile(r"^(?:content_)?([A-Za-z]+?)(W)?_?(\d{4})(W|_workshops)?$", re.I)
_CVF_FILE = re.compile(r"_([A-Za-z]+?)(W)?_(\d{4})_(?:paper|supplemental)$", re.I)


def _cvf(parts: list[str]) -> Identifier | None:
    """CVF open access: 'CVPR2021/Ding_RepVGG_...' from html or pdf links of the same paper."""
    if len(parts) < 2:
        return None
    stem = re.sub(r"\.(?:html|pdf)$", "", parts[-1], flags=re.I)
    venue = None
    dirs = parts[1:2] if parts[0].lower() == "content" else parts[:1]
    dm = _CVF_DIR.match(dirs[0]) if dirs else None
    if dm and dm.group(1).lower() != "content":
        workshop = bool(dm.group(2) or dm.group(4))
        venue = f"{dm.group(1).upper()}{'W' if workshop else ''}{dm.group(3)}"
    fm = _CVF_FILE.search(stem)
    if fm:
        stem = stem[: fm.start()]
        if venue is None:
            venue = f"{fm.group(1).upper()}{'W' if fm.group(2) else ''}{fm.group(3)}"
    if not venue or not stem or len(parts) < 3:
        return None
    return Identifier("cvf", f"{venue}/{stem}")


def _acl(path: str) -> Identifier | None:
    m = re.search(r"(?:^|/)(\d{4}\.[a-z0-9-]+\.\d+|[A-Z]\d{2}-\d{4})(?:\.pdf|\.bib)?/?$", path, re.I)
    if not m:
        return None
    value = m.group(1)
    value = value.upper() if re.fullmatch(r"[A-Za-z]\d{2}-\d{4}", value) else value.lower()
    return Identifier("acl", value)


def _pmlr(parts: list[str]) -> Identifier | None:
    if len(parts) < 2 or not re.fullmatch(r"v\d+", parts[0]):
        return None
    paper = re.sub(r"\.(?:html|pdf)$", "", parts[1])
    if not re.fullmatch(r"[a-z0-9_-]+", paper, re.I):
        return None
    return Identifier("pmlr", f"{parts[0]}/{paper.lower()}")


def _neurips(path: str) -> Identifier | None:
    m = re.search(r"/([0-9a-f]{32})-(?:Abstract|Paper|Supplemental|Reviews|Metadata)", path, re.I)
    if m:
        return Identifier("neurips", m.group(1).lower())
    m = re.search(r"/paper/(\d{3,5})-[^/]+$", path)
    if m:
        return Identifier("neurips", m.group(1))
    return None


def _doi_in_path(path: str) -> Identifier | None:
    m = re.search(r"/doi/(?:abs/|full/|pdf/|epdf/|fullHtml/|book/)?(10\.\d{4,9}/.+)$", path, re.I)
    doi = normalize_doi(m.group(1)) if m else None
    return Identifier("doi", doi) if doi else None


@lru_cache(maxsize=4096)
def identifier_from_url(url: str) -> Identifier | None:
    """The paper identifier a link carries, or None for a blog, code or video link."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    segs = [p for p in path.split("/") if p]
    if host.endswith("arxiv.org"):
        m = _ARXIV_LINK.search(f"arxiv.org{path}")
        if m:
            raw = m.group("id")
            return Identifier("arxiv", _old_style(raw) if "/" in raw else raw)
        return None
    if host in ("doi.org", "dx.doi.org"):
        doi = normalize_doi(path.lstrip("/"))
        return Identifier("doi", doi) if doi else None
    if host == "openreview.net":
        ids = parse_qs(parts.query).get("id")
        value = normalize_openreview(ids[0]) if ids else None
        return Identifier("openreview", value) if value else None
    if host == "openaccess.thecvf.com":
        return _cvf(segs)
    if host in ("aclanthology.org", "aclweb.org") or host.endswith(".aclweb.org"):
        return _acl(path)
    if host == "proceedings.mlr.press":
        return _pmlr(segs)
    if host in ("papers.nips.cc", "proceedings.neurips.cc", "papers.neurips.cc"):
        return _neurips(path)
    mirrors = ("huggingface.co", "alphaxiv.org", "semanticscholar.org")
    if host in mirrors and len(segs) >= 2 and segs[0] in ("papers", "abs", "arxiv", "overview"):
        raw = normalize_arxiv(segs[1])
        return Identifier("arxiv", raw) if raw else None
    if host == "nature.com" and len(segs) >= 2 and segs[0] == "articles":
        # Nature article slugs are the DOI suffix: nature.com/articles/nature14236 -> 10.1038/nature14236.
        doi = normalize_doi("10.1038/" + re.sub(r"\.(?:e?pdf|html)$", "", segs[1]))
        return Identifier("doi", doi) if doi else None
    if host in ("link.springer.com",) and len(segs) >= 3:
        doi = normalize_doi("/".join(segs[1:]))
        return Identifier("doi", doi) if doi else None
    return _doi_in_path(path)


# --- free text -------------------------------------------------------------------------------------


def arxiv_from_doi(doi: str) -> Identifier | None:
    """arXiv's own DOI for a paper (10.48550/arXiv.2006.13448) as its arXiv id."""
    if doi.startswith("10.48550/arxiv."):
        raw = normalize_arxiv(doi)
        return Identifier("arxiv", raw) if raw else None
    return None


_ARXIV_WORD = re.compile("arxiv", re.I)
_SLASH_NUMBER = re.compile(r"/\d{7}")  # what every old-style id (`hep-th/9901001`) holds


def find_identifiers(text: str) -> list[Identifier]:
    """Every identifier in free text (links, 'arXiv:...' ids, old-style ids, bare DOIs), in order."""
    if "/" not in text and not _ARXIV_WORD.search(text):
        return []  # every form below has a slash, except `arXiv:<id>`
    found: list[tuple[int, Identifier]] = []
    pieces: list[str] = []  # the text with its URLs blanked out, so their ids are not found twice
    pos = 0
    for start, end, url in _url_spans(text):
        ident = identifier_from_url(url)
        if ident:
            found.append((start, ident))
            if ident.scheme == "doi":
                extra = arxiv_from_doi(ident.value)
                if extra:
                    found.append((start, extra))
        pieces += [text[pos:start], " " * (end - start)]
        pos = end
    rest = "".join(pieces) + text[pos:] if pieces else text
    # Each scan runs only when its text could be there (the scans are the slow part on a long note).
    arxiv, slash = bool(_ARXIV_WORD.search(rest)), "/" in rest
    old_style = slash and bool(_SLASH_NUMBER.search(rest))
    patterns = ((_ARXIV_LINK, _ARXIV_PREFIXED) if arxiv else ()) + ((_ARXIV_OLD_BARE,) if old_style else ())
    for pattern in patterns:
        for m in pattern.finditer(rest):
            raw = m.group("id")
            found.append((m.start(), Identifier("arxiv", _old_style(raw) if "/" in raw else raw)))
    for m in _DOI.finditer(rest) if slash and "10." in rest else ():
        doi = normalize_doi(m.group(0))
        if doi:
            found.append((m.start(), Identifier("doi", doi)))
            extra = arxiv_from_doi(doi)
            if extra:
                found.append((m.start(), extra))
    found.sort(key=lambda pair: pair[0])
    seen: dict[Identifier, None] = {}
    for _, ident in found:
        seen.setdefault(ident, None)
    return list(seen)


def primary_identifier(ids: list[Identifier]) -> Identifier | None:
    """The identifier that keys a paper: the first by model.SCHEMES order, first seen on ties."""
    if not ids:
        return None
    rank = {scheme: i for i, scheme in enumerate(SCHEMES)}
    return min(ids, key=lambda ident: rank.get(ident.scheme, len(SCHEMES)))
