"""Library verbs over a store, shared by the command line and the web reader."""

from __future__ import annotations

from newstrace.analysis.summary import DEFAULT_SENTENCES, is_current, make_summary
from newstrace.model import Article, Summary
from newstrace.store.base import BaseStore


def article_summary(
    store: BaseStore, article: Article, sentences: int = DEFAULT_SENTENCES
) -> Summary:
    """The article's summary: the stored one when current, else made now.

    A stored summary made by an older summarizer is made again and saved, so the next
    reader gets it at once; another length is made on demand and not stored.
    """
    if sentences != DEFAULT_SENTENCES:
        return make_summary(article, sentences)
    if is_current(article.summary) and article.summary is not None:
        return article.summary
    article.summary = make_summary(article)
    store.update(article)
    return article.summary


def summary_document(article: Article, summary: Summary) -> dict[str, object]:
    """The `summary --json` document of INTERFACE.md."""
    return {
        "article": article.id,
        "language": article.language,
        "sentences": [{"text": s.text, "start": s.start, "end": s.end} for s in summary.sentences],
        "text": summary.text,
    }
