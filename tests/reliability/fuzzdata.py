"""Hypothesis strategies for notes-like text: seed lines, Markdown, links, brackets, emoji, scripts, noise."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from tests.conftest import SEED_FILES


def _seed_lines() -> list[str]:
    lines: list[str] = []
    for path in SEED_FILES.values():
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


SEED_LINES = _seed_lines()
PIECES = [
    "\n", "\n\n", " ", "  ", "\t", "\r\n", "\r", "\u2028", "\ufeff", "\x00", "\u200b",
    "* ", "- ", "  * ", "    - ", "1. ", "# ", "## ", "### ", "> ", "---\n", "```\n", "|", "**", "__", "~~",
    "[", "]", "(", ")", "](", "【", "】", "（", "）", "「", "」", "<", ">", "{", "}", "\\",
    "[Title](https://arxiv.org/abs/2310.13227", "](https://arxiv.org/pdf/2303.03004.pdf)",
    "https://arxiv.org/abs/", "http://", "https://openreview.net/forum?id=aBH_DydEvoH", "arXiv:", "arxiv ",
    "2406.10454v2", "hep-th/9901001", "10.1145/3292500.3330919", "doi:", "https://doi.org/10.", "DOI: 10.",
    "https://openaccess.thecvf.com/content_CVPR_2019/papers/", "https://aclanthology.org/2020.acl-main.1.pdf",
    "2024 - ", "(2017)", "- arxiv:", "- 来源:", "- 作者:", "- 主要内容:", "[想法] ", "💭", "🌟", "👀LINK", "🔥",
    "Download Telegram", "12 photos", "Кайфули", "статья по алайменту", "论文速读记录", "主要领域 LLM", "の",
    "é", "ё", "Ω", "𝔸", "\u0301", "\ud7ff", "\U0001f600", "&amp;", "&lt;", "&#", "<br>", "<a href=\"", "</a>",
    "<div class=\"tgme_widget_message_text\">", "</div>", "<script>", "<!--", "$$", "$x^2$",
    "{\"", "\":", "\"messages\": [", "\"type\": \"public_channel\"", "@article{", "title = {", "}",
]

piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(SEED_LINES), st.text(max_size=12))
notes_text = st.lists(piece, max_size=60).map("".join)

_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_value = st.recursive(_scalar, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                          st.dictionaries(st.text(max_size=8), kids, max_size=4)),
                          max_leaves=20)
_entity = st.fixed_dictionaries(
    {"type": st.sampled_from(["plain", "link", "text_link", "bold", "italic", "mention", "hashtag",
                              "blockquote", "custom_emoji", "spoiler", "brand_new_type"]),
     "text": st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=20), st.integers())},
    optional={"href": st.one_of(st.sampled_from(["https://arxiv.org/abs/2406.10454", "javascript:x", ""]),
                                st.integers()), "document_id": st.text(max_size=5)})
_text_field = st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=30),
                        st.lists(st.one_of(st.text(max_size=20), _entity), max_size=6), json_value)
_message = st.fixed_dictionaries(
    {"id": st.one_of(st.integers(), st.text(max_size=3)),
     "type": st.sampled_from(["message", "service", "unknown"]),
     "text": _text_field},
    optional={"date": st.one_of(st.sampled_from(["2024-03-01T10:00:00", "not a date", ""]), st.integers()),
              "text_entities": st.one_of(st.lists(_entity, max_size=4), json_value),
              "from": st.one_of(st.text(max_size=10), st.none()), "photo": st.text(max_size=5),
              "edited": st.text(max_size=5), "forwarded_from": st.text(max_size=5)})
telegram_export = st.fixed_dictionaries(
    {"name": st.one_of(st.text(max_size=15), st.none(), st.integers()),
     "type": st.sampled_from(["public_channel", "private_channel", "personal_chat", "weird"]),
     "messages": st.one_of(st.lists(_message, max_size=6), json_value)},
    optional={"id": st.integers()}).map(lambda d: json.dumps(d, ensure_ascii=False))
any_json = json_value.map(lambda v: json.dumps(v, ensure_ascii=False))
