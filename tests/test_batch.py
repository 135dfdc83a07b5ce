"""Batch: a slice of the dev corpus to Parquet on the process pool and on Spark local[2].

Both engines must give exactly the articles that `analyze` gives in one process, failure
rows for broken inputs, and (through the story stage) the stories of ingesting the same
articles one by one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from conftest import DEV, SEEDS
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from newstrace.batch import batch_articles, load_batch, run_batch, spark_available
from newstrace.batch.report import BatchReport
from newstrace.batch.schema import TABLES
from newstrace.batch.stories import read_rows, story_order
from newstrace.cli import main
from newstrace.model import Article, Failure, RawDocument
from newstrace.pipeline import Context, try_analyze
from newstrace.readers import read_sources
from newstrace.settings import Settings
from newstrace.store import BaseStore, Store
from newstrace.stories import assign_story

# Two ECB+ topics (four events): enough for stories to form and to be told apart.
ECB_LINES = 14
PAGES = ["5min.at-Villachs.html", "Osthessen-news.de-Buergermeisterwahl.html", "mix1.de-clio.html"]


def write_crawl(path: Path) -> None:
    """Dev pages as a crawler writes them: request, response (dated now), metadata."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for name in PAGES:
            url = f"https://news.example.org/{name}"
            request = StatusAndHeaders(f"GET /{name} HTTP/1.1", [], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            body = (DEV / "extraction_pages" / "pages" / name).read_bytes()
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": now},
                )
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "metadata",
                    payload=io.BytesIO(b"fetchTimeMs: 120\n"),
                    warc_content_type="application/warc-fields",
                )
            )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A dev slice (ECB+ lines, the seed folder, a WARC of dev pages) and broken inputs."""
    folder = tmp_path_factory.mktemp("batch-inputs")
    lines = (DEV / "stories_ecbplus.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "ecb.jsonl").write_text("\n".join(lines[:ECB_LINES]) + "\n", encoding="utf-8")
    write_crawl(folder / "crawl.warc.gz")
    (folder / "broken.jsonl").write_text('{"text": "Un texte."}\n{"text": \n', encoding="utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return [
        str(folder / "ecb.jsonl"),
        str(SEEDS),
        str(folder / "crawl.warc.gz"),
        str(folder / "broken.jsonl"),
        str(folder / "photo.txt"),
        str(folder / "missing.jsonl"),
    ]


@pytest.fixture(scope="module")
def one_process(inputs: list[str]) -> tuple[dict[str, Article], dict[str, str]]:
    """`analyze` in this process over the same inputs: articles and failures by source."""
    context = Context(settings=Settings())
    articles: dict[str, Article] = {}
    failures: dict[str, str] = {}
    for item in read_sources(inputs, Settings()):
        if isinstance(item, RawDocument):
            outcome = try_analyze(item, context)
            if isinstance(outcome, Article):
                articles[outcome.source] = outcome
            else:
                failures[outcome.source] = outcome.reason
        elif isinstance(item, Failure):
            failures[item.source] = item.reason
    return articles, failures


@pytest.fixture(scope="module")
def local_out(
    inputs: list[str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, BatchReport]:
    out = tmp_path_factory.mktemp("batch-local")
    return out, run_batch(inputs, str(out), engine="local", workers=2)


@pytest.fixture(scope="module")
def spark_out(
    inputs: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, BatchReport]]:
    """One Spark local[2] session for the module (the JVM starts once)."""
    if not spark_available():
        pytest.fail("pyspark is missing: install the dev extra (pip install -e '.[dev]')")
    from newstrace.batch.spark import run_spark, spark_session

    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    out = tmp_path_factory.mktemp("batch-spark")
    try:
        yield out, run_spark(inputs, str(out), "local[2]", Settings(), spark=session)
    finally:
        session.stop()


def assert_same_articles_as_one_process(
    out: Path, one_process: tuple[dict[str, Article], dict[str, str]]
) -> None:
    expected, _ = one_process
    found = {article.source: article for _, article in batch_articles(out)}
    assert sorted(found) == sorted(expected)
    assert len(expected) >= ECB_LINES + 2 + len(PAGES)
    for source, article in expected.items():
        assert found[source].id == article.id
        assert found[source].text == article.text
        assert found[source].claims == article.claims
        assert found[source].to_dict() == article.to_dict(), source


def assert_failure_rows(out: Path, one_process: tuple[dict[str, Article], dict[str, str]]) -> None:
    _, expected = one_process
    rows = read_rows(out, "failures")
    assert {row["source"]: row["reason"] for row in rows} == expected
    by_source = {row["source"]: row for row in rows}
    assert any(s.endswith("broken.jsonl:2") for s in by_source)
    assert any(s.endswith("missing.jsonl") for s in by_source)
    assert any("binary" in row["reason"] for row in rows)
    assert all(row["stage"] in ("read", "analyze") and row["reason"] for row in rows)


def test_local_pool_gives_the_same_articles_as_analyze_in_one_process(
    local_out: tuple[Path, BatchReport], one_process: tuple[dict[str, Article], dict[str, str]]
) -> None:
    assert_same_articles_as_one_process(local_out[0], one_process)


def test_local_pool_records_broken_inputs_as_failure_rows_with_their_reason(
    local_out: tuple[Path, BatchReport], one_process: tuple[dict[str, Article], dict[str, str]]
) -> None:
    assert_failure_rows(local_out[0], one_process)
    report = local_out[1]
    assert report.failed == len(one_process[1])
    # the seed folder's README.md and expected.json, and per page a request and a metadata
    assert report.skipped == 2 + 2 * len(PAGES)


def test_local_pool_loads_the_models_once_per_worker_process(
    local_out: tuple[Path, BatchReport],
) -> None:
    report = local_out[1]
    assert 1 <= len(report.contexts) <= 2
    assert sum(report.contexts.values()) == len(report.contexts)


def test_tables_have_the_documented_columns_and_a_manifest(
    local_out: tuple[Path, BatchReport],
) -> None:
    out, report = local_out
    for name, schema in TABLES.items():
        assert pq.read_schema(next((out / name).glob("*.parquet"))).names == schema.names
    manifest = json.loads((out / "_newstrace_batch.json").read_text(encoding="utf-8"))
    assert manifest["articles"] == report.articles == len(read_rows(out, "articles"))
    assert manifest["claims"] == len(read_rows(out, "claims")) > 0


def story_partition(store: BaseStore) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article in store.articles():
        assert article.story is not None
        groups.setdefault(article.story, set()).add(article.id)
    return {frozenset(group) for group in groups.values()}


def test_story_stage_gives_the_same_stories_as_ingesting_one_by_one(
    local_out: tuple[Path, BatchReport],
    one_process: tuple[dict[str, Article], dict[str, str]],
    tmp_path: Path,
) -> None:
    out = local_out[0]
    with Store(str(tmp_path / "batch.db")) as store:
        loaded = load_batch(out, store)
        from_batch = story_partition(store)
        assert loaded.failed == len(store.failures()) == len(one_process[1])
    # the same articles, as analyze made them in one process, ingested one at a time
    order = [article.source for _, article in story_order(batch_articles(out))]
    with Store(str(tmp_path / "one-by-one.db")) as store:
        for source in order:
            article = Article.from_dict(one_process[0][source].to_dict())
            if store.add(article) == "ingested":
                assign_story(store, article)
        one_by_one = story_partition(store)
    assert from_batch == one_by_one
    assert loaded.ingested == sum(len(group) for group in one_by_one)
    assert any(len(group) > 1 for group in from_batch)  # stories did form


def test_batch_command_records_failures_and_loads_them_into_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('not json\n["a list"]\n', encoding="utf-8")
    out, db = tmp_path / "out", tmp_path / "news.db"
    argv = ["--db", str(db), "batch", str(broken), "--out", str(out), "--workers", "1"]
    assert main([*argv, "--load", "--json"]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert document["batch"]["failed"] == 2 and document["batch"]["articles"] == 0
    assert document["load"] == {"ingested": 0, "duplicates": 0, "failed": 2, "stories": 0}


def test_batch_command_without_inputs_or_load_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.slow
def test_spark_local_mode_gives_the_same_articles_as_analyze_in_one_process(
    spark_out: tuple[Path, BatchReport], one_process: tuple[dict[str, Article], dict[str, str]]
) -> None:
    assert_same_articles_as_one_process(spark_out[0], one_process)
    report = spark_out[1]
    assert sum(report.contexts.values()) == len(report.contexts) >= 1


@pytest.mark.slow
def test_spark_records_broken_inputs_as_failure_rows_and_skips_what_ingest_skips(
    spark_out: tuple[Path, BatchReport],
    local_out: tuple[Path, BatchReport],
    one_process: tuple[dict[str, Article], dict[str, str]],
) -> None:
    assert_failure_rows(spark_out[0], one_process)
    assert spark_out[1].skipped == local_out[1].skipped
    assert spark_out[1].articles == local_out[1].articles
