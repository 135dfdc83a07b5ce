"""newstrace's verbs across articles: what the command line and the web reader call.

Each verb takes an open store (`open_store`) and returns a typed document: a frozen
dataclass whose `to_dict()` is the JSON that `newstrace … --json` prints and `/api/…` serves
(docs/interface.md), so the two front ends cannot drift apart. The verbs compose the layers
below — the store, `newstrace.stories` (which story an article tells) and `newstrace.compare`
(what each version carries) — which never import each other the other way round.

A reference the user gives that matches nothing raises `NotFoundError`; every failure a user
can cause is a `NewstraceError` with a one-line message.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, TypeVar

from newstrace.errors import AnalysisError, NotFoundError, StoreError, UsageError
from newstrace.ingestion import IngestReport, Progress, ingest, ingest_documents
from newstrace.model import Article, Failure, RawDocument, Skipped, Summary, SummarySentence
from newstrace.settings import Settings, database_url
from newstrace.store import BaseStore, Store
from newstrace.store.base import StoryRecord

if TYPE_CHECKING:
    from newstrace.batch import BatchReport, LoadReport
    from newstrace.fetch import FetchPolicy
    from newstrace.watch import RoundReport

log = logging.getLogger("newstrace")

# Words shown of an article without a title (lists, the browser tab).
UNTITLED_WORDS = 12
# Versions a story document shows and compares: a larger story shows its newest ones (its
# `size` still counts them all). Comparing takes seconds per few dozen versions.
MAX_VERSIONS = 100
# Sentences in the summary a reader gets without a choice (the stored one).
DEFAULT_SUMMARY_SENTENCES = 3
# The language of the reader's own words (labels, the frames of the story summary); quotes
# stay in their own language.
UI_LANGUAGE = "en"
# The furthest a page may start: further is a mistake, not a question.
MAX_OFFSET = 1_000_000
# Search hits counted at most (a page shows `limit` of them from `offset`).
MAX_SEARCH_HITS = 1000


def open_store(url: str | None = None) -> BaseStore:
    """The store at `url` (a SQLite path or postgresql://…), else $NEWSTRACE_DB, else
    ./newstrace.db; use it as a context manager."""
    return Store(database_url(url))


def public_source(source: str) -> str:
    """A source as documents show it: what the user gave (a URL, a file name), never an
    absolute path of this machine's disk (`/srv/news/a.html` → `a.html`, a JSONL line's
    `/srv/news/b.jsonl:3` → `b.jsonl:3`)."""
    absolute = source.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", source)
    if "://" in source or not absolute:
        return source
    return re.split(r"[\\/]", source)[-1] or source


def headline(article: Article) -> str:
    """The article's title, or its first words when it has none."""
    if article.title and article.title.strip():
        return article.title.strip()
    words = article.text.split()
    if not words:
        return public_source(article.source)
    head = " ".join(words[:UNTITLED_WORDS])
    return head + (" …" if len(words) > UNTITLED_WORDS else "")


# --- documents -------------------------------------------------------------------------------


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: `items` from `offset`, `total` of them in all."""

    items: list[T]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts; None on the last page."""
        end = self.offset + len(self.items)
        return end if end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        """Where the previous page starts; None on the first page."""
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    def counted(self, noun: str) -> str:
        """ "21–40 of 181 articles", "1 of 1 stories", "no stories"."""
        if not self.total:
            return f"no {noun}"
        if not self.items:
            return f"nothing from {self.offset + 1}: {self.total} {noun} in all"
        first, last = self.offset + 1, self.offset + len(self.items)
        shown = f"{first}–{last}" if last > first else str(first)
        return f"{shown} of {self.total} {noun}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [item.to_dict() for item in self.items],  # type: ignore[attr-defined]
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
        }


def _check_page(limit: int | None, offset: int) -> None:
    if limit is not None and limit < 1:
        raise UsageError(f"limit {limit}: give a whole number of at least 1")
    if not 0 <= offset <= MAX_OFFSET:
        raise UsageError(f"offset {offset}: give a whole number from 0 to {MAX_OFFSET}")


