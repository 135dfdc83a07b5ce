"""Fuzzing every reader: whatever bytes arrive, each item is a document, a failure or a
skipped note with a one-line reason, and nothing raises.

Inputs are real documents of each kind (a seed article, a dev page, a JSON Lines file, an
RSS and an Atom feed, an OPML list, a WARC archive) cut, spliced with random bytes or random
Unicode (RTL, zero-width, combining marks, lone surrogates, controls), and random bytes on
their own. The CI profile is derandomized and small; `HYPOTHESIS_PROFILE=campaign` runs the
long campaign that docs/reliability.md reports.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import fuzzing  # noqa: F401 - the hypothesis profiles
import pytest
from conftest import DEV, SEEDS
from hypothesis import given
from hypothesis import strategies as st

from newstrace.feeds import parse_feed, parse_opml, read_feed_bytes
from newstrace.fetch import Fetcher, FetchPolicy
from newstrace.model import Failure, RawDocument, Skipped
from newstrace.readers import read_sources
from newstrace.settings import AnalysisSettings, Settings

# Small, so that "over the size limit" is explored too.
SMALL = Settings(analysis=AnalysisSettings(max_document_bytes=64 * 1024))
# Nothing listens on port 9 of the loopback: a fetch fails at once, never leaves the machine.
NOWHERE = "http://127.0.0.1:9"
QUIET = FetchPolicy(host_delay=0.0, backoff=0.0, retries=0, timeout=1.0, deadline=2.0)

SEED_TEXT = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
PAGE = (DEV / "extraction_pages" / "pages" / "dw.com-elephants.html").read_bytes()
JSONL = (
    "\n".join(
        json.dumps({"url": f"{NOWHERE}/{n}", "title": f"Title {n}", "text": "Body. " * 20})
        for n in range(3)
    )
    + "\n"
).encode()
RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Feed</title>
<item><title>One</title><link>{NOWHERE}/one</link><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>
<description>Short text of the first item.</description></item>
<item><title>Two</title><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">
&lt;p&gt;The whole second article, as the feed gives it.&lt;/p&gt;</content:encoded></item>
</channel></rss>""".encode()
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>Un</title><link href="{NOWHERE}/un"/><updated>2026-11-30T10:00:00Z</updated>
<content type="html">&lt;p&gt;Le texte entier de l'article.&lt;/p&gt;</content></entry>
</feed>""".encode()
OPML = f"""<?xml version="1.0"?><opml version="2.0"><head><title>List</title></head><body>
<outline text="News" title="News" type="rss" xmlUrl="{NOWHERE}/feed.xml"/>
<outline text="Folder"><outline text="Other" xmlUrl="javascript:alert(1)"/></outline>
</body></opml>""".encode()


def _warc() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for number, body in enumerate((PAGE[:20_000], SEED_TEXT)):
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            f"{NOWHERE}/page{number}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


WARC = _warc()

# Unicode that breaks naive code: RTL and bidi controls, zero-width joiners and spaces,
# combining marks, lone surrogates (as they arrive through surrogateescape), C0/C1 controls.
NASTY = st.sampled_from(
    ["\u202e", "\u200f", "\u200b", "\u200d", "\ufeff", "\u0301" * 30, "\ud800", "\udfff",
     "\x00", "\x1b[31m", "\x85", "\u2028", "\r", "\n" * 50, "<", "&", "]]>", "<!--", "\ufffd"]
)
NOISE = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(NASTY, max_size=20).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
)


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """`original` cut short, spliced with noise, or with noise at both ends."""
    cut = draw(st.integers(0, len(original)))
    where = draw(st.integers(0, len(original)))
    noise = draw(NOISE)
    how = draw(st.sampled_from(["truncate", "splice", "wrap", "replace"]))
    if how == "truncate":
        return original[:cut]
    if how == "splice":
        return original[:where] + noise + original[where:]
    if how == "wrap":
        return noise + original[:cut] + noise
    return original[:where] + noise + original[where + len(noise) :]


def _read(name: str, data: bytes) -> list[RawDocument | Failure | Skipped]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with Fetcher(SMALL, QUIET) as fetcher:
            return list(read_sources([str(path)], SMALL, fetcher=fetcher))


def _assert_items(items: list[RawDocument | Failure | Skipped]) -> None:
    for item in items:
        assert isinstance(item, RawDocument | Failure | Skipped)
        if isinstance(item, Failure | Skipped):
            assert item.reason.strip(), "a failure must say why"
            assert "\n" not in item.reason, f"reason is not one line: {item.reason!r}"
        else:
            assert item.text is not None or item.html is not None


def _documents_or_failures(items: Iterator[RawDocument | Failure]) -> None:
    _assert_items(list(items))


@pytest.mark.parametrize(
    ("name", "original"),
    [
        ("seed.txt", SEED_TEXT),
        ("page.html", PAGE),
        ("articles.jsonl", JSONL),
        ("articles.json", JSONL.splitlines()[0]),
        ("feed.rss", RSS),
        ("feed.atom", ATOM),
        ("list.opml", OPML),
        ("crawl.warc", WARC),
        ("unknown", PAGE),
    ],
)
def test_fuzz_every_reader_survives_damaged_documents(name: str, original: bytes) -> None:
    @given(damaged(original))
    def check(data: bytes) -> None:
        _assert_items(_read(name, data))

    check()


@pytest.mark.parametrize(
    "name", ["a.txt", "a.html", "a.jsonl", "a.rss", "a.opml", "a.warc", "a.warc.gz", "a"]
)
def test_fuzz_every_reader_survives_random_bytes(name: str) -> None:
    @given(NOISE)
    def check(data: bytes) -> None:
        _assert_items(_read(name, data))

    check()


@given(damaged(RSS))
def test_fuzz_feed_parser_gives_a_feed_or_a_failure(data: bytes) -> None:
    parsed = parse_feed(data, "feed.rss")
    if isinstance(parsed, Failure):
        assert "\n" not in parsed.reason
    else:
        with Fetcher(SMALL, QUIET) as fetcher:
            _documents_or_failures(read_feed_bytes(data, "feed.rss", fetcher))


@given(damaged(OPML))
def test_fuzz_opml_parser_gives_urls_or_failures(data: bytes) -> None:
    parsed = parse_opml(data, "list.opml")
    found = [parsed] if isinstance(parsed, Failure) else parsed
    for entry in found:
        assert isinstance(entry, str | Failure)


@given(damaged(JSONL))
def test_fuzz_stdin_survives_damaged_json_lines(data: bytes) -> None:
    _assert_items(list(read_sources(["-"], SMALL, stdin=io.BytesIO(data))))


def test_fuzz_a_megabyte_line_is_read_or_refused_in_one_piece() -> None:
    line = ("x" * 1_500_000).encode()
    items = _read("long.txt", line)
    assert len(items) == 1 and isinstance(items[0], Failure)
    assert "limit" in items[0].reason or "larger" in items[0].reason
    items = _read("long.jsonl", json.dumps({"text": "y" * 50_000}).encode() + b"\n" + JSONL)
    assert [type(item) for item in items] == [RawDocument] * 4


# What the long campaign found, kept as plain cases: each once raised out of a reader.
FOUND = [
    ("feed.rss", RSS.replace(b'encoding="utf-8"', b'encoding="Autf-8"')),
    ("feed.rss", RSS.replace(b"<title>Feed", b"<title>\x00Feed")),
    ("feed.atom", ATOM.replace(b"<title>Atom", b"<title>\x80Atom")),
    ("feed.atom", ATOM.replace(b'encoding="utf-8"', b'encoding="u-tf-8"')),
    ("feed.rss", RSS.replace(NOWHERE.encode(), b"http://0127.0.0.1:9")),
    ("feed.rss", RSS.replace(NOWHERE.encode(), b"http://a..b")),
    ("feed.rss", RSS.replace(NOWHERE.encode(), b"http://[::1")),
    ("list.opml", OPML.replace(NOWHERE.encode(), b"http://0127.0.0.1:9")),
    ("list.opml", OPML.replace(b'version="2.0"', b'version="2.0\x00"')),
]


@pytest.mark.parametrize(("name", "data"), FOUND)
def test_fuzz_findings_stay_fixed(name: str, data: bytes) -> None:
    items = _read(name, data)
    _assert_items(items)
    assert items, "a damaged feed is read or refused, never silently dropped"
