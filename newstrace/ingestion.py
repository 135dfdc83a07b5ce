"""Read sources, analyse each document, store the articles and the failures.

The library behind `newstrace ingest`, `watch` and the web API's ingest. Documents go
through in chunks of `CHUNK_DOCUMENTS`:

1. Each document's raw content (and how it was read) is hashed (`raw_hash`) and looked up in
   the store: a document read before is a duplicate, or a failure a new try would repeat,
   without any analysis, so re-ingesting a stored corpus costs milliseconds a document.
2. The others are analysed: in this process, or, with `workers` > 1 and a chunk large enough
   to pay for it, in a pool of worker processes that load the models once
   (`newstrace.workers`); the next chunk is read and analysed while this one is stored.
3. One writer stores the chunk's outcomes in publication-time order (undated last, ties in
   input order), so the stories are the same for any number of workers. Each article, its
   raw document's record and its story assignment are one transaction of the store: a crash
   leaves all of it or none, and the story index is refreshed from the store under that
   transaction's lock, so several processes writing one store make the stories one would.

A bad document is recorded with its source and reason and the run goes on. Which failures
are remembered as final: an analysis failure is deterministic given the raw content, the
newstrace version and the analysis settings (a bug in a stage fails the same way again), so
it is kept with a fingerprint of those and not analysed again until one changes; a document
that ran out of its time budget (which depends on the machine's load) and a reader's failure
(nothing was read) are tried again on every ingest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, BinaryIO, Self

from newstrace.model import Article, Failure, RawDocument, Skipped
from newstrace.settings import Settings
from newstrace.store.base import BaseStore, RawRecord
from newstrace.version import __version__

if TYPE_CHECKING:
    import multiprocessing.pool

    from newstrace.pipeline import Context, Pipeline
    from newstrace.stories.features import LeadVector

# Documents read, looked up and stored together: one lookup query and one analysis batch.
CHUNK_DOCUMENTS = 32
# A pool is started only for a chunk with at least this many documents to analyse: starting
# one costs a process start and a model load per worker (~2 s here), which 16 documents
# (~85 ms each on one core) repay on two cores. Below it, this process analyses.
POOL_MIN_DOCUMENTS = 16
# A failed analysis that took at least this share of the time budget is taken as the
# budget's doing (the machine's load), not the document's: it is tried again next time.
BUDGET_SHARE = 0.9
# What `raw_hash` hashes, versioned: a change of form makes every document read anew once.
RAW_HASH_FORM = "newstrace-raw-1"


@dataclass(frozen=True)
class IngestedArticle:
    id: str
    source: str
    title: str | None
    language: str | None


@dataclass
class IngestReport:
    """What one ingest did; `to_dict()` is the `ingest --json` document."""

    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    articles: list[IngestedArticle] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    passed_over: list[Skipped] = field(default_factory=list)
    # Articles an interrupted ingest had stored without a story, given theirs first.
    completed: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "articles": [
                {"id": a.id, "source": a.source, "title": a.title, "language": a.language}
                for a in self.articles
            ],
            "failures": [{"source": f.source, "reason": f.reason} for f in self.failures],
            "skipped": self.skipped,
            "passed_over": [{"source": s.source, "reason": s.reason} for s in self.passed_over],
        }


# A WARC crawl passes over two records (request, metadata) per page: count them all, but
# list only the first ones, so the report stays small.
MAX_LISTED_SKIPPED = 100

Progress = Callable[[str, str], None]
"""Called after each document with (outcome, source): ingested, duplicate or failed."""

Outcome = tuple[Article | Failure, float, "LeadVector | None"]
"""An analysis' result, its seconds, and its article's story vector (`workers.with_vector`)."""


def raw_hash(raw: RawDocument) -> str:
    """The hash of a document as read: its text or HTML and what the reader knew with it
    (URL, title, outlet, byline, date, language), not where nor when it was read; so the
    same content read again, from any file, is known before analysis."""
    read = {
        f.name: getattr(raw, f.name)
        for f in dataclasses.fields(raw)
        if f.name not in ("source", "fetched")
    }
    # ensure_ascii: a lone surrogate (an undecodable byte) hashes as its escape.
    text = json.dumps([RAW_HASH_FORM, read], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@cache
def _fingerprint_of(settings_json: str) -> str:
    text = f"{__version__}\n{settings_json}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def analysis_fingerprint(settings: Settings) -> str:
    """What decides an analysis' outcome besides the document: the version and its settings."""
    tree = settings.to_dict()
    decisive = {name: tree[name] for name in ("analysis", "summary", "models")}
    return _fingerprint_of(json.dumps(decisive, sort_keys=True, default=str))


