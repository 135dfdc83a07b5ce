"""Summary quality floor: newstrace's ROUGE on the OrangeSum dev file, against the pinned floor.

Articles go through newstrace's pipeline (`analyze`), as users run it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import REPO

from benchmarks.summary_eval import Reference, load_orangesum, mean_rouge, truncate_words
from newstrace.analysis.summary.extractive import summarize

# (budget name in floors.toml, sentences, words)
BUDGETS = [("1_sentence", 1, None), ("3_sentences", 3, None), ("32_words", 10, 32)]


@pytest.fixture(scope="module")
def references(dev_dir: Path) -> Sequence[Reference]:
    return load_orangesum(dev_dir / "summaries_orangesum.jsonl")


@pytest.fixture(scope="module")
def floors() -> dict[str, float]:
    with (REPO / "benchmarks" / "floors.toml").open("rb") as file:
        table: dict[str, float] = tomllib.load(file)["summaries"]
    return table


def _ours(references: Sequence[Reference], count: int, words: int | None) -> dict[str, float]:
    return mean_rouge(
        [
            (
                truncate_words(summarize(r.article, sentences=count, words=words).text, words)
                if words
                else summarize(r.article, sentences=count).text,
                r.reference,
            )
            for r in references
        ]
    )


def _lead(references: Sequence[Reference], count: int, words: int | None) -> dict[str, float]:
    return mean_rouge(
        [
            (
                truncate_words(r.article.text, words)
                if words
                else " ".join(r.article.sentence_texts()[:count]),
                r.reference,
            )
            for r in references
        ]
    )


def test_orangesum_is_read_whole_through_the_pipeline(references: Sequence[Reference]) -> None:
    assert len(references) == 287
    assert all(r.article.sentences and r.article.language == "fr" for r in references)


@pytest.mark.parametrize(("budget", "count", "words"), BUDGETS)
def test_orangesum_rouge_stays_above_the_floor(
    references: Sequence[Reference],
    floors: dict[str, float],
    budget: str,
    count: int,
    words: int | None,
) -> None:
    scores = _ours(references, count, words)
    assert scores["rouge2"] >= floors[f"rouge2_{budget}"], scores
    assert scores["rougeL"] >= floors[f"rougeL_{budget}"], scores


@pytest.mark.parametrize(("budget", "count", "words"), BUDGETS)
def test_orangesum_summary_beats_the_lead_on_rouge2_and_rougel(
    references: Sequence[Reference], budget: str, count: int, words: int | None
) -> None:
    ours, lead = _ours(references, count, words), _lead(references, count, words)
    assert ours["rouge2"] > lead["rouge2"], (budget, ours, lead)
    assert ours["rougeL"] > lead["rougeL"], (budget, ours, lead)
