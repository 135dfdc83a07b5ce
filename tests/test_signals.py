"""The signals stage on real articles: what a reader should doubt, each with its evidence."""

from __future__ import annotations

import json
from itertools import islice

import pytest
from conftest import DEV, SEEDS

from newstrace.analysis.signals import signals
from newstrace.model import Article, RawDocument, Removed
from newstrace.pipeline import Context, Pipeline, default_pipeline

FRENCH = "000_922ab060dcfde385.txt"
ENGLISH = "002_675ba3ab04b08978.txt"
# English news of ECB+ checked for false translation artifacts.
ECB_ARTICLES = 25


def _pipeline() -> Pipeline:
    stages = [s for s in default_pipeline().stages if s.name != "signals"]
    return Pipeline([*stages, signals])


def _analyse(text: str, source: str, **meta: str) -> Article:
    return _pipeline().run(RawDocument(source=source, text=text, **meta), Context())


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {
        name: _analyse((SEEDS / name).read_text(encoding="utf-8"), name)
        for name in (FRENCH, ENGLISH)
    }


def _kinds(article: Article) -> set[str]:
    return {s.kind for s in article.signals}


@pytest.mark.parametrize("name", [FRENCH, ENGLISH])
def test_signals_expected_for_each_seed_are_raised_with_evidence(
    seeds: dict[str, Article], name: str
) -> None:
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    wanted = set(expected["articles"][name]["signals"])
    article = seeds[name]
    assert wanted <= _kinds(article)
    for signal in article.signals:
        assert signal.evidence.strip()
        if signal.start is not None and signal.end is not None:
            assert article.text[signal.start : signal.end].strip() in signal.evidence


def test_doubled_speech_tag_points_at_the_machine_translation_artifact(
    seeds: dict[str, Article],
) -> None:
    article = seeds[FRENCH]
    found = [s for s in article.signals if s.kind == "translation_artifact"]
    assert len(found) == 1 and found[0].start is not None and found[0].end is not None
    assert article.text[found[0].start : found[0].end] == (
        "a-t-il déclaré. a déclaré le président russe"
    )


def test_generic_author_bio_evidence_is_the_removed_bio(seeds: dict[str, Article]) -> None:
    bios = [s for s in seeds[FRENCH].signals if s.kind == "generic_author_bio"]
    assert len(bios) == 1 and "Fan d’alcool incurable" in bios[0].evidence
    assert "Fan d’alcool" not in seeds[FRENCH].text


def test_page_furniture_names_each_line_that_was_in_the_source(
    seeds: dict[str, Article],
) -> None:
    article = seeds[ENGLISH]
    evidence = " | ".join(s.evidence for s in article.signals if s.kind == "page_furniture")
    for line in ("No time to read?", "Previous Article", "Next Article", "Al-Nasr Faces"):
        assert line in evidence
    assert not any(s.kind == "page_furniture" for s in seeds[FRENCH].signals)


def test_weasel_attribution_spans_start_at_the_nameless_crowd(
    seeds: dict[str, Article],
) -> None:
    article = seeds[ENGLISH]
    spans = [
        article.text[s.start : s.end]
        for s in article.signals
        if s.kind == "weasel_attribution" and s.start is not None
    ]
    assert sorted(span.split()[0] for span in spans) == ["Analysts", "Experts"]
    assert "weasel_attribution" not in _kinds(seeds[FRENCH])


def test_unsourced_claims_raised_for_padded_rewrite_not_for_relayed_interview(
    seeds: dict[str, Article],
) -> None:
    padded = [s for s in seeds[ENGLISH].signals if s.kind == "unsourced_claims"]
    assert len(padded) == 1 and "name no source" in padded[0].evidence
    assert "unsourced_claims" not in _kinds(seeds[FRENCH])


def test_byline_and_date_given_raise_no_missing_signal() -> None:
    text = (SEEDS / ENGLISH).read_text(encoding="utf-8")
    article = _analyse(text, ENGLISH, byline="Jane Roe", published="2024-03-01T10:00:00Z")
    assert not {"no_byline", "no_date"} & _kinds(article)


def test_english_sentence_left_in_french_article_is_an_untranslated_fragment() -> None:
    french = (SEEDS / FRENCH).read_text(encoding="utf-8")
    left = (
        "Rogov emphasized that Lithuanians constitute a significant portion of this group, "
        "with citizens from other Baltic nations also present in smaller numbers."
    )
    first, rest = french.split("\n", 1)
    article = _analyse(f"{first}\n{left}\n{rest}", "mixed.txt")
    assert article.language == "fr"
    fragments = [
        s
        for s in article.signals
        if s.kind == "translation_artifact" and "left in en" in s.evidence
    ]
    assert len(fragments) == 1 and "Lithuanians" in fragments[0].evidence


def test_no_translation_artifact_in_english_news() -> None:
    lines = (DEV / "stories_ecbplus.jsonl").read_text(encoding="utf-8").splitlines()
    flagged = []
    for line in islice(lines, ECB_ARTICLES):
        row = json.loads(line)
        article = _analyse(row["text"], row["id"])
        flagged += [s.evidence for s in article.signals if s.kind == "translation_artifact"]
    assert flagged == []


def test_bare_article_gets_only_missing_byline_and_date() -> None:
    article = Article(id="x", source="bare", text="", language=None)
    article.removed = [Removed(text="", reason="furniture")]
    result = signals.run(article, Context())
    assert sorted(s.kind for s in result.signals) == ["no_byline", "no_date"]
