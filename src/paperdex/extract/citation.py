"""Citation grammars: find the title inside a reference, whatever the style.

APA `Authors (2020). Title. Venue`, ACL `Authors. 2020. Title. Venue`, MLA
`Authors. "Title." Venue, 2020`, IEEE `A. Author, "Title," in Venue, 2020`,
GB/T 7714 `Authors. Title[J]. Venue, 2020`, title-first `Title. Authors (2020)`,
and `Author et al. (2020): Title`. A reference is cut into sentences; the one
that is neither an author list, a year nor a venue is the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)[a-z]?"
_QUOTED = re.compile(r"[\"“”«»「」『』]\s*(?P<t>[^\"“”«»「」『』]{8,300}?)[,.]?\s*[\"“”«»「」『』]")
_BOLD = re.compile(r"(?<![*_\w])(\*\*|__)(?P<t>[^*_]{6,300}?)\1(?![*_\w])")
_GBT = re.compile(r"^(?P<a>.{2,300}?)[.．]\s*(?P<t>[^.．\[\]]{6,300}?)\s*\[(?P<k>[JCMDRSPNGZ]|EB/OL|J/OL|C/OL)\]", re.S)
_PAREN_YEAR = re.compile(rf"\(\s*(?:[^()]*?,\s*)?(?P<y>{_YEAR})(?:,\s*[^()]*)?\s*\)")
_AUTHOR_YEAR_COLON = re.compile(rf"^(?P<a>[^:：]{{2,120}}?)\(\s*(?P<y>{_YEAR})\s*\)\s*[:：]\s*(?P<t>.+)$")
_TITLE_BY = re.compile(rf"^(?P<t>.+?)(?:,\s+|\s+by\s+)(?P<a>[^()]+?)\.?\s*\((?P<c>[^()]*?{_YEAR})\)\s*\.?$")
_TITLE_PAREN = re.compile(
    rf"^(?P<t>[^()]{{6,}}?)\s*\((?P<a>[A-Z][^()]*?(?:et al\.?|and|&)?[^()]*?(?:,?\s*{_YEAR})?)\)\s*[.;,]?\s*$")
_PERSON = re.compile(r"^(?:and\s+)?(?:[A-Z][\w'’´`-]*\.?\s*|[A-Z]\.\s*|(?:van|von|de|der|da|di|du|le|la)\s+){1,5}"
                     r"(?:II|III|Jr\.?)?$")
_ETAL = re.compile(r"\bet\.?\s+al\b\.?|\band\b|&|,", re.I)
_INITIAL = re.compile(r"(?:^|[\s,.(])(?:[A-Z]|Th|Ch|Sh|Ph)\.(?=\s|,|$|-)")
_VENUE_WORDS = re.compile(
    r"^(?:In\b|In:|Proc(?:eedings|\.)|arXiv|CoRR|Journal|Trans(?:actions|\.)|Advances in|Conference|"
    r"Workshop|Association for|Findings|IEEE|ACM|Springer|Elsevier|Nature|Science\b|Neural Information|"
    r"Computational Linguistics|pp\.|pages?\b|Vol\.|Volume|\d+\s*\(\d+\)|\d+:\d+|Lecture Notes|"
    r"International|Annual|Meeting|Technical report|Tech\. rep|Ph\.?D\.? thesis|Master|preprint|"
    r"Available|Retrieved|https?://|doi:|Online|OpenReview|ICLR|NeurIPS|NIPS|ICML|ACL|EMNLP|NAACL|"
    r"COLING|EACL|AAAI|IJCAI|CVPR|ICCV|ECCV|SIGIR|KDD|WWW|TACL|JMLR|TPAMI|PMLR)", re.I)


_SPACES = re.compile(r"\s+")
# Compiled once: these run for every candidate head (re's own cache still costs a look-up and an f-string).
_ET_AL = re.compile(r"\bet\.?\s+al\b", re.I)
_NAME_SEPARATORS = re.compile(r",|\band\b|&")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_NAMES = re.compile(r"[\u4e00-\u9fff·\s,，、]+(?:等)?")
# Capitalised function words of Title Case ("Sentences From Natural Supervision"): in no one's name. "A" is
# left out (a Vancouver initial: "Vaswani A, Shazeer N").
_TITLE_WORDS = frozenset({"An", "The", "Of", "For", "From", "With", "Without", "Via", "Using", "Towards", "Toward",
                          "Through", "Into", "Onto", "Is", "Are", "Does", "What", "When", "Where", "Why", "How",
                          "Beyond", "Between", "Learning", "Neural"})
_NAME_WORD = re.compile(r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?|[A-Z]\.")
_YEAR_ALONE = re.compile(rf"\(?{_YEAR}\)?\.?")
_YEAR_IN = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_YEAR_PAREN_OPT = re.compile(rf"\(?{_YEAR}\)?")
_YEAR_WORD = re.compile(rf"\b{_YEAR}\b")
_YEAR_STOP = re.compile(r"(?<=\d{4})\.\s")
_COMMA = re.compile(r",\s+")
_AND = re.compile(r"\s+and\s+")
_NUMBER = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)])\s*")
# A word a PDF copy broke at the line end ("Wolf- gang Macherey"), not "pre- and post-training".
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[a-z])- (?!(?:and|or|to|vs)\b)(?=[a-z])")
_LEAD_ET_AL = re.compile(r"^(?P<a>.{1,80}?\bet\s+al\.)\s+(?P<rest>[A-Z0-9].*)$")
# Every grammar needs one of these (a parenthesis, bold, a GB/T tag, quotes, or a sentence break) except
# the comma style, which needs at least two ", ".
_QUOTE_MARK = re.compile(r"[\"“”«»「」『』]")
_GRAMMAR_MARK = re.compile(r"[(\[*_\"“”«»「」『』.?!]")


@dataclass(frozen=True)
class Citation:
    title: str
    authors: str | None = None
    year: int | None = None
    venue: str | None = None
    style: str = ""


# Where a title sentence runs on into its venue: "Title, in TAL Volume 61, pp 17-41" / "Title, Vol. 3".
_VENUE_TAIL = re.compile(r",\s+(?:[Ii]n:?\s+(?=[A-Z])|pp\.?\s*\d|[Vv]ol(?:\.|ume)\s*\d|Proc(?:eedings|\.)\s)")


def _clean(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    tail = _VENUE_TAIL.search(title)
    if tail and len(title[: tail.start()].split()) >= 2:
        title = title[: tail.start()]
    title = title.strip(" .,;:\"“”'«»*_")
    return re.sub(r"\s*\[[JCMDRSPNGZ]\]$", "", title)


# A period that ends an initial or an abbreviation ("J.", "et al.", "Proc."), not a sentence.
_ABBREVIATION = re.compile(r"(?:^|[\s(,.\-])(?:[A-Z]|Th|Ch|Sh|Ph|Jr|Sr|al|Dr|St|vs|No|Vol|pp|eds?|Ed|Inc|Proc|Conf|Int|"
                           r"Assoc|Comput|Linguist|Natl|Univ|Trans)\.$")
# A sentence's end: [.?!] before a space or the end, or a period glued to the next word after [a-z)]. Written as
# one alternation after the mark (not `...|(?<=[a-z)])\.(?=[A-Z][a-z])`) so the regex scans for the mark only.
_SENTENCE_END = re.compile(r"[.?!](?:(?=\s|$)|(?<=[a-z)]\.)(?=[A-Z][a-z]))")
_ENDS = re.compile(r"[.?!]")


def _sentences(text: str) -> list[str]:
    """Split at '. ' (and '? ', '! ') but not after an initial (J.), 'et al.' or a number; also at a period
    glued to the next word ("texts.Political Analysis", a PDF copy's lost space)."""
    if not _ENDS.search(text):
        return [text.strip()] if text.strip() else []
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[max(0, m.start() - 6):m.start() + 1]
        if _ABBREVIATION.search(before):
            continue
        piece = text[start:m.end()].strip()
        if piece:
            parts.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def is_author_list(text: str, lone_name: bool = True) -> bool:
    """'Vaswani, A., Shazeer, N., & Polosukhin, I.' / 'Kenneth Church' / 'Peters et al.' / '张三, 李四'."""
    t = text.strip().rstrip(".").strip()
    if not t or len(t) > 400:
        return False
    if _ET_AL.search(t):
        return len(t.split()) <= 8
    # A chunk between separators has no more words than the whole: five words or fewer need no split.
    if ":" in t or "：" in t or (
            len(t.split()) > 5 and any(len(chunk.split()) > 5 for chunk in _NAME_SEPARATORS.split(t))):
        return False  # "Multimodal Machine Learning: A Survey and Taxonomy" is a title, not names
    if _HAN.search(t):
        return bool(_HAN_NAMES.fullmatch(t))
    words = t.replace(",", " , ").split()
    if not words:
        return False
    initials = len(_INITIAL.findall(" " + t))
    separators = len(_ETAL.findall(t))
    caps = sum(w[0].isupper() for w in words if w[0].isalpha())
    lower = [w for w in words if w[0].islower() and w not in ("and", "van", "von", "de", "der", "den", "la", "le", "di",
                                                               "da", "du", "del", "dos", "bin", "al")]
    if lower or any(w in _TITLE_WORDS for w in words):
        return False
    if initials >= 1 and caps >= 2:
        return True
    if separators >= 1 and caps >= 2 and len(words) <= 60:
        return True
    # A lone name: "Kenneth Church", "Jean-Pierre Dupont" (not "Zero-shot Image Generation")
    return lone_name and 2 <= len(words) <= 3 and all(
        _NAME_WORD.fullmatch(w) for w in words)


def _is_venue(text: str) -> bool:
    return bool(_VENUE_WORDS.match(text.strip())) or bool(_YEAR_ALONE.fullmatch(text.strip()))


def _year_of(text: str) -> int | None:
    m = _YEAR_IN.search(text)
    return int(m.group(1)[:4]) if m else None


@lru_cache(maxsize=4096)
def parse_citation(text: str) -> Citation | None:
    """The title (and authors, year) of a reference line, or None when it is not a reference."""
    raw = " ".join(text.split())  # _SPACES.sub(" ", text).strip(): str.split() splits at what \s matches
    raw = _NUMBER.sub("", raw)
    if "- " in raw:
        raw = _LINE_BREAK_HYPHEN.sub("", raw)
    if len(raw) < 15 or not (_GRAMMAR_MARK.search(raw) or raw.count(", ") >= 2):
        return None  # a bare name or phrase: no grammar below can match it
    m = _BOLD.search(raw) if "**" in raw or "__" in raw else None
    if m and (raw[: m.start()].strip() or raw[m.end():].strip()):
        before = re.sub(r"^`[^`]*`\s*[:：]?", "", raw[: m.start()]).strip(" .,:")
        if _year_of(raw[m.end():]) or (before and is_author_list(before)):
            return Citation(_clean(m.group("t")), authors=before or None, year=_year_of(raw), style="bold")
    m = _GBT.match(raw) if "[" in raw else None
    if m and is_author_list(m.group("a")):
        return Citation(_clean(m.group("t")), authors=m.group("a").strip(), year=_year_of(raw[m.end():]),
                        style="gbt7714")
    m = _QUOTED.search(raw) if _QUOTE_MARK.search(raw) else None
    if m and len(m.group("t").split()) >= 2:
        before = raw[: m.start()].strip(" ,.")
        if _year_of(raw) and (not before or is_author_list(before) or re.search(_YEAR, before)):
            return Citation(_clean(m.group("t")), authors=before or None, year=_year_of(raw), style="quoted")
        # 'Hannak, Soeller, and Wilson, “Measuring Price Discrimination ...”': names, then the title, and no more.
        if before and not raw[m.end():].strip(" .,;") and (
                is_author_list(before, lone_name=False) or re.fullmatch(r"[A-Z][\w'’-]+", before)):
            return Citation(_clean(m.group("t")), authors=before, style="quoted")
    paren = "(" in raw
    # _TITLE_PAREN and _TITLE_BY end in ")" with at most one of ".;," after it (raw has no outer spaces).
    closes = paren and (raw[:-1] if raw[-1] in ".;," else raw).rstrip().endswith(")")
    m = _AUTHOR_YEAR_COLON.match(raw) if paren else None
    if m and (is_author_list(m.group("a")) or re.fullmatch(r"[A-Z][\w'’-]+", m.group("a").strip())):
        return Citation(_clean(m.group("t")), authors=m.group("a").strip(), year=int(m.group("y")[:4]),
                        style="author-year-colon")
    # "Title (Author et al., 2020)" / "Title (Author and Other, 2020);"
    m = _TITLE_PAREN.match(raw) if closes else None
    if m and not (_year_of(m.group("a")) or _ET_AL.search(m.group("a")) or is_author_list(m.group("a"))):
        m = None  # "Working toy tutorial (All four)": a remark in parentheses, not who wrote it
    if m and len(m.group("t").split()) >= 2 and not is_author_list(m.group("t")):
        title = m.group("t")
        # "Title, Julian Hough and David Schlangen." / "Title by Elizabeth Cha et al.": names after the title.
        for cut in re.finditer(r",\s+|\s+by\s+", title):
            names = title[cut.end():].strip(" ,.")
            if re.search(r"\bet al\b", names) or is_author_list(names, lone_name=False):
                title = title[: cut.start()]
                break
        return Citation(_clean(title), authors=m.group("a").strip(), year=_year_of(m.group("a")), style="title-cite")
    # Title first, authors after a comma or "by", a parenthetical citation at the end:
    # "Grounding in communication, Herb Clark and Susan Brennan. (Clark et al., 1991)"
    m = _TITLE_BY.match(raw) if closes else None
    if m and not re.search(r"[a-z]\.\s+[A-Z]", m.group("t")) and is_author_list(re.sub(r"\bet al\.?", "", m.group("a")).strip(" ,.")) and len(m.group("t").split()) >= 2:
        return Citation(_clean(m.group("t")), authors=m.group("a").strip(), year=_year_of(m.group("c")),
                        style="title-authors")
    # APA: "Authors (2020). Title. Venue."
    m = _PAREN_YEAR.search(raw) if paren else None
    if m and m.start() > 0 and is_author_list(raw[: m.start()]):
        rest = raw[m.end():].lstrip(" .:,")
        parts = _sentences(rest)
        if parts and not _is_venue(parts[0]) and len(parts[0].split()) >= 2:
            return Citation(_clean(parts[0]), authors=raw[: m.start()].strip(), year=int(m.group("y")[:4]),
                            venue=" ".join(parts[1:]) or None, style="apa")
    by = _title_by_authors(raw) if " by " in raw else None
    if by is not None:
        return by
    parts = _sentences(raw)
    # "Sennrich et al. Title. ACL 2016.": the period of "et al." ends the author list when a capital follows
    # and the reference goes on after the title (_sentences keeps "et al." inside a sentence).
    lead = _LEAD_ET_AL.match(parts[0]) if len(parts) >= 2 and "al." in parts[0] else None
    if lead and is_author_list(lead.group("a")):
        parts = [lead.group("a"), lead.group("rest"), *parts[1:]]
    # ACL / ACM: "Authors. 2020. Title. Venue." or "Authors. Title. Venue, 2020."
    if len(parts) >= 2 and is_author_list(parts[0]):
        rest = parts[1:]
        year = None
        if rest and _YEAR_ALONE.fullmatch(rest[0].strip()):
            year = int(rest[0].strip(" ().")[:4])
            rest = rest[1:]
        if rest and not _is_venue(rest[0]) and len(rest[0].split()) >= 2:
            return Citation(_clean(rest[0]), authors=parts[0], year=year or _year_of(" ".join(rest[1:])),
                            venue=" ".join(rest[1:]) or None, style="acl")
        return None
    # "Authors, Title, Venue 2014. Description" (comma-separated, no quotes)
    comma = _comma_style(raw) if raw.count(", ") >= 2 else None
    if comma is not None:
        return comma
    if len(parts) < 2:
        return None
    # Title first: "Title. Authors (2010)." / "Title. Authors. Venue 2010."
    second = _YEAR_PAREN_OPT.sub("", parts[1]).strip(" .,")
    if len(parts[0].split()) >= 2 and second and is_author_list(second) and not _is_venue(parts[0]) \
            and _year_of(raw):
        return Citation(_clean(parts[0]), authors=second, year=_year_of(raw), style="title-first")
    return None


def _title_by_authors(raw: str) -> Citation | None:
    """'Equality of Opportunity in Supervised Learning by Hardt, M. and Price, E. NIPS 2016. Available Online':
    the title, " by ", names up to a sentence's end, then a year. The names are at least two, or one
    written "Surname, I" (not "a talk by Andrej Karpathy")."""
    title, _, rest = raw.partition(" by ")
    title = title.strip()
    if len(title.split()) < 2 or re.search(r"[.!]\s+[A-Z]", title) or not _year_of(rest):
        return None
    for cut in re.finditer(r"\.\s+", rest):
        names = rest[: cut.start()].strip(" ,")
        if not _year_of(rest[cut.end():]):
            break
        if is_author_list(names, lone_name=False):
            return Citation(_clean(title), authors=names, year=_year_of(rest[cut.end():]), style="title-by")
    return None


def _comma_style(raw: str) -> Citation | None:
    """'A. Author, B. Author and C. Author, Title of the Paper, EMNLP 2014. Notes...' """
    head = _YEAR_STOP.split(raw, maxsplit=1)[0]
    parts = [p.strip() for p in _COMMA.split(head)]
    if len(parts) < 3:
        return None
    names = 0
    for part in parts:
        pieces = [x for x in _AND.split(part) if x]
        if pieces and all(_PERSON.match(x.strip()) and 1 <= len(x.split()) <= 5 for x in pieces):
            names += 1
            continue
        break
    if names < 1 or names >= len(parts) - 1:
        return None
    rest = parts[names:]
    title_parts = []
    for part in rest:
        if title_parts and (_is_venue(part) or _YEAR_WORD.search(part)):
            break
        title_parts.append(part)
    title = ", ".join(title_parts)
    if len(title.split()) < 2 or len(title_parts) == len(rest):
        return None
    return Citation(_clean(title), authors=", ".join(parts[:names]), year=_year_of(head), style="comma")