@dataclass(frozen=True)
class ArticleBrief:
    """An article as a list shows it (`list --json`, `/api/articles`)."""

    id: str
    source: str
    title: str | None
    headline: str  # the title, or the first words of the text when there is none
    language: str | None
    outlet: str | None
    published: str | None
    story: str | None

    @classmethod
    def of(cls, article: Article) -> ArticleBrief:
        return cls(
            id=article.id,
            source=public_source(article.source),
            title=article.title,
            headline=headline(article),
            language=article.language,
            outlet=article.outlet,
            published=article.published,
            story=article.story,
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SummaryDocument:
    """ "Get a summary" (`summary --json`, `/api/articles/{id}/summary`)."""

    article: str
    language: str | None
    sentences: list[SummarySentence]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SearchHit:
    """A search result (`search --json`, `/api/search`); hits are marked `[like this]`."""

    id: str
    title: str | None
    headline: str
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class StoryBrief:
    """A story as a list shows it (`stories --json`, `/api/stories`)."""

    id: str
    title: str | None
    languages: list[str]
    outlets: list[str]
    articles: int
    first_seen: str | None
    last_seen: str | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class DerivesFrom:
    """The earlier article a version copies, rewrites or translates."""

    id: str
    kind: str
    score: float | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class StoryVersion:
    """One article of a story, with its own summary."""

    id: str
    source: str
    title: str | None
    headline: str
    language: str | None
    outlet: str | None
    published: str | None
    seen: str | None  # when the story index placed it: published, else ingest time
    media: list[str]
    derives_from: DerivesFrom | None
    summary: str | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TimelineEntry:
    """A version at its moment: its publication time, else when it was ingested."""

    when: str
    basis: str  # "published" or "ingested"
    article: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ProvenanceLink:
    """A medium or an article passing the story on: cites, relays, or a derivation kind."""

    source: str
    target: str
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "kind": self.kind}


