"""Links in note text, and what each points at: a paper, a local note, an anchor, or something else.

Pure functions over strings. A paper link is one whose target identifies a paper
(arXiv, DOI, OpenReview, CVF, ACL Anthology, PMLR, NeurIPS...) or lives on a host
that serves papers (publishers, Semantic Scholar, Papers with Code, a PDF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from paperdex.ids import arxiv_from_doi, find_urls, identifier_from_url, normalize_arxiv, normalize_doi
from paperdex.model import Identifier

# [text](url "title") with one level of nested brackets in the text; <url>; [[url][desc]] is made
# Markdown by the org reader before this runs.
_MD_LINK = re.compile(
    r"(?P<img>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?P<url>[^\s)<>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_ANGLE = re.compile(r"<(?P<url>https?://[^>\s]+)>")

PAPER_HOSTS = (
    "arxiv.org", "doi.org", "dx.doi.org", "openreview.net", "aclanthology.org", "aclweb.org",
    "proceedings.mlr.press", "papers.nips.cc", "proceedings.neurips.cc", "papers.neurips.cc",
    "openaccess.thecvf.com", "semanticscholar.org", "paperswithcode.com", "dl.acm.org",
    "ieeexplore.ieee.org", "link.springer.com", "sciencedirect.com", "nature.com", "science.org",
    "biorxiv.org", "medrxiv.org", "ncbi.nlm.nih.gov", "pubmed.ncbi.nlm.nih.gov", "jmlr.org",
    "ojs.aaai.org", "aaai.org", "ijcai.org", "iclr.cc", "proceedings.iclr.cc", "isca-archive.org",
    "isca-speech.org", "researchgate.net", "ssrn.com", "papers.ssrn.com", "academic.oup.com",
    "journals.aps.org", "iopscience.iop.org", "pnas.org", "cell.com", "frontiersin.org",
    "mdpi.com", "tandfonline.com", "onlinelibrary.wiley.com", "jstor.org", "plos.org",
    "journals.plos.org", "elifesciences.org", "cv-foundation.org", "ecva.net", "bmva.org",
    "alphaxiv.org", "huggingface.co", "scholar.archive.org", "citeseerx.ist.psu.edu",
    "eccv2018.org", "robotics.sciencemag.org", "roboticsproceedings.org", "mlsys.org",
    "usenix.org", "vldb.org", "computer.org", "hal.science", "hal.archives-ouvertes.fr",
    "eprint.iacr.org", "projecteuclid.org", "europepmc.org", "jair.org", "journals.sagepub.com",
    "royalsocietypublishing.org", "psyarxiv.com", "chemrxiv.org", "escholarship.org",
)
_PAPER_PATH = {
    "huggingface.co": ("papers",),
    "paperswithcode.com": ("paper",),
    "semanticscholar.org": ("paper", "arxiv"),
    "researchgate.net": ("publication",),
    "ncbi.nlm.nih.gov": ("pmc", "pubmed"),
    "usenix.org": ("conference", "system", "legacy"),
    "computer.org": ("csdl",),
}
# Paper hosts' pages that are not one paper: a journal's or a conference's page, a listing, a profile.
_NON_PAPER_PATH = {
    "dl.acm.org": ("journal", "conference", "action", "topic", "profile", "toc", "series", "magazine"),
    "ieeexplore.ieee.org": ("xpl", "author", "browse", "search", "home"),
    "link.springer.com": ("journal", "conference", "series", "search", "bookseries"),
    "sciencedirect.com": ("journal", "search", "browse", "topics"),
    "nature.com": ("subjects", "search", "collections", "nature", "natmachintell"),
    "openreview.net": ("group", "profile", "venue"),
    "aclanthology.org": ("venues", "events", "people", "volumes", "sigs"),
}
# Hosts whose links are never the paper: code, video, social, blogs, slides.
NON_PAPER_HOSTS = (
    "github.com", "gitlab.com", "youtube.com", "youtu.be", "bilibili.com", "twitter.com", "x.com",
    "t.co", "medium.com", "zhihu.com", "zhuanlan.zhihu.com", "reddit.com", "colab.research.google.com",
    "img.shields.io", "shields.io", "badgen.net", "imgur.com", "i.imgur.com", "linkedin.com",
    "facebook.com", "instagram.com", "discord.gg", "discord.com", "t.me", "telegram.me", "patreon.com",
    "buymeacoffee.com", "ko-fi.com", "docs.google.com", "drive.google.com", "slideshare.net",
    "speakerdeck.com", "vimeo.com", "tiktok.com", "weibo.com", "mp.weixin.qq.com", "notion.so",
    "wikipedia.org", "en.wikipedia.org", "stackoverflow.com", "kaggle.com", "pypi.org", "npmjs.com",
    "hub.docker.com", "substack.com", "blogspot.com", "wordpress.com", "csdn.net", "cnblogs.com",
    "jianshu.com", "juejin.cn", "udemy.com", "coursera.org", "edx.org", "courses.edx.org",
)
# The host lists as sets: a host is looked up once per domain level (see _suffixes).
_PAPER_HOSTS = frozenset(PAPER_HOSTS)
_NON_PAPER_HOSTS = frozenset(NON_PAPER_HOSTS)
_LOCAL_NOTE = re.compile(r"\.(?:md|markdown|org|txt|html?)(?:#.*)?$", re.I)
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|ico)(?:\?.*)?$", re.I)


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    start: int
    end: int
    image: bool = False

    @property
    def host(self) -> str:
        return host_of(self.url)


def host_of(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else "https://" + url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _suffixes(host: str) -> list[str]:
    """The host and each domain above it (a.b.org -> a.b.org, b.org, org): a host is in a list of hosts when
    one of these is, so a set look-up per level replaces a suffix test per listed host."""
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


@lru_cache(maxsize=4096)
def find_links(text: str) -> tuple[Link, ...]:
    """Markdown links and images, <angle> links and bare URLs, in order of appearance (cached: the
    extractor asks about the same lines from several levels of the tree)."""
    if "](" not in text and "://" not in text:
        return ()  # every kind of link below needs one of the two: most lines of prose have neither
    found: list[Link] = []
    taken: list[tuple[int, int]] = []
    for m in _MD_LINK.finditer(text):
        found.append(Link(m.group("text").strip(), m.group("url").strip(), m.start(), m.end(), bool(m.group("img"))))
        taken.append((m.start(), m.end()))
        # an image inside a link's text: [![badge](img)](target)
        inner = m.group("text")
        if inner.startswith("!["):
            found[-1] = Link(inner, m.group("url").strip(), m.start(), m.end(), True)
    for m in _ANGLE.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Link("", m.group("url"), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    rest = _blanked(text, taken)
    for url in find_urls(rest):
        pos = rest.find(url)
        found.append(Link("", url, pos, pos + len(url)))
        rest = rest[:pos] + " " * len(url) + rest[pos + len(url):]
    found.sort(key=lambda link: link.start)
    return tuple(found)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans (which may overlap) overwritten by spaces, so bare URLs are not found twice."""
    if not spans:
        return text
    pieces: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        if b <= pos:
            continue
        a = max(a, pos)
        pieces += [text[pos:a], " " * (b - a)]
        pos = b
    return "".join(pieces) + text[pos:]


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.|[a-z0-9.-]+\.[a-z]{2,}/)", re.I)


