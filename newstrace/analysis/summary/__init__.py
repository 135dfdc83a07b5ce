"""The `summary` stage: "No time to read? Get a summary", made once at ingest.

It runs last, so that speakers resolved by the claims stage are named in the summary. The
summarizer itself (features, weights, sentence choice) is `extractive`.
"""

from __future__ import annotations

from dataclasses import replace

from newstrace.analysis.base import Context, analysed_length, stage
from newstrace.analysis.summary.extractive import SUMMARY_VERSION, summarize, summarize_with
from newstrace.model import Article, Summary

__all__ = [
    "DEFAULT_SENTENCES",
    "SUMMARY_VERSION",
    "is_current",
    "make_summary",
    "summarize",
    "summarize_with",
    "summary",
]

# Sentences in a stored summary: what "Get a summary" shows without a choice.
DEFAULT_SENTENCES = 3


def make_summary(
    article: Article, sentences: int = DEFAULT_SENTENCES, within: int | None = None
) -> Summary:
    """A summary stamped with the summarizer's version (of the text up to `within` if given)."""
    made = summarize(article, sentences=sentences, within=within)
    return replace(made, version=SUMMARY_VERSION)


def is_current(summary: Summary | None) -> bool:
    """Whether a stored summary was made by this version of the summarizer."""
    return summary is not None and summary.version == SUMMARY_VERSION


@stage("summary", reads=["text", "sentences", "title", "claims", "language"], writes=["summary"])
def summary(article: Article, context: Context) -> Article:
    """Summarise the clean body, in its language, keeping the article's order.

    Only the analysed part of the text is read (`analysis.max_analysed_chars`), where the
    claims that name the speakers were found.
    """
    within = analysed_length(article.text, context.settings.analysis.max_analysed_chars)
    article.summary = make_summary(article, context.settings.summary.sentences, within=within)
    context.used("summary", f"newstrace extractive {SUMMARY_VERSION}")
    return article
