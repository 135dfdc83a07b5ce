"""The second stage of a batch: its Parquet output into a store, stories assigned in time order.

Articles are added oldest first (by publication date, else by the WARC fetch date; undated
ones last, at the clock's time as `ingest` does), ties kept in input order (file, then
position), and each new article joins the best story of its time window exactly as
`newstrace ingest` would have placed it: the result is the store that ingesting the same
documents one by one in that order gives. Failures are recorded in the store too.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from newstrace.batch.schema import Row, article_from_rows
from newstrace.model import Article, Failure
from newstrace.store.base import BaseStore
from newstrace.stories.features import encode_leads, features_of, parse_time
from newstrace.stories.service import assign_features, assigner_for
from newstrace.stories.similarity import StoryConfig

# Articles whose leads are encoded at once (one encoder call); as `restory` does.
ENCODE_BATCH = 64


@dataclass
class LoadReport:
    """What loading a batch's output into a store did; `to_dict()` is printed by the CLI."""

    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    stories: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "stories": self.stories,
        }


def read_rows(out: str | Path, table: str) -> list[Row]:
    """Every row of one table of a batch's output (Spark's or the local engine's)."""
    folder = Path(out) / table
    if not any(folder.glob("*.parquet")):
        return []
    return list(pq.read_table(folder).to_pylist())


def batch_articles(out: str | Path) -> list[tuple[Row, Article]]:
    """The articles of a batch's output, rebuilt whole, in input order (file, position)."""
    claims: dict[tuple[str, int], list[Row]] = defaultdict(list)
    entities: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in read_rows(out, "claims"):
        claims[_origin(row)].append(row)
    for row in read_rows(out, "entities"):
        entities[_origin(row)].append(row)
    rows = sorted(read_rows(out, "articles"), key=_origin)
    return [
        (row, article_from_rows(row, claims[_origin(row)], entities[_origin(row)])) for row in rows
    ]


def story_order(rows: list[tuple[Row, Article]]) -> list[tuple[Row, Article]]:
    """Oldest first; undated articles last; ties in input order."""

    def key(pair: tuple[Row, Article]) -> tuple[float, str, int]:
        row = pair[0]
        when = parse_time(row.get("published")) or parse_time(row.get("fetched"))
        return (math.inf if when is None else when, *_origin(row))

    return sorted(rows, key=key)


def load_batch(out: str | Path, store: BaseStore, config: StoryConfig | None = None) -> LoadReport:
    """Add a batch's articles and failures to `store` and assign stories in time order."""
    report = LoadReport()
    for row in sorted(read_rows(out, "failures"), key=_origin):
        store.record_failure(Failure(row["source"], row["reason"]))
        report.failed += 1
    ordered = story_order(batch_articles(out))
    assigner = assigner_for(store, config)
    for start in range(0, len(ordered), ENCODE_BATCH):
        chunk = ordered[start : start + ENCODE_BATCH]
        vectors = encode_leads(assigner.encoder, [article for _, article in chunk])
        for (row, article), vector in zip(chunk, vectors, strict=True):
            if store.add(article) != "ingested":
                report.duplicates += 1
                continue
            report.ingested += 1
            when = parse_time(row.get("published")) or parse_time(row.get("fetched"))
            item = features_of(
                article,
                vector,
                when if when is not None else time.time(),
                assigner.encoder.identity,
            )
            assign_features(store, article, item, assigner)
    report.stories = len(store.stories())
    return report


def _origin(row: Row) -> tuple[str, int]:
    return str(row["file"]), int(row["position"])
