"""The settings of story assignment, and the TF-IDF arithmetic its similarities are built on.

The similarities themselves and how they combine are in `scorer` (a learned pair model)
and `index` (their means over a story's members).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from newstrace.settings import StorySettings

# The join threshold and the bounds of the story index: the `stories` section of the
# settings. Every similarity weight is learned (`scorer`); the one knob left is the threshold
# on the probability, chosen by cross-validation over whole stories (docs/stories.md).
StoryConfig = StorySettings


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
