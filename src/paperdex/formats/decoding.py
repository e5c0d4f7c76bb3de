"""Bytes to trusted text: refuse binaries, find the encoding, and never pass mojibake on.

Notes arrive as UTF-8 mostly, but also as GBK/GB18030 (Chinese notes saved on
Windows), cp1251 or KOI8-R (Russian), UTF-16 (Windows "Unicode" text). A
general detector guesses poorly on short texts, so the legacy encodings our
users write are tried one by one and the decoded texts are scored for how much
they look like real Chinese or Russian; a low or ambiguous score is an error
that names the encodings to force, not a silent guess.
"""

from __future__ import annotations

import re

from paperdex.errors import DecodeError, UnsupportedInput

# (magic prefix, what it is, how to get notes out of it)
_PDF_FIX = ("paperdex reads notes, not PDFs; export the PDF's text first (e.g. pdftotext) "
            "or note its arXiv id/DOI")
_ARCHIVE_FIX = "unpack it first and import the folder"
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "is a PDF", _PDF_FIX),
    (b"\x89PNG\r\n\x1a\n", "is a PNG image", "paperdex reads notes, not images"),
    (b"\xff\xd8\xff", "is a JPEG image", "paperdex reads notes, not images"),
    (b"GIF87a", "is a GIF image", "paperdex reads notes, not images"),
    (b"GIF89a", "is a GIF image", "paperdex reads notes, not images"),
    (b"PK\x03\x04", "is a zip archive", _ARCHIVE_FIX),
    (b"PK\x05\x06", "is an empty zip archive", _ARCHIVE_FIX),
    (b"\x1f\x8b", "is gzip-compressed", "decompress it first (gunzip)"),
    (b"BZh", "is bzip2-compressed", "decompress it first (bunzip2)"),
    (b"\xfd7zXZ\x00", "is xz-compressed", "decompress it first (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "is a 7z archive", _ARCHIVE_FIX),
    (b"Rar!\x1a\x07", "is a RAR archive", _ARCHIVE_FIX),
    (b"SQLite format 3\x00", "is a SQLite database", "give the notes, not a database file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old Office document", "save it as .txt or .md first"),
    (b"\x7fELF", "is a program, not notes", "give a text, Markdown, HTML or export file"),
)

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# The legacy encodings our users' notes come in, tried when the bytes are not UTF-8.
LEGACY = ("gb18030", "cp1251", "koi8-r", "cp1252")
# Above this a decoded text is trusted; below it, or too close to a rival reading, it is refused.
MIN_SCORE = 0.7
MIN_MARGIN = 0.2
_SAMPLE_WORDS = 4000
_SAMPLE_CHARS = 40000
# Russian letters by frequency: the top of the table makes up most of any real text.
_RU_COMMON = set("оеаинтсрвлкмдпу")
_RU_MID = set("яыьгзбчйхжш")
_WESTERN = set("àâäáãåçéèêëíìîïñóòôöõøúùûüýÿßæœ")
_TYPO = set("«»„“”‘’—–…№•×€")
# The ~1200 most frequent Chinese characters: ~95% of the characters of real notes, ~30% of the
# characters that Russian bytes misread as GBK produce.
_ZH_COMMON = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社"
    "便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音"
    "跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普"
    "怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担"
    "州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版"
    "宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康"
    "虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋"
    "避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞"
    "努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵尖"
    "桥尾奔磨障"
)

_DECODE_FIX = "force it with --encoding gbk, --encoding cp1251, --encoding koi8-r or --encoding utf-16"


