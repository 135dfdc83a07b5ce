"""Ingest end to end: raw documents known before analysis, one transaction per article with
its story, any number of writers, any number of workers, and kill -9 at random moments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import test_store
from conftest import DEV, REPO, SEEDS
from pg import PostgresServer
from test_store import FRENCH_SEED, ecb_articles, open_store, raw_rows

from benchmarks import crash
from newstrace.ingestion import Analyzer, Outcome, ingest, ingest_documents, raw_hash
from newstrace.model import RawDocument
from newstrace.settings import Settings
from newstrace.store.base import StoryMember

# The PostgreSQL server and the database fixture of test_store, reused here.
postgres = test_store.postgres
postgres_url = test_store.postgres_url
database = test_store.database

# Settings under which every document fails: no clean body is this long.
FAILING = Settings().merged({"analysis": {"min_text_chars": 10**9}})
# Kills per dialect in CI (benchmarks/crash.py runs 20).
CI_KILLS = 5


class CountingAnalyzer(Analyzer):
    """The real analyzer, counting the documents it is given."""

    def __init__(self, settings: Settings, workers: int = 1) -> None:
        super().__init__(settings, workers)
        self.analysed: list[str] = []

    def submit(self, documents: Sequence[RawDocument]) -> Callable[[], list[Outcome]]:
        self.analysed.extend(raw.source for raw in documents)
        return super().submit(documents)


def _ingest(
    sources: Sequence[str], url: str, settings: Settings, workers: int = 1
) -> tuple[dict[str, int], list[str]]:
    from newstrace.readers import read_sources

    with open_store(url) as store, CountingAnalyzer(settings, workers) as analyzer:
        report = ingest_documents(
            read_sources(sources, settings), store, settings, analyzer=analyzer
        )
    counts = {"ingested": report.ingested, "duplicates": report.duplicates}
    counts["failed"] = report.failed
    return counts, analyzer.analysed


def _seeds() -> list[str]:
    return sorted(str(path) for path in SEEDS.glob("*.txt"))


# -- the raw-content hash ---------------------------------------------------------------


def test_a_stored_document_is_a_duplicate_without_analysis_whatever_its_file(
    tmp_path: Path,
) -> None:
    url = str(tmp_path / "news.db")
    first, analysed = _ingest(_seeds(), url, Settings())
    assert first == {"ingested": 2, "duplicates": 0, "failed": 0}
    assert len(analysed) == 2
    copy = tmp_path / "copy-of-the-french-seed.txt"
    shutil.copy(FRENCH_SEED, copy)
    # Under settings that fail every analysis: only a document analysed again could fail.
    again, analysed = _ingest([*_seeds(), str(copy)], url, FAILING)
    assert again == {"ingested": 0, "duplicates": 3, "failed": 0}
    assert analysed == []


def test_the_hash_covers_what_was_read_and_how_not_where_nor_when() -> None:
    raw = RawDocument(source="a.txt", text="Body.", title="T")
    assert raw_hash(raw) == raw_hash(RawDocument(source="b.txt", text="Body.", title="T"))
    assert raw_hash(raw) == raw_hash(
        RawDocument(source="a.txt", text="Body.", title="T", fetched="2026-01-01T00:00:00Z")
    )
    assert raw_hash(raw) != raw_hash(RawDocument(source="a.txt", html="Body.", title="T"))
    assert raw_hash(raw) != raw_hash(RawDocument(source="a.txt", text="Body.", title="U"))
    assert raw_hash(raw) != raw_hash(RawDocument(source="a.txt", text="Body!", title="T"))


def test_a_failure_is_not_analysed_again_until_the_version_or_settings_change(
    tmp_path: Path,
) -> None:
    url = str(tmp_path / "news.db")
    failing = Settings().merged({"analysis": {"min_text_chars": 10**9, "time_budget": 0}})
    first, analysed = _ingest(_seeds(), url, failing)
    assert first["failed"] == 2 and len(analysed) == 2
    again, analysed = _ingest(_seeds(), url, failing)
    assert again["failed"] == 2
    assert analysed == []  # the reason was remembered with what decided it
    with open_store(url) as store:
        assert [f.attempts for f in store.failures()] == [2, 2]
    # Other settings: analysed again, and nothing was lost.
    done, analysed = _ingest(_seeds(), url, Settings())
    assert done == {"ingested": 2, "duplicates": 0, "failed": 0}
    assert len(analysed) == 2
    with open_store(url) as store:
        assert store.failures() == []


def test_a_failure_that_took_the_time_budget_is_tried_again(tmp_path: Path) -> None:
    url = str(tmp_path / "news.db")
    # A budget any analysis outlasts: the failure may be the machine's load, not the document's.
    hurried = Settings().merged({"analysis": {"min_text_chars": 10**9, "time_budget": 1e-6}})
    _ingest(_seeds(), url, hurried)
    again, analysed = _ingest(_seeds(), url, hurried)
    assert again["failed"] == 2 and len(analysed) == 2


def test_the_same_content_twice_in_one_run_is_analysed_once(tmp_path: Path) -> None:
    copy = tmp_path / "again.txt"
    shutil.copy(FRENCH_SEED, copy)
    counts, analysed = _ingest([str(FRENCH_SEED), str(copy)], str(tmp_path / "n.db"), Settings())
    assert counts == {"ingested": 1, "duplicates": 1, "failed": 0}
    assert analysed == [str(FRENCH_SEED)]


# -- one transaction: the article, its record and its story -----------------------------


def test_a_transaction_commits_everything_inside_or_nothing_on_both_dialects(
    database: str,
) -> None:
    first, second = ecb_articles(2)
    with open_store(database) as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add(first)
            store.record_document("h1", first.source, first.id)
            store.save_story_member(StoryMember(first.id, first.id, 1.0, None, "{}"))
            raise RuntimeError("a crash between the article and its story")
        assert store.get(first.id) is None
        assert store.known_documents(["h1"]) == {}
        assert list(store.story_members_since(0)) == []
        with store.transaction():
            with store.transaction():  # a nested call joins the outer transaction
                store.add(second)
            # Not committed yet: another connection does not see it.
            assert raw_rows(database, "SELECT count(*) FROM articles") == [(0,)]
        assert raw_rows(database, "SELECT count(*) FROM articles") == [(1,)]


def test_an_article_left_without_a_story_gets_one_at_the_next_ingest(database: str) -> None:
    (article,) = ecb_articles(1)
    with open_store(database) as store:
        store.add(article)  # as an ingest of an older version killed before assigning
        report = ingest_documents([], store)
        assert report.completed == 1
        stored = store.get(article.id)
        assert stored is not None and stored.story == article.id
        assert [m.article_id for m in store.story_members_since(0)] == [article.id]
        assert ingest_documents([], store).completed == 0


# -- workers ------------------------------------------------------------------------------


def _ecb_slice(folder: Path, rows: Sequence[dict[str, object]], name: str) -> str:
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def _ecb_rows(topics: Sequence[int], per_topic: int) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (DEV / "stories_ecbplus.jsonl").open(encoding="utf-8")]
    chosen: list[dict[str, object]] = []
    for topic in topics:
        chosen.extend([row for row in rows if row["topic"] == topic][:per_topic])
    return chosen


def _everything(url: str) -> dict[str, dict[str, object]]:
    with open_store(url) as store:
        return {article.id: article.to_dict() for article in store.articles()}


@pytest.mark.slow
def test_two_workers_give_the_articles_and_stories_of_one(tmp_path: Path) -> None:
    corpus = _ecb_slice(tmp_path, _ecb_rows([3, 4], 12), "ecb.jsonl")
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    with open_store(one) as store:
        ingest([corpus, *_seeds()], store, workers=1)
    with open_store(two) as store, Analyzer(Settings(), workers=2) as analyzer:
        from newstrace.readers import read_sources

        ingest_documents(read_sources([corpus, *_seeds()], Settings()), store, analyzer=analyzer)
        assert analyzer.pooled
    alone, pooled = _everything(one), _everything(two)
    assert len(alone) == 26
    assert pooled == alone  # every field of every article, its story included
    assert crash.partition(two) == crash.partition(one)


# -- any number of writers ----------------------------------------------------------------


def _cli(url: str, *arguments: str) -> subprocess.Popen[bytes]:
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "newstrace", "--db", url, *arguments],
        cwd=REPO,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(process: subprocess.Popen[bytes]) -> None:
    _, error = process.communicate(timeout=600)
    assert process.returncode == 0, error.decode()


def _join_order(url: str) -> list[str]:
    """The article ids in the order they joined their stories."""
    order = "seq" if url.startswith("postgresql://") else "rowid"
    return [
        row[0] for row in raw_rows(url, f"SELECT article_id FROM story_members ORDER BY {order}")
    ]


def _writers(tmp_path: Path, shared: str, alone: str, replay: str) -> None:
    from newstrace.readers import read_sources

    rows = _ecb_rows([3, 4, 5], 10)
    halves = [rows[0::2], rows[1::2]]  # both processes see every event
    files = [_ecb_slice(tmp_path, half, f"half{n}.jsonl") for n, half in enumerate(halves)]
    both = [_cli(shared, "ingest", "-q", "--workers", "1", file) for file in files]
    for process in both:
        _wait(process)
    assert crash.problems(shared) == []
    assert len(crash.article_ids(shared)) == len(rows)
    # One process given the documents in the order the two writers stored them: the row
    # of each stored article is found through its raw document's hash.
    row_of: dict[str, dict[str, object]] = {}
    for file, half in zip(files, halves, strict=True):
        documents = [d for d in read_sources([file], Settings()) if isinstance(d, RawDocument)]
        row_of.update({raw_hash(d): row for d, row in zip(documents, half, strict=True)})
    hash_of = {
        id: hash for hash, id in raw_rows(shared, "SELECT hash, article_id FROM raw_documents")
    }
    ordered = [row_of[hash_of[id]] for id in _join_order(shared)]
    _wait(
        _cli(
            replay, "ingest", "-q", "--workers", "1", _ecb_slice(tmp_path, ordered, "in-turn.jsonl")
        )
    )
    # Each decision saw every earlier one: the stories one writer makes in that order.
    assert crash.partition(shared) == crash.partition(replay)
    # And the same stories as one process ingesting the halves one after the other.
    _wait(_cli(alone, "ingest", "-q", "--workers", "1", *files))
    assert crash.partition(shared) == crash.partition(alone)


@pytest.mark.slow
def test_two_processes_writing_one_sqlite_file_make_the_stories_of_one(tmp_path: Path) -> None:
    _writers(
        tmp_path,
        str(tmp_path / "shared.db"),
        str(tmp_path / "alone.db"),
        str(tmp_path / "replay.db"),
    )


@pytest.mark.slow
def test_two_processes_writing_one_postgres_database_make_the_stories_of_one(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    names = ["writers_shared", "writers_alone", "writers_replay"]
    urls = [postgres.create_database(name) for name in names]
    try:
        _writers(tmp_path, *urls)
    finally:
        for name in names:
            postgres.drop_database(name)


# -- kill -9 at random moments ------------------------------------------------------------


def _campaign(tmp_path: Path, url: str, reference: str, backend: str) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    os.chmod(tmp_path, 0o755)
    sources = crash.write_corpus(folder, 30)
    result = crash.campaign(url, reference, sources, CI_KILLS, seed=7, backend=backend)
    assert [kill.problems for kill in result.kills] == [[]] * CI_KILLS, result.summary()
    assert result.final_problems == []
    assert result.articles == 32
    assert result.same_articles, result.summary()
    assert result.same_stories, result.summary()


@pytest.mark.slow
def test_kill_9_during_ingest_into_sqlite_loses_nothing(tmp_path: Path) -> None:
    _campaign(tmp_path, str(tmp_path / "crash.db"), str(tmp_path / "reference.db"), "sqlite")


@pytest.mark.slow
def test_kill_9_during_ingest_into_postgres_loses_nothing(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    names = ["crash_campaign", "crash_reference"]
    urls = [postgres.create_database(name) for name in names]
    try:
        _campaign(tmp_path, urls[0], urls[1], "postgres")
    finally:
        for name in names:
            postgres.drop_database(name)
