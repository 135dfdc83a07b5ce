"""Articles per second of the entities, quantities and media stages, with and without spaCy.

Articles are first taken through extract, clean, language and segment (not timed); then the
three stages run over them, once with spaCy's pipelines (en, fr) and once with the
model-free rules only. Model loading and gazetteer building happen before the clock starts.
Run: `.venv/bin/python benchmarks/entities_speed.py [N articles per corpus, default 150]`.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

from newstrace.analysis.base import AnalysisError, Context
from newstrace.analysis.clean import clean
from newstrace.analysis.entities import entities
from newstrace.analysis.extract import extract
from newstrace.analysis.language import language
from newstrace.analysis.media import media
from newstrace.analysis.quantities import quantities
from newstrace.analysis.segment import segment
from newstrace.model import Article, RawDocument
from newstrace.nlp.gazetteer import gazetteer
from newstrace.pipeline import Pipeline

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
PREPARE = Pipeline([extract, clean, language, segment])
STAGES = (entities, quantities, media)


def corpus(name: str, limit: int) -> list[Article]:
    """The first `limit` articles of a dev JSONL file, segmented."""
    articles = []
    for line in (DEV / name).read_text("utf-8").splitlines()[:limit]:
        record = json.loads(line)
        raw = RawDocument(source=str(record["id"]), text=record["text"])
        try:
            articles.append(PREPARE.run(raw, Context()))
        except AnalysisError:
            continue
    return articles


def run(articles: list[Article], use_spacy: bool) -> tuple[float, int]:
    """Seconds for the three stages over the articles, and entities found."""
    context = Context()
    context.models["spacy"] = use_spacy
    if articles:  # load the models before the clock starts
        for current in STAGES:
            current.run(articles[0], context)
    found = 0
    started = time.perf_counter()
    for article in articles:
        for current in STAGES:
            article = current.run(article, context)
        found += len(article.entities)
    return time.perf_counter() - started, found


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    gazetteer()
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("corpus | articles | sentences | spaCy art/s | rules art/s | entities spaCy/rules")
    for name in ("stories_ecbplus.jsonl", "summaries_orangesum.jsonl"):
        articles = corpus(name, limit)
        sentences = sum(len(a.sentences) for a in articles)
        with_model, found_model = run(articles, True)
        rules, found_rules = run(articles, False)
        print(
            f"{name} | {len(articles)} | {sentences} | {len(articles) / with_model:.1f} | "
            f"{len(articles) / rules:.1f} | {found_model}/{found_rules}"
        )


if __name__ == "__main__":
    main()
