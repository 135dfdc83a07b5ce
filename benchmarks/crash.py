"""kill -9 during ingest, at random moments: the database stays whole and a re-run finishes it.

A child process ingests a corpus (ECB+ dev articles and the two seed articles) into a
database, printing a line per document it has handled; the parent kills it with SIGKILL,
every other time after a random number of newly stored documents and up to 0.3 s more (so
the kill lands in a later article's transaction, its commit, or the next analysis), and
otherwise at a random moment of the time the run takes to start (imports, models) and
analyse a few documents. After each kill:

- the database passes its integrity check: SQLite's `PRAGMA integrity_check`; on both
  dialects, every article has its story member row and every story its record;
- every stored article has its story.

After the last kill the same ingest runs to the end, and the result is compared with an
uninterrupted run into a fresh database: every document stored once (the same article
ids), and the same story partition.

    .venv/bin/python -m benchmarks.crash [--kills 20] [--articles 60] [--backend both]

The PostgreSQL server is started by tests/pg.py. `tests/test_ingestion.py` runs the same
campaign with 5 kills per dialect.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"
ECBPLUS = SHARED / "dev" / "stories_ecbplus.jsonl"
SEEDS = SHARED / "seeds"
# A child that has not handled a document after this long is stuck: the campaign fails.
CHILD_TIMEOUT = 600.0
# Seconds after the chosen document within which the kill lands (uniformly).
KILL_SPREAD = 0.3


@dataclass
class Kill:
    """One kill: how many documents the child had stored anew, and what the check found."""

    stored_before: int
    stored_by_child: int
    after_seconds: float
    finished_first: bool
    problems: list[str]


@dataclass
class Campaign:
    """A whole campaign on one database."""

    backend: str
    documents: int
    kills: list[Kill] = field(default_factory=list)
    articles: int = 0
    same_articles: bool = False
    same_stories: bool = False
    final_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def held(self) -> bool:
        return (
            self.same_articles
            and self.same_stories
            and not self.final_problems
            and not any(kill.problems for kill in self.kills)
        )

    def summary(self) -> str:
        broken = sum(bool(kill.problems) for kill in self.kills)
        mid = sum(not kill.finished_first for kill in self.kills)
        return (
            f"{self.backend}: {len(self.kills)} kills ({mid} during the ingest), "
            f"{broken} left a problem; then {self.articles} articles from {self.documents} "
            f"documents, same articles as an uninterrupted run: {self.same_articles}, "
            f"same stories: {self.same_stories}; {self.seconds:.0f} s"
        )


def write_corpus(folder: Path, articles: int) -> list[str]:
    """The first `articles` ECB+ dev articles as a JSONL file, and the seeds: the sources."""
    lines = ECBPLUS.read_text(encoding="utf-8").splitlines()[:articles]
    corpus = folder / "ecbplus.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seeds = sorted(str(path) for path in SEEDS.glob("*.txt"))
    return [*seeds, str(corpus)]


def child_command(url: str, sources: Sequence[str], workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "benchmarks.crash",
        "--child",
        "--db",
        url,
        "--workers",
        str(workers),
        *sources,
    ]


def run_child(url: str, sources: Sequence[str], workers: int = 1) -> None:
    """Ingest `sources` into `url`, printing each document's outcome as it is handled."""
    from newstrace.ingestion import ingest
    from newstrace.model import RawDocument
    from newstrace.settings import Settings
    from newstrace.store import Store

    def handled(status: str, source: str) -> None:
        print(status, flush=True)

    # Models loaded first, so the parent can time the kills it makes during the work.
    from newstrace.pipeline import Context, try_analyze
    from newstrace.stories.encoders import encoder

    try_analyze(RawDocument("warm-up", text="Models load once. They are used."), Context())
    encoder("auto").encode(["Models load once."])
    with Store(url) as store:
        print("opened", flush=True)
        ingest(sources, store, Settings(), progress=handled, workers=workers)
    print("done", flush=True)


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, [environment.get("PYTHONPATH")])]
    )
    return environment


