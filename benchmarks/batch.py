"""Articles per second of `newstrace batch`: one process, the process pool, Spark local[1]/[2].

The same input for every engine: ECB+ articles as JSON Lines and real pages of trafilatura's
evaluation set in a WARC archive (with the request and metadata records a crawler writes),
written to a temporary folder. Each engine writes the same Parquet tables. Spark is timed
with and without its session start (the JVM), which a long job pays once.
Run: `.venv/bin/python benchmarks/batch.py [--documents N] [--pages N] [--no-spark]`.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from analyze_speed import cpu_model  # benchmarks/ is on sys.path when run as a script
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from newstrace.batch import run_batch, spark_available
from newstrace.settings import Settings

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


def write_inputs(folder: Path, documents: int, pages: int) -> list[str]:
    """`documents` ECB+ lines as JSON Lines and `pages` dev pages as a WARC archive."""
    lines = (DEV / "stories_ecbplus.jsonl").read_text(encoding="utf-8").splitlines()
    jsonl = folder / "ecb.jsonl"
    jsonl.write_text("\n".join(lines[:documents]) + "\n", encoding="utf-8")
    archive = folder / "pages.warc.gz"
    names = sorted((DEV / "extraction_pages" / "pages").glob("*.html"))[:pages]
    with archive.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page in names:
            path = quote(page.name)
            url = f"https://news.example.org/{path}"
            request = StatusAndHeaders(f"GET /{path} HTTP/1.1", [], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(page.read_bytes()), http_headers=headers
                )
            )
    return [str(jsonl), str(archive)]


def spark_run(inputs: list[str], out: str, master: str) -> tuple[float, float, int]:
    """(seconds with the session start, seconds of the job alone, articles) on `master`."""
    from newstrace.batch.spark import run_spark, spark_session

    start = time.perf_counter()
    session = spark_session(master, app=f"newstrace benchmark {master}")
    session.sparkContext.setLogLevel("ERROR")
    job_start = time.perf_counter()
    try:
        report = run_spark(inputs, out, master, Settings(), spark=session)
    finally:
        end = time.perf_counter()
        session.stop()
    return end - start, end - job_start, report.articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--documents", type=int, default=80, help="ECB+ lines (80)")
    parser.add_argument("--pages", type=int, default=20, help="HTML pages in the WARC (20)")
    parser.add_argument("--no-spark", action="store_true", help="leave Spark out")
    args = parser.parse_args()
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    rows: list[tuple[str, float, float | None, int]] = []
    with tempfile.TemporaryDirectory(prefix="newstrace-bench-") as folder:
        inputs = write_inputs(Path(folder), args.documents, args.pages)
        print(f"input: {args.documents} ECB+ articles (JSONL) + {args.pages} pages (WARC)")
        for label, workers in (("one process", 1), ("process pool, 2 workers", 2)):
            start = time.perf_counter()
            report = run_batch(inputs, f"{folder}/out-{workers}", workers=workers)
            rows.append((label, time.perf_counter() - start, None, report.articles))
            print(f"  done: {label}", file=sys.stderr)
        if args.no_spark or not spark_available():
            print("Spark left out" + ("" if args.no_spark else ": pyspark is not installed"))
        else:
            for master in ("local[1]", "local[2]"):
                total, job, articles = spark_run(inputs, f"{folder}/out-{master}", master)
                rows.append((f"Spark {master}", total, job, articles))
                print(f"  done: Spark {master}", file=sys.stderr)
    print(f"\n{'engine':<26}{'articles':>9}{'seconds':>9}{'art/s':>8}{'art/s w/o JVM start':>21}")
    for label, seconds, job, articles in rows:
        without = f"{articles / job:.2f}" if job else "-"
        print(f"{label:<26}{articles:>9}{seconds:>9.1f}{articles / seconds:>8.2f}{without:>21}")


if __name__ == "__main__":
    main()
