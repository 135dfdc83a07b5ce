"""WARC archives: real pages of the dev corpus written with warcio, read back as articles."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from conftest import DEV
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.cli import main
from newstrace.ingestion import ingest
from newstrace.model import Failure, RawDocument, Skipped
from newstrace.readers import Item, read_sources
from newstrace.settings import AnalysisSettings, Settings
from newstrace.store import Store

PAGES = DEV / "extraction_pages" / "pages"
# Real pages in the charsets news sites serve, each with the label its server would send.
SERVED = [
    ("5min.at-Villachs.html", "utf-8"),
    ("Osthessen-news.de-Buergermeisterwahl.html", "utf-8"),  # starts with a BOM
    ("mix1.de-clio.html", "iso-8859-1"),
    ("archive.org.he.xinhuanet.com.25340717.html", "gb2312"),
    ("ambito.com-paritarias.html", None),  # no charset in the header: detected
    ("d60caba9d12c467b9708ec8981cad8aa.html", "windows-1252"),
]
WARC_DATE = "2025-06-03T08:30:00Z"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def page_url(name: str) -> str:
    return f"https://news.example.org/{name.replace(' ', '%20')}"


def write_crawl(path: Path, gzip_records: bool = True) -> list[int]:
    """A crawl as a crawler writes it: warcinfo, then per page request/response/metadata,
    with an image, a stylesheet and a 404 among them. Returns the page responses' offsets."""
    offsets: list[int] = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        extras = [
            ("https://news.example.org/logo.png", "image/png", "200 OK", PNG),
            ("https://news.example.org/site.css", "text/css", "200 OK", b"body{margin:0}"),
            (
                "https://news.example.org/missing.html",
                "text/html",
                "404 Not Found",
                b"<html>no</html>",
            ),
        ]
        for url, media_type, status, body in extras:
            writer.write_record(response(writer, url, body, media_type, status))
        for name, charset in SERVED:
            url = page_url(name)
            request = StatusAndHeaders(
                f"GET /{name} HTTP/1.1", [("Host", "news.example.org")], is_http_request=True
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            content_type = "text/html" + (f"; charset={charset}" if charset else "")
            offsets.append(out.tell())
            record = response(writer, url, (PAGES / name).read_bytes(), content_type, "200 OK")
            writer.write_record(record)
            metadata = io.BytesIO(b"fetchTimeMs: 120\n")
            writer.write_record(
                writer.create_warc_record(
                    url, "metadata", payload=metadata, warc_content_type="application/warc-fields"
                )
            )
    return offsets


def response(writer: WARCWriter, url: str, body: bytes, media_type: str, status: str) -> object:
    headers = StatusAndHeaders(status, [("Content-Type", media_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": WARC_DATE},
    )


def read(path: Path, settings: Settings | None = None) -> list[Item]:
    return list(read_sources([str(path)], settings or Settings()))


def stored(store_path: Path) -> dict[str, str]:
    with Store(str(store_path)) as store:
        return {article.id: article.text for article in store.articles()}


def test_a_crawl_archive_ingests_the_same_articles_as_its_pages_one_by_one(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_crawl(archive)
    with Store(str(tmp_path / "warc.db")) as store:
        from_warc = ingest([str(archive)], store, Settings())
    with Store(str(tmp_path / "files.db")) as store:
        from_files = ingest([str(PAGES / name) for name, _ in SERVED], store, Settings())
    assert from_files.ingested == len(SERVED) and from_files.failed == 0
    assert (from_warc.ingested, from_warc.failed) == (len(SERVED), 0)
    assert stored(tmp_path / "warc.db") == stored(tmp_path / "files.db")


def test_each_page_keeps_its_target_uri_and_warc_date(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_crawl(archive)
    pages = [item for item in read(archive) if isinstance(item, RawDocument)]
    assert [page.source for page in pages] == [page_url(name) for name, _ in SERVED]
    assert all(page.url == page.source and page.fetched == WARC_DATE for page in pages)
    assert all(page.html is not None and page.text is None for page in pages)


def test_records_that_are_not_html_pages_are_skipped_and_counted_not_failed(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_crawl(archive)
    items = read(archive)
    skipped = [item for item in items if isinstance(item, Skipped)]
    reasons = {item.reason for item in skipped}
    # warcinfo + 3 extras + a request and a metadata record per page
    assert len(skipped) == 1 + 3 + 2 * len(SERVED)
    assert {
        "WARC warcinfo record, not a page",
        "WARC request record, not a page",
        "WARC metadata record, not a page",
        "image/png response, not an HTML page",
        "text/css response, not an HTML page",
        "HTTP 404 response, not a page",
    } == reasons
    assert not any(isinstance(item, Failure) for item in items)


def test_the_ingest_command_reports_the_skipped_records_and_no_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "crawl.warc"
    write_crawl(archive, gzip_records=False)
    assert main(["--db", str(tmp_path / "news.db"), "ingest", str(archive), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["ingested"], report["failed"]) == (len(SERVED), 0)
    assert report["skipped"] == 4 + 2 * len(SERVED)
    assert {a["source"] for a in report["articles"]} == {page_url(n) for n, _ in SERVED}


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_a_truncated_archive_ingests_every_complete_record_and_records_the_broken_one(
    tmp_path: Path, compressed: bool
) -> None:
    whole = tmp_path / ("whole.warc.gz" if compressed else "whole.warc")
    offsets = write_crawl(whole, gzip_records=compressed)
    cut = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    data = whole.read_bytes()
    last = offsets[-1]
    cut.write_bytes(data[: last + (len(data) - last) // 2])  # half-way through the last page
    with Store(str(tmp_path / "news.db")) as store:
        report = ingest([str(cut)], store, Settings())
        failures = store.failures()
    assert report.ingested == len(SERVED) - 1
    assert [f.source for f in report.failures] == [f"{cut}@{last}"]
    assert [f.source for f in failures] == [f"{cut}@{last}"]
    reason = report.failures[0].reason
    assert f"offset {last:,}" in reason and "truncated" in reason
    assert page_url(SERVED[-1][0]) in reason


def test_a_corrupt_gzip_record_is_a_failure_and_the_records_after_it_are_still_read(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "crawl.warc.gz"
    offsets = write_crawl(archive)
    data = bytearray(archive.read_bytes())
    broken = offsets[2]
    for index in range(broken + 40, broken + 90):  # inside the deflate stream of one page
        data[index] ^= 0x5A
    archive.write_bytes(bytes(data))
    items = read(archive)
    pages = [item.source for item in items if isinstance(item, RawDocument)]
    failures = [item for item in items if isinstance(item, Failure)]
    assert pages == [page_url(name) for i, (name, _) in enumerate(SERVED) if i != 2]
    assert [f.source for f in failures] == [f"{archive}@{broken}"]
    assert f"offset {broken:,}" in failures[0].reason


def test_a_page_whose_bytes_changed_fails_its_digest_and_the_rest_goes_on(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc"
    offsets = write_crawl(archive, gzip_records=False)
    data = bytearray(archive.read_bytes())
    broken = offsets[1]
    middle = broken + 5000  # inside the HTML body, well past the headers
    data[middle : middle + 4] = b"XXXX"
    archive.write_bytes(bytes(data))
    items = read(archive)
    failures = [item for item in items if isinstance(item, Failure)]
    assert len(failures) == 1 and "digest failed" in failures[0].reason
    assert failures[0].source == f"{archive}@{broken}"
    assert sum(isinstance(item, RawDocument) for item in items) == len(SERVED) - 1


def test_a_record_over_the_document_limit_fails_alone(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_crawl(archive)
    limit = 100_000  # between the pages' sizes: 34 KB to 168 KB
    items = read(archive, Settings(analysis=AnalysisSettings(max_document_bytes=limit)))
    over = {name for name, _ in SERVED if (PAGES / name).stat().st_size > limit}
    failures = [item for item in items if isinstance(item, Failure)]
    assert {f.source for f in failures} == {page_url(name) for name in over}
    assert all("over the limit of 100,000 per document" in f.reason for f in failures)
    pages = [item for item in items if isinstance(item, RawDocument)]
    assert len(pages) == len(SERVED) - len(over) > 0


def test_a_file_that_is_not_an_archive_is_one_failure(tmp_path: Path) -> None:
    fake = tmp_path / "fake.warc.gz"
    fake.write_bytes(gzip.compress(b"<html><body>not an archive</body></html>"))
    (failure,) = read(fake)
    assert isinstance(failure, Failure) and "not a WARC record" in failure.reason
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert read(empty) == [Failure(str(empty), "empty file, not a WARC archive")]


def test_reading_an_archive_holds_one_record_at_a_time(tmp_path: Path) -> None:
    archive = tmp_path / "big.warc.gz"
    page = (PAGES / "5min.at-Villachs.html").read_bytes()  # 168 KB
    with archive.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for number in range(60):  # ~10 MB of pages
            writer.write_record(
                response(
                    writer,
                    f"https://x.example/{number}",
                    page,
                    "text/html; charset=utf-8",
                    "200 OK",
                )
            )
    tracemalloc.start()
    count = sum(
        1 for item in read_sources([str(archive)], Settings()) if isinstance(item, RawDocument)
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 60
    # one page as bytes and as text, with warcio's buffers: far below the archive's 10 MB
    assert peak < 3 * 1024 * 1024, f"peak {peak:,} bytes"