def complete_run(url: str, sources: Sequence[str], workers: int = 1) -> tuple[float, float]:
    """The same ingest, run to its end; the seconds until its models were loaded and its
    store open, and in all."""
    started = time.monotonic()
    opened = 0.0
    with subprocess.Popen(
        child_command(url, sources, workers),
        cwd=REPO,
        env=_environment(),
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == "opened":
                opened = time.monotonic() - started
    if child.returncode != 0:
        raise RuntimeError(f"the ingest into {url} failed (exit {child.returncode})")
    return opened, time.monotonic() - started


@dataclass
class Run:
    """A killed run: documents it stored anew, seconds it ran, whether it ended before the
    kill."""

    stored: int
    seconds: float
    finished: bool


def killed_run(
    url: str, sources: Sequence[str], stop_after: int | None, extra: float, workers: int = 1
) -> Run:
    """Start the ingest and kill it with SIGKILL `extra` seconds after its `stop_after`-th
    newly stored document, or `extra` seconds after its start when `stop_after` is None."""
    started = time.monotonic()
    child = subprocess.Popen(
        child_command(url, sources, workers),
        cwd=REPO,
        env=_environment(),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its pool workers, if any, die with its group
    )
    assert child.stdout is not None
    run = Run(0, 0.0, False)
    try:
        for line in child.stdout if stop_after is not None else ():
            if line.strip() == "ingested":
                run.stored += 1
                if run.stored >= (stop_after or 0):
                    break
            if line.strip() == "done":
                run.finished = True
                break
        time.sleep(extra)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=CHILD_TIMEOUT)
        if stop_after is None:  # what it printed before the kill
            lines = child.stdout.read().split()
            run.stored = lines.count("ingested")
            run.finished = "done" in lines
        child.stdout.close()
    run.seconds = time.monotonic() - started
    return run


# -- what a database must hold after any kill -------------------------------------------


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return list(connection.execute(sql.encode("utf-8")).fetchall())
    with sqlite3.connect(url) as connection:
        return list(connection.execute(sql).fetchall())


def problems(url: str) -> list[str]:
    """What is wrong with the database: empty when it is whole."""
    found: list[str] = []
    if not url.startswith("postgresql://"):
        verdict = _rows(url, "PRAGMA integrity_check")
        if verdict != [("ok",)]:
            found.append(f"integrity_check: {verdict[:3]}")
    tables = {row[0] for row in _rows(url, _tables_sql(url))}
    if "articles" not in tables:
        return found  # killed before the schema was made: nothing to check
    checks = {
        "articles without a story": "SELECT id FROM articles WHERE story IS NULL",
        "articles without a story member row": (
            "SELECT a.id FROM articles AS a LEFT JOIN story_members AS m "
            "ON m.article_id = a.id WHERE m.article_id IS NULL"
        ),
        "member rows of another story than their article's": (
            "SELECT a.id FROM articles AS a JOIN story_members AS m "
            "ON m.article_id = a.id WHERE m.story <> a.story"
        ),
        "stories without their record": (
            "SELECT DISTINCT m.story FROM story_members AS m LEFT JOIN stories AS s "
            "ON s.id = m.story WHERE s.id IS NULL"
        ),
        "story records counting other than their members": (
            "SELECT s.id FROM stories AS s WHERE s.articles <> "
            "(SELECT count(*) FROM story_members AS m WHERE m.story = s.id)"
        ),
        "raw documents pointing to no article": (
            "SELECT r.hash FROM raw_documents AS r LEFT JOIN articles AS a "
            "ON a.id = r.article_id WHERE r.article_id IS NOT NULL AND a.id IS NULL"
        ),
    }
    for what, sql in checks.items():
        rows = _rows(url, sql)
        if rows:
            found.append(f"{len(rows)} {what} (e.g. {rows[0][0]})")
    return found


def _tables_sql(url: str) -> str:
    if url.startswith("postgresql://"):
        return "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return "SELECT name FROM sqlite_master WHERE type = 'table'"


