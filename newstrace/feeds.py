"""Feeds to documents: RSS 0.9x/1.0/2.0 and Atom (feedparser), OPML lists of feeds.

A feed item becomes the page its link points to, fetched politely (`newstrace.fetch`), with
the item's title, date and the feed's title as outlet; an item whose page cannot be fetched
falls back on the full content the feed carries (content:encoded), else it is a Failure
naming the link. Feeds and OPML are XML from strangers: a document that declares entities
(XXE, billion laughs) is refused before any parser expands them (defusedxml), and feedparser
is only ever handed bytes, never a name it could open or fetch itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml  # type: ignore[import-untyped]
import defusedxml.ElementTree  # type: ignore[import-untyped]
import feedparser  # type: ignore[import-untyped]

from newstrace.encoding import binary_kind, decode_document
from newstrace.fetch import Fetched, Fetcher, FetchError, decode_http_body, url_scheme_refusal
from newstrace.model import Failure, RawDocument

# An entity declaration anywhere, even in a document too broken for defusedxml to parse:
# feedparser's lenient parser must never be the one to meet it.
_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.I)
_OPML_ROOT = "opml"


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: where its article is, and what the feed says about it."""

    link: str | None
    title: str | None
    published: str | None
    content: str | None  # full HTML the feed carries (content:encoded, Atom content)


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title (the outlet) and its items, in feed order."""

    source: str
    title: str | None
    items: list[FeedItem]


def hostile_xml_reason(data: bytes) -> str | None:
    """Why an XML document is refused (entities, external references), or None."""
    if _ENTITY_DECLARATION.search(data):
        return (
            "declares XML entities (an XXE or billion-laughs attack, or a feed no reader "
            "needs to expand); refused"
        )
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False)
    except defusedxml.DefusedXmlException as error:
        return f"refused as hostile XML ({type(error).__name__}); it is not read"
    except (ParseError, ValueError, TypeError, LookupError):
        return None  # malformed, not hostile: feedparser's lenient parser may still read it
    return None


def parse_feed(data: bytes, source: str, base_url: str | None = None) -> Feed | Failure:
    """A feed from its bytes, or why it is not one (hostile, binary, not RSS/Atom)."""
    binary = binary_kind(data)
    if binary is not None:
        return Failure(source, f"binary data ({binary}), not an RSS or Atom feed")
    hostile = hostile_xml_reason(data)
    if hostile is not None:
        return Failure(source, hostile)
    headers = {"content-location": base_url} if base_url else {}
    try:
        parsed: Any = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except (UnicodeError, LookupError, ValueError) as error:
        # feedparser trusts the declared encoding ("utf-8" misspelt, or bytes it cannot be).
        return Failure(source, f"cannot decode the feed ({_first_line(error)}); fix its encoding")
    if not parsed.get("version") and not parsed.entries:
        if is_opml(data):
            return Failure(source, "an OPML list of feeds, not a feed; name it .opml")
        return Failure(source, "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> with items)")
    items = [
        FeedItem(
            link=_text(entry.get("link")),
            title=_text(entry.get("title")),
            published=_entry_date(entry),
            content=_full_content(entry),
        )
        for entry in parsed.entries
    ]
    return Feed(source=source, title=_text(parsed.feed.get("title")), items=items)


def parse_opml(data: bytes, source: str) -> list[str | Failure] | Failure:
    """The feed URLs an OPML list names (bad outlines as Failures), or why it is not one."""
    hostile = hostile_xml_reason(data)
    if hostile is not None:
        return Failure(source, hostile)
    try:
        root: Element = defusedxml.ElementTree.fromstring(data, forbid_dtd=False)
    except (ParseError, ValueError, TypeError, LookupError) as error:
        return Failure(source, f"not well-formed XML ({_first_line(error)}); fix the file")
    if _local(root.tag) != _OPML_ROOT:
        return Failure(source, f"not an OPML document (its root is <{_local(root.tag)}>)")
    found: list[str | Failure] = []
    for number, outline in enumerate(root.iter(), 1):
        if _local(outline.tag) != "outline":
            continue
        url = _attribute(outline, "xmlUrl")
        if url is None:
            continue  # a folder of outlines, or a plain link: nothing to poll
        refusal = url_scheme_refusal(url)
        if refusal is not None:
            name = _attribute(outline, "title") or _attribute(outline, "text") or url
            found.append(
                Failure(f"{source}#{number}", f"outline {name!r}: {refusal}; fix or remove it")
            )
        elif url not in found:
            found.append(url)
    if not found:
        return Failure(source, "no <outline> with an xmlUrl; an OPML list names feeds so")
    return found


def feed_documents(
    feed: Feed,
    fetcher: Fetcher,
    seen: Callable[[str], bool] | None = None,
    on_item: Callable[[FeedItem, Fetched | FetchError | None], None] | None = None,
) -> Iterator[RawDocument | Failure]:
    """The article of each item of a feed not `seen` before, its page fetched politely.

    `on_item` hears of each item handled, with how its fetch went (None: not fetched).
    """
    for number, item in enumerate(feed.items, 1):
        if item.link is not None and seen is not None and seen(item.link):
            continue
        if item.link is None:
            answer: Fetched | FetchError | None = None
        else:
            answer = fetcher.fetch(item.link, "page")
        document = page_document(item, feed, answer, number)
        if on_item is not None:
            on_item(item, answer)
        yield document


def page_document(
    item: FeedItem, feed: Feed, answer: Fetched | FetchError | None, number: int
) -> RawDocument | Failure:
    """An item's article from its fetched page, else from the feed's full content."""
    source = item.link or f"{feed.source}#item{number}"
    if isinstance(answer, Fetched) and answer.body:
        html = decode_http_body(answer.body, answer.charset, html=True)
        return _item_document(item, feed, source, html, answer.url, answer.fetched)
    if item.content is not None:
        return _item_document(item, feed, source, item.content, item.link, None)
    if isinstance(answer, FetchError):
        return Failure(source, answer.reason)
    if answer is not None:
        return Failure(source, "the page is empty")
    return Failure(source, "feed item with no link and no content; nothing to read")


def read_feed_bytes(
    data: bytes, source: str, fetcher: Fetcher, base_url: str | None = None
) -> Iterator[RawDocument | Failure]:
    """Every item's article of a feed given as bytes (a file, or a fetched URL)."""
    feed = parse_feed(data, source, base_url)
    if isinstance(feed, Failure):
        yield feed
        return
    if not feed.items:
        yield Failure(source, "the feed has no items")
        return
    yield from feed_documents(feed, fetcher)


