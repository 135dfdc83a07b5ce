"""The extract stage: HTML → main text and metadata with trafilatura; plain text as given.

No hand-written extraction: trafilatura finds the main text, title, author, date and site
name. Metadata a reader already knew (a JSONL line, a feed item, a WARC header) wins over
what the page says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    return Extracted(
        text=text,
        title=_clean(getattr(document, "title", None)),
        byline=_clean(getattr(document, "author", None)),
        published=_clean(getattr(document, "date", None)),
        outlet=_clean(getattr(document, "sitename", None)),
        url=_clean(getattr(document, "url", None)) or url,
        language=_clean(getattr(document, "language", None)),
    )


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
