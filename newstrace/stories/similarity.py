"""The settings of story assignment, and the TF-IDF arithmetic its similarities are built on.

The similarities themselves and how they combine are in `scorer` (a learned pair model)
and `index` (their means over a story's members).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StoryConfig:
    """The join threshold and the bounds of the story index.

    Every similarity weight is learned (`scorer`); the one knob left is the threshold on the
    probability, chosen by cross-validation over whole stories (docs/stories.md).
    """

    # None: the shipped pair model's threshold.
    threshold: float | None = None
    # A story takes no article published more than this before its first or after its last
    # one, and the centroid matrices are cut in buckets of this much publication time. 30
    # days: ITN stories span a median 11.8 days.
    window_seconds: float = 30 * 86400.0
    # Stories kept in memory at once (those with the most recent publication dates): 20,000
    # centroids of 384 floats are 30 MB, plus bounded sums and counts per story.
    max_stories: int = 20_000
    # Stories scored per article: the best by centroid cosine, plus those sharing an entity.
    candidates: int = 30


def idf(df: int, documents: int) -> float:
    """Smoothed inverse document frequency (sklearn's formula)."""
    return math.log((1 + documents) / (1 + df)) + 1.0


def tfidf_unit(counts: Mapping[str, float], df: Counter[str], documents: int) -> dict[str, float]:
    """Counts weighted by IDF and scaled to unit length (empty when there are none)."""
    weighted = {k: v * idf(df[k], documents) for k, v in counts.items() if v}
    norm = math.sqrt(sum(v * v for v in weighted.values()))
    return {k: v / norm for k, v in weighted.items()} if norm else {}


def sparse_dot(small: Mapping[str, float], large: Mapping[str, float]) -> float:
    """Dot product of two sparse vectors; the cosine when both are unit vectors."""
    if len(small) > len(large):
        small, large = large, small
    return sum(v * large[k] for k, v in small.items() if k in large)
