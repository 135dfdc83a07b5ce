"""`run_batch`: inputs to Parquet, on the local process pool or on Spark."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from newstrace.batch.local import run_local
from newstrace.batch.report import BatchReport
from newstrace.batch.spark import run_spark
from newstrace.errors import UsageError
from newstrace.settings import Settings

ENGINES = ("local", "spark")


def run_batch(
    inputs: Sequence[str],
    out: str,
    engine: str = "local",
    master: str | None = None,
    workers: int | None = None,
    settings: Settings | None = None,
) -> BatchReport:
    """Analyse every document of `inputs` into the Parquet tables at `out` (replaced).

    `engine="spark"` raises BackendUnavailable, saying how to install it, without pyspark.
    """
    settings = settings or Settings.from_env()
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}: choose {' or '.join(ENGINES)}")
    if engine == "spark":
        report = run_spark(inputs, out, master, settings)
    else:
        report = run_local(inputs, Path(out), workers, settings)
    if "://" not in out or out.startswith("file:"):
        report.write_manifest(Path(out.removeprefix("file://")))
    return report