def sniff_binary(data: bytes, source: str) -> None:
    """Refuse images, PDFs, archives and other binaries with a reason and a fix."""
    head = data[:16]
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data[:4096])
        if kind:
            raise UnsupportedInput(source, f"is a {kind} file (a zip archive)",
                                   "save or export it as .md or .txt first")
    for magic, what, fix in MAGIC:
        if head.startswith(magic):
            raise UnsupportedInput(source, what, fix)
    if data[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        raise UnsupportedInput(source, "is a WebP image", "paperdex reads notes, not images")


def _zip_kind(head: bytes) -> str | None:
    if b"word/" in head:
        return "Word (.docx)"
    if b"application/epub" in head:
        return "EPUB"
    if b"xl/" in head:
        return "Excel (.xlsx)"
    if b"ppt/" in head:
        return "PowerPoint (.pptx)"
    return None


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """The text of `data`: a forced encoding, a BOM, UTF-8, or a legacy encoding we can vouch for."""
    sniff_binary(data, source)
    if encoding:
        return _decode_forced(data, source, encoding)
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _strict(data, source, codec)
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.1:
        return _decode_bomless_utf16(data, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        damage = utf8_damage(data)
        if damage is not None:
            raise DecodeError(source, f"is UTF-8 except for {damage}", _REPLACE_FIX) from None
        return _decode_legacy(data, source)
    check_mojibake(text, source)
    return text


_REPLACE_FIX = ("import it with --encoding utf-8:replace, which keeps the rest exactly and shows each bad "
                "byte as \ufffd; or repair those bytes first")
# Valid non-ASCII UTF-8 characters per invalid sequence above which bytes are damaged UTF-8: text in a
# legacy encoding read as UTF-8 is nearly all invalid sequences, with a valid one only by chance.
_UTF8_VALID_PER_BAD = 10


def utf8_damage(data: bytes) -> str | None:
    """'3 invalid bytes (the first at line 40, column 7: b'\\xff')' when `data` is mostly valid UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd")
    if bad <= 0 or valid < _UTF8_VALID_PER_BAD * bad:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        first = f"line {line}, column {column}: {data[exc.start:exc.end]!r}"
    else:  # pragma: no cover - bad > 0 means decoding fails
        first = "unknown place"
    return f"{bad} invalid byte sequence{'s' if bad != 1 else ''} (the first at {first})"


def _strict(data: bytes, source: str, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DecodeError(source, f"starts with a {codec} byte-order mark but is not valid {codec} "
                          f"(byte {exc.start})", _DECODE_FIX) from exc
    return text[1:] if text.startswith("\ufeff") else text


def _decode_forced(data: bytes, source: str, encoding: str) -> str:
    # `utf-8:replace`, as in PYTHONIOENCODING: the user accepts U+FFFD for the bytes that do not decode.
    name, _, errors = encoding.partition(":")
    errors = errors.strip().lower() or "strict"
    if errors not in ("strict", "replace"):
        raise DecodeError(source, f"unknown error handling {errors!r} in --encoding {encoding}",
                          "use NAME or NAME:replace, e.g. --encoding utf-8:replace")
    codec = normalise_encoding(name)
    try:
        text = data.decode(codec, errors=errors)
    except LookupError as exc:
        raise DecodeError(source, f"unknown encoding {encoding!r}", _DECODE_FIX) from exc
    except UnicodeDecodeError as exc:
        bad = data[exc.start: exc.start + 4]
        damage = utf8_damage(data)
        raise DecodeError(source, f"is not valid {encoding} (byte {exc.start}: {bad!r})"
                          + (f"; it is UTF-8 except for {damage}" if damage else ""),
                          _REPLACE_FIX if damage else
                          "check the encoding, or drop --encoding to let paperdex detect it") from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if not codec.replace("-", "").startswith("utf"):
        damage = utf8_damage(data)
        if damage is not None:
            # Mostly-valid UTF-8 read as a one-byte encoding always "decodes", into soup.
            raise DecodeError(source, f"is UTF-8 except for {damage}; read as {name} it would be mojibake",
                              _REPLACE_FIX)
    # A forced encoding is the user's word, unless the result is plainly soup and another reading is not.
    if _script_score(text)[1] < 0.35:
        rival = _best_legacy(data)
        if rival and rival[1] >= MIN_SCORE and rival[0] != codec:
            raise DecodeError(source, f"decoded as {encoding} it looks like mojibake; it reads as {rival[0]}",
                              f"use --encoding {display_name(rival[0])}")
    return text


def normalise_encoding(encoding: str) -> str:
    """Names users type to the codec that decodes them best (GBK files often hold GB18030 characters)."""
    name = encoding.strip().lower().replace("_", "-")
    aliases = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "windows-1251": "cp1251",
               "win1251": "cp1251", "koi8r": "koi8-r", "utf8": "utf-8", "utf16": "utf-16"}
    return aliases.get(name, name)


def display_name(codec: str) -> str:
    return {"gb18030": "gbk"}.get(codec, codec)


def _decode_bomless_utf16(data: bytes, source: str) -> str:
    """NUL or control bytes mean UTF-16 without a byte-order mark, or a binary file."""
    sample = data[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codecs = ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    for codec in codecs:
        try:
            text = data[: len(data) - len(data) % 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if _printable_ratio(text[:4096]) > 0.95 and _script_score(text)[1] >= MIN_SCORE:
            return text
    raise UnsupportedInput(source, "looks like a binary file, not notes (it holds NUL or control bytes)",
                           "give a text, Markdown, HTML or export file; UTF-16 text needs a byte-order mark "
                           "or --encoding utf-16-le")


def _printable_ratio(text: str) -> float:
    if not text:
        return 1.0
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return ok / len(text)


def _decode_legacy(data: bytes, source: str) -> str:
    declared = _declared_charset(data[:4096])
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    readings = _readings(data)
    if not readings:
        raise DecodeError(source, "is not UTF-8 and no encoding paperdex knows decodes it", _DECODE_FIX)
    readings.sort(key=lambda r: r[1], reverse=True)
    codec, score, text, script = readings[0]
    runner_up = readings[1][1] if len(readings) > 1 else 0.0
    # Two Latin readings (cp1252 vs cp1250) differ in a few accents; a Cyrillic rival would be soup.
    margin = MIN_MARGIN if len(readings) < 2 or readings[1][3] != script else MIN_MARGIN / 4
    if score < MIN_SCORE or score - runner_up < margin:
        guesses = ", ".join(f"{display_name(c)} {s:.2f}" for c, s, _, _ in readings[:3])
        if score < _PLAUSIBLE:
            # No reading looks like text: naming the "best" would send the user to import soup.
            raise DecodeError(source, f"is not UTF-8 and no encoding paperdex knows reads it as text "
                              f"(scores: {guesses})",
                              "if you know its encoding, pass --encoding NAME; if it is damaged UTF-8, "
                              "--encoding utf-8:replace keeps the rest")
        raise DecodeError(source, f"is not UTF-8 and its encoding is uncertain (scores: {guesses})",
                          f"force it: --encoding {display_name(codec)} if that is right; {_DECODE_FIX}")
    return text


# Below this score a decoded text is never offered as the fix: it reads as soup.
_PLAUSIBLE = 0.35


# Control bytes that text never holds (tab, newline, form feed, carriage return and escape are text's own).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = len(sample) - len(sample.translate(None, _CONTROL))  # counted in C: this runs on every file
    return bad / len(sample)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _declared_charset(head: bytes) -> str | None:
    """An HTML page's own `<meta charset>`, which beats any guess."""
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = normalise_encoding(match.group(1).decode("ascii"))
    return None if name in ("utf-8", "utf8") else name


def _readings(data: bytes) -> list[tuple[str, float, str, str]]:
    """(codec, plausibility, text) for every candidate encoding that decodes the bytes."""
    candidates = list(LEGACY)
    guess = _charset_normalizer_guess(data)
    if guess and guess not in candidates:
        candidates.append(guess)
    readings: list[tuple[str, float, str, str]] = []
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        # Codecs that agree on the text (GBK and EUC-JP both hold Cyrillic) are one reading, not rivals.
        if any(text == other for _, _, other, _ in readings):
            continue
        script, score = _script_score(text)
        readings.append((codec, score, text, script))
    return readings


def _best_legacy(data: bytes) -> tuple[str, float] | None:
    readings = _readings(data)
    if not readings:
        return None
    codec, score, _, _ = max(readings, key=lambda r: r[1])
    return codec, score


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    return best.encoding if best is not None else None


def _sample_words(text: str) -> list[str]:
    """Words holding non-ASCII characters, enough of them to judge, in linear time.

    A word is cut at whitespace or 60 characters either side of its non-ASCII
    run, so a 10 MB line without spaces costs no more than a short one.
    """
    words: list[str] = []
    last_end = total = 0
    for match in re.finditer(r"[^\x00-\x7f]{1,60}", text):
        if match.start() < last_end:
            continue
        lo = max(match.start() - 60, last_end)
        left = text[lo: match.start()]
        start = lo + 1 + max(left.rfind(" "), left.rfind("\n"), left.rfind("\t"))
        right = re.search(r"\s", text[match.end(): match.end() + 60])
        end = match.end() + right.start() if right else min(match.end() + 60, len(text))
        words.append(text[start:end])
        last_end = end
        total += end - start
        if len(words) >= _SAMPLE_WORDS or total >= _SAMPLE_CHARS:
            break
    return words


def _script_score(text: str) -> tuple[str, float]:
    """(script, 0..1): how much the non-ASCII part reads as real Chinese, Russian or Latin text."""
    words = _sample_words(text)
    chars = [ch for w in words for ch in w if ord(ch) > 127]
    if not chars:
        return "ascii", 1.0
    cjk = sum(_cjk_weight(ch) for ch in chars)
    cyr = _cyrillic_score(words)
    latin = _latin_score(words)
    typo = sum(1 for ch in chars if ch in _TYPO or _is_emoji(ch))
    scores = {"cjk": cjk, "cyrillic": cyr, "latin": latin}
    script = max(scores, key=lambda k: scores[k])
    return script, min(1.0, (scores[script] + typo) / len(chars))


def _cjk_weight(ch: str) -> float:
    """1 for frequent Chinese characters and punctuation, little for rare ones, 0 for the rest."""
    code = ord(ch)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or ch in _ZH_COMMON:
        return 1.0
    if 0x4E00 <= code <= 0x9FFF:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            return 0.1  # outside GB2312: traditional or rare characters
        return 0.4 if lead <= 0xD7 else 0.2  # GB2312 level 1 holds the 3755 common characters
    return 0.0


def _cyrillic_score(words: list[str]) -> float:
    """Weighted count of Cyrillic letters in natural Russian words (common letters, natural case)."""
    total = 0.0
    for word in words:
        # Cyrillic letters glued to Latin ones ("Mьller") are a misread accent, not Russian.
        glued = re.search(r"[A-Za-z]", word) is not None
        for run in re.findall(r"[\u0400-\u04ff]+", word):
            if glued:
                case = 0.1
            elif run.islower() or (run[0].isupper() and run[1:].islower()) or len(run) == 1:
                case = 1.0
            elif run.isupper():
                case = 0.6
            else:
                case = 0.2
            for ch in run.lower():
                freq = 1.0 if ch in _RU_COMMON else 0.7 if ch in _RU_MID else 0.35
                total += freq * case
    return total


def _latin_score(words: list[str]) -> float:
    """Accented Latin letters inside otherwise ASCII words (café, Müller), not runs of them."""
    total = 0.0
    for word in words:
        letters = [ch for ch in word if ch.isalpha()]
        accented = [ch for ch in letters if 0xC0 <= ord(ch) <= 0x24F]
        if accented and len(accented) * 2 < len(letters):
            total += sum(1.0 if ch.lower() in _WESTERN else 0.8 for ch in accented)
    return total


def _is_emoji(ch: str) -> bool:
    # Not all of category So: KOI8-R's box-drawing characters are So too, and are soup here.
    code = ord(ch)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or code in (0x200D, 0xFE0F)


_REPLACEMENT_LIMIT = 3


def check_mojibake(text: str, source: str) -> None:
    """Refuse valid UTF-8 that was already damaged: replacement characters or double encoding."""
    repaired = repair_double_encoding(text)
    if repaired is not None:
        raise DecodeError(source, "looks double-encoded (UTF-8 read as Latin-1/cp1252 and saved again), "
                          f"e.g. {_first_soup(text)!r} should be {_first_soup(repaired, soup=False)!r}",
                          "re-save it from the original, or pass --encoding utf-8 to import it as it is")
    bad = text.count("\ufffd")
    if bad > _REPLACEMENT_LIMIT and bad > len(text) // 2000:
        raise DecodeError(source, f"holds {bad} replacement characters (\ufffd): it was damaged by an "
                          "earlier wrong conversion",
                          "re-export it from the original, or pass --encoding utf-8 to import it as it is")


_SOUP = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                   r"\u02c6\u02dc"
                   r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def repair_double_encoding(text: str) -> str | None:
    """The text as it was before UTF-8 bytes were misread as cp1252/Latin-1, if that is what happened."""
    sample = text[:50000]
    if len(_SOUP.findall(sample)) < 3:
        return None
    raw = bytearray()
    for ch in sample:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            # Latin-1 keeps the five bytes cp1252 leaves undefined; anything else was lost already.
            raw += bytes([ord(ch)]) if ord(ch) <= 0xFF else b"?"
    repaired = raw.decode("utf-8", errors="replace")
    lost = repaired.count("\ufffd")
    non_ascii = sum(1 for ch in repaired if ord(ch) > 127)
    # Converters drop the bytes cp1252 does not define, so a few characters stay lost.
    if lost * 4 > non_ascii or _script_score(repaired.replace("\ufffd", ""))[1] < MIN_SCORE:
        return None
    return repaired


def _first_soup(text: str, soup: bool = True) -> str:
    if soup:
        match = _SOUP.search(text)
        return text[match.start(): match.start() + 12] if match else ""
    match = re.search(r"[^\x00-\x7f]", text)
    return text[match.start(): match.start() + 4] if match else ""
