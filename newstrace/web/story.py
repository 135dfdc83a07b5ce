"""What the story page shows: versions side by side, timeline, provenance graph, summary, claims.

Built on the story's JSON document (`newstrace.stories.story_document`); the story summary
and the claims matrix come from `newstrace.compare` when that module is installed, and their
places stay empty otherwise. A story known only from its articles' `story` ids (no story
record) still shows its versions.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from newstrace.model import Article
from newstrace.store.base import BaseStore
from newstrace.stories import story_document
from newstrace.stories.features import parse_time
from newstrace.web.graph import ArticleBox, Graph, layout, shorten
from newstrace.web.render import short_date, title_of

log = logging.getLogger("newstrace.web")

# Versions a story page shows and draws; a story larger than this shows its newest ones.
MAX_VERSIONS = 100

CompareFunction = Callable[..., dict[str, Any]]


def compare_functions() -> tuple[CompareFunction | None, CompareFunction | None]:
    """`compare_story` and `story_summary` of newstrace.compare, or None when not installed."""
    try:
        module = importlib.import_module("newstrace.compare")
    except ImportError:
        return None, None
    compare = getattr(module, "compare_story", None)
    summary = getattr(module, "story_summary", None)
    return (compare if callable(compare) else None, summary if callable(summary) else None)


@dataclass(frozen=True)
class Version:
    """One article of the story as the page and `/api/stories/{id}` show it."""

    id: str
    source: str
    title: str | None
    headline: str
    language: str | None
    outlet: str | None
    published: str | None
    seen: str | None  # when the story index placed it: published, else ingest time
    media: list[str]
    derives_from: dict[str, Any] | None
    summary: str | None


@dataclass(frozen=True)
class TimelineEntry:
    """A version at its moment: its publication time, else when it was ingested."""

    when: str
    basis: str  # "published" or "ingested"
    version: Version


@dataclass(frozen=True)
class MatrixRow:
    """One claim group: its wording, the cell of each version (None: not carried), conflicts."""

    group: str
    text: str
    cells: list[dict[str, Any] | None]
    conflicts: list[str]


@dataclass
class StoryView:
    """Everything the story page shows."""

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
    timeline: list[TimelineEntry]
    graph: Graph
    summary: dict[str, Any] | None = None
    summary_basis: str | None = None  # "story" (compare) or "earliest version"
    comparison: dict[str, Any] | None = None
    matrix: list[MatrixRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why a part is missing, one line each


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat()


def _document(store: BaseStore, story_id: str, articles: list[Article]) -> dict[str, Any]:
    """The story's JSON document, or the same shape from its articles when it has no record."""
    if store.get_story(story_id) is not None:
        return story_document(store, story_id)
    ordered = sorted(articles, key=lambda a: (parse_time(a.published) is None, a.published or ""))
    return {
        "id": story_id,
        "title": None,
        "languages": sorted({a.language for a in ordered if a.language}),
        "articles": [
            {
                "id": a.id,
                "source": a.source,
                "title": a.title,
                "outlet": a.outlet,
                "language": a.language,
                "published": a.published,
                "media": a.media,
                "derives_from": None,
            }
            for a in ordered
        ],
        "first_seen": min((a.published for a in ordered if a.published), default=None),
        "last_seen": max((a.published for a in ordered if a.published), default=None),
        "size": len(ordered),
        "summary": None,
        "claims": [],
        "provenance": [],
        "chains": [],
    }


def _seen_times(store: BaseStore, document: dict[str, Any]) -> dict[str, float | None]:
    """When the story index placed each version (its published time, else its ingest time)."""
    since = parse_time(document.get("first_seen"))
    if since is None:
        return {}
    ids = {a["id"] for a in document["articles"]}
    return {
        m.article_id: m.seen for m in store.story_members_since(since - 1) if m.article_id in ids
    }


def _box(version: Version) -> ArticleBox:
    """An article as the provenance graph names it: outlet (or title), language and day."""
    name = version.outlet or version.headline
    when = short_date(version.published or version.seen)
    detail = " · ".join(part for part in ((version.language or "").upper(), when) if part)
    tooltip = " · ".join(
        part for part in (version.headline, version.outlet, version.language, when) if part
    )
    return ArticleBox(shorten(name), detail, tooltip, f"/articles/{quote(version.id, safe='')}")


def _conflict_line(conflict: Any) -> str:
    """A conflict as one line, whatever shape the comparison gives it."""
    if isinstance(conflict, str):
        return conflict
    if isinstance(conflict, dict):
        for key in ("why", "text", "description", "message", "detail"):
            if isinstance(conflict.get(key), str):
                return str(conflict[key])
        return "; ".join(f"{k}: {v}" for k, v in conflict.items() if not isinstance(v, dict | list))
    return str(conflict)


def version_name(version: Version) -> str:
    """A version's short name for people: language and outlet ("FR Newsweek"), else language."""
    return (version.language or "?").upper() + (f" {version.outlet}" if version.outlet else "")


def name_versions(text: str, versions: list[Version]) -> str:
    """Article ids in a line of the comparison replaced by the versions' short names."""
    for version in versions:
        text = re.sub(rf"\b{re.escape(version.id)}\b", version_name(version), text)
    return text


