"""Quoted passages: every quotation-mark style; a quote left open ends with its paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quote shorter than this many words is a scare quote or a title ("‘rigged’"), not
# speech. 3: PolNeAR train scores are the same with 2 and a little lower with 4
# (all-spans overlap F1 68.9 / 68.9 / 68.8, benchmarks/attribution.py, 2026-11).
MIN_QUOTE_WORDS = 3

# An apostrophe inside a word ("it’s", "l’armée") is not a closing single quote.
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Quote:
    """A quoted passage; `start`/`end` include the marks, `closed` is False when left open."""

    start: int
    end: int
    closed: bool

    def words(self, text: str) -> int:
        return len(_WORD.findall(text[self.start : self.end]))


def _closing(text: str, at: int, close: str, limit: int) -> int:
    """Offset just past the mark closing a quote opened before `at`, or -1 within `limit`."""
    position = at
    while position < limit:
        found = text.find(close, position, limit)
        if found < 0:
            return -1
        before = text[found - 1] if found > 0 else " "
        after = text[found + len(close)] if found + len(close) < len(text) else " "
        # ’ between two letters is an apostrophe, not the end of a ‘quote’.
        if close in "’'" and before.isalpha() and after.isalpha():
            position = found + 1
            continue
        return found + len(close)
    return -1


def find_quotes(text: str, pairs: tuple[tuple[str, str], ...]) -> list[Quote]:
    """Top-level quotes of the text, in order; a quote never runs past its paragraph."""
    openers = dict(sorted(pairs, key=lambda p: -len(p[0])))
    if not openers:
        return []
    opening = re.compile("|".join(re.escape(o) for o in openers))
    quotes: list[Quote] = []
    position = 0
    length = len(text)
    # Closing mark → end of the paragraph in which it was looked for in vain: a later
    # opening mark of that paragraph has no closing either (without this, a paragraph of
    # unclosed ‘ marks was searched to its end once per mark: quadratic).
    unclosed: dict[str, int] = {}
    while position < length:
        found = opening.search(text, position)
        if found is None:
            break
        mark = found.group()
        start = found.start()
        close = openers[mark]
        before = text[start - 1] if start > 0 else " "
        if mark in ("‘", "'", '"') and before.isalnum():
            # "Trump’s", "don't", 5'9": a mark glued to a word is not an opening quote.
            position = start + 1
            continue
        paragraph_end = text.find("\n", start)
        if paragraph_end < 0:
            paragraph_end = length
        if unclosed.get(close) == paragraph_end:
            end = -1
        else:
            end = _closing(text, found.end(), close, paragraph_end)
            if end < 0:
                unclosed[close] = paragraph_end
        if end < 0:
            if mark in ("‘", "'"):
                position = start + 1
                continue
            quote = Quote(start, paragraph_end, closed=False)
        else:
            quote = Quote(start, end, closed=True)
        if quote.words(text) >= MIN_QUOTE_WORDS:
            quotes.append(quote)
        position = max(quote.end, start + 1)
    return quotes
