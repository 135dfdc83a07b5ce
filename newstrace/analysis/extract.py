"""HTML → main text and metadata, with trafilatura (no hand-written extraction)."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from newstrace.settings import Settings


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
