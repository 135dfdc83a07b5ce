"""What the story page shows: versions side by side, timeline, provenance graph, summary, claims.

Rendered from the facade's `StoryDocument` (`newstrace.facade.story`), the very document
`/api/stories/{id}` serves: this module only arranges it for the template (version names,
the provenance graph's layout, the claims matrix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from newstrace.facade import MAX_VERSIONS, StoryDocument, StoryVersion, TimelineEntry
from newstrace.web.graph import ArticleBox, Graph, layout, shorten
from newstrace.web.render import short_date

__all__ = [
    "MAX_VERSIONS",
    "MatrixRow",
    "StoryView",
    "SummaryLine",
    "Version",
    "claims_matrix",
    "story_view",
    "summary_lines",
    "title_language",
]

Version = StoryVersion


@dataclass(frozen=True)
class MatrixRow:
    """One claim group: its wording, the cell of each version (None: not carried), conflicts."""

    group: str
    text: str
    cells: list[dict[str, Any] | None]
    conflicts: list[str]
    language: str | None = None  # the language of `text`: its first carrier's


@dataclass
class StoryView:
    """Everything the story page shows: the story document, arranged."""

    id: str
    title: str | None
    languages: list[str]
    outlets: list[str]
    size: int
    first_seen: str | None
    last_seen: str | None
    versions: list[Version]
    provenance: list[dict[str, str]]
    chains: list[list[str]]
    claims: list[dict[str, Any]]
    timeline: list[TimelineView]
    graph: Graph
    summary: dict[str, Any] | None = None
    summary_basis: str | None = None  # "story" when there is a story summary
    comparison: dict[str, Any] | None = None
    matrix: list[MatrixRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why a part is missing, one line each
    document: StoryDocument | None = None


@dataclass(frozen=True)
class TimelineView:
    """A timeline entry with its version, as the template shows it."""

    when: str
    basis: str  # "published" or "ingested"
    version: Version


def _box(version: Version) -> ArticleBox:
    """An article as the provenance graph names it: outlet (or title), language and day."""
    name = version.outlet or version.headline
    when = short_date(version.published or version.seen)
    detail = " · ".join(part for part in ((version.language or "").upper(), when) if part)
    tooltip = " · ".join(
        part for part in (version.headline, version.outlet, version.language, when) if part
    )
    return ArticleBox(shorten(name), detail, tooltip, f"/articles/{quote(version.id, safe='')}")


def version_name(version: Version) -> str:
    """A version's short name for people: language and outlet ("FR Newsweek"), else language."""
    return (version.language or "?").upper() + (f" {version.outlet}" if version.outlet else "")


def name_versions(text: str, versions: list[Version]) -> str:
    """Article ids in a line of the comparison replaced by the versions' short names."""
    for version in versions:
        text = re.sub(rf"\b{re.escape(version.id)}\b", version_name(version), text)
    return text


def claims_matrix(claims: list[dict[str, Any]], versions: list[Version]) -> list[MatrixRow]:
    """The comparison's claim groups as rows, one cell per version in the page's order; each
    conflict spelled out with the versions' short names."""
    return [
        MatrixRow(
            group=group["group"],
            text=group["text"],
            cells=[group["carried_by"].get(version.id) for version in versions],
            conflicts=[name_versions(c["text"], versions) for c in group["conflicts"]],
            language=next(
                (v.language for v in versions if v.id in group["carried_by"] and v.language), None
            ),
        )
        for group in claims
    ]


def story_view(document: StoryDocument) -> StoryView:
    """The story page of a story document."""
    versions = list(document.articles)
    by_id = {v.id: v for v in versions}
    provenance = [link.to_dict() for link in document.provenance]
    comparison = document.compare.to_dict() if document.compare is not None else None
    return StoryView(
        id=document.id,
        title=document.title,
        languages=document.languages,
        outlets=document.outlets,
        size=document.size,
        first_seen=document.first_seen,
        last_seen=document.last_seen,
        versions=versions,
        provenance=provenance,
        chains=document.chains,
        claims=document.claims,
        timeline=[_timeline(entry, by_id) for entry in document.timeline],
        graph=layout(provenance, {v.id: _box(v) for v in versions}),
        summary=document.summary,
        summary_basis=document.summary_basis,
        comparison=comparison,
        matrix=claims_matrix(document.claims, versions),
        notes=document.notes,
        document=document,
    )


def _timeline(entry: TimelineEntry, versions: dict[str, Version]) -> TimelineView:
    return TimelineView(entry.when, entry.basis, versions[entry.article])


@dataclass(frozen=True)
class SummaryLine:
    """A line of a summary, with the versions it comes from (id and short name)."""

    text: str
    kind: str
    sources: list[tuple[str, str]]
    # The line as reader's words around one quote in its own language (empty: no quote).
    before: str = ""
    quote: str = ""
    after: str = ""
    quote_language: str | None = None


def summary_lines(view: StoryView) -> list[SummaryLine]:
    """The lines of the story summary, each with the versions it cites."""
    if not view.summary:
        return []
    names = {v.id: version_name(v) for v in view.versions}
    lines: list[SummaryLine] = []
    for line in view.summary["lines"]:
        if not line["text"].strip():
            continue
        sources = [(id, names[id]) for id in line["versions"] if id in names]
        text = name_versions(line["text"], view.versions)
        quote = line.get("quote") or ""
        at = line["text"].find(quote) if quote else -1
        if at < 0:
            lines.append(SummaryLine(text, line["kind"], sources))
            continue
        before = name_versions(line["text"][:at], view.versions)
        after = name_versions(line["text"][at + len(quote) :], view.versions)
        lines.append(
            SummaryLine(text, line["kind"], sources, before, quote, after, line.get("language"))
        )
    return lines


def title_language(view: StoryView) -> str | None:
    """The language of the story's title: that of the version it was taken from."""
    return next(
        (v.language for v in view.versions if view.title and v.headline == view.title), None
    )
