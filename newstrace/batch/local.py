"""The local engine: the batch's documents analysed by a pool of processes on this machine.

The parent reads the inputs (reading is cheap) and streams the documents to the workers in
order; each worker analyses with models it loaded once. Rows are written to Parquet as
they come back, a few thousand at a time, so memory stays flat however large the input.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from newstrace.batch.documents import Numbered, documents_of_file, local_files
from newstrace.batch.report import BatchReport
from newstrace.batch.schema import TABLES, Row, Rows
from newstrace.batch.worker import analyze_numbered
from newstrace.model import Failure, Skipped
from newstrace.settings import Settings
from newstrace.workers import analysis_pool

# Rows held per table before they are written as one Parquet row group.
FLUSH_ROWS = 2000
# Documents handed to a worker at once: enough to amortise the pipe, small enough to keep
# both workers busy on a few dozen documents (the dev slice of tests/test_batch.py).
CHUNK_SIZE = 4


class TableWriter:
    """The four tables of a batch, each one Parquet file written in row groups."""

    def __init__(self, out: Path) -> None:
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._pending: dict[str, list[Row]] = {name: [] for name in TABLES}
        self.out = out
        for name, schema in TABLES.items():
            folder = out / name
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("part-*.parquet"):
                old.unlink()  # the output is replaced, as Spark's overwrite mode does
            self._writers[name] = pq.ParquetWriter(folder / "part-00000.parquet", schema)

    def add(self, rows: Rows) -> None:
        for name, table_rows in rows.items():
            pending = self._pending[name]
            pending.extend(table_rows)
            if len(pending) >= FLUSH_ROWS:
                self._flush(name)

    def _flush(self, name: str) -> None:
        pending = self._pending[name]
        if pending:
            table = pa.Table.from_pylist(pending, schema=TABLES[name])
            self._writers[name].write_table(table)
            pending.clear()

    def close(self) -> None:
        for name, writer in self._writers.items():
            self._flush(name)
            writer.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def numbered_documents(inputs: Sequence[str], settings: Settings) -> Iterator[Numbered]:
    """Every item of the local inputs, file after file."""
    for found in local_files(inputs):
        if isinstance(found, Failure | Skipped):
            yield Numbered(found.source, 0, found)
        else:
            yield from documents_of_file(found, settings)


def run_local(
    inputs: Sequence[str], out: Path, workers: int | None, settings: Settings
) -> BatchReport:
    """Analyse the inputs with `workers` processes (1: in this process) into Parquet at `out`."""
    workers = workers or os.cpu_count() or 1
    report = BatchReport(engine="local", out=str(out), workers=workers)
    documents = numbered_documents(inputs, settings)
    with TableWriter(out) as writer:
        if workers == 1:
            for numbered in documents:
                outcome = analyze_numbered(numbered)
                report.count(*outcome)
                writer.add(outcome[1])
            return report
        # spawn: a worker starts clean, whatever the parent loaded, and loads its own models
        with analysis_pool(workers, settings) as pool:
            for outcome in pool.imap(analyze_numbered, documents, chunksize=CHUNK_SIZE):
                report.count(*outcome)
                writer.add(outcome[1])
    return report