@dataclass(frozen=True)
class Comparison:
    """A story's versions claim by claim (`compare --json`); the claim groups, figures and
    speakers keep the shape `newstrace.compare` gives them (docs/interface.md)."""

    story: str | None
    versions: list[str]
    languages: dict[str, str | None]
    claims: list[dict[str, Any]]
    only_in: dict[str, list[str]]
    padding: dict[str, list[str]]
    figures: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    signals: dict[str, list[dict[str, Any]]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class StoryDocument:
    """One story (`story --json`, `/api/stories/{id}`): versions oldest first, timeline,
    provenance, the story summary and the comparison of its versions."""

    id: str
    title: str | None
    languages: list[str]
    outlets: list[str]
    size: int
    first_seen: str | None
    last_seen: str | None
    articles: list[StoryVersion]
    timeline: list[TimelineEntry]
    provenance: list[ProvenanceLink]
    chains: list[list[str]]
    claims: list[dict[str, Any]]  # the comparison's claim groups
    summary: dict[str, Any] | None  # the story summary; None when it could not be made
    summary_basis: str | None  # "story" when there is a summary
    compare: Comparison | None  # None when the versions could not be compared
    notes: list[str]  # why a part is missing, one line each

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "languages": self.languages,
            "outlets": self.outlets,
            "size": self.size,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "articles": [v.to_dict() for v in self.articles],
            "timeline": [t.to_dict() for t in self.timeline],
            "provenance": [p.to_dict() for p in self.provenance],
            "chains": self.chains,
            "claims": self.claims,
            "summary": self.summary,
            "summary_basis": self.summary_basis,
            "compare": self.compare.to_dict() if self.compare is not None else None,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class FailureRow:
    """A document recorded as failed (`failures --json`)."""

    source: str
    reason: str
    attempts: int
    last_attempt: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RestoryReport:
    """What `restory` did (`restory --json`): articles assigned again, stories after."""

    articles: int
    stories: int
    # With --recent: how many of the articles looked at changed story.
    moved: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- articles --------------------------------------------------------------------------------


def analyze_source(
    source: str, settings: Settings | None = None, stdin: BinaryIO | None = None
) -> Article:
    """Analyse the one document in `source` (a file, URL or `-`) without storing it."""
    from newstrace.pipeline import Context, try_analyze
    from newstrace.readers import read_sources

    settings = settings or Settings()
    items = [
        item
        for item in read_sources([source], settings, stdin=stdin)
        if not isinstance(item, Skipped)
    ]
    if not items:
        raise UsageError(f"{source}: no document found; give a text, HTML or JSONL file")
    if len(items) > 1:
        raise UsageError(f"{source}: holds {len(items)} documents; analyze takes one (use ingest)")
    item = items[0]
    outcome = item if isinstance(item, Failure) else try_analyze(item, Context(settings=settings))
    if isinstance(outcome, Failure):
        raise AnalysisError(f"{outcome.source}: {outcome.reason}")
    return outcome


def fetch_page(url: str, settings: Settings | None = None) -> RawDocument:
    """The one page at `url` (http or https), fetched politely; UsageError for a feed (give it
    to `watch`) or a page that cannot be fetched, with why."""
    from newstrace.readers import read_url

    found = list(read_url(url, settings or Settings()))
    pages = [item for item in found if isinstance(item, RawDocument)]
    if len(pages) > 1:
        raise UsageError(f"{url} is a feed of {len(pages)} items: follow it with newstrace watch")
    if not pages:
        failure = next((item for item in found if isinstance(item, Failure)), None)
        reason = failure.reason if failure is not None else "no page found"
        raise UsageError(f"cannot fetch {url}: {reason}")
    return pages[0]


def articles(
    store: BaseStore,
    *,
    story: str | None = None,
    language: str | None = None,
    limit: int | None = None,
) -> list[ArticleBrief]:
    """Stored articles, newest published first."""
    _check_page(limit, 0)
    return [ArticleBrief.of(a) for a in store.articles(story=story, language=language, limit=limit)]


def article_page(
    store: BaseStore,
    *,
    story: str | None = None,
    language: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[ArticleBrief]:
    """One page of the stored articles, newest published first, and how many there are."""
    _check_page(limit, offset)
    found = store.articles(story=story, language=language, limit=offset + limit)
    items = [ArticleBrief.of(a) for a in list(found)[offset:]]
    total = (
        store.count()
        if story is None and language is None
        else sum(1 for _ in store.articles(story=story, language=language))
    )
    return Page(items, total, offset, limit)


def article(store: BaseStore, ref: str) -> Article:
    """An article by id, unique id prefix, or the source it was ingested from."""
    return store.resolve(ref)


def article_by_id(store: BaseStore, id: str) -> Article | None:
    """The article with exactly this id, or None."""
    return store.get(id)


def article_count(store: BaseStore) -> int:
    return store.count()


def stories_rewritten(store: BaseStore) -> int:
    """How many times the stories were re-clustered or corrected (`restory`, `restory
    --recent`): a story kept in memory is stale once this changes."""
    return store.story_marks()[0]


def current_summary(article: Article, sentences: int = DEFAULT_SUMMARY_SENTENCES) -> Summary:
    """The article's summary of `sentences`: the stored one when the summarizer that made it
    is this one, else made now (not stored)."""
    from newstrace.analysis.summary import DEFAULT_SENTENCES, is_current, make_summary

    if sentences == DEFAULT_SENTENCES and is_current(article.summary):
        assert article.summary is not None
        return article.summary
    return make_summary(article, sentences)


def article_summary(
    store: BaseStore, article: Article, sentences: int = DEFAULT_SUMMARY_SENTENCES
) -> Summary:
    """The article's summary: the stored one when current, else made now.

    A stored summary made by an older summarizer is made again and saved, so the next reader
    gets it at once (when the store cannot save it, it is still returned); another length is
    made on demand and not stored.
    """
    if sentences < 1:
        raise UsageError(f"--sentences {sentences}: give a whole number of at least 1")
    made = current_summary(article, sentences)
    if sentences == DEFAULT_SUMMARY_SENTENCES and made is not article.summary:
        article.summary = made
        try:
            store.update(article)
        except StoreError as error:
            log.warning("summary of %s not kept: %s", article.id, error)
    return made


def summary(
    store: BaseStore, ref: str | Article, sentences: int = DEFAULT_SUMMARY_SENTENCES
) -> SummaryDocument:
    """ "No time to read? Get a summary" of an article (a reference, or the article)."""
    found = ref if isinstance(ref, Article) else article(store, ref)
    made = article_summary(store, found, sentences)
    return SummaryDocument(found.id, found.language, list(made.sentences), made.text)


def export(
    store: BaseStore,
    *,
    story: str | None = None,
    language: str | None = None,
    summaries: bool = True,
) -> Iterator[Article]:
    """Every stored article (newest first); with `summaries`, each carries a summary of the
    current summarizer (made now, not stored, when the stored one is older)."""
    for found in store.articles(story=story, language=language):
        if summaries:
            found.summary = current_summary(found)
        yield found


def search(store: BaseStore, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Full-text search, best first; snippets mark hits `[like this]`. Articles that name
    the query's person, place or organisation in another spelling follow (`search_page`)."""
    return search_page(store, query, limit=limit).items


def _query_keys(query: str) -> set[str]:
    """The entity keys a query names: the gazetteer's key of the name (`Poutine` and
    `Putin` → `person:putin`), and the spelling-free key a name outside it gets."""
    from newstrace.nlp.gazetteer import gazetteer
    from newstrace.nlp.names import name_key

    keys = {match.entry.key for match in gazetteer().find(query)}
    slug = name_key(query)
    if slug:
        keys.update(f"{kind}:{slug}" for kind in ("person", "organization", "other"))
    return keys


# Per store: (article count, {entity key: ids of the articles naming it, newest first}).
_ENTITY_INDEX: weakref.WeakKeyDictionary[BaseStore, tuple[int, dict[str, list[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _entity_index(store: BaseStore) -> dict[str, list[str]]:
    """Which articles name each entity key; read once per store and again when articles
    are added."""
    count = store.count()
    kept = _ENTITY_INDEX.get(store)
    if kept is not None and kept[0] == count:
        return kept[1]
    index: dict[str, list[str]] = {}
    for found in store.articles():
        for key in dict.fromkeys(e.key for e in found.entities if e.key):
            index.setdefault(key, []).append(found.id)
    _ENTITY_INDEX[store] = (count, index)
    return index


def _entity_snippet(found: Article, keys: set[str]) -> str:
    """The words around the first mention of a key, the mention marked `[like this]`."""
    mention = next((e for e in found.entities if e.key in keys), None)
    if mention is None:
        return ""
    start = max(0, found.text.rfind(" ", 0, max(0, mention.start - 60)) + 1)
    end = found.text.find(" ", mention.end + 60)
    end = len(found.text) if end < 0 else end
    text = found.text
    snippet = f"{text[start : mention.start]}[{text[mention.start : mention.end]}]"
    snippet += text[mention.end : end]
    return (
        ("… " if start > 0 else "") + " ".join(snippet.split()) + (" …" if end < len(text) else "")
    )


def search_page(
    store: BaseStore, query: str, *, limit: int = 20, offset: int = 0
) -> Page[SearchHit]:
    """Full-text search, best first, one page of it, and how many hits there are in all.

    After the articles that hold every word come those whose entities carry the key of the
    name asked for: "Putin" finds the article that says "Poutine" or "Путин".
    """
    _check_page(limit, offset)
    # A NUL inside a word ends SQLite's FTS5 query string early ("unterminated string");
    # no reader means one, so it is a space.
    query = query.replace("\x00", " ")
    found = store.search(query, limit=MAX_SEARCH_HITS) if query.strip() else []
    ids = [hit.id for hit in found]
    snippets = {hit.id: hit.snippet for hit in found}
    titles = {hit.id: hit.title for hit in found}
    keys = _query_keys(query) if query.strip() else set()
    if keys:
        index = _entity_index(store)
        named = dict.fromkeys(i for key in sorted(keys) for i in index.get(key, ()))
        ids += [i for i in named if i not in snippets][: max(0, MAX_SEARCH_HITS - len(ids))]
    hits: list[SearchHit] = []
    for id in ids[offset : offset + limit]:
        title = titles.get(id)
        snippet = snippets.get(id)
        if snippet is None or not title:
            stored = store.get(id)
            if stored is None:
                continue
            title = stored.title
            snippet = snippet if snippet is not None else _entity_snippet(stored, keys)
            hits.append(SearchHit(id, title, headline(stored), snippet))
            continue
        hits.append(SearchHit(id, title, title, snippet))
    return Page(hits, len(ids), offset, limit)


def failures(store: BaseStore) -> list[FailureRow]:
    """Documents recorded as failed and not ingested by a later run."""
    return [FailureRow(r.source, r.reason, r.attempts, r.last_attempt) for r in store.failures()]


# --- stories ---------------------------------------------------------------------------------


def _languages(record: StoryRecord) -> list[str]:
    return [lang for lang in record.languages if lang and lang != "?"]


def _outlets(store: BaseStore, story: str) -> list[str]:
    """The outlets of a story's stored articles (its newest MAX_VERSIONS)."""
    return sorted({a.outlet for a in store.articles(story=story, limit=MAX_VERSIONS) if a.outlet})


def _story_brief(store: BaseStore, record: StoryRecord) -> StoryBrief:
    return StoryBrief(
        id=record.id,
        title=record.title,
        languages=_languages(record),
        outlets=_outlets(store, record.id),
        articles=record.articles,
        first_seen=record.first_seen,
        last_seen=record.last_seen,
    )


def coverage(brief: StoryBrief) -> tuple[int, int, int]:
    """How widely a story is covered, compared in this order: its languages, its outlets,
    its versions (a story told in two languages outranks one outlet's forty rewrites of one
    wire report, which outranks a story told once)."""
    return (len(brief.languages), len(brief.outlets), brief.articles)


def _rank(brief: StoryBrief) -> tuple[int, int, int, str, str]:
    """Most covered first, then most recent (undated last), then by id (a stable order)."""
    languages, outlets, versions = coverage(brief)
    return (-languages, -outlets, -versions, _descending(brief.last_seen or ""), brief.id)


def _descending(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in text) + "\U0010ffff"


# Per store: ((article count, story count, story marks), the story briefs in rank order).
_STORY_LIST: weakref.WeakKeyDictionary[BaseStore, tuple[tuple[int, ...], list[StoryBrief]]] = (
    weakref.WeakKeyDictionary()
)


def _ranked_stories(store: BaseStore) -> list[StoryBrief]:
    """Every recorded story as a list shows it, in rank order; made in one pass over the
    articles and kept until an article or a story is added, or stories change (a member
    joins, a merge, a correction)."""
    records = list(store.stories())
    stamp = (store.count(), len(records), *store.story_marks())
    kept = _STORY_LIST.get(store)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    outlets: dict[str, set[str]] = {}
    dates: dict[str, list[str]] = {}
    # Stories known from their articles' story ids only (no record): made from the articles.
    unrecorded: dict[str, list[Article]] = {}
    recorded = {record.id for record in records}
    for found in store.articles():
        if not found.story:
            continue
        if found.outlet:
            outlets.setdefault(found.story, set()).add(found.outlet)
        if found.published:
            dates.setdefault(found.story, []).append(found.published)
        if found.story not in recorded:
            unrecorded.setdefault(found.story, []).append(found)
    records = records + [
        StoryRecord(
            id=story,
            title=headline(members[-1]),
            languages=sorted({a.language for a in members if a.language}),
            articles=len(members),
            first_seen=None,
            last_seen=None,
        )
        for story, members in unrecorded.items()
    ]
    briefs = [
        StoryBrief(
            id=record.id,
            title=record.title,
            languages=_languages(record),
            outlets=sorted(outlets.get(record.id, ())),
            articles=record.articles,
            # Publication dates only: an undated story's ingest time is no date of it.
            first_seen=min(dates[record.id]) if record.id in dates else None,
            last_seen=max(dates[record.id]) if record.id in dates else None,
        )
        for record in records
    ]
    briefs.sort(key=_rank)
    _STORY_LIST[store] = (stamp, briefs)
    return briefs


def stories(store: BaseStore, *, limit: int | None = None) -> list[StoryBrief]:
    """Stories, most covered and most recent first (`story_page`), with their languages,
    outlets, size and time span."""
    _check_page(limit, 0)
    ranked = _ranked_stories(store)
    return ranked[:limit] if limit is not None else list(ranked)


def story_page(
    store: BaseStore,
    *,
    limit: int = 50,
    offset: int = 0,
    language: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Page[StoryBrief]:
    """One page of the stories, ranked by coverage (versions, outlets, languages), then
    recency; only those in `language`, told by `outlet`, or seen between `since` and `until`
    (ISO dates, both included) when given. The home page and `/api/stories` show this list."""
    _check_page(limit, offset)
    chosen = [
        brief
        for brief in _ranked_stories(store)
        if (language is None or language in brief.languages)
        and (outlet is None or outlet in brief.outlets)
        and (since is None or (brief.last_seen or "") >= since)
        and (until is None or (brief.first_seen or "\uffff")[: len(until)] <= until)
    ]
    return Page(chosen[offset : offset + limit], len(chosen), offset, limit)


def story_brief(store: BaseStore, id: str) -> StoryBrief | None:
    """The recorded story with this exact id, as a list shows it; None when not recorded."""
    record = store.get_story(id)
    return _story_brief(store, record) if record is not None else None


def _members(
    store: BaseStore, ref: str, by_article: bool
) -> tuple[str, StoryRecord | None, list[Article]]:
    """The story a reference names, its record when there is one, and its articles (newest
    MAX_VERSIONS) oldest first. `ref` is a story id, or with `by_article` an article
    reference (meaning its story)."""
    from newstrace.compare import in_time_order
    from newstrace.stories import find_story

    ref = ref.strip()
    record = store.get_story(ref)
    found = list(store.articles(story=ref, limit=MAX_VERSIONS)) if record is None else []
    if record is None and found:
        return ref, None, in_time_order(found)  # known from its articles' story ids only
    if record is None and not by_article:
        raise NotFoundError(f"no story has id {ref!r}; list them with `newstrace stories`")
    if record is None:
        record = find_story(store, ref)
    found = list(store.articles(story=record.id, limit=MAX_VERSIONS))
    return record.id, record, in_time_order(found)


def _comparison(document: dict[str, Any]) -> Comparison:
    names = {f.name for f in dataclasses.fields(Comparison)}
    return Comparison(**{k: v for k, v in document.items() if k in names})


def compare(store: BaseStore, ref: str, *, by_article: bool = True) -> Comparison:
    """A story's versions claim by claim: shared, alone, in conflict, padded. `ref` is a
    story id or (with `by_article`) an article reference, meaning its story."""
    from newstrace.compare import compare_story

    story_id, _, versions = _members(store, ref, by_article)
    derivations = store.derivations(a.id for a in versions)
    return _comparison(compare_story(versions, story_id, derivations))


def story(store: BaseStore, ref: str, *, by_article: bool = True) -> StoryDocument:
    """One story: its versions oldest first, timeline, provenance, summary and comparison.
    `ref` is a story id or (with `by_article`) an article reference, meaning its story.

    A part that cannot be made (the comparison, the story summary) leaves a one-line note
    and the rest of the document stands.
    """
    from newstrace.compare import compare_story, summarize_comparison
    from newstrace.stories.features import iso_time, parse_time
    from newstrace.stories.provenance import labelled_chains

    story_id, record, versions = _members(store, ref, by_article)
    derivations = store.derivations(a.id for a in versions)
    sources = {d.article_id: d for d in derivations}
    published = [a.published for a in versions if a.published]
    # Publication dates only: an undated story's ingest time is no date of it.
    first_seen = min(published, default=None)
    last_seen = max(published, default=None)
    start = record.first_seen if record is not None else first_seen
    since = parse_time(start)
    ids = {a.id for a in versions}
    seen = (
        {m.article_id: m.seen for m in store.story_members_since(since - 1) if m.article_id in ids}
        if since is not None
        else {}
    )
    rows = [
        StoryVersion(
            id=a.id,
            source=public_source(a.source),
            title=a.title,
            headline=headline(a),
            language=a.language,
            outlet=a.outlet,
            published=a.published,
            seen=iso_time(seen.get(a.id)),
            media=list(a.media),
            derives_from=(
                DerivesFrom(sources[a.id].source_id, sources[a.id].kind, sources[a.id].score)
                if a.id in sources
                else None
            ),
            summary=article_summary(store, a).text or None,
        )
        for a in versions
    ]
    timeline = sorted(
        (
            TimelineEntry(
                v.published or v.seen or "", "published" if v.published else "ingested", v.id
            )
            for v in rows
            if v.published or v.seen
        ),
        key=lambda entry: parse_time(entry.when) or 0.0,
    )
    languages = (
        _languages(record)
        if record is not None
        else sorted({a.language for a in versions if a.language})
    )
    notes: list[str] = []
    comparison: Comparison | None = None
    story_summary: dict[str, Any] | None = None
    try:
        document = compare_story(versions, story_id, derivations)
        comparison = _comparison(document)
        story_summary = summarize_comparison(document, UI_LANGUAGE)
    except Exception as error:  # one part fails, the document still stands
        log.warning("comparison of story %s failed: %s", story_id, error)
        log.debug("comparison of story %s failed", story_id, exc_info=True)
        notes.append(f"the versions could not be compared: {error}")
    return StoryDocument(
        id=story_id,
        title=record.title if record is not None else None,
        languages=languages,
        outlets=sorted({a.outlet for a in versions if a.outlet}),
        size=record.articles if record is not None else len(versions),
        first_seen=first_seen,
        last_seen=last_seen,
        articles=rows,
        timeline=timeline,
        provenance=[ProvenanceLink(e.source, e.target, e.kind) for e in store.provenance(story_id)],
        chains=labelled_chains(versions, derivations),
        claims=comparison.claims if comparison is not None else [],
        summary=story_summary,
        summary_basis="story" if story_summary is not None else None,
        compare=comparison,
        notes=notes,
    )


def restory(store: BaseStore, *, recent: bool = False) -> RestoryReport:
    """Forget the stories and assign every stored article again (after settings change);
    with `recent`, only the correction step over the last window (stories.correct)."""
    if recent:
        from newstrace.stories.correct import correct

        counts = correct(store)
        return RestoryReport(counts["articles"], counts["stories"], counts["moved"])
    from newstrace.stories import restory as assign_again

    counts = assign_again(store)
    return RestoryReport(counts["articles"], counts["stories"])


# --- feeds, batches, the reader ----------------------------------------------------------------


def watch(
    sources: Sequence[str],
    store: BaseStore,
    settings: Settings,
    *,
    every: str,
    once: bool,
    delay: float,
    on_round: Callable[[RoundReport], None],
    workers: int = 1,
) -> None:
    """Poll feeds politely and store each new item's article, round after round; with
    `workers` > 1, a round with many new items analyses them in that many processes."""
    from newstrace.fetch import Fetcher, FetchPolicy
    from newstrace.watch import parse_interval
    from newstrace.watch import watch as poll

    if delay < 0:
        raise UsageError(f"--delay {delay:g}: give seconds, 0 or more")
    interval = parse_interval(every)
    policy: FetchPolicy = FetchPolicy(host_delay=delay)
    with Fetcher(settings, policy) as web:
        poll(
            sources,
            store,
            web,
            settings,
            every=interval,
            once=once,
            on_round=on_round,
            workers=workers,
        )


def batch(
    inputs: Sequence[str],
    out: str,
    engine: str = "local",
    master: str | None = None,
    workers: int | None = None,
) -> BatchReport:
    """Analyse many files into Parquet under `out` (a process pool, or Spark)."""
    from newstrace.batch import run_batch

    return run_batch(inputs, out, engine, master, workers)


def load_batch(out: str, store: BaseStore) -> LoadReport:
    """Load a batch's Parquet output into the store, stories assigned in time order."""
    from pathlib import Path

    from newstrace.batch import load_batch as load

    if not Path(out, "articles").is_dir():
        raise UsageError(f"{out}: no batch output here (no articles/ folder)")
    return load(out, store)


def sample_corpus() -> list[str]:
    """The bundled sample corpus, as sources for `ingest`."""
    from newstrace.demo import sample_corpus_sources

    return sample_corpus_sources()


__all__ = [
    "ArticleBrief",
    "BaseStore",
    "Comparison",
    "DerivesFrom",
    "FailureRow",
    "IngestReport",
    "Page",
    "Progress",
    "ProvenanceLink",
    "RawDocument",
    "RestoryReport",
    "SearchHit",
    "StoryBrief",
    "StoryDocument",
    "StoryVersion",
    "SummaryDocument",
    "TimelineEntry",
    "analyze_source",
    "article",
    "article_by_id",
    "article_count",
    "article_page",
    "article_summary",
    "articles",
    "batch",
    "compare",
    "coverage",
    "current_summary",
    "export",
    "failures",
    "fetch_page",
    "headline",
    "ingest",
    "ingest_documents",
    "load_batch",
    "open_store",
    "public_source",
    "restory",
    "sample_corpus",
    "search",
    "search_page",
    "stories",
    "stories_rewritten",
    "story",
    "story_brief",
    "story_page",
    "summary",
    "watch",
]
