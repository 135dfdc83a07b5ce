"""WARC archives (.warc, .warc.gz) to documents: the HTML pages among their response records.

Streams with warcio, one record at a time, so an archive of any size costs one record's
memory. Each HTML response becomes a RawDocument whose source and url are the record's
target URI and whose `fetched` is its WARC-Date; its body is decoded by the HTTP charset or
by detection. Every other record (request, metadata, warcinfo, revisit, images, CSS, error
pages) is a Skipped item saying what it was. A broken record (truncated, corrupt, failing its
digest) is a Failure naming its offset; every complete record before it is read, and the
reader resyncs on the next record start after it (the next gzip member, or the next
`WARC/1.x` line of an uncompressed archive).
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Generator, Iterator
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from newstrace.encoding import binary_kind
from newstrace.fetch import decode_http_body, media_kind, parse_content_type
from newstrace.model import Failure, RawDocument, Skipped
from newstrace.settings import Settings

Item = RawDocument | Failure | Skipped

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"(?:^|\n)WARC/1\.[01]\r?\n")
# Resync scans the file in blocks of this size, overlapping by a record-start's length.
SCAN_BLOCK = 1 << 20
# Bytes read from a gzip member to check that it starts a WARC record.
_MEMBER_PROBE = 64
# Reading a payload in pieces of this size keeps the size limit exact without a huge read.
READ_CHUNK = 1 << 16
# A reason quotes at most this much of a broken record's bytes or of warcio's message.
REASON_CHARS = 120

_PAGE_RECORDS = frozenset({"response", "resource"})


def read_warc(path: str, source: str, settings: Settings) -> Iterator[Item]:
    """Every record of a WARC archive as a document, a Skipped item or a Failure."""
    try:
        archive = open(path, "rb")  # noqa: SIM115 - closed below, also when abandoned
    except OSError as error:
        yield Failure(source, f"cannot open the archive: {error.strerror or error}")
        return
    with archive:
        size = os.fstat(archive.fileno()).st_size
        if size == 0:
            yield Failure(source, "empty file, not a WARC archive")
            return
        compressed = archive.read(3) == _GZIP_MAGIC
        start: int | None = 0
        while start is not None:
            start = yield from _read_from(archive, start, size, compressed, source, settings)


def _read_from(
    archive: IO[bytes], start: int, size: int, compressed: bool, source: str, settings: Settings
) -> Generator[Item, None, int | None]:
    """Records from `start` on; returns where to resync after a broken record, or None."""
    archive.seek(start)
    records = ArchiveIterator(archive, check_digests=True)
    offset = start
    try:
        for record in records:
            offset = records.offset
            yield _record_item(record, offset, source, settings)
        offset = records.offset
    except Exception as error:  # warcio raises many kinds on broken input (binascii, zlib…)
        offset = max(records.offset, start)
        yield Failure(f"{source}@{offset}", _broken(offset, source, _describe(error)))
        return _next_record_start(archive, offset + 1, size, compressed)
    if offset < size and _has_data(archive, offset):
        yield Failure(
            f"{source}@{offset}",
            _broken(offset, source, "the archive ends inside this record (truncated)"),
        )
    return None


def _record_item(record: Any, offset: int, source: str, settings: Settings) -> Item:
    """One record as a page, a Skipped item, or a Failure when it is broken."""
    kind = record.rec_type
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    where = uri or f"{source}@{offset}"
    if kind not in _PAGE_RECORDS:
        return Skipped(where, f"WARC {kind} record, not a page")
    headers = record.http_headers
    if kind == "response" and headers is None:
        return Skipped(where, "WARC response record without an HTTP message (dns:, whois:)")
    if headers is not None:
        status = headers.get_statuscode()
        if status != "200":
            return Skipped(where, f"HTTP {status} response, not a page")
        content_type = headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    media_type, charset = parse_content_type(content_type)
    if media_type is not None and media_kind(media_type) != "html":
        return Skipped(where, f"{media_type} response, not an HTML page")
    body = _payload(record, settings.max_document_bytes)
    if isinstance(body, str):
        return Failure(where, body)
    problems = record.digest_checker.problems if record.digest_checker else []
    if problems:
        return Failure(
            f"{source}@{offset}", _broken(offset, source, f"corrupt ({problems[0]})", uri)
        )
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return Failure(
            f"{source}@{offset}",
            _broken(offset, source, f"truncated: the last {missing:,} bytes are missing", uri),
        )
    if media_type is None and binary_kind(body) is not None:
        return Skipped(where, f"{binary_kind(body)} without a content type, not an HTML page")
    html = decode_http_body(body, charset, html=True)
    if not html.strip():
        return Skipped(where, "empty response, not a page")
    return RawDocument(
        source=where,
        html=html,
        url=uri,
        fetched=record.rec_headers.get_header("WARC-Date") or None,
    )


def _payload(record: Any, limit: int) -> bytes | str:
    """The decoded HTTP body, at most `limit` bytes, or why it was not read whole."""
    stream = record.content_stream()
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            return (
                f"more than {size:,} bytes in this record, over the limit of {limit:,} per "
                "document; raise NEWSTRACE_MAX_DOCUMENT_BYTES to read it"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _next_record_start(
    archive: IO[bytes], position: int, size: int, compressed: bool
) -> int | None:
    """The offset of the next record that starts cleanly at or after `position`."""
    pattern = re.compile(re.escape(_GZIP_MAGIC)) if compressed else _WARC_LINE
    while position < size:
        archive.seek(position)
        block = archive.read(SCAN_BLOCK)
        for found in pattern.finditer(block):
            candidate = position + found.start()
            if not compressed:
                return candidate + (1 if block[found.start() : found.start() + 1] == b"\n" else 0)
            if _starts_warc_member(archive, candidate):
                return candidate
        if len(block) < SCAN_BLOCK:
            return None
        position += SCAN_BLOCK - 16  # overlap: a start split across two blocks is found
    return None


def _starts_warc_member(archive: IO[bytes], offset: int) -> bool:
    """Whether a gzip member starting at `offset` decompresses to a WARC header."""
    archive.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        head = inflater.decompress(archive.read(4096), _MEMBER_PROBE)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _has_data(archive: IO[bytes], offset: int) -> bool:
    """Whether anything but blank lines follows `offset` (a truncated record, not padding)."""
    archive.seek(offset)
    return bool(archive.read(READ_CHUNK).strip())


def _broken(offset: int, source: str, what: str, uri: str | None = None) -> str:
    name = os.path.basename(source) or source
    about = f" ({uri})" if uri else ""
    return f"WARC record at offset {offset:,} of {name}{about}: {what}; the other records are read"


def _describe(error: Exception) -> str:
    """warcio's message in one printable line, without the binary line it may quote."""
    text = str(error).strip().split("\n", 1)[0] or type(error).__name__
    text = text.split(", first line:", 1)[0]
    text = "".join(char if char.isprintable() else "?" for char in text)
    if len(text) > REASON_CHARS:
        text = text[: REASON_CHARS - 1] + "…"
    return f"broken or not a WARC record ({text})"
