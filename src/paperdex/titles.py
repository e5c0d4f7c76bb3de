"""Paper titles: the merge key, the cleaning of what readers add around titles, and a title-line heuristic.

`normalize_title` is the key two notes about the same paper share when they
carry no identifier. It keeps word boundaries but drops everything a copy from
a PDF, a blog editor or a phone keyboard changes: case, width, ligatures,
diacritics, quotes, punctuation and hyphens (PDF copies lose hyphens at line
breaks: "returnconditioned" == "return-conditioned").
"""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9'’\-]*")
_APOSTROPHES = "'’‘`´\"“”„«»「」『』"


_DROP = _APOSTROPHES + "-‐‑‒–"


def _ascii_table() -> dict[int, str | None]:
    """What the general path does to each ASCII character: letters and digits kept (lowercased), quotes
    and hyphens dropped, everything else (punctuation, symbols, space, controls) a word break."""
    return {i: None if chr(i) in _DROP else chr(i).lower() if chr(i).isalnum() else " " for i in range(128)}


_ASCII = _ascii_table()


class _CharTable(dict):
    """A str.translate table filled on first sight of each character: one unicodedata lookup per
    distinct character instead of one per character of every title. Bounded by the characters seen."""

    def __init__(self, rule) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, code: int) -> str | None:
        value = self[code] = self.rule(chr(code))
        return value


def _strip_combining(ch: str) -> str | None:
    return None if unicodedata.combining(ch) else ch


def _word_char(ch: str) -> str | None:
    if ch in _DROP:
        return None  # "Don't" == "Dont"; "Goal-conditioned" == "Goalconditioned"
    return " " if unicodedata.category(ch)[0] in "PSZC" else ch


_COMBINING = _CharTable(_strip_combining)
_WORD = _CharTable(_word_char)


def normalize_title(title: str) -> str:
    """Merge key: NFKC, no diacritics, casefolded, punctuation and quotes dropped, whitespace collapsed.

    Runs for every title of a 2.5M-record snapshot, so it is table-driven: ASCII titles (most of them)
    take one str.translate; others go through NFKC/NFKD and two cached translate tables. The reading
    of the rules, one character at a time, is `_normalize_reference` (tests check they agree).
    """
    if not title:
        return ""
    if title.isascii():
        return " ".join(title.translate(_ASCII).split())
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title)).translate(_COMBINING)
    return " ".join(text.casefold().translate(_WORD).split())


def _normalize_reference(title: str) -> str:
    """The rules of normalize_title spelled out character by character (slow; the tests' reference)."""
    text = unicodedata.normalize("NFKC", title or "")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.casefold()
    out = []
    for ch in text:
        if ch in _APOSTROPHES or ch in "-‐‑‒–":
            continue
        cat = unicodedata.category(ch)
        out.append(" " if cat[0] in "PSZC" else ch)
    return " ".join("".join(out).split())


# --- cleaning -------------------------------------------------------------------------------------

# Venues written next to titles, in the spelling we report them with.
VENUES = (
    "ICLR", "NeurIPS", "NIPS", "ICML", "CVPR", "ICCV", "ECCV", "AAAI", "IJCAI", "ACL", "EMNLP",
    "NAACL", "COLING", "KDD", "WWW", "SIGIR", "CoRL", "RSS", "ICRA", "IROS", "TPAMI", "PAMI",
    "IJCV", "JMLR", "TMLR", "AISTATS", "UAI", "WACV", "BMVC", "3DV", "MICCAI", "ITSC", "IV",
    "COLM", "Nature", "Science", "ACM MM", "MM", "CHI", "SIGGRAPH", "TOG", "ICASSP", "INTERSPEECH",
    "WSDM", "CIKM", "ICDE", "RAL", "RA-L", "TIP", "TITS", "PMLR", "L4DC", "ICLR Workshop", "arXiv",
)
_VENUE_NAMES = {v.casefold(): v for v in VENUES}
_VENUE_RE = re.compile(
    r"^(?P<name>" + "|".join(sorted((re.escape(v) for v in VENUES), key=len, reverse=True)) + r")"
    r"\s*['’]?(?P<year>(?:19|20)\d{2}|\d{2})(?![\d])(?:[-/.]\d{1,2})?\s*(?P<rest>.*)$",
    re.I,
)
_STATUS = re.compile(
    r"\b(oral|spotlight|poster|workshop|reject(?:ed)?|accept(?:ed)?|best paper(?: award| candidates?| shortlist)?|"
    r"bp|findings|main)\b",
    re.I,
)
_REMARK_WORDS = re.compile(r"\b(paper|blog|notes?|from|version|preprint|extended|survey|review|tutorial)\b", re.I)
_MARKS = {"🌟": "recommended", "⭐": "recommended", "★": "recommended", "🔥": "hot", "❤": "favourite"}
_LEADING_SYMBOLS = re.compile(r"^[\s\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+")
_TRAILING_PAREN = re.compile(r"\s*[（(]([^()（）]{1,60})[)）]\s*$")
_LEADING_PAREN = re.compile(r"^\s*[（(]([^()（）]{1,60})[)）]\s*")
# "[Adam] Adam: A method for ...", "[Paper Reading] ...": a reader's tag before the title (no link).
_LEADING_BRACKET = re.compile(r"^\s*\[([^\[\]]{2,40})\](?!\()\s+(?=\S)")
# A year or a venue after a comma or a dash at the end: "Title, 2022", "Title – 2015", "Title, NeurIPS 2022".
_TRAILING_TAG = re.compile(r"(?:,|\s[-–—|])\s*([^,\-–—|]{2,40})$")