def stored_count(url: str) -> int:
    tables = {row[0] for row in _rows(url, _tables_sql(url))}
    if "articles" not in tables:
        return 0
    return int(str(_rows(url, "SELECT count(*) FROM articles")[0][0]))


def partition(url: str) -> set[frozenset[str]]:
    """The stories as sets of article ids."""
    stories: dict[str, set[str]] = {}
    for article_id, story in _rows(url, "SELECT id, story FROM articles"):
        stories.setdefault(str(story), set()).add(str(article_id))
    return {frozenset(members) for members in stories.values()}


def article_ids(url: str) -> set[str]:
    return {str(row[0]) for row in _rows(url, "SELECT id FROM articles")}


# -- the campaign -------------------------------------------------------------------------


def campaign(
    url: str,
    reference: str,
    sources: Sequence[str],
    kills: int,
    seed: int = 1,
    backend: str = "",
    workers: int = 1,
) -> Campaign:
    """`kills` killed runs into `url`, then a run to the end, compared with `reference`
    (the same ingest, uninterrupted, in another database)."""
    rng = random.Random(seed)
    began = time.monotonic()
    opened, whole = complete_run(reference, sources, workers)
    expected = stored_count(reference)
    per_document = (whole - opened) / max(expected, 1)
    result = Campaign(backend, expected)
    for left in range(kills, 0, -1):
        before = stored_count(url)
        remaining = max(expected - before, 0)
        # A few documents of what is left, so the kills spread over the corpus.
        quota = rng.randint(1, max(1, round(2 * remaining / left)))
        stop_after: int | None = None
        if left % 2:
            # At a random moment of the time the run takes to start and analyse `quota`
            # documents: start-up, model loading, reading or analysis (a chunk's articles
            # are stored once it is analysed, so these seldom reach a transaction).
            extra = rng.uniform(0.0, opened + 1.5 * per_document * quota)
        else:
            # While storing: `quota` documents stored, then a random part of a document's
            # time, so the kill lands in a later document's transaction or its analysis.
            stop_after = quota
            extra = rng.uniform(0.0, KILL_SPREAD)
        run = killed_run(url, sources, stop_after, extra, workers)
        result.kills.append(Kill(before, run.stored, run.seconds, run.finished, problems(url)))
    complete_run(url, sources, workers)
    result.final_problems = problems(url)
    result.articles = stored_count(url)
    result.same_articles = article_ids(url) == article_ids(reference)
    result.same_stories = partition(url) == partition(reference)
    result.seconds = time.monotonic() - began
    return result


@contextmanager
def databases(backend: str, folder: Path) -> Iterator[tuple[str, str]]:
    """(the campaign's database, the reference's), new and empty."""
    if backend == "sqlite":
        yield str(folder / "crash.db"), str(folder / "reference.db")
        return
    sys.path.insert(0, str(REPO / "tests"))
    from pg import start_server  # type: ignore[import-not-found,unused-ignore]

    server = start_server()
    try:
        yield server.create_database("crash"), server.create_database("reference")
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("sources", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.db, args.sources, args.workers)
        return 0
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: list[Campaign] = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="newstrace-crash-") as tmp:
            folder = Path(tmp)
            os.chmod(folder, 0o755)
            sources = write_corpus(folder, args.articles)
            with databases(backend, folder) as (url, reference):
                result = campaign(
                    url, reference, sources, args.kills, args.seed, backend, args.workers
                )
        results.append(result)
        print(result.summary(), flush=True)
        for number, kill in enumerate(result.kills, 1):
            state = "ended before the kill" if kill.finished_first else "killed"
            print(
                f"  kill {number:2}: {kill.stored_before:3} stored before, "
                f"{kill.stored_by_child:2} stored by the child, {state} after "
                f"{kill.after_seconds:.1f} s; problems: {kill.problems or 'none'}"
            )
    if args.json:
        print(json.dumps([{"backend": r.backend, "held": r.held} for r in results]))
    return 0 if all(result.held for result in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
