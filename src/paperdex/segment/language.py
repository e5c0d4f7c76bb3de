"""Guess a note's language from its script: the notes we meet are zh, ja, ko, ru or Latin-script.

A script count is enough to route text to the right analyzer (segmenter,
stemmer) and is robust on the short, code-mixed notes researchers write
("用 IQL 训练 NLP 模型" is Chinese although half its tokens are Latin).
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_language(text: str) -> str | None:
    """'zh', 'ja', 'ko', 'ru', 'en' or None for text with no letters.

    CJK characters carry about a word each, Latin and Cyrillic letters about a
    fifth of one, so counts are weighted before comparing.
    """
    sample = text[:5000]
    if sample.isascii():  # most notes: no CJK or Cyrillic to count, Latin letters or nothing
        return "en" if _LATIN.search(sample) else None
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    if not (han or kana or hangul or cyr or lat):
        return None
    if kana and kana * 3 >= han:
        return "ja"
    scores = {"zh": han * 2.0, "ko": hangul * 2.0, "ru": cyr / 2.5, "en": lat / 5.0}
    # Cyrillic notes are full of Latin terms (IQL, SAC): Cyrillic wins once it is a real share.
    if cyr and cyr >= 0.25 * (cyr + lat):
        return "ru"
    return max(scores, key=lambda k: scores[k])
