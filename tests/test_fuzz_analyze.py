"""Fuzzing `analyze`: whatever text or HTML arrives, `try_analyze` gives an article or a failure
with a one-line reason, and never raises.

Inputs are random Unicode weighted towards what breaks text code (RTL scripts, zero-width
characters, combining marks, lone surrogates, control characters, quotation marks and
sentence punctuation), one-character lines, long lines of one repeated word, pieces of a
real article spliced with those, and HTML soup. The CI profile is derandomized and small
and asserts only the outcome's type (timing is never asserted in CI); the campaign profile
(`HYPOTHESIS_PROFILE=campaign`, `NEWSTRACE_FUZZ_EXAMPLES` examples per test, 2000 by
default; docs/reliability.md) also asserts that each example stays
within the time budget plus a margin.
"""

from __future__ import annotations

import time

import pytest
from conftest import SEEDS
from fuzzing import CAMPAIGN
from hypothesis import given
from hypothesis import strategies as st

from newstrace.model import Article, Failure, RawDocument
from newstrace.pipeline import Context, try_analyze
from newstrace.settings import Settings

SETTINGS = Settings()
# Seconds an example may run past the budget in the campaign: the timer's grace and the
# work after the last check (building the article, its id).
MARGIN = 2.0
# Longest repeated line: a megabyte in the campaign, less in CI (each costs seconds).
LONG_LINE = 1_000_000 if CAMPAIGN else 20_000

SEED = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")

TRICKY = (
    "\u05d0\u05d1\u05d2 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u202b\u202e\u2067\u2069"  # RTL
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width
    "\u0301\u0308\u0327\u20dd\u0489"  # combining marks
    "\ud800\udfff\udbff"  # lone surrogates
    "\x00\x01\x07\x0b\x0c\x1b\x7f\x85\x9f\u2028\u2029"  # controls and separators
    "«»“”„‘’\"'‹›「」"  # quotation marks
    ".!?…。؟:;,-—()[] \n\t"  # punctuation and spaces
    "aZéßİıΣσςЖж中文日本語한국어ไทย0123456789١٢٣"
)
characters = st.one_of(
    st.sampled_from(TRICKY),
    st.characters(exclude_categories=()),  # any code point, surrogates included
)
noise = st.text(characters, max_size=400)
words = st.sampled_from(["said", "according", "to", "Putin", "«", "»", "“", "\n", "3 000", "."])
one_character_lines = st.lists(st.sampled_from(TRICKY), max_size=300).map("\n".join)
long_lines = st.builds(
    lambda words, count: (" ".join(words) + " ") * (count // len(words) + 1),
    st.lists(
        st.sampled_from(
            ["word", "Said", "«a", "‘x", "U.S.", "1.", "\u0301", "20 000", " ", "Putin"]
        ),
        min_size=1,
        max_size=6,
    ),
    # Both short and long: hypothesis alone favours small counts.
    st.one_of(st.integers(1, 1000), st.integers(LONG_LINE // 60, LONG_LINE // 6)),
)
spliced = st.builds(
    lambda cut, insert, at: SEED[:cut][:at] + insert + SEED[:cut][at:],
    st.integers(0, len(SEED)),
    st.one_of(noise, st.lists(words, max_size=50).map(" ".join)),
    st.integers(0, len(SEED)),
)
texts = st.one_of(noise, one_character_lines, long_lines, spliced)
soup = st.builds(
    lambda parts: "".join(parts),
    st.lists(
        st.one_of(
            st.sampled_from(
                ["<p>", "</p>", "<div>", "<article>", "<script>", "</script>", "<br>", "<!--",
                 "-->", "<html lang='fr'>", "<title>", "</title>", "&amp;", "&#0;", "&#xD800;",
                 "<![CDATA[", "]]>", "<meta charset='x'>", "<", ">"]
            ),
            noise,
            st.just(SEED[:2000]),
        ),
        max_size=40,
    ),
)  # fmt: skip


def _check(raw: RawDocument) -> None:
    context = Context(settings=SETTINGS)
    outcome = try_analyze(raw, context)
    # What the budget counts: since the document's start, without loading models (the first
    # text in a language loads its spaCy pipeline once per process).
    elapsed = time.monotonic() - context.deadline.started
    assert isinstance(outcome, (Article, Failure))
    if isinstance(outcome, Failure):
        assert outcome.reason and "\n" not in outcome.reason
        assert "analysis failed" not in outcome.reason, outcome.reason  # a bug, not the input
    if CAMPAIGN:
        assert elapsed < SETTINGS.analysis.time_budget + MARGIN, (elapsed, raw.source)


@given(texts)
def test_any_text_gives_an_article_or_a_failure(text: str) -> None:
    _check(RawDocument(source="fuzz.txt", text=text))


@given(soup)
def test_any_html_gives_an_article_or_a_failure(html: str) -> None:
    _check(RawDocument(source="fuzz.html", html=html))


@pytest.mark.parametrize("word", ["word", "Said «a"])
def test_a_megabyte_line_is_analysed_or_refused(word: str) -> None:
    _check(RawDocument(source="line.txt", text=(word + " ") * (1_000_000 // (len(word) + 1))))
