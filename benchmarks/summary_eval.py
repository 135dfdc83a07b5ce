"""Scoring summaries against reference abstracts (ROUGE), shared by the benchmark and tests.

Every dev article goes through newstrace's own pipeline, `analyze` (extract, clean,
language, segment), so the sentences scored are those a user gets. ROUGE is computed with
`rouge-score` and a Unicode-aware tokenizer: lowercase, accents kept, tokens are `\\w+`
runs ("réchauffement" stays one token; rouge-score's own tokenizer would keep only
[a-z0-9] and make it "r chauffement"). No stemming, no stop words.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from newstrace.model import Article, RawDocument
from newstrace.pipeline import AnalysisError, analyze

_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
# ECB+ articles with fewer sentences than this are left out of the English set: the held
# out first sentence would leave too little to summarise.
ECBPLUS_MIN_SENTENCES = 4


class UnicodeTokenizer:
    """rouge-score tokenizer: lowercase `\\w+` tokens, accents and any script kept."""

    def tokenize(self, text: str) -> list[str]:
        """Lowercase word tokens of `text`, in order."""
        return [w.lower() for w in re.findall(r"\w+", text)]


@dataclass(frozen=True)
class Reference:
    """An article of a dev file and the summary a person (or a held-out lead) gave it."""

    article: Article
    reference: str


def _analyse(raw: RawDocument) -> Article | None:
    """The article as `analyze` makes it, or None with a one-line reason on stderr."""
    try:
        return analyze(raw)
    except AnalysisError as error:
        print(f"skipped {raw.source}: {error}", file=sys.stderr)
        return None


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@cache
def load_orangesum(path: Path) -> tuple[Reference, ...]:
    """OrangeSum rows (`text`, `title`, `reference`) analysed by newstrace, with their abstract.

    Analysed once per run and kept in memory: later calls with the same path reuse them.
    """
    references: list[Reference] = []
    for row in _rows(path):
        raw = RawDocument(
            source=f"orangesum:{row['id']}", text=str(row["text"]), title=row.get("title")
        )
        article = _analyse(raw)
        if article is not None:
            references.append(Reference(article, str(row["reference"])))
    return tuple(references)


@cache
def load_ecbplus(path: Path) -> tuple[Reference, ...]:
    """ECB+ articles with their first sentence held out as a pseudo-reference.

    Each text is analysed; its first sentence (as newstrace segments it) is the reference,
    and the rest of the clean body, analysed again as a document of its own, is what gets
    summarised. Articles of fewer than four sentences are left out.
    """
    references: list[Reference] = []
    for row in _rows(path):
        whole = _analyse(RawDocument(source=f"ecbplus:{row['id']}", text=str(row["text"])))
        if whole is None or len(whole.sentences) < ECBPLUS_MIN_SENTENCES:
            continue
        first, second = whole.sentences[0], whole.sentences[1]
        body = _analyse(
            RawDocument(source=f"ecbplus:{row['id']}:body", text=whole.text[second.start :])
        )
        if body is not None:
            references.append(Reference(body, whole.text[first.start : first.end]))
    return tuple(references)


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 of one candidate against one reference, in [0, 1]."""
    from rouge_score.rouge_scorer import RougeScorer  # type: ignore[import-untyped]

    scorer = RougeScorer(list(_ROUGE_TYPES), tokenizer=UnicodeTokenizer())
    scores = scorer.score(reference, candidate)
    return {name: scores[name].fmeasure for name in _ROUGE_TYPES}


def truncate_words(text: str, words: int) -> str:
    """The text cut after its first `words` tokens (as the ROUGE tokenizer counts them)."""
    matches = list(re.finditer(r"\w+", text))
    if len(matches) <= words:
        return text
    return text[: matches[words - 1].end()]


def mean_rouge(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Average ROUGE-1/2/L F1 over (candidate, reference) pairs, in percent."""
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(list(_ROUGE_TYPES), tokenizer=UnicodeTokenizer())
    totals = dict.fromkeys(_ROUGE_TYPES, 0.0)
    for candidate, reference in pairs:
        scores = scorer.score(reference, candidate)
        for name in _ROUGE_TYPES:
            totals[name] += scores[name].fmeasure
    count = max(1, len(pairs))
    return {name: 100.0 * total / count for name, total in totals.items()}
