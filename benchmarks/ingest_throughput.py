"""Ingest throughput into SQLite and into PostgreSQL, side by side, on the same input.

The input is the dev corpus texts (ECB+ articles, OrangeSum articles, ITN blurbs), in a
fixed order. For each backend it times, on a new empty database:

- `ingest`: `newstrace.ingestion.ingest_documents` (analysis and storage), articles per second;
- `store.add`: storing the same, already analysed, articles alone, articles per second;
- `re-add`: adding them all again (every one a duplicate), articles per second;
- `search`: a few one- and two-word queries, queries per second.

SQLite is a file on local disk (WAL, synchronous=NORMAL, as `Store(path)` opens it).
PostgreSQL is a server this script starts on 127.0.0.1 (through tests/pg.py), measured
twice: with default durability (each commit waits for fsync), and as "PG async" with
synchronous_commit=off, which risks what SQLite's synchronous=NORMAL risks (the last commits
on a crash, never corruption). Each article is its own transaction everywhere.
Run from the repository root:

    .venv/bin/python -m benchmarks.ingest_throughput [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newstrace.ingestion import ingest_documents
from newstrace.model import RawDocument
from newstrace.store import Store
from newstrace.store.base import BaseStore

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "dev"
CORPUS_FILES = ("stories_ecbplus.jsonl", "summaries_orangesum.jsonl", "stories_itn.jsonl")
QUERIES = ("police", "president election", "gouvernement", "earthquake", "fire*", "etats")
# Search is fast: repeat the queries so that one pass takes long enough to time.
SEARCH_ROUNDS = 20
# SQLite in WAL with synchronous=NORMAL does not wait for the disk at each commit (a crash
# may lose the last commits, never corrupts); PostgreSQL's like for like is this setting.
ASYNC_COMMIT = "?options=-c%20synchronous_commit%3Doff"
# Documents analysed before timing: enough to load every model the pipeline uses.
WARM_UP = 20


@dataclass
class Figures:
    """Throughput of one backend."""

    backend: str
    ingest: float
    add: float
    readd: float
    search: float
    stored: int


def dev_documents(limit: int | None) -> list[RawDocument]:
    """The dev corpus texts as raw documents, in a fixed order."""
    found: list[RawDocument] = []
    for name in CORPUS_FILES:
        with (DEV / name).open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                found.append(
                    RawDocument(
                        source=f"{name}/{row['id']}",
                        text=row["text"],
                        title=row.get("title"),
                        published=row.get("date"),
                    )
                )
                if limit is not None and len(found) >= limit:
                    return found
    return found


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


class Backend:
    """Makes new empty databases of one kind, each a fresh store."""

    def __init__(self, name: str, url_of: Callable[[int], str]) -> None:
        self.name = name
        self._url_of = url_of
        self._made = 0

    def new_store(self) -> BaseStore:
        self._made += 1
        return Store(self._url_of(self._made))


def measure(backend: Backend, raw: list[RawDocument]) -> Figures:
    """Every figure for one backend, each phase on the state the previous one left."""
    with backend.new_store() as store:
        ingest_seconds = timed(lambda: ingest_documents(raw, store))
        articles = list(store.articles())
        readd_seconds = timed(lambda: [store.add(a) for a in articles])
        searches = [q for _ in range(SEARCH_ROUNDS) for q in QUERIES]
        search_seconds = timed(lambda: [store.search(q) for q in searches])
    with backend.new_store() as empty:
        add_seconds = timed(lambda: [empty.add(a) for a in articles])
    return Figures(
        backend=backend.name,
        ingest=rate(len(raw), ingest_seconds),
        add=rate(len(articles), add_seconds),
        readd=rate(len(articles), readd_seconds),
        search=rate(len(searches), search_seconds),
        stored=len(articles),
    )


def server_version(url: str) -> str:
    """The PostgreSQL server's version and the client library's."""
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'} (psycopg {psycopg.__version__})"


def machine(postgres_version: str) -> Iterator[str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    yield f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    yield (
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {postgres_version}"
    )


def table(rows: list[Figures]) -> Iterator[str]:
    """The figures, one column per backend."""
    yield f"{'':<28}" + "".join(f"{row.backend:>14}" for row in rows)
    columns: list[tuple[str, Callable[[Figures], float]]] = [
        ("ingest (articles/s)", lambda f: f.ingest),
        ("store.add (articles/s)", lambda f: f.add),
        ("re-add, duplicates (art./s)", lambda f: f.readd),
        ("search (queries/s)", lambda f: f.search),
    ]
    for label, value in columns:
        yield f"{label:<28}" + "".join(f"{value(row):>14.1f}" for row in rows)
    yield f"{'articles stored':<28}" + "".join(f"{row.stored:>14d}" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    args = parser.parse_args(argv)
    from tests.pg import ServerUnavailable, running_server

    raw = dev_documents(args.limit)
    # Load what analysis loads once (language model, extractor) before any clock runs, so
    # that the backend measured first does not pay for it.
    with Store(memory=True) as warm:
        ingest_documents(raw[:WARM_UP], warm)
    print(f"input: {len(raw)} dev corpus documents ({', '.join(CORPUS_FILES)})")
    with tempfile.TemporaryDirectory(prefix="newstrace-bench-") as folder:
        sqlite = Backend("SQLite", lambda n: str(Path(folder) / f"bench{n}.db"))
        try:
            with running_server(durable=True) as server:
                postgres = Backend("PostgreSQL", lambda n: server.create_database(f"bench{n}"))
                relaxed = Backend(
                    "PG async",
                    lambda n: server.create_database(f"async{n}") + ASYNC_COMMIT,
                )
                version = server_version(server.url())
                rows = [measure(backend, raw) for backend in (sqlite, postgres, relaxed)]
        except ServerUnavailable as error:
            print(f"newstrace: cannot start PostgreSQL: {error}", file=sys.stderr)
            return 1
    for line in machine(version):
        print(line)
    for line in table(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
