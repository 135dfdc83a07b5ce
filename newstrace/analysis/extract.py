"""The extract stage: HTML → main text and metadata with trafilatura; plain text as given.

No hand-written extraction: trafilatura finds the main text, title (`og:title`, `h1`,
`<title>`), author, date and site name (`og:site_name`, publisher metadata). The title
loses its site suffix (" | Site", " - Site"); a title that is only the site's name gives
way to the page's `h1`; a site name that is a copyright line or a junk token gives way to
the URL's host. Metadata a reader already knew (a JSONL line, a feed item, a WARC header)
wins over what the page says.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import trafilatura

from newstrace.analysis.base import AnalysisError, Context, stage
from newstrace.dates import normalise_date
from newstrace.model import Article
from newstrace.settings import Settings

# Lone surrogates are no characters: they cannot be encoded, stored or hashed (the fuzzing of
# `analyze` found an article id failing on one). Each becomes U+FFFD, as a decoder would.
SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(value: str) -> str:
    """`value` with every lone surrogate replaced by U+FFFD."""
    return value if value.isascii() else SURROGATE.sub("\ufffd", value)


# A title's segments: " | Le Monde", " - BBC News", " – Site", " — Site", " / Section",
# " » Blog", " ⋆ Site", " · Site", " :: Site" (spaced: "AC/DC" and "»quoted«" stay whole).
TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—/»⋆·•-]|::)\s+|\s*\|\s*")
# Not a site name: a copyright line, no letters, a token ending in "_" ("Wday_"), a path.
JUNK_OUTLET = re.compile(r"©|\(c\)|copyright|all rights|^[\W\d_]*$|_$|[/\\]", re.IGNORECASE)
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def _key(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def url_host(url: str | None) -> str | None:
    """The host of a URL: "https://www.lemonde.fr/…" → "lemonde.fr"."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


def outlet_name(site_name: str | None, url: str | None) -> str | None:
    """The site name, unless it is junk; then the URL's host."""
    if site_name and not JUNK_OUTLET.search(site_name):
        return site_name
    return url_host(url)


# A date standing as a title segment ("23.05.2011", "2021-11-08", "May 23, 2011").
TITLE_DATE = re.compile(
    r"^\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.?\s+\w+\.?\s+\d{4}|\w+\.?\s+\d{1,2},?\s+\d{4})\W*$"
)
# A site's name spelled shorter inside a segment ("Bahamas Local News" for bahamaslocal.com)
# is taken for the site only in a segment of at most this many words: longer ones are prose.
MAX_SITE_SEGMENT_WORDS = 4
# The shortest site key looked for inside a longer name (shorter ones match by chance).
MIN_SITE_KEY_CHARS = 4


def _site_keys(outlet: str | None, host: str | None) -> set[str]:
    """The keys a site is named by: its name, each part of a name with a separator
    ("TACH! - Lokalnachrichten"), its host with and without the top-level domain."""
    keys = set()
    if outlet:
        keys.add(_key(outlet))
        keys.update(_key(part) for part in TITLE_SEPARATOR.split(outlet))
    if host:
        keys.add(_key(host))
        keys.add(_key(host.rsplit(".", 1)[0]))
    return {k for k in keys if k}


def _names_site(segment: str, outlet: str | None, host: str | None) -> bool:
    key = _key(segment)
    if not key:
        return False
    keys = _site_keys(outlet, host)
    if key in keys:
        return True
    # "Teufel Blog" in "Das Lautsprecher Teufel Blog"; "Bahamas Local News" for bahamaslocal.com
    # (the site's name at least half of the segment).
    if len(segment.split()) > MAX_SITE_SEGMENT_WORDS:
        return False
    return any(
        len(site) >= MIN_SITE_KEY_CHARS
        and len(key) >= MIN_SITE_KEY_CHARS
        and (key in site or (site in key and len(key) <= 2 * len(site)))
        for site in keys
    )


def _is_site_or_date(
    segment: str, outlet: str | None, host: str | None, *, exact: bool = False
) -> bool:
    """An empty segment, a date, or the site's name (`exact`: its very name, not a part)."""
    if not _key(segment) or TITLE_DATE.match(segment):
        return True
    if exact:
        return _key(segment) in _site_keys(outlet, host)
    return _names_site(segment, outlet, host)


