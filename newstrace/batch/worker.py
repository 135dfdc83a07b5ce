"""What a batch worker process does with one document: `analyze` it into table rows.

The analysis context (and through it every model: spaCy pipelines, the language
identifier) is made once per process, on first use, and kept by `newstrace.workers`, so a
pool worker or a Spark executor's Python worker loads models once for all the documents it
is given, never once per article.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from newstrace import workers
from newstrace.batch.documents import Numbered
from newstrace.batch.schema import Rows, article_rows, empty_rows, failure_rows
from newstrace.model import Failure, RawDocument
from newstrace.pipeline import try_analyze
from newstrace.settings import Settings
from newstrace.workers import worker_context

__all__ = ["analyze_numbered", "analyze_partition", "rows_of", "worker_context"]


def rows_of(numbered: Numbered, settings: Settings | None = None) -> Rows:
    """The rows of one numbered reader item: an article's, or a failure's; none when skipped."""
    item = numbered.item
    if isinstance(item, Failure):
        return failure_rows(item, numbered.file, numbered.position, "read")
    if not isinstance(item, RawDocument):
        return empty_rows()
    outcome = try_analyze(item, worker_context(settings))
    if isinstance(outcome, Failure):
        return failure_rows(outcome, numbered.file, numbered.position, "analyze")
    return article_rows(outcome, numbered.file, numbered.position, item.fetched)


def analyze_numbered(numbered: Numbered) -> tuple[str, Rows, int, int]:
    """Pool task: what became of one item (article, failed, skipped) and its rows, with
    this worker's process id and how many times it made its context."""
    rows = rows_of(numbered)
    kind = "article" if rows["articles"] else "failed" if rows["failures"] else "skipped"
    return kind, rows, os.getpid(), workers.contexts_made


def analyze_partition(items: Iterable[Numbered]) -> Iterator[tuple[str, dict[str, object]]]:
    """Spark `mapPartitions`: (table, row) pairs for every item of a partition."""
    for numbered in items:
        for table, rows in rows_of(numbered).items():
            for row in rows:
                yield table, row
