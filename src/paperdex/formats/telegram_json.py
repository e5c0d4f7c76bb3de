"""Telegram Desktop "Export chat history" JSON (result.json): one Document per chat, one Post per message.

Two roots exist: a single-chat export `{"name", "type", "id", "messages"}` and a
full-account export whose chats sit under `chats.list` (and `left_chats.list`).
A message's `text` is a string or a list mixing strings and entity objects;
`text_entities` (always a list) is preferred when present. `text_link` carries
its URL in `href`, `link` in its text. Unknown entity types and keys are
tolerated (their text is kept). Service messages (channel created, pinned...) are
skipped; media-only messages become Posts with empty text, which the segmenter
drops. A message or text part of the wrong JSON type is skipped and named in
the Document's metadata["errors"] (the rest imports); structure errors that
leave nothing to read raise MalformedInput with the place that is wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

from paperdex.errors import MalformedInput
from paperdex.model import Document, Post

NAME = "telegram-json"
EXTENSIONS = (".json",)

CHAT_TYPES = (
    "personal_chat", "bot_chat", "private_group", "private_supergroup", "public_supergroup",
    "private_channel", "public_channel", "saved_messages", "replies", "verification_codes",
)
_CHANNEL_TYPES = ("private_channel", "public_channel")
_HEAD_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_HEAD_ANY_MESSAGES = re.compile(r'"messages"\s*:')
_HEAD_TYPE = re.compile(r'"type"\s*:\s*"(?P<t>[a-z_]+)"')
_HEAD_ACCOUNT = re.compile(r'"(?:personal_information|chats)"\s*:\s*\{')


def detect(path: str, head: str) -> float:
    """A JSON object with "messages" and a chat "type" (or a full-account export's "chats")."""
    start = head.lstrip("\ufeff \t\r\n")
    if not start.startswith("{"):
        return 0.0
    types = {m.group("t") for m in _HEAD_TYPE.finditer(head)}
    if _HEAD_MESSAGES.search(head) and types & set(CHAT_TYPES):
        return 0.9
    if _HEAD_ANY_MESSAGES.search(head) and types & set(CHAT_TYPES) and '"name"' in head:
        return 0.8  # a broken export is still one: read() names what is wrong instead of a text import
    if _HEAD_ACCOUNT.search(head) and '"about"' in head:
        return 0.9
    return 0.0


_JSON_TYPES = {"int": "a number", "float": "a number", "bool": "true/false", "NoneType": "null",
               "list": "a list", "dict": "an object", "str": "text"}


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value).__name__, type(value).__name__)


def _entity_text(part: Any) -> tuple[str, str | None]:
    """(visible text, URL it links to) of one text run or entity object; ValueError if it is neither."""
    if isinstance(part, str):
        return part, None
    if not isinstance(part, dict):
        raise ValueError(f"is {_kind(part)}, expected a string or an object")
    text = part.get("text", "")
    if not isinstance(text, str):
        text = str(text)
    kind = part.get("type")
    if kind == "text_link" and isinstance(part.get("href"), str):
        return text, part["href"]
    if kind == "link":
        url = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) else f"https://{text}"
        return text, url
    return text, None


def message_text(message: dict[str, Any], where: str = "message",
                 problems: list[str] | None = None) -> tuple[str, list[dict]]:
    """Plain text of a message and its links as [{"text", "url"}], from text_entities or text.

    A part that is neither a string nor an entity object is left out and named in `problems`:
    one odd entity must not cost the rest of the message, let alone the export.
    """
    parts = message.get("text_entities")
    field_name = "text_entities"
    if not isinstance(parts, list):
        field_name = "text"
        raw = message.get("text", "")
        parts = raw if isinstance(raw, list) else [raw if isinstance(raw, str) else ""]
    pieces: list[str] = []
    links: list[dict] = []
    for number, part in enumerate(parts, start=1):
        try:
            text, url = _entity_text(part)
        except ValueError as exc:
            if problems is not None:
                problems.append(f"{where}, {field_name} part {number}: {exc}; that part skipped")
            continue
        pieces.append(text)
        if url:
            links.append({"text": text, "url": url})
    return "".join(pieces), links