def is_local(url: str) -> bool:
    """A relative link inside the collection: no scheme (`cite:`, `mailto:`, `file:`), not an anchor."""
    return bool(url) and not _SCHEME.match(url) and not url.startswith(("#", "//"))


def is_anchor(url: str) -> bool:
    return url.startswith("#")


_ASSET = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|ico|css|js|json|ya?ml|csv|zip|gz|pdf|mp4|mp3|ipynb|py)$", re.I)


# A note file shown on a code host: `https://github.com/<owner>/<repo>/blob/<branch>/notes/x.md`.
_HOSTED_NOTE = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|gitee\.com)/[^/\s]+/[^/\s]+/(?:-/)?blob/"
                          r"[^\s?#]+\.(?:md|markdown|org|txt)(?:[?#].*)?$", re.I)


def is_local_note(url: str) -> bool:
    """A link to another note or page of the same collection (an index line pointing at its note), relative
    or as the note's file on GitHub/GitLab (an index that links its notes by their full address)."""
    if _HOSTED_NOTE.match(url):
        name = url.split("?")[0].split("#")[0].rsplit("/", 1)[-1].lower()
        return not name.startswith(("readme", "index", "license", "contributing", "changelog"))
    if not is_local(url):
        return False
    raw = unquote(url.split("?")[0].split("#")[0])
    path = raw.strip("/")
    if not path or _ASSET.search(path):
        return False
    if _LOCAL_NOTE.search(path):
        return True  # "Continuous%20Speech%20Separation%20阅读笔记.md": spaces are common in note names
    if re.search(r"\s", path):
        return False
    # Without an extension: a site's page (`/2024-05/2401.01234-some-paper-slug`), not a folder (`Topic/`).
    return not raw.endswith("/") and ("/" in path or path.count("-") >= 2)