def read_opml_bytes(data: bytes, source: str, fetcher: Fetcher) -> Iterator[RawDocument | Failure]:
    """Every item's article of every feed an OPML list names."""
    urls = parse_opml(data, source)
    if isinstance(urls, Failure):
        yield urls
        return
    for url in urls:
        if isinstance(url, Failure):
            yield url
            continue
        answer = fetcher.fetch(url, "feed")
        if isinstance(answer, FetchError):
            yield Failure(url, answer.reason)
            continue
        yield from read_feed_bytes(answer.body, url, fetcher, answer.url)


def read_url(url: str, fetcher: Fetcher) -> Iterator[RawDocument | Failure]:
    """A URL given to `ingest`: a feed (its items' pages), an OPML list, or one page."""
    answer = fetcher.fetch(url, "any")
    if isinstance(answer, FetchError):
        yield Failure(url, answer.reason)
        return
    if not answer.body.strip():
        yield Failure(url, "the response is empty")
        return
    if answer.media_type in ("text/html", "application/xhtml+xml") or _looks_like_page(answer.body):
        html = decode_http_body(answer.body, answer.charset, html=True)
        yield RawDocument(source=url, html=html, url=answer.url, fetched=answer.fetched)
    elif is_opml(answer.body):
        yield from read_opml_bytes(answer.body, url, fetcher)
    else:
        yield from read_feed_bytes(answer.body, url, fetcher, answer.url)


def _item_document(
    item: FeedItem, feed: Feed, source: str, html: str, url: str | None, fetched: str | None
) -> RawDocument:
    return RawDocument(
        source=source,
        html=html,
        url=url,
        title=item.title,
        outlet=feed.title,
        published=item.published,
        fetched=fetched,
    )


def _looks_like_page(data: bytes) -> bool:
    head = decode_document(data[:4096], html=True).text.lower()
    return "<!doctype html" in head or "<html" in head


def is_opml(data: bytes) -> bool:
    """Whether XML bytes are an OPML list (its root element is <opml>)."""
    head = data[:4096].lstrip().lower()
    return re.search(rb"<opml[\s>]", head) is not None


def _entry_date(entry: Any) -> str | None:
    """The item's date as ISO 8601 UTC when feedparser understood it, else as written."""
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed is not None:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
            except (TypeError, ValueError):
                continue
    return _text(entry.get("published")) or _text(entry.get("updated"))


def _full_content(entry: Any) -> str | None:
    """The article's HTML when the feed carries it whole (not the summary, a teaser)."""
    for content in entry.get("content") or []:
        value = _text(content.get("value"))
        if value is not None and "html" in str(content.get("type", "")):
            return value
    return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _attribute(element: Element, name: str) -> str | None:
    """An attribute, matched without regard to case (xmlUrl, xmlurl, XMLURL all occur)."""
    lowered = name.lower()
    for key, value in element.attrib.items():
        if key.lower() == lowered:
            return _text(value)
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _first_line(error: Exception) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]
