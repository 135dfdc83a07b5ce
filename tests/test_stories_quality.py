"""Story clustering quality on the dev corpus stays above the floors in benchmarks/floors.toml."""

from __future__ import annotations

import tomllib

import pytest
from conftest import REPO

from benchmarks.stories import run


def floors() -> dict[str, float]:
    with (REPO / "benchmarks" / "floors.toml").open("rb") as file:
        table: dict[str, float] = tomllib.load(file)["stories"]
    return table


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, dict[str, float]]]:
    # The held-out halves only: what the benchmark reports (thresholds come from the others).
    return run(halves=("test",))


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["ecbplus", "itn"])
def test_story_clustering_stays_above_its_floor(
    table: dict[str, dict[str, dict[str, float]]], corpus: str
) -> None:
    scores = table[f"stories_{corpus}.jsonl"]["newstrace"]
    floor = floors()
    assert scores["f1"] >= floor[f"{corpus}_bcubed_f1"], scores
    assert scores["pairwise_f1"] >= floor[f"{corpus}_pairwise_f1"], scores


@pytest.mark.slow
def test_newstrace_beats_both_baselines_on_mean_bcubed_f1(
    table: dict[str, dict[str, dict[str, float]]],
) -> None:
    def mean(system: str) -> float:
        return sum(table[c][system]["f1"] for c in table) / len(table)

    assert mean("newstrace") > mean("tfidf")
    assert mean("newstrace") > mean("encoder")