def strip_leading_marks(text: str) -> tuple[str, list[str]]:
    """Text without leading emoji, and the marks they stand for ("🌟" -> "recommended")."""
    m = _LEADING_SYMBOLS.match(text)
    if not m:
        return text, []
    marks = [mark for symbol, mark in _MARKS.items() if symbol in m.group(0)]
    return text[m.end():], marks


def parse_venue(text: str) -> tuple[str, int, str] | None:
    """('ICLR 2023', 2023, rest) from 'ICLR2023', 'ICLR 2023 Oral', 'EMNLP25'; None when not a known venue."""
    m = _VENUE_RE.match(text.strip())
    if not m:
        return None
    year = int(m.group("year"))
    if year < 100:
        year += 2000 if year < 70 else 1900
    name = _VENUE_NAMES[m.group("name").casefold()]
    return f"{name} {year}", year, m.group("rest").strip()


def _record_venue(venue: tuple[str, int, str], meta: dict) -> None:
    """Note a parse_venue result: venue, year, and what follows them (Oral, best paper) as status."""
    name, year, rest = venue
    meta.setdefault("venue", name)
    meta.setdefault("year", year)
    if rest:
        meta.setdefault("status", rest)
        if re.search(r"best paper", rest, re.I):
            meta.setdefault("marks", []).append("best-paper")


def _classify_paren(inner: str, meta: dict) -> bool:
    """Record what a parenthetical says; False when it belongs to the title itself."""
    inner = inner.strip()
    if re.fullmatch(r"(?:19|20)\d{2}", inner):
        meta.setdefault("year", int(inner))
        return True
    venue = parse_venue(inner)
    best = re.match(r"^(?:BP|best paper)\s+(?:of|at|@)?\s*(.+)$", inner, re.I)
    if best and parse_venue(best.group(1)):
        meta.setdefault("marks", []).append("best-paper")
        venue = parse_venue(best.group(1))
    if venue:
        _record_venue(venue, meta)
        return True
    if _CJK.search(inner) or _REMARK_WORDS.search(inner) or _STATUS.fullmatch(inner):
        meta.setdefault("remark", inner)
        return True
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9.+\-]{0,15}", inner):
        meta.setdefault("alias", inner)
        return True
    return False


def _trailing_tag(tag: str, meta: dict) -> bool:
    """Record a year or a venue with its year written after a title's comma or dash; False for anything
    else ("Attention, Please", "GPT-4 - Technical Report" keep their ends)."""
    tag = tag.strip()
    if re.fullmatch(r"(?:19|20)\d{2}", tag):
        meta.setdefault("year", int(tag))
        return True
    venue = parse_venue(tag)
    if venue and (not venue[2] or _STATUS.fullmatch(venue[2])):
        _record_venue(venue, meta)
        return True
    return False


def clean_title(raw: str) -> tuple[str, dict]:
    """The title without the year, venue, alias, remark and marks readers put around it, and those facts.

    Only parentheses at the very start or end are touched: "Video PreTraining
    (VPT): Learning to Act..." keeps its "(VPT)".
    """
    meta: dict = {}
    title = (raw or "").strip()
    while True:
        m = _LEADING_SYMBOLS.match(title)
        if m and m.group(0).strip():
            for symbol, mark in _MARKS.items():
                if symbol in m.group(0) and mark not in meta.get("marks", []):
                    meta.setdefault("marks", []).append(mark)
            title = title[m.end():]
            continue
        m = _LEADING_PAREN.match(title)
        if m and _classify_paren(m.group(1), meta):
            title = title[m.end():]
            continue
        m = _LEADING_BRACKET.match(title)
        if m and len(title[m.end():].split()) >= 2 and (
                _classify_paren(m.group(1), meta) or len(m.group(1).split()) <= 4):
            if m.group(1).strip() not in (meta.get("alias"), meta.get("remark"), meta.get("venue")) \
                    and not re.fullmatch(r"(?:19|20)\d{2}", m.group(1).strip()):
                meta.setdefault("alias", m.group(1).strip())
            title = title[m.end():]
            continue
        break
    while True:
        m = _TRAILING_PAREN.search(title)
        if not m or m.start() == 0 or not _classify_paren(m.group(1), meta):
            break
        title = title[: m.start()]
    while True:
        m = _TRAILING_TAG.search(title)
        if not m or m.start() == 0 or not _trailing_tag(m.group(1), meta):
            break
        title = title[: m.start()].rstrip()
    title = re.sub(r"\s+", " ", title).strip().rstrip(" -–—|").strip()
    return title, meta


