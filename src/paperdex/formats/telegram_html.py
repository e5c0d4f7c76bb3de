"""Telegram Desktop "Export chat history" HTML (messages.html, messages2.html...): one Document, one Post per message.

The exporter writes `div.message.default` blocks (id="message123") with
`div.from_name`, `div.pull_right.date.details[title="28.06.2024 15:04:11 UTC+03:00"]`,
`div.text` (links as `<a href>`, line breaks as `<br>`) and, for signed channel
posts, `div.signature.details`. A message sent right after another by the same
sender is "joined": it has no from_name and inherits the previous author.
Forwarded messages wrap sender and text in `div.forwarded.body`. Service
messages (`div.message.service`: dates, "Channel created", pins) are skipped.
Parsed with the standard library's html.parser; the exporter's markup is regular.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from paperdex.errors import MalformedInput
from paperdex.model import Document, Post

NAME = "telegram-html"
EXTENSIONS = (".html", ".htm")

_DATE = re.compile(
    r"^(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})\s+(?P<t>\d{2}:\d{2}(?::\d{2})?)\s*(?:UTC(?P<tz>[+-]\d{2}:?\d{2}))?"
)
_VOID = {"br", "img", "meta", "link", "hr", "input", "source", "wbr"}


def detect(path: str, head: str) -> float:
    """Telegram's export page: "Exported Data" title, page_wrap and message divs."""
    if "<" not in head[:200]:
        return 0.0
    marks = sum(
        1 for mark in ('class="page_wrap"', "<title>Exported Data</title>", 'class="history"', 'class="message ')
        if mark in head
    )
    if marks >= 2:
        return 0.9
    return 0.0


def _iso(title: str) -> tuple[str | None, str | None]:
    """('2024-06-28T15:04:11', '+03:00') from the exporter's date title."""
    m = _DATE.match(title.strip())
    if not m:
        return None, None
    t = m.group("t") if m.group("t").count(":") == 2 else m.group("t") + ":00"
    return f"{m.group('y')}-{m.group('m')}-{m.group('d')}T{t}", m.group("tz")


class _Message:
    def __init__(self, msg_id: str, joined: bool, line: int) -> None:
        self.id = msg_id
        self.joined = joined
        self.line = line
        self.author: str | None = None
        self.signature: str | None = None
        self.forwarded_from: str | None = None
        self.date: str | None = None
        self.utc_offset: str | None = None
        self.text: list[str] = []
        self.links: list[dict[str, str]] = []
        self.reply_to: str | None = None
        self.has_media = False