def claims_matrix(comparison: dict[str, Any], versions: list[Version]) -> list[MatrixRow]:
    """The comparison's claim groups as rows, one cell per version in the page's order."""
    rows: list[MatrixRow] = []
    for index, group in enumerate(comparison.get("claims") or []):
        if not isinstance(group, dict):
            continue
        carried = group.get("carried_by") or {}
        cells: list[dict[str, Any] | None] = []
        for version in versions:
            cell = carried.get(version.id) if isinstance(carried, dict) else None
            cells.append(cell if isinstance(cell, dict) else None)
        conflicts = group.get("conflicts") or []
        rows.append(
            MatrixRow(
                group=str(group.get("group", index)),
                text=str(group.get("text") or ""),
                cells=cells,
                conflicts=[name_versions(_conflict_line(c), versions) for c in conflicts]
                if isinstance(conflicts, list)
                else [],
            )
        )
    return rows


def story_view(
    store: BaseStore,
    story_id: str,
    summary_of: Callable[[Article], str | None],
    *,
    comparer: tuple[CompareFunction | None, CompareFunction | None] | None = None,
) -> StoryView | None:
    """The story page of `story_id`, or None when no stored article belongs to it."""
    articles = list(store.articles(story=story_id, limit=MAX_VERSIONS))
    if not articles:
        return None
    by_id = {a.id: a for a in articles}
    document = _document(store, story_id, articles)
    seen = _seen_times(store, document)
    versions = [
        Version(
            id=row["id"],
            source=row["source"],
            title=row["title"],
            headline=title_of(by_id[row["id"]]),
            language=row["language"],
            outlet=row["outlet"],
            published=row["published"],
            seen=_iso(seen.get(row["id"])),
            media=list(row.get("media") or []),
            derives_from=row.get("derives_from"),
            summary=summary_of(by_id[row["id"]]),
        )
        for row in document["articles"]
        if row["id"] in by_id
    ]
    timeline = sorted(
        (
            TimelineEntry(
                v.published or v.seen or "", "published" if v.published else "ingested", v
            )
            for v in versions
            if v.published or v.seen
        ),
        key=lambda entry: parse_time(entry.when) or 0.0,
    )
    view = StoryView(
        id=story_id,
        title=document.get("title"),
        languages=list(document.get("languages") or []),
        outlets=sorted({v.outlet for v in versions if v.outlet}),
        size=int(document.get("size") or len(versions)),
        first_seen=document.get("first_seen"),
        last_seen=document.get("last_seen"),
        versions=versions,
        provenance=list(document.get("provenance") or []),
        chains=list(document.get("chains") or []),
        claims=list(document.get("claims") or []),
        timeline=timeline,
        graph=layout(document.get("provenance") or [], {v.id: _box(v) for v in versions}),
    )
    if _is_comparison(document):
        # The story document already holds the aligned claims and the story summary.
        view.comparison = {
            "story": story_id,
            "versions": [v.id for v in versions],
            "claims": view.claims,
        }
        view.matrix = claims_matrix(view.comparison, versions)
        view.summary, view.summary_basis = document.get("summary"), "story"
        return view
    compare, summarize = comparer if comparer is not None else compare_functions()
    _add_comparison(view, store, compare, summarize, document.get("summary"))
    return view


def _is_comparison(document: dict[str, Any]) -> bool:
    """Whether a story document's claims are aligned groups (each with `carried_by`)."""
    claims = document.get("claims") or []
    summary = document.get("summary")
    return (
        bool(claims)
        and all(isinstance(c, dict) and "carried_by" in c for c in claims)
        and isinstance(summary, dict)
        and "lines" in summary
    )


def _add_comparison(
    view: StoryView,
    store: BaseStore,
    compare: CompareFunction | None,
    summarize: CompareFunction | None,
    earliest_summary: dict[str, Any] | None,
) -> None:
    """The story summary and claims matrix from newstrace.compare, each skipped on failure."""
    if summarize is not None:
        try:
            view.summary, view.summary_basis = summarize(store, view.id), "story"
        except Exception as error:  # one part of the page fails, the page still shows
            log.warning("story summary of %s failed: %s", view.id, error)
            view.notes.append(f"the story summary could not be made: {error}")
    if view.summary is None and earliest_summary is not None:
        view.summary, view.summary_basis = earliest_summary, "earliest version"
    if compare is None:
        return
    try:
        comparison = compare(store, view.id)
    except Exception as error:  # one part of the page fails, the page still shows
        log.warning("comparison of %s failed: %s", view.id, error)
        view.notes.append(f"the versions could not be compared: {error}")
        return
    if isinstance(comparison, dict):
        view.comparison = comparison
        view.matrix = claims_matrix(comparison, view.versions)


@dataclass(frozen=True)
class SummaryLine:
    """A line of a summary, with the versions it comes from (id and short name)."""

    text: str
    kind: str
    sources: list[tuple[str, str]]


def summary_lines(view: StoryView) -> list[SummaryLine]:
    """The lines of the story summary (`lines`), or the sentences of a version's summary."""
    summary = view.summary
    if not summary:
        return []
    names = {v.id: version_name(v) for v in view.versions}
    lines: list[SummaryLine] = []
    for line in summary.get("lines") or summary.get("sentences") or []:
        if not isinstance(line, dict) or not str(line.get("text") or "").strip():
            continue
        cited = line.get("versions") or []
        sources = [(id, names[id]) for id in cited if isinstance(id, str) and id in names]
        text = name_versions(str(line["text"]), view.versions)
        lines.append(SummaryLine(text, str(line.get("kind") or "sentence"), sources))
    if not lines and isinstance(summary.get("text"), str) and summary["text"].strip():
        lines.append(SummaryLine(summary["text"], "sentence", []))
    return lines