def strip_site_suffix(title: str, outlet: str | None, host: str | None) -> str:
    """The title without the segments around its headline that name the site, a date or a
    section: "Headline | Environnement | DW | 23.05.2011" → "Headline".

    The headline is the longest segment that names neither the site nor a date; it stays.
    After it, the whole run of segments goes when one of them names the site or is a date
    (the others are sections);
    a run without one stays ("Letters: Crime | Roads | Taxes"). Before it, only segments
    that name the site or are dates go.
    """
    parts = TITLE_SEPARATOR.split(title)
    candidates = [
        i for i, p in enumerate(parts) if not _is_site_or_date(p, outlet, host, exact=True)
    ]
    if len(parts) < 2 or not candidates:
        return title
    head = max(candidates, key=lambda i: (len(parts[i].split()), len(parts[i])))
    last = len(parts) - 1
    if any(_is_site_or_date(p, outlet, host) for p in parts[head + 1 :]):
        last = head
    first = 0
    while first < head and _is_site_or_date(parts[first], outlet, host):
        first += 1
    if first == 0 and last == len(parts) - 1:
        return title
    kept = parts[first : last + 1]
    # Rejoin what is left as written: cut the title at the kept segments' bounds.
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip()


def first_h1(html: str) -> str | None:
    """The text of the page's first `h1`, if any."""
    found = H1.search(html)
    if found is None:
        return None
    return _clean(html_lib.unescape(TAG.sub(" ", found.group(1))))


def page_title(title: str | None, outlet: str | None, html: str, url: str | None) -> str | None:
    """The article's title: without the site's suffix, and never just the site's name."""
    host = url_host(url)
    if title and _key(title) in _site_keys(outlet, host):
        title = first_h1(html)
    if not title:
        return None
    return strip_site_suffix(title, outlet, host) or title


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    byline: str | None
    published: str | None
    outlet: str | None
    url: str | None
    language: str | None


def extract_html(html: str, url: str | None, settings: Settings) -> Extracted | None:
    """The main text and metadata of a page, or None when the page has no main text."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=settings.include_comments,
        include_tables=True,
        with_metadata=True,
    )
    if document is None:
        return None
    text = (getattr(document, "text", None) or "").strip()
    if not text:
        return None
    page_url = _clean(getattr(document, "url", None)) or url
    outlet = outlet_name(_clean(getattr(document, "sitename", None)), page_url)
    return Extracted(
        text=text,
        title=page_title(_clean(getattr(document, "title", None)), outlet, html, page_url),
        byline=_clean(getattr(document, "author", None)),
        published=_clean(getattr(document, "date", None)),
        outlet=outlet,
        url=page_url,
        language=_clean(getattr(document, "language", None)),
    )


@cache
def warm_dates() -> None:
    """Have dateparser, which htmldate calls on a page's date strings, compile the patterns
    of its ~200 locales now. It does so the first time a string is tried against them: 3-5 s
    of the first page each process reads (15 s on a loaded machine), which is no page's own
    time, and which alone ran a first page over its time budget."""
    try:
        from htmldate.extractors import get_external_parser
    except ImportError:  # another htmldate: the first page pays, as before
        return
    try:
        get_external_parser().get_date_data("qqqq")  # no locale knows the word: all are tried
    except Exception:  # a warm-up only: the page's own parse reports what goes wrong
        return


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


@stage(
    "extract",
    reads=["raw"],
    writes=["text", "title", "byline", "published", "published_raw", "outlet", "url", "language"],
)
def extract(article: Article, context: Context) -> Article:
    """Main text and metadata: from HTML with trafilatura, or the plain text as given."""
    raw = context.raw
    if raw is None:
        raise AnalysisError("no document")
    article.url = raw.url
    article.title = raw.title
    article.byline = raw.byline
    article.published = raw.published
    article.outlet = raw.outlet
    article.language = raw.language
    if raw.html is not None:
        with context.deadline.paused():  # once per process: not this document's time
            warm_dates()
        found = extract_html(raw.html, raw.url, context.settings)
        if found is None:
            raise AnalysisError("no main text found in the HTML")
        article.text = found.text
        article.title = raw.title or found.title
        article.byline = raw.byline or found.byline
        article.published = raw.published or found.published
        article.outlet = raw.outlet or found.outlet
        article.url = raw.url or found.url
        article.language = raw.language or found.language
    else:
        article.text = raw.text or ""
    # Dates arrive as RFC 822, ISO 8601, epoch numbers or "30 novembre 2026": kept as found,
    # and stored as UTC ISO 8601 when readable (undated when not, never the ingest time).
    article.published_raw = article.published
    article.published = normalise_date(article.published, article.language)
    article.text = article.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    article.text = valid_unicode(article.text)
    for name in ("title", "byline", "published", "outlet", "url", "language"):
        value = getattr(article, name)
        if value is not None:
            setattr(article, name, valid_unicode(value))
    if not article.text.strip():
        raise AnalysisError("empty document: no text")
    return article