class Analyzer:
    """Analyses documents: in this process, or in a pool of `workers` processes that is
    started the first time a batch is large enough to pay for it, and kept until `close`."""

    def __init__(
        self, settings: Settings, workers: int = 1, pipeline: Pipeline | None = None
    ) -> None:
        self.settings = settings
        # Other stages than `analyze`'s (tests, custom stage lists): analysed in this process.
        self.pipeline = pipeline
        self.workers = 1 if pipeline is not None else max(workers, 1)
        self._pool: multiprocessing.pool.Pool | None = None
        self._context: Context | None = None

    @property
    def pooled(self) -> bool:
        """Whether a pool of worker processes was started."""
        return self._pool is not None

    def submit(self, documents: Sequence[RawDocument]) -> Callable[[], list[Outcome]]:
        """Start analysing `documents`; the returned call gives their outcomes, in order."""
        if self._pool is None and self.workers > 1 and len(documents) >= POOL_MIN_DOCUMENTS:
            from newstrace.workers import analysis_pool

            self._pool = analysis_pool(self.workers, self.settings)
        if self._pool is None:
            return lambda: [self._analyze_here(raw) for raw in documents]
        from newstrace.workers import analyze_timed

        pending = self._pool.map_async(analyze_timed, documents, chunksize=1)
        return pending.get

    def _analyze_here(self, raw: RawDocument) -> Outcome:
        import time

        from newstrace.pipeline import Context, try_analyze
        from newstrace.workers import with_vector

        if self._context is None:
            self._context = Context(settings=self.settings)
        started = time.perf_counter()
        outcome = try_analyze(raw, self._context, self.pipeline)
        return outcome, time.perf_counter() - started, with_vector(outcome)

    def close(self) -> None:
        """Stop the pool, if one was started."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Item:
    """One reader item of a chunk, at its place in the input, and what became of it."""

    position: int
    document: RawDocument | Failure | Skipped
    hash: str | None = None
    known: RawRecord | None = None
    first: _Item | None = None  # an earlier item of the chunk with the same raw content
    outcome: Article | Failure | None = None
    seconds: float = 0.0
    vector: LeadVector | None = None
    status: str = ""
    listed: IngestedArticle | None = None


@dataclass
class _Chunk:
    items: list[_Item]
    analysed: list[_Item]
    results: Callable[[], list[Outcome]] | None = None


class _Run:
    """One ingest: the store, the report, and what decides a failure is final."""

    def __init__(
        self,
        store: BaseStore,
        settings: Settings,
        analyzer: Analyzer,
        progress: Progress | None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.analyzer = analyzer
        self.progress = progress
        self.report = IngestReport()
        self.fingerprint = analysis_fingerprint(settings)
        self.position = 0

    # -- before analysis ----------------------------------------------------------------

    def prepare(self, documents: Sequence[RawDocument | Failure | Skipped]) -> _Chunk:
        """Hash the chunk's documents, look them up, and start analysing the unknown ones."""
        items = []
        for document in documents:
            items.append(_Item(self.position, document))
            self.position += 1
        firsts: dict[str, _Item] = {}
        for item in items:
            if isinstance(item.document, RawDocument):
                item.hash = raw_hash(item.document)
                item.first = firsts.setdefault(item.hash, item)
                if item.first is item:
                    item.first = None
        hashes = [item.hash for item in items if item.hash is not None and item.first is None]
        known = self.store.known_documents(hashes) if hashes else {}
        analysed: list[_Item] = []
        for item in items:
            if item.hash is None or item.first is not None:
                continue
            item.known = known.get(item.hash)
            if item.known is not None and self._final(item.known):
                continue
            item.known = None
            analysed.append(item)
        chunk = _Chunk(items, analysed)
        if analysed:
            raws = [item.document for item in analysed if isinstance(item.document, RawDocument)]
            chunk.results = self.analyzer.submit(raws)
        return chunk

    def _final(self, record: RawRecord) -> bool:
        """Whether a stored record settles the document: an article, or a failure decided
        by this version and these settings."""
        return record.article_id is not None or record.decided_by == self.fingerprint

    # -- after analysis: one writer, in publication-time order --------------------------

    def finish(self, chunk: _Chunk) -> None:
        """Store the chunk's outcomes, articles oldest first, then report them in input order."""
        if chunk.results is not None:
            for item, (outcome, seconds, vector) in zip(
                chunk.analysed, chunk.results(), strict=True
            ):
                item.outcome, item.seconds, item.vector = outcome, seconds, vector
        for item in self._write_order(chunk.items):
            self._write(item)
        for item in chunk.items:
            self._report(item)

    def _write_order(self, items: list[_Item]) -> list[_Item]:
        """Failures first, then articles by publication time (undated last), then the
        items that repeat another's content; ties in input order."""
        from newstrace.stories.features import parse_time

        def key(item: _Item) -> tuple[int, float, int]:
            if item.first is not None:
                return (2, 0.0, item.position)
            if isinstance(item.outcome, Article):
                when = parse_time(item.outcome.published)
                return (1, math.inf if when is None else when, item.position)
            return (0, 0.0, item.position)

        return sorted(items, key=key)

    def _write(self, item: _Item) -> None:
        document = item.document
        if isinstance(document, Skipped):
            item.status = "skipped"
            return
        if isinstance(document, Failure):
            self.store.record_failure(document)
            item.outcome, item.status = document, "failed"
        elif item.first is not None:
            self._repeat(item, item.first)
        elif item.known is not None:
            self._known(item, item.known)
        elif isinstance(item.outcome, Failure):
            self._failed(item, item.outcome)
        elif isinstance(item.outcome, Article):
            self._store(item, item.outcome)
        if self.progress is not None:
            source = item.outcome.source if item.outcome is not None else document.source
            self.progress(item.status, source)

    def _store(self, item: _Item, article: Article) -> None:
        """The article, its raw document's record and its story: one transaction."""
        from newstrace.stories.service import assign_in_turn, drop_assigner

        assert item.hash is not None
        try:
            with self.store.transaction():
                status = self.store.add(article)
                self.store.record_document(item.hash, article.source, article.id)
                if status == "ingested":
                    assign_in_turn(self.store, article, self.settings.stories, item.vector)
        except BaseException:
            drop_assigner(self.store)  # its index may hold what was rolled back
            raise
        item.status = status
        item.listed = IngestedArticle(article.id, article.source, article.title, article.language)

    def _failed(self, item: _Item, failure: Failure) -> None:
        """Record the failure; remember it as final unless the time budget decided it."""
        assert item.hash is not None
        budget = self.settings.analysis.time_budget
        final = not (budget > 0 and item.seconds >= BUDGET_SHARE * budget)
        with self.store.transaction():
            self.store.record_failure(failure)
            if final:
                self.store.record_document(
                    item.hash, failure.source, None, failure.reason, self.fingerprint
                )
        item.status = "failed"

    def _known(self, item: _Item, record: RawRecord) -> None:
        """A document read before: a duplicate of its article, or its failure again."""
        assert isinstance(item.document, RawDocument)
        source = item.document.source
        if record.article_id is not None:
            item.status = "duplicate"
            item.listed = IngestedArticle(record.article_id, source, record.title, record.language)
            item.outcome = None
            return
        failure = Failure(source, record.reason or "failed before")
        self.store.record_failure(failure)
        item.outcome, item.status = failure, "failed"

    def _repeat(self, item: _Item, first: _Item) -> None:
        """The same content as an earlier item of the chunk: what that one gave."""
        assert isinstance(item.document, RawDocument)
        source = item.document.source
        if first.listed is not None:
            item.status = "duplicate"
            item.listed = dataclasses.replace(first.listed, source=source)
            return
        reason = first.outcome.reason if isinstance(first.outcome, Failure) else "failed before"
        failure = Failure(source, reason)
        self.store.record_failure(failure)
        item.outcome, item.status = failure, "failed"

    def _report(self, item: _Item) -> None:
        report = self.report
        if isinstance(item.document, Skipped):
            report.skipped += 1
            if len(report.passed_over) < MAX_LISTED_SKIPPED:
                report.passed_over.append(item.document)
        elif item.status == "failed":
            assert isinstance(item.outcome, Failure)
            report.failed += 1
            report.failures.append(item.outcome)
        elif item.listed is not None:
            if item.status == "ingested":
                report.ingested += 1
            else:
                report.duplicates += 1
            report.articles.append(item.listed)

    # -- what an interrupted ingest left -------------------------------------------------

    def complete(self) -> None:
        """Give their story to stored articles without one (left by an older version or a
        batch load cut short), oldest first."""
        from newstrace.stories.service import assign_in_turn

        for id in self.store.articles_without_story():
            with self.store.transaction():
                article = self.store.get(id)
                if article is not None and article.story is None:
                    assign_in_turn(self.store, article, self.settings.stories)
                    self.report.completed += 1


