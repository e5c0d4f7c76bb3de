"""URL input (`paperdex add https://...`): fetch a page or file, then read it like a local file.

One client factory is the HTTP seam: tests pass an httpx transport or point at
a local server. The response's content type picks the format (a blog page is
`html`, a raw README is `markdown`), its charset the encoding; the size limit
is checked against Content-Length before the body is read, and again while
streaming. PAPERDEX_OFFLINE=1 skips URLs with a clear error.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from paperdex import __version__
from paperdex.errors import InputError, InputTooLarge, UnsupportedInput
from paperdex.formats.decoding import normalise_encoding
from paperdex.formats.load import DEFAULT_MAX_BYTES, Loaded, load_bytes, too_large

DEFAULT_TIMEOUT = 20.0
USER_AGENT = f"paperdex/{__version__} (reading-notes importer)"

# Content types that name a format; others are left to detection from the bytes.
CONTENT_FORMATS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/x-bibtex": "bibtex",
    "text/x-bibtex": "bibtex",
    "application/vnd.citationstyles.csl+json": "csl-json",
}
_REFUSED = {
    "application/pdf": ("is a PDF",
                        "paperdex reads notes, not PDFs; add a page or note that cites it instead"),
    "application/zip": ("is a zip archive", "download and unpack it, then import the folder"),
}
_GITHUB_BLOB = re.compile(r"^https?://github\.com/([^/]+)/([^/]+)/blob/(.+)$")


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def make_client(*, transport: httpx.BaseTransport | None = None,
                timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """The client every URL fetch uses: timeout, user agent, redirects; tests pass a transport."""
    return httpx.Client(timeout=timeout, transport=transport, follow_redirects=True,
                        headers={"User-Agent": USER_AGENT,
                                 "Accept": "text/html,text/markdown,text/plain,*/*;q=0.5"})


def raw_url(url: str) -> str:
    """A GitHub file page as its raw file: the notes, not GitHub's page around them."""
    match = _GITHUB_BLOB.match(url)
    if match:
        owner, repo, rest = match.groups()
        return f"https://raw.githubusercontent.com/{owner}/{repo}/{rest}"
    return url


def fetch_url(url: str, *, client: httpx.Client | None = None, timeout: float = DEFAULT_TIMEOUT,
              max_bytes: int = DEFAULT_MAX_BYTES, format: str | None = None, encoding: str | None = None,
              offline: bool | None = None) -> Loaded:
    """Download `url` and read it into Documents whose source is the URL.

    Raises InputError (offline, not http(s), HTTP error, timeout, cannot
    connect), InputTooLarge, UnsupportedInput (PDF, image), or whatever
    load_bytes raises for the body (DecodeError, MalformedInput...).
    """
    if offline is None:
        from paperdex import settings

        offline = settings.is_offline()
    if offline:
        raise InputError(url, "offline: skipped URL", "unset PAPERDEX_OFFLINE to fetch it")
    if not is_url(url):
        raise InputError(url, "is not an http(s) URL", "give a link starting with https://")
    own_client = client is None
    http = client or make_client(timeout=timeout)
    try:
        data, content_type, charset, final_url = _download(http, raw_url(url), url, max_bytes, timeout)
    finally:
        if own_client:
            http.close()
    chosen = format or _format_for(content_type, final_url, url)
    if encoding is None and charset:
        encoding = normalise_encoding(charset)
    hint = urlsplit(final_url).path or url
    loaded = load_bytes(data, url, format=chosen, encoding=encoding, path_hint=hint)
    for doc in loaded.documents:
        doc.metadata.setdefault("url", final_url)  # a page's own canonical URL, when it names one, wins
        doc.metadata["fetched_url"] = final_url
        doc.metadata["content_type"] = content_type
    return loaded


def _download(http: httpx.Client, target: str, source: str, max_bytes: int,
              timeout: float) -> tuple[bytes, str, str | None, str]:
    try:
        with http.stream("GET", target, timeout=timeout) as response:
            if response.status_code >= 400:
                raise InputError(source, f"HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                                 _http_fix(response.status_code))
            content_type, charset = _parse_content_type(response.headers.get("content-type", ""))
            _refuse_type(source, content_type)
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise too_large(source, int(length), max_bytes)
            chunks, total = [], 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise InputTooLarge(source, f"is more than {max_bytes} bytes, above the limit",
                                        "raise the limit with --max-size, or save the page and import a part")
                chunks.append(chunk)
            return b"".join(chunks), content_type, charset, str(response.url)
    except httpx.TimeoutException as exc:
        raise InputError(source, f"timed out after {timeout:g} s", "try again later, or save the page and "
                         "import the file") from exc
    except httpx.ConnectError as exc:
        raise InputError(source, f"cannot connect ({exc})", "check the address and your connection") from exc
    except httpx.TooManyRedirects as exc:
        raise InputError(source, "redirects too many times",
                         "open it in a browser and save the page") from exc
    except httpx.HTTPError as exc:
        raise InputError(source, f"download failed: {type(exc).__name__}: {exc}", "try again later") from exc


def _http_fix(status: int) -> str:
    if status == 404:
        return "check the address: the page does not exist"
    if status in (401, 403):
        return "the page needs a login: save it from your browser and import the file"
    if status == 429 or status >= 500:
        return "the site is busy or failing; try again later"
    return "check the address"


def _parse_content_type(header: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in header.split(";")]
    mime = parts[0].lower() if parts else ""
    charset = None
    for part in parts[1:]:
        if part.lower().startswith("charset="):
            charset = part.split("=", 1)[1].strip().strip("\"'") or None
    return mime, charset


def _refuse_type(source: str, content_type: str) -> None:
    if content_type in _REFUSED:
        reason, fix = _REFUSED[content_type]
        raise UnsupportedInput(source, reason, fix)
    if content_type.startswith(("image/", "video/", "audio/")):
        raise UnsupportedInput(source, f"is {content_type}, not notes", "link to the page with the notes")


def _format_for(content_type: str, final_url: str, url: str) -> str | None:
    """The format a content type names; plain text is Markdown when the file name says so."""
    if content_type in CONTENT_FORMATS:
        return CONTENT_FORMATS[content_type]
    path = urlsplit(final_url).path.lower() or urlsplit(url).path.lower()
    if content_type == "text/plain":
        if path.endswith((".md", ".markdown", ".mdown", ".mkd")):
            return "markdown"
        if path.endswith(".bib"):
            return "bibtex"
        return None  # let detection judge (a raw README without suffix is often Markdown)
    return None
