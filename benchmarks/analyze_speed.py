"""Articles and sentences per second of `newstrace.analyze` over the dev corpus.

Plain text (ECB+ and OrangeSum bodies) and HTML (trafilatura's evaluation pages) are timed
apart, each stage's share of the time beside them, on the machine stated at the top.
Run: `.venv/bin/python benchmarks/analyze_speed.py`.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from newstrace.model import Article, RawDocument
from newstrace.pipeline import AnalysisError, Context, Pipeline, Stage, default_pipeline

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's answer elsewhere."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def plain_documents() -> list[RawDocument]:
    """ECB+ and OrangeSum bodies as plain-text documents."""
    documents = []
    for name in ("stories_ecbplus.jsonl", "summaries_orangesum.jsonl"):
        with (DEV / name).open(encoding="utf-8") as lines:
            for row in map(json.loads, lines):
                documents.append(RawDocument(source=f"{name}:{row['id']}", text=row["text"]))
    return documents


def html_documents() -> list[RawDocument]:
    """trafilatura's evaluation pages as HTML documents."""
    pages = sorted((DEV / "extraction_pages" / "pages").glob("*.html"))
    return [
        RawDocument(source=p.name, html=p.read_text(encoding="utf-8", errors="replace"))
        for p in pages
    ]


def timed(pipeline: Pipeline, spent: dict[str, float]) -> Pipeline:
    """The same pipeline, each stage adding its run time to `spent`."""

    def wrap(current: Stage) -> Stage:
        def run(article: Article, context: Context) -> Article:
            start = time.perf_counter()
            try:
                return current.run(article, context)
            finally:
                spent[current.name] += time.perf_counter() - start

        return replace(current, run=run)

    return Pipeline([wrap(s) for s in pipeline.stages])


def measure(documents: list[RawDocument]) -> tuple[int, int, int, float, dict[str, float]]:
    """Articles analysed, failures, sentences, seconds, and seconds per stage."""
    spent: dict[str, float] = defaultdict(float)
    pipeline = timed(default_pipeline(), spent)
    articles = failures = sentences = 0
    start = time.perf_counter()
    for raw in documents:
        try:
            article = pipeline.run(raw, Context())
        except AnalysisError:
            failures += 1
            continue
        articles += 1
        sentences += len(article.sentences)
    return articles, failures, sentences, time.perf_counter() - start, dict(spent)


def main() -> None:
    """Print the machine, then one row per corpus, then each stage's share of the time."""
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    # Warm-up: the language model and the language data load once, outside the timing.
    default_pipeline().run(RawDocument(source="warm-up", text="Warm-up text. Two."), Context())
    rows = [("plain text", plain_documents()), ("HTML", html_documents())]
    shares = []
    print(
        f"{'corpus':<11} {'docs':>5} {'failed':>6} {'sentences':>9} {'s':>7} "
        f"{'articles/s':>10} {'sentences/s':>11}"
    )
    for name, documents in rows:
        articles, failures, sentences, seconds, spent = measure(documents)
        print(
            f"{name:<11} {len(documents):>5} {failures:>6} {sentences:>9} {seconds:>7.2f} "
            f"{articles / seconds:>10.1f} {sentences / seconds:>11.0f}"
        )
        total = sum(spent.values()) or 1.0
        shares.append((name, {k: v / total for k, v in spent.items()}))
    print()
    for name, share in shares:
        parts = ", ".join(f"{k} {v:.0%}" for k, v in share.items())
        print(f"stage share, {name}: {parts}")


if __name__ == "__main__":
    main()
