"""Turn note text and queries into index terms: fold, segment Chinese and Japanese, stem Russian and English.

FTS5's own tokenizers do not split Chinese or Japanese words and do not stem
Russian, so the keyword index stores a derived text of space-separated terms
built here, and queries go through the very same function. Pure functions over
strings.

A line with kana in it is Japanese: its runs of kanji and kana go to MeCab
with UniDic (jieba's Chinese dictionary cuts 翻訳 into 翻/訳 and 強化学習
into 強/化学/習). Every other run of Han goes to jieba.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import Stemmer

_IDEOGRAPHS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = _IDEOGRAPHS + r"\u3040-\u30ff"
# An arXiv id stays one term; a run of Han goes to jieba; a katakana run (モデル) is one word; hiragana
# runs are Japanese particles and endings (を, して) and no term; anything else alphanumeric is a word.
_TOKEN = re.compile(rf"(?P<arxiv>\d{{4}}\.\d{{4,5}})|(?P<kata>[\u30a0-\u30ff]+)|(?P<hira>[\u3040-\u309f]+)"
                    rf"|(?P<han>[{_IDEOGRAPHS}]+)|(?P<word>[^\W_{_HAN}]+)")
_HAN_RUN = re.compile(rf"[{_HAN}]")
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fd-\u30ff]")  # not the middle dot or ー alone
# In a Japanese line, kanji, kana and the iteration and length marks form one run for MeCab.
_JA_TOKEN = re.compile(rf"(?P<arxiv>\d{{4}}\.\d{{4,5}})|(?P<ja>[{_HAN}\u3005\u3006]+)|(?P<word>[^\W_{_HAN}]+)")
_KATAKANA = re.compile(r"[\u30a0-\u30ff]+")
_HIRAGANA = re.compile(r"[\u3041-\u309f\u30fc]+")
_LINE = re.compile(r"[^\n]+")
# Parts of speech (UniDic's first level) that carry a note's meaning; particles, auxiliaries,
# adverbs, pronouns and symbols are no terms, as hiragana runs are none outside MeCab.
_JA_CONTENT = frozenset(["名詞", "動詞", "形容詞", "形状詞", "接頭辞", "接尾辞"])
_JA_INFLECTED = frozenset(["動詞", "形容詞"])
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
# Korean writes particles and endings onto the word (모델로, 로봇의, 생성하는): they are cut off, longest
# first, when two syllables at least stay, so "모델로" and "모델의" both search as 모델. A light stemmer,
# the same for notes and queries: a noun that merely ends like a particle (해상도) loses it everywhere.
_KOREAN_SUFFIXES = sorted([
    "으로써", "으로서", "에서는", "에서도", "에게서", "으로는", "으로도", "까지", "부터", "에서", "에게", "으로", "처럼",
    "보다", "마다", "이나", "이며", "이고", "과는", "와는", "에는", "에도",
    "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "만", "로",
    "하는", "하여", "하고", "하며", "하면", "하기", "한다", "했다", "하지", "해서", "합니다", "하였다", "한", "할", "함",
    "된", "되는", "되어", "되고", "된다", "시키는", "이다", "입니다", "적인", "적으로",
], key=len, reverse=True)
_KOREAN_KEEP = {"적인": "적", "적으로": "적"}  # 점진적인, 점진적으로 -> 점진적


# Bumped whenever the terms of some text change: a library indexed by an older analyser is re-analysed
# on its next search (library.fts.ensure_current).
VERSION = 2
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")

ENGLISH_STOPWORDS = frozenset([
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
    "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
    "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "also", "via",
    "using", "use", "used", "can't", "e.g", "i.e", "etc", "et", "al",
])

RUSSIAN_STOPWORDS = frozenset([
    "и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она", "так", "его",
    "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее", "мне", "было", "вот", "от",
    "меня", "еще", "нет", "о", "из", "ему", "теперь", "когда", "даже", "ну", "вдруг", "ли", "если", "уже",
    "или", "ни", "быть", "был", "него", "до", "вас", "нибудь", "опять", "уж", "вам", "ведь", "там", "потом",
    "себя", "ничего", "ей", "может", "они", "тут", "где", "есть", "надо", "ней", "для", "мы", "тебя", "их",
    "чем", "была", "сам", "чтоб", "без", "будто", "чего", "раз", "тоже", "себе", "под", "будет", "ж",
    "тогда", "кто", "этот", "того", "потому", "этого", "какой", "совсем", "ним", "здесь", "этом", "один",
    "почти", "мой", "тем", "чтобы", "нее", "сейчас", "были", "куда", "зачем", "всех", "никогда", "можно",
    "при", "наконец", "два", "об", "другой", "хоть", "после", "над", "больше", "тот", "через", "эти", "нас",
    "про", "всего", "них", "какая", "много", "разве", "три", "эту", "моя", "впрочем", "хорошо", "свою",
    "этой", "перед", "иногда", "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда",
    "конечно", "всю", "между", "это", "эта", "очень", "просто", "вообще", "типа",
])

CHINESE_STOPWORDS = frozenset([
    "的", "了", "是", "在", "和", "也", "就", "都", "而", "及", "与", "或", "这", "那", "我", "我们", "你",
    "他", "她", "它", "有", "没有", "不", "把", "被", "对", "等", "上", "下", "为", "以", "之", "其", "于",
    "一个", "一种", "这个", "这样", "那么", "可以", "就是", "还是", "但是", "因为", "所以", "如果", "然后",
    "一些", "什么", "这里", "那里", "会", "能", "要", "去", "来", "到", "说", "着", "过", "吗", "吧", "呢",
    "啊", "个", "中", "很", "让", "用", "做", "又", "再", "还", "给", "从", "向", "并", "但", "即", "将",
    "它们", "他们", "自己", "进行", "通过", "比较", "一下",
])

STOPWORDS = ENGLISH_STOPWORDS | RUSSIAN_STOPWORDS | CHINESE_STOPWORDS

# Small words of English titles that end a run of capitalised words when forming acronyms.
_TITLE_JOINERS = frozenset([
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "over", "the",
    "through", "to", "towards", "under", "via", "vs", "with", "without", "using",
])
_URL_NOISE = frozenset([
    "http", "https", "www", "com", "org", "net", "io", "html", "htm", "pdf", "abs", "forum", "id",
    "project", "projects", "paper", "papers", "papers_files", "content", "index", "php", "github", "blob",
    "main", "master",
])


def fold(text: str) -> str:
    """Case, width (NFKC) and Latin diacritics folded; ё becomes е. Cyrillic й keeps its breve."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue  # a diacritic on a Latin letter: é -> e, ü -> u
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=20_000)
def _fold_char(ch: str) -> str:
    return ch.lower() if ch.isascii() else fold(ch)


