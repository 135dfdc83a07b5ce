"""The documents of a batch's inputs, each numbered by its file and position in that file.

Reading is done by the same readers as `newstrace ingest` (newstrace.readers, newstrace.warc),
one input file at a time, so a batch sees exactly the documents, sources and failures that
ingesting the files would. Local inputs are listed here (directories recursively, globs);
the Spark engine lists its own (any path Hadoop reads) and hands each file's bytes to
`documents_of_bytes`.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from newstrace.model import Failure, RawDocument, Skipped
from newstrace.readers import describe_source_kind, read_sources
from newstrace.settings import Settings
from newstrace.warc import read_warc

# The kinds of file a batch reads; feeds, OPML lists and URLs are for `ingest` and `watch`.
BATCH_KINDS = frozenset({"text", "html", "jsonl", "json", "warc", "sniff"})
_GLOB_MAGIC = re.compile(r"[*?\[]")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class Numbered:
    """One item a reader yielded, with the file it came from and its position there."""

    file: str
    position: int
    item: RawDocument | Failure | Skipped


def refusal(path: str) -> str | None:
    """Why a batch does not read this file by its name, or None when it does."""
    kind = describe_source_kind(path)
    if kind in BATCH_KINDS:
        return None
    return f"a {kind} file: batch reads WARC, JSON Lines, JSON, text and HTML files"


def local_files(inputs: Sequence[str]) -> Iterator[str | Failure | Skipped]:
    """The files of local inputs in a stable order: directories walked, globs expanded."""
    for given in inputs:
        if _URL.match(given) and not given.startswith("file:"):
            yield Failure(given, "not a local path: give it to `--engine spark`, or copy it here")
            continue
        path = given.removeprefix("file://") if given.startswith("file://") else given
        if not os.path.lexists(path) and _GLOB_MAGIC.search(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield Failure(given, "no file matches this pattern; check it and quote it")
            for match in matches:
                yield from _walk(match)
        else:
            yield from _walk(path)


def _walk(path: str) -> Iterator[str | Skipped]:
    if not os.path.isdir(path):
        yield path  # the reader reports a missing or unreadable one
        return
    for folder, folders, names in os.walk(path):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            child = os.path.join(folder, name)
            if not walk_reads(name):
                yield Skipped(child, "not a news document by its name; name the file to read it")
            else:
                yield child


def walk_reads(name: str) -> bool:
    """Whether a file found in a folder is read, as `ingest` walks one: a document
    extension, or none at all."""
    kind = describe_source_kind(name)
    if refusal(name) is not None or kind == "json":
        return False
    return kind != "sniff" or not os.path.splitext(os.path.basename(name))[1]


def documents_of_file(path: str, settings: Settings) -> Iterator[Numbered]:
    """Every item of one local file, numbered from 0 in the order the reader yields them."""
    reason = refusal(path)
    if reason is not None:
        yield Numbered(path, 0, Failure(path, reason))
        return
    for position, item in enumerate(read_sources([path], settings)):
        yield Numbered(path, position, item)


def documents_of_bytes(name: str, data: bytes, settings: Settings) -> Iterator[Numbered]:
    """Every item of one file given as bytes (from Spark), as if read from `name`.

    The bytes go to a temporary file so that the same readers run on them; sources that
    name the temporary file are given the original name back.
    """
    reason = refusal(name)
    if reason is not None:
        yield Numbered(name, 0, Failure(name, reason))
        return
    suffix = ".warc.gz" if name.lower().endswith(".warc.gz") else os.path.splitext(name)[1]
    with tempfile.TemporaryDirectory(prefix="newstrace-batch-") as folder:
        spooled = os.path.join(folder, "document" + suffix)
        with open(spooled, "wb") as out:
            out.write(data)
        del data
        if describe_source_kind(name) == "warc":
            items = read_warc(spooled, name, settings)
        else:
            items = (_renamed(item, spooled, name) for item in read_sources([spooled], settings))
        for position, item in enumerate(items):
            yield Numbered(name, position, item)


def _renamed(
    item: RawDocument | Failure | Skipped, spooled: str, name: str
) -> RawDocument | Failure | Skipped:
    if item.source.startswith(spooled):
        return replace(item, source=name + item.source[len(spooled) :])
    return item
