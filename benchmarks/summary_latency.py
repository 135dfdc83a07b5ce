"""`summary` on a stored article: p50/p95/max latency, uncached and cached, with the machine.

    .venv/bin/python benchmarks/summary_latency.py

The OrangeSum dev articles are analysed (`analyze`), summarised and stored in a SQLite
file; then, for each one: uncached = read it back from the store and summarise it again;
cached = read it back and take its stored summary. One process, after a warm-up.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from summary_eval import Reference, load_orangesum  # benchmarks/ is on sys.path as a script

from newstrace.model import Article, Summary

ORANGESUM = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "corpus"
    / "dev"
    / "summaries_orangesum.jsonl"
)


def machine() -> str:
    """CPU model, cores, OS and Python, for the figures to be read against."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}"
    )


def p95(values: list[float]) -> float:
    """The 95th percentile of `values`."""
    return statistics.quantiles(values, n=20)[18]


def latency(refs: Sequence[Reference], summarize: Callable[[Article], Summary]) -> None:
    """Print the latency of `summary` on stored articles, uncached and cached."""
    from newstrace.store import Store

    uncached: list[float] = []
    cached: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store(str(Path(folder) / "bench.db"))
        ids: list[str] = []
        for ref in refs:
            article = Article.from_dict(ref.article.to_dict())
            article.summary = summarize(article)
            store.add(article)
            ids.append(article.id)
        summarize(store.resolve(ids[0]))  # warm-up
        for article_id in ids:
            started = time.perf_counter()
            summarize(store.resolve(article_id))
            uncached.append(time.perf_counter() - started)
            started = time.perf_counter()
            stored = store.resolve(article_id).summary
            cached.append(time.perf_counter() - started)
            if stored is None:
                print(f"article {article_id}: no stored summary", file=sys.stderr)
        store.close()
    print(f"machine: {machine()}")
    for name, values in (("uncached (read + summarize)", uncached), ("cached (read)", cached)):
        print(
            f"summary on a stored article, {name}, {len(values)} articles:"
            f" p50 {1000 * statistics.median(values):.2f} ms,"
            f" p95 {1000 * p95(values):.2f} ms, max {1000 * max(values):.2f} ms"
        )


def main() -> None:
    """Latency on the OrangeSum dev articles."""
    from newstrace.analysis.summary.extractive import summarize

    latency(load_orangesum(ORANGESUM), summarize)


if __name__ == "__main__":
    main()
