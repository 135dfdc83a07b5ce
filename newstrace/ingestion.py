"""Read sources, analyse each document, store the articles and the failures.

The library behind `newstrace ingest`: a bad document is recorded with its source and
reason and the run goes on; a document whose article is already stored counts as a
duplicate and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from newstrace.model import Article, Failure, RawDocument, Skipped
from newstrace.pipeline import Context, Pipeline, try_analyze
from newstrace.readers import read_sources
from newstrace.settings import Settings
from newstrace.store.base import BaseStore
from newstrace.stories import assign_story


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


def ingest_documents(
    documents: Iterable[RawDocument | Failure | Skipped],
    store: BaseStore,
    settings: Settings | None = None,
    progress: Progress | None = None,
    pipeline: Pipeline | None = None,
) -> IngestReport:
    """Analyse and store documents (and record the failures that readers already found).

    `pipeline` replaces `analyze`'s default stages (tests, custom stage lists).
    """
    settings = settings or Settings()
    context = Context(settings=settings)
    report = IngestReport()
    for document in documents:
        if isinstance(document, Skipped):
            report.skipped += 1
            if len(report.passed_over) < MAX_LISTED_SKIPPED:
                report.passed_over.append(document)
            continue
        outcome: Article | Failure = (
            document if isinstance(document, Failure) else try_analyze(document, context, pipeline)
        )
        if isinstance(outcome, Failure):
            store.record_failure(outcome)
            report.failed += 1
            report.failures.append(outcome)
            status = "failed"
        else:
            status = store.add(outcome)
            if status == "ingested":
                assign_story(store, outcome)
                report.ingested += 1
            else:
                report.duplicates += 1
            report.articles.append(
                IngestedArticle(outcome.id, outcome.source, outcome.title, outcome.language)
            )
        if progress is not None:
            progress(status, outcome.source)
    return report


def ingest(
    sources: Sequence[str],
    store: BaseStore,
    settings: Settings | None = None,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
) -> IngestReport:
    """Ingest files, directories, globs and `-` (stdin) into `store`."""
    settings = settings or Settings()
    return ingest_documents(read_sources(sources, settings, stdin=stdin), store, settings, progress)
