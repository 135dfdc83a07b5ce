"""Batch analysis: many inputs to Parquet tables, on a local process pool or Apache Spark.

Two stages, one seam (see docs/spark.md):

1. `run_batch(inputs, out, engine=…)` — reads WARC, JSON Lines, JSON, text and HTML files,
   maps the same pure `analyze` over them with models loaded once per worker process, and
   writes the tables of `newstrace.batch.schema` (articles, claims, entities, failures).
   Modules: `documents` (inputs → numbered documents), `worker` (one document → rows),
   `local` (the process pool), `spark` (the Spark job), `report` (counts and manifest).
2. `load_batch(out, store)` — the tables into a store, stories assigned in time order
   (`stories`), the same stories as ingesting the documents one by one.
"""

from __future__ import annotations

from newstrace.batch.report import BatchReport
from newstrace.batch.run import ENGINES, run_batch
from newstrace.batch.spark import INSTALL_HINT, spark_available
from newstrace.batch.stories import LoadReport, batch_articles, load_batch

__all__ = [
    "ENGINES",
    "INSTALL_HINT",
    "BatchReport",
    "LoadReport",
    "batch_articles",
    "load_batch",
    "run_batch",
    "spark_available",
]