# --- title-like lines -------------------------------------------------------------------------------

_FIELD_LINE = re.compile(r"^\s*[-*+•]\s*[^:：]{1,20}[:：]")
_MARKUP = re.compile(r"https?://|www\.|\$|\\|[{}]")
_URL_START = re.compile(r"https?://")
_TWO_SENTENCES = re.compile(r"[.]\s+[A-Z]")
_QUESTION = re.compile(r"[!?]\s+[A-Z]")


# Every byte but A-Z and a-z: what _ascii_letters deletes.
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


def _ascii_letters(text: str) -> int:
    """How many characters of `text` are A-Z or a-z (`len(re.findall("[A-Za-z]", text))`), counted without
    a list of one-letter strings: the encoder drops non-ASCII characters, translate the other ASCII ones."""
    return len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER))


def _has_markup(text: str) -> bool:
    """_MARKUP.search(text), by substring tests first: an alternation regex tries every position, and this
    runs on every candidate line of every document."""
    if "$" in text or "\\" in text or "{" in text or "}" in text or "www." in text:
        return True
    return "http" in text and _URL_START.search(text) is not None


def looks_like_title(line: str) -> bool:
    """Whether a line reads like an English paper title (not a sentence, field, ad, footer or Chinese line)."""
    text = (line or "").strip()
    if not text or len(text) > 250:
        return False
    if text[0] in "-*+•·【#>|!" or _FIELD_LINE.match(text):
        return False
    if _has_markup(text):
        return False
    if _CJK.search(text):
        return False
    if text[-1] in ".。,，;；:：、" or text.endswith("..."):
        return False
    if _TWO_SENTENCES.search(text):  # two sentences, or a citation "(2024). Title"
        return False
    if _QUESTION.search(text) and len(text.split()) > 20:  # "Can You Unpack That? Learning to..."
        return False
    cyrillic = len(_CYRILLIC.findall(text))
    if cyrillic and cyrillic * 2 > sum(map(str.isalpha, text)):  # letters are counted only when needed
        return False
    words = _LATIN_WORD.findall(text)
    if len(words) < 3 and not (len(words) == 2 and ":" in text):
        return False
    if len(words) > 30:
        return False
    non_space = sum(map(len, text.split()))  # str.split() splits at exactly the str.isspace() characters
    if non_space == 0 or _ascii_letters(text) / non_space < 0.6:  # ASCII and alphabetic
        return False
    first = words[0]
    if not (first[0].isupper() or first[0].isdigit() or any(ch.isupper() for ch in first[1:])):
        return False
    # Sentences have few capitalised words and many short lowercase ones; titles are the other way
    # round, but "When does returnconditioned ... learning?" is a lowercase title: accept either.
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised >= 2 or len(words) <= 14


# Words a title does not end on: a title cut after one of them was cut short ("... Response Suggestion for").
_DANGLING = frozenset(["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "over", "the", "through", "to", "toward", "towards", "under", "using", "via", "vs", "with", "within", "without"])
# A cut title merges only when this much of it is left: shorter prefixes are shared by unrelated papers.
MIN_CUT_CHARS = 30
MIN_CUT_WORDS = 5


def is_cut_short(short: str, full: str) -> bool:
    """Whether the normalised title `short` is `full` cut off (an org heading, a tweet or an export column
    that truncates at N characters): a prefix of it that ends inside a word or after a word no title
    ends on, long enough that two papers would not share it. A prefix ending on a whole word ("Towards
    High Performance Video Object Detection" of "... for Mobiles") may be another paper, and is not."""
    if len(short) < MIN_CUT_CHARS or len(full) <= len(short) or not full.startswith(short):
        return False
    words = short.split()
    if len(words) < MIN_CUT_WORDS:
        return False
    return full[len(short)] != " " or words[-1] in _DANGLING
