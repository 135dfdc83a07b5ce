"""`analyze`: the stage order check, purity, stable ids, and failures with reasons."""

from __future__ import annotations

import json
import logging
import pickle

import pytest
from conftest import SEEDS

from newstrace.analysis.base import Context, stage
from newstrace.analysis.extract import extract
from newstrace.errors import AnalysisError
from newstrace.ingestion import ingest_documents
from newstrace.model import Article, Failure, RawDocument
from newstrace.pipeline import Pipeline, analyze, article_id, default_pipeline, try_analyze
from newstrace.store import Store


@stage("needs_sentences", reads=["sentences"], writes=["claims"])
def needs_sentences(article: Article, context: Context) -> Article:
    return article


def test_a_stage_placed_before_its_inputs_fails_at_start_naming_both() -> None:
    pipeline = default_pipeline()
    segment = next(s for s in pipeline.stages if s.name == "segment")
    with pytest.raises(ValueError, match=r"'needs_sentences' reads sentences.*segment"):
        Pipeline([extract, needs_sentences, segment])


def test_default_pipeline_order_is_extract_clean_language_segment() -> None:
    names = [s.name for s in default_pipeline().stages]
    assert names[:4] == ["extract", "clean", "language", "segment"]


def test_article_id_is_stable_across_whitespace_case_and_unicode_forms() -> None:
    assert article_id("Hello  World\n") == article_id("hello world")
    assert article_id("Cafe\u0301") == article_id("Café")
    assert article_id("one article") != article_id("another article")


def test_analyze_is_deterministic_and_its_output_pickles_and_round_trips() -> None:
    raw = RawDocument(source="000.txt", text=(SEEDS / "000_922ab060dcfde385.txt").read_text())
    first, second = analyze(raw), analyze(raw)
    assert first == second
    assert pickle.loads(pickle.dumps(first)) == first
    assert Article.from_dict(json.loads(json.dumps(first.to_dict()))) == first


def test_same_text_from_another_source_gets_the_same_id() -> None:
    text = (SEEDS / "002_675ba3ab04b08978.txt").read_text()
    a = analyze(RawDocument(source="a.txt", text=text))
    b = analyze(RawDocument(source="elsewhere/b.txt", text=text.replace("\n", "\r\n")))
    assert a.id == b.id


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (RawDocument(source="blank.txt", text="  \n\t\n"), "empty"),
        (RawDocument(source="nobody.html", html="<html><body></body></html>"), "no main text"),
        (RawDocument(source="broken.html", html="<html><body><div><p"), "no main text"),
    ],
)
def test_documents_without_text_fail_with_a_one_line_reason(raw: RawDocument, reason: str) -> None:
    outcome = try_analyze(raw)
    assert isinstance(outcome, Failure)
    assert reason in outcome.reason
    assert "\n" not in outcome.reason
    with pytest.raises(AnalysisError):
        analyze(raw)


def test_html_metadata_comes_from_the_page_and_reader_metadata_wins() -> None:
    html = (
        "<html lang='en'><head><title>Storm hits coast | Daily Bugle</title>"
        "<meta name='author' content='Jane Roe'>"
        "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
        "<meta property='og:site_name' content='Daily Bugle'></head><body><article>"
        "<h1>Storm hits coast</h1><p>"
        + "A storm hit the coast on Tuesday, officials said. " * 8
        + "</p></article></body></html>"
    )
    found = analyze(RawDocument(source="page.html", html=html))
    assert found.title == "Storm hits coast"
    assert found.byline == "Jane Roe"
    assert found.published == "2024-03-05"
    assert found.outlet == "Daily Bugle"
    assert "officials said" in found.text
    told = analyze(RawDocument(source="page.html", html=html, title="Given title"))
    assert told.title == "Given title"


@stage("explode", reads=["text"], writes=["summary"])
def explode(article: Article, context: Context) -> Article:
    if "boom" in article.text:
        raise KeyError("no such\nthing")
    return article


def test_a_bug_in_a_stage_is_a_failure_naming_the_stage_and_the_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = RawDocument(source="boom.txt", text="This text goes boom in a stage.")
    with caplog.at_level(logging.DEBUG, logger="newstrace"):
        outcome = try_analyze(raw, pipeline=Pipeline([extract, explode]))
    assert isinstance(outcome, Failure)
    assert outcome.source == "boom.txt"
    assert outcome.reason == "analysis failed in stage explode: KeyError: 'no such\\nthing'"
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warning] == [f"boom.txt: {outcome.reason}"]
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_analysis_errors_keep_their_own_reason_in_a_custom_pipeline() -> None:
    outcome = try_analyze(RawDocument(source="e.txt", text=" "), pipeline=Pipeline([extract]))
    assert isinstance(outcome, Failure)
    assert outcome.reason == "empty document: no text"


def test_ingest_goes_on_after_a_document_that_hits_a_bug() -> None:
    documents = [
        RawDocument(source="first.txt", text="The first article is fine and has words."),
        RawDocument(source="boom.txt", text="The second article goes boom in a stage."),
        RawDocument(source="third.txt", text="The third article is fine too, with words."),
    ]
    with Store(memory=True) as store:
        report = ingest_documents(documents, store, pipeline=Pipeline([extract, explode]))
        assert report.ingested == 2
        assert report.failed == 1
        assert [f.source for f in report.failures] == ["boom.txt"]
        assert "in stage explode: KeyError" in report.failures[0].reason
        assert [a.source for a in report.articles] == ["first.txt", "third.txt"]
        assert store.count() == 2
        assert [f.source for f in store.failures()] == ["boom.txt"]


def test_lone_surrogates_become_replacement_characters_and_the_article_gets_an_id() -> None:
    # Found by tests/test_fuzz_analyze.py: the article id failed to encode "\ud800".
    raw = RawDocument(source="s.txt", text="Words A\ud800B of a text\udfff here.", title="T\udbff")
    outcome = try_analyze(raw)
    assert isinstance(outcome, Article)
    assert outcome.text == "Words A\ufffdB of a text\ufffd here."
    assert outcome.title == "T\ufffd"
    assert outcome.id == article_id(outcome.text)
