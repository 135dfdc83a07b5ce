"""Extraction quality on the dev pages stays above the floor pinned in benchmarks/floors.toml."""

from __future__ import annotations

import sys
import tomllib

import pytest
from conftest import DEV, REPO

if str(REPO) not in sys.path:  # benchmarks/ is a directory of scripts, not installed
    sys.path.insert(0, str(REPO))

from benchmarks.extraction import (
    Score,
    load_cases,
    newstrace_text,
    score,
    trafilatura_text,
)

FLOORS = tomllib.loads((REPO / "benchmarks" / "floors.toml").read_text())["extraction"]


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    cases = load_cases(DEV / "extraction_pages")
    assert len(cases) > 100, "the dev extraction pages are missing"
    return {
        "trafilatura": score([trafilatura_text(c) for c in cases], cases),
        "newstrace": score([newstrace_text(c) for c in cases], cases),
    }


@pytest.mark.slow
def test_newstrace_extraction_stays_above_the_pinned_floor(scores: dict[str, Score]) -> None:
    ours = scores["newstrace"]
    assert ours.with_kept >= FLOORS["with_kept"], ours
    assert ours.without_absent >= FLOORS["without_absent"], ours
    assert ours.mean >= FLOORS["mean"], ours


@pytest.mark.slow
def test_clean_keeps_every_snippet_trafilatura_keeps(scores: dict[str, Score]) -> None:
    assert scores["newstrace"].with_kept >= scores["trafilatura"].with_kept


@pytest.mark.slow
def test_clean_removes_more_furniture_than_trafilatura_alone(scores: dict[str, Score]) -> None:
    assert scores["newstrace"].without_absent > scores["trafilatura"].without_absent
