"""Sorted, disjoint spans of a text with logarithmic lookups, for stages that must stay linear.

A stage that asked "does this span overlap any taken so far?" with a loop over all of them
was quadratic in the length of the text (entities, quantities); these answer in O(log n).
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right, insort


class DisjointSpans:
    """Non-empty spans that never overlap, kept sorted by start (so their ends are sorted too)."""

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self.spans: list[tuple[int, int]] = sorted(spans or [])

    def add(self, start: int, end: int) -> None:
        insort(self.spans, (start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with a span (`start < b and a < end`)."""
        index = bisect_left(self.spans, (end,))  # the spans starting before `end`
        return index > 0 and self.spans[index - 1][1] > start

    def covers(self, position: int) -> bool:
        """Whether a span holds `position` (`a <= position < b`)."""
        index = bisect_right(self.spans, (position, sys.maxsize)) - 1
        return index >= 0 and position < self.spans[index][1]