def _chunks(
    documents: Iterable[RawDocument | Failure | Skipped], size: int
) -> Iterator[list[RawDocument | Failure | Skipped]]:
    chunk: list[RawDocument | Failure | Skipped] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest_documents(
    documents: Iterable[RawDocument | Failure | Skipped],
    store: BaseStore,
    settings: Settings | None = None,
    progress: Progress | None = None,
    *,
    workers: int = 1,
    analyzer: Analyzer | None = None,
    pipeline: Pipeline | None = None,
) -> IngestReport:
    """Analyse and store documents (and record the failures that readers already found).

    `workers` > 1 analyses in that many processes when there are enough documents; pass an
    `analyzer` to keep its pool across calls (`watch` rounds). The stories are the same for
    any number of workers. `pipeline` replaces `analyze`'s default stages (tests, custom
    stage lists); it runs in this process.
    """
    settings = settings or Settings()
    own = analyzer is None
    analyzer = analyzer or Analyzer(settings, workers, pipeline)
    run = _Run(store, settings, analyzer, progress)
    try:
        run.complete()
        pending: _Chunk | None = None
        for documents_of_chunk in _chunks(documents, CHUNK_DOCUMENTS):
            chunk = run.prepare(documents_of_chunk)  # its analysis runs while `pending` is stored
            if pending is not None:
                run.finish(pending)
            pending = chunk
        if pending is not None:
            run.finish(pending)
    finally:
        if own:
            analyzer.close()
    return run.report


def ingest(
    sources: Sequence[str],
    store: BaseStore,
    settings: Settings | None = None,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
    *,
    workers: int = 1,
) -> IngestReport:
    """Ingest files, directories, globs and `-` (stdin) into `store`."""
    from newstrace.readers import read_sources

    settings = settings or Settings()
    documents = read_sources(sources, settings, stdin=stdin)
    return ingest_documents(documents, store, settings, progress, workers=workers)