# A local PDF's path that says "paper": a papers/ folder (any language), or a file named by its arXiv id.
_PAPER_PDF_PATH = re.compile(r"(?:^|/)[^/]*(?:paper|论文|文献|論文|논문|стать|literature|arxiv)[^/]*/|"
                             r"(?:^|/)\d{4}\.\d{4,5}(?:v\d+)?\.pdf$", re.I)


def is_local_paper(link: Link) -> bool:
    """A PDF kept beside the notes in a papers folder and named by its link (`[ZeRO: Memory
    Optimizations ...](papers/ZeRO.pdf)`, `[pdf](论文/2401.01234.pdf)`): the paper itself. Other local
    PDFs are as often slides, books and handouts (a course's `slides/DL_perceptrons.pdf`); a link
    that shows the file's own name (`file:: [Guide.pdf](../assets/Guide.pdf)`) is an attachment."""
    if link.image or not is_local(link.url) or not link.text.strip() or link.text.strip().lower().endswith(".pdf"):
        return False
    path = unquote(link.url.split("?")[0].split("#")[0])
    return path.lower().endswith(".pdf") and bool(_PAPER_PDF_PATH.search(path))


def names_paper(link: Link) -> bool:
    """A link to a paper: on the web (is_paper_url) or a PDF beside the notes (is_local_paper)."""
    return is_paper_url(link.url) or is_local_paper(link)


def is_image(link: Link) -> bool:
    return link.image or bool(_IMAGE.search(link.url.split("#")[0]))


def identifier(url: str) -> Identifier | None:
    if not url or not _WEB_ADDRESS.match(url):
        return None
    return identifier_from_url(url)


@lru_cache(maxsize=4096)
def is_paper_url(url: str) -> bool:
    """Whether a link's target is a paper (an identifier, a paper host, or a PDF off code hosts)."""
    if not url or is_local(url) or url.startswith(("#", "mailto:", "file:")):
        return False
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
        host = (parts.hostname or "").lower().removeprefix("www.")  # host_of(url)
    except ValueError:
        return False
    if not host:
        return False
    if identifier(url) is not None:
        return True
    suffixes = _suffixes(host)
    if not _NON_PAPER_HOSTS.isdisjoint(suffixes):
        return False
    path = parts.path.lower()
    first = next((seg for seg in path.split("/") if seg), "")
    for h, sections in _NON_PAPER_PATH.items():
        if h in suffixes and (first in sections or not first):
            return False
    for h, prefixes in _PAPER_PATH.items():
        if h in suffixes:
            segs = [s for s in path.split("/") if s]
            return bool(segs) and (segs[0] in prefixes or path.endswith(".pdf"))
    if host.endswith("arxiv.org"):
        return False  # an arXiv page that names no paper: a listing, a search, an author page
    if not _PAPER_HOSTS.isdisjoint(suffixes):
        return True
    return path.endswith(".pdf") or "/pdf/" in path


# Metadata keys whose values name the paper's own link or id (front matter, org properties).
_LINK_KEYS = ("link", "url", "paper", "pdf", "arxiv", "arxiv_id", "eprint", "doi", "paper_url", "source", "roam_refs",
              "ref", "href", "paper_link")


def meta_identifiers(meta: dict) -> tuple[list[Identifier], list[str]]:
    """Identifiers and paper links written in a note's own metadata (front matter, properties)."""
    ids: list[Identifier] = []
    urls: list[str] = []
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in _LINK_KEYS:
        value = lowered.get(key)
        for item in value if isinstance(value, list) else [value]:
            if item in (None, ""):
                continue
            text = str(item).strip().strip("[]")
            ident = None
            if key in ("arxiv", "arxiv_id", "eprint"):
                raw = normalize_arxiv(text)
                ident = Identifier("arxiv", raw) if raw else None
            elif key == "doi":
                raw = normalize_doi(text)
                ident = Identifier("doi", raw) if raw else None
                arxiv = arxiv_from_doi(raw) if raw else None  # 10.48550/arXiv.2006.13448
                if arxiv and arxiv not in ids:
                    ids.append(arxiv)
            for link in find_links(text) or []:
                if re.match(r"^https?://", link.url):
                    urls.append(link.url)
                    ident = ident or identifier(link.url)
            if ident and ident not in ids:
                ids.append(ident)
    return ids, urls
