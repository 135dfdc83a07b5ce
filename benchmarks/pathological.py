"""Analysis time and peak memory against document length, for the documents that stall.

    python benchmarks/pathological.py [--max-mb 8] [--limit 300]

Two kinds of text, 10 KB to 8 MB: unpunctuated words (no full stop for a whole document,
as a scraped word list or a broken page gives) and normal prose (dev articles end to end).
Each size runs in a fresh process (models warmed first, so only the document is measured)
with a wall-clock limit; a size that runs past it is printed as such. The last lines give
the time per KB at 1 MB over that at 100 KB for each kind: 1.0 is linear.

Machine: the figures depend on it; compare rows within one run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ECBPLUS = REPO.parent / "shared" / "corpus" / "dev" / "stories_ecbplus.jsonl"
SIZES_KB = (10, 20, 50, 100, 200, 500, 1000, 2000, 4000, 8000)
WORDS = [
    "government", "minister", "election", "market", "company", "river", "city", "people",
    "report", "police", "court", "water", "school", "health", "energy", "price", "village",
    "council", "weather", "road", "team", "season", "player",
]


def unpunctuated(size: int) -> str:
    """Words with no punctuation and no line breaks, `size` characters long."""
    words = []
    total = 0
    index = 0
    while total < size:
        word = WORDS[(index * 7 + index // 13) % len(WORDS)]
        words.append(word)
        total += len(word) + 1
        index += 1
    return " ".join(words)[:size]


def prose(size: int) -> str:
    """Dev articles end to end, paragraphs kept, `size` characters long."""
    texts = []
    with ECBPLUS.open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
    body = "\n\n".join(texts)
    repeats = size // len(body) + 1
    return ("\n\n".join([body] * repeats))[:size]


def _child(kind: str, size: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    sys.path.insert(0, str(REPO))
    from newstrace.model import RawDocument
    from newstrace.pipeline import try_analyze

    try_analyze(RawDocument(source="warm.txt", text=prose(3000)))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    text = unpunctuated(size) if kind == "unpunctuated" else prose(size)
    start = time.perf_counter()
    outcome = try_analyze(RawDocument(source=f"{kind}-{size}.txt", text=text))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reason = getattr(outcome, "reason", None)
    queue.put({"seconds": seconds, "peak_mb": peak / 1024, "growth_mb": (peak - before) / 1024,
               "failed": reason})


def measure(kind: str, size: int, limit: float) -> dict[str, object]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, size, queue))
    process.start()
    process.join(limit + 60)  # model loading comes before the measured part
    if process.is_alive():
        process.kill()
        process.join()
        return {"seconds": None, "peak_mb": None, "growth_mb": None, "failed": "killed"}
    if queue.empty():
        return {"seconds": None, "peak_mb": None, "growth_mb": None, "failed": "crashed"}
    found: dict[str, object] = queue.get()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-mb", type=float, default=8.0, help="largest size, in MB")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per size")
    parser.add_argument("--kinds", default="unpunctuated,prose")
    args = parser.parse_args()
    rows: dict[tuple[str, int], dict[str, object]] = {}
    print(f"{'kind':<14}{'size':>8}{'seconds':>10}{'ms/KB':>8}{'peak MB':>9}{'+MB':>7}  outcome")
    for kind in args.kinds.split(","):
        for size_kb in SIZES_KB:
            if size_kb > args.max_mb * 1000:
                break
            row = measure(kind, size_kb * 1000, args.limit)
            rows[(kind, size_kb)] = row
            seconds = row["seconds"]
            per_kb = f"{1000 * seconds / size_kb:8.2f}" if isinstance(seconds, float) else " " * 8
            shown = f"{seconds:10.2f}" if isinstance(seconds, float) else f"{'-':>10}"
            peak = row["peak_mb"]
            growth = row["growth_mb"]
            peak_s = f"{peak:9.0f}" if isinstance(peak, float) else f"{'-':>9}"
            growth_s = f"{growth:7.0f}" if isinstance(growth, float) else f"{'-':>7}"
            outcome = f"failed: {row['failed']}" if row["failed"] else "analysed"
            print(f"{kind:<14}{size_kb:>6}KB{shown}{per_kb}{peak_s}{growth_s}  {outcome}",
                  flush=True)
    for kind in args.kinds.split(","):
        small, large = rows.get((kind, 100)), rows.get((kind, 1000))
        if small and large and isinstance(small["seconds"], float) and isinstance(
            large["seconds"], float
        ):
            ratio = (large["seconds"] / 1000) / (small["seconds"] / 100)
            print(f"{kind}: time per KB at 1 MB / at 100 KB = {ratio:.2f} (1.0 is linear)")


if __name__ == "__main__":
    main()
