"""Sources to raw documents: files, directories, globs, stdin, JSON Lines, WARC, feeds, URLs.

`read_sources` yields one `RawDocument` or `Failure` per document, lazily and in a stable
order, and never raises for a bad input: a missing path, a binary or oversized file, a
broken JSON line each become a Failure with a one-line reason, and the rest goes on.
Text is decoded by `newstrace.encoding`; HTML is passed on as is (extraction comes later).
WARC archives are read by `newstrace.warc`; feeds, OPML lists and http(s) URLs by
`newstrace.feeds`, whose pages come through the polite client of `newstrace.fetch`.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO

from newstrace.encoding import binary_kind, decode_document, normalise_newlines
from newstrace.model import Failure, RawDocument, Skipped
from newstrace.settings import Settings

if TYPE_CHECKING:
    from newstrace.fetch import Fetcher

STDIN_SOURCE = "<stdin>"

_KIND_BY_EXTENSION = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".json": "json",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".xml": "feed",
    ".opml": "opml",
}

# Kinds a directory walk reads; a file of another extension (README.md, notes.json, a.png)
# is passed over as a Skipped item, so that `ingest folder/` stores only the news in it.
# Named explicitly, any file is read.
_WALK_KINDS = frozenset({"text", "html", "jsonl", "warc", "feed", "opml"})

# A source naming a scheme (`https://…`, `ftp://…`, `javascript:…`) is a URL, not a path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^(?:javascript|data|mailto|file):", re.I)

# The HTML sniff looks this far into a document with no telling extension; a doctype or
# <html> tag after leading comments and whitespace sits well inside it.
HTML_SNIFF_CHARS = 1024
_GLOB_MAGIC = re.compile(r"[*?\[]")


def describe_source_kind(path: str) -> str:
    """The reader a path goes to by its name: text, html, jsonl, json, warc, feed, opml, sniff."""
    name = os.path.basename(path).lower()
    if name.endswith(".warc.gz"):
        return "warc"
    return _KIND_BY_EXTENSION.get(os.path.splitext(name)[1], "sniff")


Item = RawDocument | Failure | Skipped


def read_sources(
    sources: Sequence[str],
    settings: Settings,
    stdin: BinaryIO | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Item]:
    """Every document of the given sources, each a RawDocument or a Failure, lazily.

    A directory walk also yields a Skipped item for each file that is not a news document
    by its extension (README.md, data.json, photo.png): nothing is passed over silently;
    so does a WARC archive for each record that is not an HTML page. Feeds and URLs are
    fetched with `fetcher` (by default a polite `Fetcher` made on first use).
    """
    network = _Network(settings, fetcher)
    try:
        for source in sources:
            if source == "-":
                yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, settings)
            elif not os.path.lexists(source) and _URL.match(source):
                yield from _read_url(source, network)
            elif not os.path.lexists(source) and _GLOB_MAGIC.search(source):
                yield from _read_glob(source, settings, network)
            else:
                yield from _read_path(source, source, settings, frozenset(), network)
    finally:
        network.close()


class _Network:
    """The Fetcher for feeds and URLs, made on first use: a run of files never opens one."""

    def __init__(self, settings: Settings, fetcher: Fetcher | None) -> None:
        self._settings = settings
        self._given = fetcher
        self._made: Fetcher | None = None

    def fetcher(self) -> Fetcher:
        if self._given is not None:
            return self._given
        if self._made is None:
            from newstrace.fetch import Fetcher

            self._made = Fetcher(self._settings)
        return self._made

    def close(self) -> None:
        if self._made is not None:
            self._made.close()


def _read_url(url: str, network: _Network) -> Iterator[Item]:
    """An http(s) URL: a feed, an OPML list or a page; any other scheme is refused."""
    from newstrace.feeds import read_url
    from newstrace.fetch import url_scheme_refusal

    refusal = url_scheme_refusal(url)
    if refusal is not None:
        yield Failure(url, refusal)
        return
    yield from read_url(url, network.fetcher())


def read_url(url: str, settings: Settings, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """The documents at one http(s) URL: a page, or the items of a feed or OPML list."""
    network = _Network(settings, fetcher)
    try:
        yield from _read_url(url, network)
    finally:
        network.close()


def looks_like_html(text: str) -> bool:
    """Whether a document with no telling extension is an HTML page."""
    head = text[:HTML_SNIFF_CHARS].lower()
    return "<!doctype html" in head or "<html" in head


def _read_glob(pattern: str, settings: Settings, network: _Network) -> Iterator[Item]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Failure(
            pattern, "no file matches this pattern; check it, and quote it so the shell leaves it"
        )
        return
    for match in matches:
        inner = match.rstrip(os.sep) + os.sep
        if os.path.isdir(match) and any(other.startswith(inner) for other in matches):
            continue  # `**` also matched what is inside: read those, not the directory again
        yield from _read_path(match, match, settings, frozenset(), network)


def _read_path(
    path: str,
    source: str,
    settings: Settings,
    ancestors: frozenset[tuple[int, int]],
    network: _Network,
) -> Iterator[Item]:
    try:
        info = os.stat(path)
    except OSError as error:
        yield Failure(source, _os_reason(error, broken_link=os.path.islink(path)))
        return
    if stat.S_ISDIR(info.st_mode):
        inside = ancestors | {(info.st_dev, info.st_ino)}
        yield from _walk(path, source, settings, inside, network)
    elif not stat.S_ISREG(info.st_mode):
        yield Failure(source, "not a regular file (a device, pipe or socket); give a file")
    else:
        yield from _read_file(path, source, info.st_size, settings, network)


def _walk(
    path: str,
    source: str,
    settings: Settings,
    ancestors: frozenset[tuple[int, int]],
    network: _Network,
) -> Iterator[Item]:
    """A directory, recursively, sorted by name, hidden entries skipped."""
    try:
        with os.scandir(path) as scan:
            names = sorted(entry.name for entry in scan if not entry.name.startswith("."))
    except OSError as error:
        yield Failure(source, _os_reason(error))
        return
    for name in names:
        child, child_source = os.path.join(path, name), os.path.join(source, name)
        try:
            info = os.stat(child)
        except OSError:
            info = None  # _read_path reports it
        if info is not None and (info.st_dev, info.st_ino) in ancestors:
            yield Failure(child_source, "symbolic link loop back to a parent directory; skipped")
            continue
        if info is not None and stat.S_ISREG(info.st_mode) and not _walk_reads(name):
            yield Skipped(
                child_source,
                "not a news document by its name; name the file to read it anyway",
            )
            continue
        yield from _read_path(child, child_source, settings, ancestors, network)


def _walk_reads(name: str) -> bool:
    """Whether a directory walk reads this file: a document extension, or none at all."""
    kind = describe_source_kind(name)
    if name.lower().endswith(".xml"):
        return False  # sitemaps and configs, mostly: a feed in a walk is .rss/.atom/.rdf
    return kind in _WALK_KINDS or (kind == "sniff" and not os.path.splitext(name)[1])


def _read_file(
    path: str, source: str, size: int, settings: Settings, network: _Network
) -> Iterator[Item]:
    kind = describe_source_kind(path)
    if kind == "warc":  # read record by record: the size limit applies to each
        from newstrace.warc import read_warc

        yield from read_warc(path, source, settings)
        return
    if kind == "jsonl":
        yield from _read_jsonl(path, source, settings)
        return
    limit = settings.max_document_bytes
    if size > limit:  # refused from stat, before a byte is read
        yield Failure(source, _too_large(size, limit))
        return
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)  # the file may have grown since stat
    except OSError as error:
        yield Failure(source, _os_reason(error))
        return
    if len(data) > limit:
        yield Failure(source, _too_large(len(data), limit, at_least=True))
    elif kind == "json":
        yield from _json_documents(data, source)
    elif kind in ("feed", "opml"):
        from newstrace.feeds import is_opml, read_feed_bytes, read_opml_bytes

        if kind == "opml" or is_opml(data):
            yield from read_opml_bytes(data, source, network.fetcher())
        else:
            yield from read_feed_bytes(data, source, network.fetcher())
    else:
        yield _document(data, source, kind)


def _read_stdin(stream: BinaryIO, settings: Settings) -> Iterator[RawDocument | Failure]:
    """Standard input, at most the document limit plus one byte of it."""
    limit = settings.max_document_bytes
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (OSError, ValueError) as error:
        yield Failure(STDIN_SOURCE, f"cannot read standard input: {error}")
        return
    if size > limit:
        yield Failure(STDIN_SOURCE, _too_large(size, limit, at_least=True))
    else:
        yield _document(b"".join(chunks), STDIN_SOURCE, "sniff")


def _document(data: bytes, source: str, kind: str) -> RawDocument | Failure:
    """One text or HTML document from its bytes, or why it is not one."""
    binary = binary_kind(data)
    if binary is not None:
        return Failure(source, f"binary file ({binary}), not a text document")
    html = kind == "html" or (kind == "sniff" and looks_like_html(data[:4096].decode("latin-1")))
    text = normalise_newlines(decode_document(data, html).text)
    if not text.strip():
        return Failure(source, "empty file" if not data else "empty file (only whitespace)")
    if html or (kind == "sniff" and looks_like_html(text)):
        return RawDocument(source=source, html=text)
    return RawDocument(source=source, text=text)


def _read_jsonl(path: str, source: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    """JSON Lines: one document per line; a bad line is a failure naming it, not the file."""
    limit = settings.max_document_bytes
    found_any = False
    try:
        with open(path, "rb") as file:
            number = 0
            while line := file.readline(limit + 1):
                number += 1
                where = f"{source}:{number}"
                if len(line) > limit and not line.endswith(b"\n"):
                    while (rest := file.readline(1 << 20)) and not rest.endswith(b"\n"):
                        pass  # skip the rest of the oversized line without holding it
                    found_any = True
                    yield Failure(where, f"line {number}: " + _too_large(len(line), limit, True))
                    continue
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                content = line.decode("utf-8", "replace").strip()
                if content:
                    found_any = True
                    yield _json_line(content, where, number)
    except OSError as error:
        yield Failure(source, _os_reason(error))
        return
    if not found_any:
        yield Failure(source, "empty file")


def _json_line(content: str, where: str, number: int) -> RawDocument | Failure:
    try:
        record = json.loads(content)
    except (ValueError, RecursionError) as error:
        return Failure(
            where, f"line {number}: not valid JSON ({_json_error(error)}); fix or remove the line"
        )
    document = _record_document(record, where)
    if isinstance(document, str):
        return Failure(where, f"line {number}: {document}")
    return document


def _json_documents(data: bytes, source: str) -> Iterator[RawDocument | Failure]:
    """A .json file: a list of document objects, or one object."""
    text = decode_document(data, html=False).text
    if not text.strip():
        yield Failure(source, "empty file")
        return
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as error:
        yield Failure(source, f"not valid JSON ({_json_error(error)}); fix the file")
        return
    if not isinstance(parsed, list):
        document = _record_document(parsed, source)
        yield Failure(source, document) if isinstance(document, str) else document
        return
    for index, record in enumerate(parsed):
        where = f"{source}[{index}]"
        document = _record_document(record, where)
        yield Failure(where, f"item {index}: {document}") if isinstance(document, str) else document


def _json_error(error: ValueError | RecursionError) -> str:
    """What json.loads found wrong, in a few words."""
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error).split("\n", 1)[0].split(";", 1)[0]


def _record_document(record: object, fallback_source: str) -> RawDocument | str:
    """A document from a JSON object (`text` preferred over `html`), or why not."""
    if not isinstance(record, Mapping):
        return (
            f"a JSON {type(record).__name__} rather than an object with "
            '"text" or "html"; fix or remove it'
        )
    text, html = _field(record, "text"), _field(record, "html")
    if text is None and html is None:
        return 'no "text" or "html" with content in this object; add one or remove it'
    url = _field(record, "url")
    return RawDocument(
        source=url or fallback_source,
        text=normalise_newlines(text) if text is not None else None,
        html=normalise_newlines(html) if text is None and html is not None else None,
        url=url,
        title=_field(record, "title"),
        outlet=_field(record, "outlet"),
        byline=_field(record, "byline") or _field(record, "author"),
        published=_field(record, "published", True) or _field(record, "date", True),
        language=_field(record, "language"),
        fetched=_field(record, "fetched"),
    )


def _field(record: Mapping[str, object], key: str, numbers: bool = False) -> str | None:
    """A field as a non-blank string (numbers too, for timestamps); anything else is absent."""
    value = record.get(key)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not (isinstance(value, str) or (numbers and number)):
        return None
    value = str(value)
    return value if value.strip() else None


def _too_large(size: int, limit: int, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (
        f"{more}{_human(size)} is over the limit of {_human(limit)} per document; "
        "raise NEWSTRACE_MAX_DOCUMENT_BYTES to read it"
    )


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB ({size:,} bytes)"


def _os_reason(error: OSError, broken_link: bool = False) -> str:
    """One line for an OS error: what it means and what to do."""
    if error.errno == errno.ENOENT:
        if broken_link:
            return "no such file or directory (a broken symbolic link); fix or remove the link"
        return "no such file or directory; check the path"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; fix its permissions or leave it out"
    if error.errno == errno.ELOOP:
        return "too many levels of symbolic links; fix the link"
    if error.errno == errno.ENOTDIR:
        return "no such file or directory (a part of the path is a file); check the path"
    return f"cannot read it: {(error.strerror or str(error)).lower()}"