def _posts(chat: dict[str, Any], where: str, source: str, problems: list[str]) -> list[Post]:
    messages = chat.get("messages")
    if not isinstance(messages, list):
        raise MalformedInput(source, f"{_place(where)}\"messages\" is {_kind(messages)}, expected a list"
                             if "messages" in chat else f"{_place(where)}\"messages\" is missing",
                             "export the chat again from Telegram Desktop with format JSON")
    posts: list[Post] = []
    for position, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            problems.append(f"{_place(where)}message #{position}: is {_kind(message)}, not an object; skipped")
            continue
        if message.get("type", "message") != "message":
            continue  # service messages: channel created, photo changed, pinned...
        msg_id = message.get("id")
        text, links = message_text(message, f"{_place(where)}message id {msg_id}", problems)
        urls: list[str] = []
        for link in links:
            if link["url"] not in urls:
                urls.append(link["url"])
        # Who wrote the words: the original channel of a forward, the post's signature, the sender.
        author = message.get("forwarded_from") or message.get("author") or message.get("from")
        metadata: dict[str, Any] = {"id": msg_id, "links": links}
        for key in ("from", "from_id", "forwarded_from", "reply_to_message_id", "media_type", "edited"):
            if message.get(key) is not None:
                metadata[key] = message[key]
        if isinstance(message.get("reactions"), list):
            metadata["reactions"] = sum(
                r.get("count", 0) for r in message["reactions"] if isinstance(r, dict) and isinstance(r.get("count"), int)
            )
        posts.append(
            Post(
                text=text,
                line=msg_id if isinstance(msg_id, int) else position,
                date=message.get("date") if isinstance(message.get("date"), str) else None,
                author=str(author) if author else None,
                urls=urls,
                metadata=metadata,
            )
        )
    if messages and not posts and problems:
        raise MalformedInput(source, f"no message could be read ({problems[0]})",
                             "export the chat again from Telegram Desktop with format JSON")
    return posts


def _place(where: str) -> str:
    return "" if where == "root" else f"{where}, "


def _chat_document(chat: Any, where: str, source: str) -> Document:
    if not isinstance(chat, dict):
        raise MalformedInput(source, f"{where}: a chat is {type(chat).__name__}, expected an object")
    kind = chat.get("type")
    name = chat.get("name") or ("Saved Messages" if kind == "saved_messages" else None)
    problems: list[str] = []
    posts = _posts(chat, where, source, problems)
    dates = [p.date for p in posts if p.date]
    return Document(
        source=source if where == "root" else f"{source}#chat-{chat.get('id', where)}",
        format=NAME,
        title=name,
        reader=name if kind in _CHANNEL_TYPES else None,
        date=dates[-1][:10] if dates else None,
        metadata={"chat_type": kind, "chat_id": chat.get("id"), "messages": len(chat.get("messages", [])),
                  "errors": problems},
        posts=posts,
    )


def read(text: str, source: str) -> list[Document]:
    """Documents of a single-chat or a full-account export."""
    try:
        root = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInput(
            source, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "the export may be cut short; export the chat again",
        ) from exc
    if not isinstance(root, dict):
        raise MalformedInput(source, "the JSON root is not an object; not a Telegram export")
    if "messages" in root:
        return [_chat_document(root, "root", source)]
    chats = []
    for key in ("chats", "left_chats"):
        section = root.get(key)
        if section is None:
            continue
        chat_list = section.get("list") if isinstance(section, dict) else None
        if not isinstance(chat_list, list):
            raise MalformedInput(source, f"\"{key}\" has no \"list\" of chats")
        chats.extend((f"{key}.list[{i}]", chat) for i, chat in enumerate(chat_list))
    if not chats and "chats" not in root:
        raise MalformedInput(source, "no \"messages\" and no \"chats\": not a Telegram Desktop export")
    return [_chat_document(chat, where, source) for where, chat in chats]