class _ExportParser(HTMLParser):
    """Collects chat name and messages; tracks which div the parser is in by its classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chat_name: str | None = None
        self.messages: list[_Message] = []
        self.service_count = 0
        self._stack: list[tuple[str, set[str]]] = []
        self._msg: _Message | None = None
        self._msg_depth = 0
        self._capture: str | None = None  # "name", "text", "signature", "forwarded_name", "header"
        self._capture_depth = 0
        self._buf: list[str] = []
        self._link: dict[str, str] | None = None
        self.saw_history = False

    # -- helpers --
    def _in(self, cls: str) -> bool:
        return any(cls in classes for _, classes in self._stack)

    def _start_capture(self, what: str) -> None:
        self._capture, self._capture_depth, self._buf = what, len(self._stack), []

    def _end_capture(self) -> None:
        what, text = self._capture, "".join(self._buf)
        self._capture = None
        if what == "header" and self.chat_name is None:
            self.chat_name = " ".join(text.split()) or None
            return
        msg = self._msg
        if msg is None:
            return
        if what == "text":
            msg.text.append(text)
        elif what == "name":
            # "Name via @bot" keeps only the name.
            msg.author = re.sub(r"\s+via\s+@\S+$", "", " ".join(text.split())) or None
        elif what == "forwarded_name":
            # The original's date follows the name in a span: "rizzearch 19.03.2024 18:11:02".
            name = re.sub(r"\s+\d{2}\.\d{2}\.\d{4}(?:\s+\d{2}:\d{2}(?::\d{2})?)?$", "", " ".join(text.split()))
            msg.forwarded_from = name or None
        elif what == "signature":
            msg.signature = " ".join(text.split()) or None

    # -- HTMLParser --
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        classes = set(a.get("class", "").split())
        if tag == "br":
            if self._capture:
                self._buf.append("\n")
            return
        if tag in _VOID:
            return
        if tag == "a" and self._capture == "text":
            href = a.get("href", "")
            self._link = {"url": href, "text_start": str(len("".join(self._buf)))} if href.startswith(
                ("http://", "https://", "tg://", "mailto:")
            ) else None
            if self._msg is not None and "#go_to_message" in href:
                self._msg.reply_to = href.rsplit("message", 1)[-1]
        self._stack.append((tag, classes))
        if tag != "div":
            if self._msg is not None and tag == "a" and "reply_to" not in classes and self._in("reply_to"):
                self._msg.reply_to = a.get("href", "").rsplit("message", 1)[-1] or None
            return
        if "history" in classes:
            self.saw_history = True
        if "message" in classes and ("default" in classes or "service" in classes):
            if "service" in classes:
                self.service_count += 1
                self._msg = None
                return
            self._msg = _Message(a.get("id", "").removeprefix("message"), "joined" in classes, self.getpos()[0])
            self._msg_depth = len(self._stack)
            self.messages.append(self._msg)
            return
        if self.chat_name is None and "text" in classes and "bold" in classes and self._in("page_header"):
            self._start_capture("header")
            return
        msg = self._msg
        if msg is None or self._capture:
            return
        if "date" in classes and "details" in classes and "title" in a and msg.date is None:
            msg.date, msg.utc_offset = _iso(a["title"])
        elif "from_name" in classes:
            self._start_capture("forwarded_name" if self._in("forwarded") else "name")
        elif "text" in classes and not self._in("reply_to"):
            self._start_capture("text")
        elif "signature" in classes:
            self._start_capture("signature")
        elif "media_wrap" in classes:
            msg.has_media = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag == "a" and self._link is not None and self._capture == "text":
            start = int(self._link["text_start"])
            self._msg.links.append({"text": "".join(self._buf)[start:].strip(), "url": self._link["url"]})
            self._link = None
        # Pop to the matching tag; tolerate unclosed inline tags.
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break
        else:
            return
        if self._capture and len(self._stack) < self._capture_depth:
            self._end_capture()
        if self._msg is not None and len(self._stack) < self._msg_depth:
            self._msg = None

    def handle_data(self, data: str) -> None:
        if self._capture:
            # The exporter writes real line breaks as <br>; raw newlines are its indentation.
            self._buf.append(data.replace("\r", "").replace("\n", ""))


def _clean(text: str) -> str:
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(lines).strip()


def read(text: str, source: str) -> list[Document]:
    """One Document (the chat) with one Post per message of this page."""
    parser = _ExportParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # pragma: no cover - html.parser is lenient
        raise MalformedInput(source, f"cannot parse the HTML: {exc}") from exc
    if not parser.saw_history and not parser.messages:
        raise MalformedInput(
            source, "no div.history and no messages: not a Telegram Desktop HTML export",
            "export the chat again from Telegram Desktop, or read it as plain HTML with --format html",
        )
    posts: list[Post] = []
    previous_author: str | None = None
    for msg in parser.messages:
        author = msg.author if msg.author else (previous_author if msg.joined else None)
        previous_author = author
        urls: list[str] = []
        for link in msg.links:
            if link["url"].startswith("http") and link["url"] not in urls:
                urls.append(link["url"])
        metadata: dict[str, Any] = {"id": int(msg.id) if msg.id.lstrip("-").isdigit() else msg.id, "links": msg.links}
        if msg.signature or msg.forwarded_from:
            metadata["from"] = author
        for key in ("forwarded_from", "reply_to", "utc_offset"):
            if getattr(msg, key):
                metadata[key] = getattr(msg, key)
        if msg.has_media:
            metadata["media"] = True
        posts.append(
            Post(
                text=_clean("\n".join(msg.text)),
                line=msg.line,
                date=msg.date,
                author=msg.forwarded_from or msg.signature or author,
                urls=urls,
                metadata=metadata,
            )
        )
    name = parser.chat_name
    return [
        Document(
            source=source,
            format=NAME,
            title=name,
            reader=name,
            metadata={"messages": len(posts), "service_messages": parser.service_count},
            posts=posts,
        )
    ]
