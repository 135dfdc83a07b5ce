"""WARC reading throughput: every dev extraction page written into one .warc.gz, read back.

Reports records per second and MB per second of `read_warc` (decompress, parse, decode; no
analysis), and the peak Python memory while reading, which stays near one record's size
whatever the archive's size (streaming).

    .venv/bin/python -m benchmarks.warc [--copies 3]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from newstrace.model import RawDocument
from newstrace.settings import Settings
from newstrace.warc import read_warc

PAGES = Path(__file__).resolve().parents[1].parent / "shared/corpus/dev/extraction_pages/pages"


def write_archive(path: Path, copies: int) -> int:
    """Every dev page `copies` times as response records; returns the pages' total bytes."""
    total = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for copy in range(copies):
            for page in sorted(PAGES.glob("*.html")):
                body = page.read_bytes()
                total += len(body)
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
                record = writer.create_warc_record(
                    f"https://dev.example/{copy}/{quote(page.name)}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                )
                writer.write_record(record)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="times each page is written")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        archive = Path(directory) / "dev.warc.gz"
        size = write_archive(archive, args.copies)
        tracemalloc.start()
        started = time.perf_counter()
        pages = sum(
            isinstance(item, RawDocument)
            for item in read_warc(str(archive), archive.name, Settings())
        )
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{pages} pages, {size / 1e6:.1f} MB of HTML ({archive.stat().st_size / 1e6:.1f} MB "
            f"gzipped): {pages / seconds:.0f} records/s, {size / 1e6 / seconds:.1f} MB/s, "
            f"peak memory {peak / 1e6:.1f} MB (tracemalloc slows the read)"
        )


if __name__ == "__main__":
    main()
