"""What one batch did: counts of articles, failures and skipped records, and its workers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from newstrace.batch.schema import SCHEMA_VERSION, Rows

MANIFEST = "_newstrace_batch.json"
"""Written beside the tables; the leading underscore makes Parquet readers pass over it."""


@dataclass
class BatchReport:
    """Counts of one batch; `to_dict()` is the `batch --json` document and the manifest."""

    engine: str
    out: str
    workers: int
    articles: int = 0
    failed: int = 0
    skipped: int = 0
    claims: int = 0
    entities: int = 0
    # process id -> how many times that process made its analysis context (models): 1 each
    contexts: dict[int, int] = field(default_factory=dict)

    def count(self, kind: str, rows: Rows, pid: int, contexts_made: int) -> None:
        if kind == "skipped":
            self.skipped += 1
            return
        self.articles += len(rows["articles"])
        self.failed += len(rows["failures"])
        self.claims += len(rows["claims"])
        self.entities += len(rows["entities"])
        if kind == "article" or contexts_made:
            self.contexts[pid] = max(self.contexts.get(pid, 0), contexts_made)

    def to_dict(self) -> dict[str, object]:
        return {
            "schema_version": SCHEMA_VERSION,
            "engine": self.engine,
            "out": self.out,
            "workers": self.workers,
            "articles": self.articles,
            "failed": self.failed,
            "skipped": self.skipped,
            "claims": self.claims,
            "entities": self.entities,
            "processes": len(self.contexts),
            "model_loads": sum(self.contexts.values()),
        }

    def write_manifest(self, out: Path) -> None:
        """The counts beside the tables, for the story stage and for people."""
        (out / MANIFEST).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