@lru_cache(maxsize=1)
def _jieba():
    """rjieba, imported on the first Chinese text: loading its dictionary takes ~0.3 s of a cold start."""
    import rjieba

    return rjieba


@lru_cache(maxsize=1)
def _mecab():
    """MeCab with UniDic (unidic-lite's 50 MB dictionary), loaded on the first Japanese line (~10 ms)."""
    import fugashi
    import unidic_lite

    return fugashi.Tagger(f'-d "{unidic_lite.DICDIR}"')


def japanese_words(run: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) of the content words of a run of kanji and kana; inflected words by their
    dictionary form (使わ -> 使う), so any inflection of a verb meets the others. A katakana run
    stays one word, as outside Japanese lines: MeCab cuts オフライン into オフ/ライン."""
    at = 0
    katakana: tuple[int, int] | None = None  # the katakana run being joined
    for node in _mecab()(run):
        at += len(node.white_space)
        start, at = at, at + len(node.surface)
        surface = node.surface
        if _KATAKANA.fullmatch(surface):
            katakana = (katakana[0] if katakana and katakana[1] == start else start, at)
            continue
        if katakana:
            yield run[katakana[0]:katakana[1]], katakana[0], katakana[1]
            katakana = None
        if not surface or _HIRAGANA.fullmatch(surface):
            continue  # all hiragana (こと, する): grammar, as outside MeCab
        try:
            pos, base = node.feature.pos1, node.feature.orthBase
        except AttributeError:  # an unknown word has no features: keep it as written
            pos, base = "名詞", None
        if pos not in _JA_CONTENT:
            continue
        yield (base if pos in _JA_INFLECTED and base and base != "*" else surface), start, start + len(surface)
    if katakana:
        yield run[katakana[0]:katakana[1]], katakana[0], katakana[1]


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


@lru_cache(maxsize=200_000)
def term_of(word: str) -> str | None:
    """The index term of one folded word (stemmed), or None for a stopword or noise."""
    if word in STOPWORDS:
        return None
    if _CYRILLIC.search(word):
        if len(word) < 2:
            return None
        return _stemmer("russian").stemWord(word)
    if _LATIN.search(word):
        if len(word) < 2:
            return None
        return _stemmer("english").stemWord(word) if word.isalpha() else word
    if _HANGUL_WORD.fullmatch(word):
        return korean_stem(word)
    return word  # digits, Han words


def korean_stem(word: str) -> str:
    """A Korean word without its particle or verb ending (로봇의 -> 로봇, 생성하는 -> 생성)."""
    for suffix in _KOREAN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[:-len(suffix)] + _KOREAN_KEEP.get(suffix, "")
    return word


def _raw_tokens(text: str, han: bool = True, japanese: bool = False) -> Iterator[tuple[str, int, int]]:
    """(folded word, start, end) over `text`, positions in the folded string; runs of Han/kana are
    segmented only when `han` (a query with no Chinese words cannot match them). Lines with kana,
    or all of `text` when `japanese`, are segmented as Japanese."""
    if japanese:
        yield from _japanese_tokens(text, 0, han)
        return
    if not _KANA.search(text):
        yield from _tokens(text, 0, han)
        return
    for line in _LINE.finditer(text):
        if _KANA.search(line.group()):
            yield from _japanese_tokens(line.group(), line.start(), han)
        else:
            yield from _tokens(line.group(), line.start(), han)


def _japanese_tokens(text: str, offset: int, han: bool) -> Iterator[tuple[str, int, int]]:
    for match in _JA_TOKEN.finditer(text):
        if match.lastgroup == "ja":
            if han:
                base = offset + match.start()
                for word, start, end in japanese_words(match.group()):
                    yield word, base + start, base + end
        else:
            yield match.group(), offset + match.start(), offset + match.end()


def _tokens(text: str, offset: int, han: bool) -> Iterator[tuple[str, int, int]]:
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "hira":
            continue
        if match.lastgroup == "han":
            if not han:
                continue
            base = offset + match.start()
            for word, start, end in _jieba().tokenize(match.group()):
                yield word, base + start, base + end
        else:
            yield match.group(), offset + match.start(), offset + match.end()


def terms(text: str, *, japanese: bool = False) -> list[str]:
    """Index terms of a text, in order, repeats kept (term frequency matters to bm25). `japanese`
    segments even a line of kanji alone as Japanese (a Japanese form of the lexicon: 強化学習)."""
    return [t for t in map(term_of, (w for w, _s, _e in _raw_tokens(fold(text), japanese=japanese))) if t]


# Stopwords that turn a phrase into its opposite: phrase matching keeps them.
NEGATIONS = frozenset(["no", "not", "nor", "without", "не", "без", "ни", "нет"])


def phrase_words(text: str) -> list[str]:
    """The terms of a Latin or Cyrillic text with its single letters and negations kept, for matching
    phrases (the lexicon): "Q-learning" is q + learn, where terms() would make it "learning" and every
    query that says learning would match it; "обучение без учителя" (unsupervised) is not
    "обучение с учителем" (supervised). Han and kana runs are skipped."""
    def term(word: str) -> str | None:
        kept = word in NEGATIONS or (len(word) == 1 and word.isalpha() and word not in STOPWORDS)
        return term_of(word) or (word if kept else None)

    return [t for t in map(term, (w for w, _s, _e in _raw_tokens(fold(text), han=False))) if t]


def analyze(text: str | None) -> str:
    """The derived text the keyword index stores: terms joined by spaces."""
    return " ".join(terms(text)) if text else ""


def query_terms(query: str) -> list[str]:
    """Distinct terms of a query, in order; stopwords go, unless nothing else is left."""
    found = terms(query)
    if _maybe_japanese_kanji(query):
        found = terms(query, japanese=True) + found
    seen: list[str] = []
    for term in found:
        if term not in seen:
            seen.append(term)
    if seen:
        return seen
    # A query made of stopwords only ("the who"): search for the words themselves.
    return list(dict.fromkeys(w for w, _s, _e in _raw_tokens(fold(query)) if w.strip()))


def _maybe_japanese_kanji(query: str) -> bool:
    """A query of Han without kana, some of it outside simplified Chinese (GB2312): 強化学習 may be
    Japanese, whose notes are segmented by MeCab, or traditional Chinese, segmented by jieba; the
    query is searched by both segmentations."""
    if _KANA.search(query) or not _HAN_RUN.search(query):
        return False
    return any(_HAN_RUN.match(ch) and not ch.encode("gb2312", errors="ignore") for ch in query)


def title_acronyms(title: str | None) -> list[str]:
    """Acronyms a paper is called by, formed from runs of capitalised title words.

    "Real-Time Intermediate Flow Estimation for Video Frame Interpolation" gives
    RIFE (and RTIFE, VFI); "... with Implicit Language Q Learning" gives ILQL.
    Readers write the acronym, titles spell it out.
    """
    if not title:
        return []
    found: list[str] = []
    for chunk in re.split(r"[:;,.()\[\]!?—–]| - ", title):
        run: list[str] = []
        for word in [*chunk.split(), ""]:
            if word and word[0].isupper() and word[0].isascii() and word.casefold() not in _TITLE_JOINERS:
                run.append(word)
                continue
            if len(run) >= 2:
                short = "".join(w[0] for w in run)
                full = "".join(p[0] for w in run for p in w.split("-") if p)
                for acronym in (short, full):
                    if len(acronym) >= 3 and acronym.casefold() not in found:
                        found.append(acronym.casefold())
            run = []
    return found


def url_words(url: str) -> list[str]:
    """Distinctive words of a URL's path (danijar.com/project/dreamerv3/ -> dreamerv3)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    words = re.split(r"[^0-9a-zA-Z.]+", unquote(parts.path + " " + parts.query))
    out = []
    for word in words:
        word = re.sub(r"\.(pdf|html?|php|md|txt)$", "", word.strip(".").casefold())
        if len(word) >= 3 and word not in _URL_NOISE and not word.isdigit() and word not in out:
            out.append(word)
    return out


def match_spans(text: str, wanted: set[str], limit: int | None = None) -> list[tuple[int, int]]:
    """Where in `text` the words whose term is in `wanted` are (for highlighting snippets).

    Whole tokens only, in every script: "for" never lights up inside
    "Transformer", nor "с" inside "область". Stops after `limit` spans.
    """
    if not wanted or not text:
        return []
    spans: list[tuple[int, int]] = []
    # Fold character by character so positions map back to the original text.
    if text.isascii():
        folded = text.lower()
        pieces = None
    else:
        pieces = [_fold_char(ch) for ch in text]
        folded = "".join(pieces)
    mapping: list[int] | None = None
    if len(folded) != len(text) or (pieces is not None and max(map(len, pieces)) != 1):
        mapping = []
        for index, piece in enumerate(pieces or []):
            mapping.extend([index] * len(piece))
        mapping.append(len(text))
    han = any(_HAN_RUN.search(term) for term in wanted)
    for word, start, end in _raw_tokens(folded, han):
        if term_of(word) in wanted:
            spans.append((start, end) if mapping is None else (mapping[start], mapping[end - 1] + 1))
            if limit is not None and len(spans) >= limit:
                break
    return spans
