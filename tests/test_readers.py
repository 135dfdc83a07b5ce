"""Readers: every kind of source, and every kind of bad input, on real files."""

from __future__ import annotations

import html
import io
import json
import os
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import DEV, FIXTURES, SEEDS

from newstrace.encoding import decode_document
from newstrace.model import Failure, RawDocument
from newstrace.readers import Item, describe_source_kind, read_sources
from newstrace.settings import AnalysisSettings, Settings

PAGES = DEV / "extraction_pages" / "pages"
SETTINGS = Settings()


def read(*sources: str | Path, settings: Settings = SETTINGS) -> list[Item]:
    return list(read_sources([str(source) for source in sources], settings))


def only(items: list[Item]) -> Item:
    assert len(items) == 1, items
    return items[0]


def png_bytes() -> bytes:
    """A valid 1x1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def dev_texts(path: Path, language: str | None = None) -> list[str]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r["text"] for r in records if language is None or r.get("language") == language]


def test_seed_articles_come_through_as_their_exact_text() -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 2
    documents = read(SEEDS / "*.txt")
    assert [d.source for d in documents] == [str(p) for p in seeds]
    for document, path in zip(documents, seeds, strict=True):
        assert isinstance(document, RawDocument)
        expected = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        assert document.text == expected and document.html is None


@pytest.mark.parametrize(
    ("name", "title_words"),
    [
        ("mix1.de-clio.html", "präsentiert"),  # declares iso-8859-1
        ("archive.org.he.xinhuanet.com.25340717.html", "约定无期限"),  # declares gb2312
        ("d60caba9d12c467b9708ec8981cad8aa.html", "Mönchengladbach"),  # windows-1252
        ("Osthessen-news.de-Buergermeisterwahl.html", "Bürgermeister"),  # UTF-8 with BOM
        ("lostiempos.com-juicio.html", "Juicio"),  # a real page with stray NUL bytes
    ],
)
def test_real_pages_in_legacy_charsets_come_through_as_html(name: str, title_words: str) -> None:
    document = only(read(PAGES / name))
    assert isinstance(document, RawDocument) and document.html is not None
    title = document.html.split("<title", 1)[1].split("</title>", 1)[0]
    assert title_words in html.unescape(title)
    assert "\r" not in document.html and "\ufeff" not in document.html[:10]


def test_every_dev_page_yields_an_html_document() -> None:
    documents = read(PAGES)
    assert len(documents) == len([p for p in PAGES.iterdir() if not p.name.startswith(".")])
    assert all(isinstance(d, RawDocument) and d.html for d in documents)


def test_cp1251_russian_text_decodes_exactly(tmp_path: Path) -> None:
    text = "\n".join(dev_texts(DEV / "stories_itn.jsonl", "ru")[:5])
    (tmp_path / "ru.txt").write_bytes(text.encode("cp1251"))
    document = only(read(tmp_path / "ru.txt"))
    assert isinstance(document, RawDocument) and document.text == text


def test_latin1_french_articles_decode_exactly(tmp_path: Path) -> None:
    texts = [t for t in dev_texts(DEV / "summaries_orangesum.jsonl") if t.isprintable()]
    latin1 = [t for t in texts if all(ord(c) < 256 for c in t)][:5]
    for number, text in enumerate(latin1):
        (tmp_path / f"fr{number}.txt").write_bytes(text.encode("latin-1"))
    documents = read(tmp_path)
    assert [d.text for d in documents if isinstance(d, RawDocument)] == latin1


def test_utf16_with_bom_decodes_exactly(tmp_path: Path) -> None:
    text = (SEEDS / "000_922ab060dcfde385.txt").read_text(encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    document = only(read(tmp_path / "utf16.txt"))
    assert isinstance(document, RawDocument) and document.text == text.replace("\r\n", "\n")


def test_utf16_without_bom_is_text_not_binary(tmp_path: Path) -> None:
    text = (SEEDS / "002_675ba3ab04b08978.txt").read_text(encoding="utf-8")
    (tmp_path / "wide.txt").write_bytes(text.encode("utf-16-le"))
    document = only(read(tmp_path / "wide.txt"))
    assert isinstance(document, RawDocument) and document.text == text.replace("\r\n", "\n")


def test_crlf_and_cr_newlines_become_lf(tmp_path: Path) -> None:
    (tmp_path / "dos.txt").write_bytes(b"first line\r\nsecond line\rthird line\r\n")
    document = only(read(tmp_path / "dos.txt"))
    assert isinstance(document, RawDocument)
    assert document.text == "first line\nsecond line\nthird line\n"


def test_undecodable_bytes_are_replaced_not_refused(tmp_path: Path) -> None:
    (tmp_path / "mixed.txt").write_bytes("Déjà vu, ".encode() + b"\xff\xfe\xfa broken " * 3)
    document = only(read(tmp_path / "mixed.txt"))
    assert isinstance(document, RawDocument) and "broken" in (document.text or "")


def test_png_is_refused_as_binary_naming_the_format(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(png_bytes())
    failure = only(read(tmp_path / "photo.png"))
    assert isinstance(failure, Failure)
    assert failure.reason == "binary file (PNG image), not a text document"


def test_pdf_zip_and_nul_bytes_are_refused_as_binary(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    with zipfile.ZipFile(tmp_path / "bundle.txt", "w") as archive:
        archive.writestr("article.txt", "An article inside an archive.")
    (tmp_path / "zeros").write_bytes(b"header\x00\x00\x01\x02" * 500)
    named = (tmp_path / "report.pdf", tmp_path / "bundle.txt", tmp_path / "zeros")
    reasons = {Path(f.source).name: f.reason for f in read(*named) if isinstance(f, Failure)}
    assert reasons["report.pdf"].startswith("binary file (PDF document)")
    assert reasons["bundle.txt"].startswith("binary file (ZIP archive")
    assert reasons["zeros"].startswith("binary file (contains NUL")
    assert len(reasons) == 3


def test_empty_and_whitespace_only_files_are_failures(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"  \n\t\r\n  ")
    failures = read(tmp_path / "empty.txt", tmp_path / "blank.html")
    assert all(isinstance(f, Failure) and f.reason.startswith("empty file") for f in failures)
    assert len(failures) == 2


def test_100mb_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as file:
        file.truncate(100 * 1024 * 1024)
    tracemalloc.start()
    try:
        failure = only(read(huge))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(failure, Failure)
    assert "104,857,600 bytes" in failure.reason and "16,777,216 bytes" in failure.reason
    assert "NEWSTRACE_MAX_DOCUMENT_BYTES" in failure.reason
    assert peak < 2 * 1024 * 1024


def test_truncated_real_page_still_comes_through_as_html(tmp_path: Path) -> None:
    page = (PAGES / "mix1.de-clio.html").read_bytes()
    (tmp_path / "cut.html").write_bytes(page[: len(page) // 3])
    document = only(read(tmp_path / "cut.html"))
    assert isinstance(document, RawDocument) and document.html is not None
    assert document.html.startswith(page[:50].decode("latin-1").replace("\r\n", "\n")[:20])


def test_malformed_and_hostile_html_is_passed_on_as_html(tmp_path: Path) -> None:
    hostile = (
        "<html><head><title>Unclosed <b>title<body><div><p>One <i>two <p>three"
        "<script>alert('x')</script><img src=x onerror=alert(1)></td></tr>"
    )
    (tmp_path / "bad.htm").write_text(hostile, encoding="utf-8")
    document = only(read(tmp_path / "bad.htm"))
    assert isinstance(document, RawDocument) and document.html == hostile


def test_unknown_extension_is_sniffed_as_html_or_text(tmp_path: Path) -> None:
    (tmp_path / "page.dat").write_text("<!-- saved -->\n<!DOCTYPE html><html><p>Hi</p></html>")
    (tmp_path / "note").write_text("Plain words, no markup at all.")
    page, note = read(tmp_path / "page.dat", tmp_path / "note")
    assert isinstance(page, RawDocument) and page.html and page.text is None
    assert isinstance(note, RawDocument) and note.text and note.html is None


def test_jsonl_yields_good_lines_and_a_failure_per_bad_line() -> None:
    path = FIXTURES / "readers" / "mixed.jsonl"
    items = read(path)
    documents = [i for i in items if isinstance(i, RawDocument)]
    failures = {f.source: f.reason for f in items if isinstance(f, Failure)}
    assert [d.source for d in documents] == ["https://example.org/fr/1", f"{path}:2", f"{path}:7"]
    first = documents[0]
    assert (first.title, first.published, first.language, first.outlet) == (
        "Liz Truss démissionne", "2022-10-20", "fr", "Exemple",
    )  # fmt: skip
    assert documents[1].text and documents[1].language == "ru"
    assert documents[2].html and documents[2].published == "2022-09-21T10:00:00Z"
    assert set(failures) == {f"{path}:3", f"{path}:4", f"{path}:6"}
    assert failures[f"{path}:3"].startswith("line 3: not valid JSON")
    assert failures[f"{path}:4"].startswith("line 4: a JSON list")
    assert 'no "text" or "html"' in failures[f"{path}:6"]


def test_jsonl_line_over_the_limit_is_refused_and_the_next_line_read(tmp_path: Path) -> None:
    lines = [json.dumps({"text": "x" * 5000}), json.dumps({"text": "short and fine"})]
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    small = Settings(analysis=AnalysisSettings(max_document_bytes=1000))
    failure, document = read(tmp_path / "big.jsonl", settings=small)
    assert isinstance(failure, Failure) and failure.source.endswith("big.jsonl:1")
    assert "NEWSTRACE_MAX_DOCUMENT_BYTES" in failure.reason
    assert isinstance(document, RawDocument) and document.text == "short and fine"


def test_json_file_with_a_list_of_articles(tmp_path: Path) -> None:
    records = [{"url": "https://example.org/a", "text": "Alpha."}, {"text": ""}, {"html": "<p>B"}]
    (tmp_path / "list.json").write_text(json.dumps(records))
    first, second, third = read(tmp_path / "list.json")
    assert isinstance(first, RawDocument) and first.source == "https://example.org/a"
    assert isinstance(second, Failure) and second.source.endswith("list.json[1]")
    assert isinstance(third, RawDocument) and third.html == "<p>B"


def test_missing_path_is_a_failure_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "here.txt").write_text("I am here.")
    missing, here = read(tmp_path / "nowhere.txt", tmp_path / "here.txt")
    assert isinstance(missing, Failure)
    assert missing.reason.startswith("no such file or directory")
    assert isinstance(here, RawDocument) and here.text == "I am here."


def make_tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]")
    (root / ".hidden.txt").write_text("not read")
    (root / "b.txt").write_text("Bravo.")
    (root / "a.html").write_text("<html><p>Alpha</p></html>")
    (root / "sub" / "c.txt").write_text("Charlie.")
    (root / "sub" / "deeper" / "d.htm").write_text("<p>Delta")
    (root / "sub" / "photo.png").write_bytes(png_bytes())


def test_directory_walk_is_recursive_sorted_and_skips_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path / "news")
    monkeypatch.chdir(tmp_path)
    items = read("news")
    assert [i.source for i in items] == [
        "news/a.html", "news/b.txt", "news/sub/c.txt", "news/sub/deeper/d.htm",
        "news/sub/photo.png",
    ]  # fmt: skip
    # A walk passes over what is not a news document by its name, and says so.
    assert [type(i).__name__ for i in items][-1] == "Skipped"
    assert "name the file to read it" in items[-1].reason
    named = only(read("news/sub/photo.png"))
    assert isinstance(named, Failure) and named.reason.startswith("binary file (PNG")


def test_a_walk_passes_over_readmes_and_json_but_reads_extensionless_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text("# About this folder\n", encoding="utf-8")
    (tmp_path / "expected.json").write_text("{}", encoding="utf-8")
    (tmp_path / "story").write_text("A short news story without an extension.", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    kinds = {Path(i.source).name: type(i).__name__ for i in read(tmp_path)}
    assert kinds == {
        "README.md": "Skipped",
        "expected.json": "Skipped",
        "sitemap.xml": "Skipped",  # a walk never goes on the network for a stray .xml
        "story": "RawDocument",
    }


def test_globs_with_and_without_double_star(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path / "news")
    monkeypatch.chdir(tmp_path)
    assert [i.source for i in read("news/*.html")] == ["news/a.html"]
    assert [i.source for i in read("news/**/*.txt")] == ["news/b.txt", "news/sub/c.txt"]
    everything = [i.source for i in read("news/**")]
    assert everything == sorted(set(everything)) and len(everything) == 5
    nothing = only(read("news/*.docx"))
    assert isinstance(nothing, Failure) and nothing.reason.startswith("no file matches")


def test_reading_is_lazy_so_a_file_removed_mid_walk_is_a_failure(tmp_path: Path) -> None:
    make_tree(tmp_path)
    items = read_sources([str(tmp_path)], SETTINGS)
    assert next(items).source.endswith("a.html")
    (tmp_path / "b.txt").unlink()
    removed = next(items)
    assert isinstance(removed, Failure) and removed.reason.startswith("no such file")
    assert len(list(items)) == 3


def test_stdin_html_and_text_are_sniffed() -> None:
    page = (PAGES / "mix1.de-clio.html").read_bytes()
    page_doc = only(list(read_sources(["-"], SETTINGS, stdin=io.BytesIO(page))))
    assert isinstance(page_doc, RawDocument) and page_doc.source == "<stdin>"
    assert page_doc.html is not None and "präsentiert" in page_doc.html
    seed = (SEEDS / "002_675ba3ab04b08978.txt").read_bytes()
    text = only(list(read_sources(["-"], SETTINGS, stdin=io.BytesIO(seed))))
    assert (
        isinstance(text, RawDocument)
        and text.text
        and text.text.startswith(seed.decode("utf-8")[:40])
    )


def test_stdin_reads_at_most_one_byte_over_the_limit() -> None:
    stream = io.BytesIO(b"word " * 10_000)
    small = Settings(analysis=AnalysisSettings(max_document_bytes=1000))
    failure = only(list(read_sources(["-"], small, stdin=stream)))
    assert isinstance(failure, Failure) and "NEWSTRACE_MAX_DOCUMENT_BYTES" in failure.reason
    assert stream.tell() == 1001


def test_describe_source_kind_by_name() -> None:
    kinds = [describe_source_kind(n) for n in ("a.TXT", "b.xhtml", "c.warc.gz", "d", "e.jsonl")]
    assert kinds == ["text", "html", "warc", "sniff", "jsonl"]


CHILD = """
import json, os, sys
from newstrace.readers import read_sources
from newstrace.settings import Settings
settings = Settings()
os.setgroups([]); os.setgid(65534); os.setuid(65534)
print(json.dumps([[type(i).__name__, i.source, getattr(i, "reason", "")]
                  for i in read_sources(sys.argv[1:], settings)]))
"""


def test_unreadable_directory_and_file_are_failures_and_the_walk_goes_on(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    (tree / "locked").mkdir(parents=True)
    (tree / "locked" / "secret.txt").write_text("hidden from others")
    (tree / "open.txt").write_text("Anyone may read this.")
    (tree / "private.txt").write_text("Only the owner.")
    tmp_path.chmod(0o711)  # searchable by others, so that `tree` resolves from it
    tree.chmod(0o755)
    (tree / "open.txt").chmod(0o644)
    (tree / "private.txt").chmod(0o000)
    (tree / "locked").chmod(0o000)
    try:
        if os.geteuid() == 0:
            # root reads everything: read as `nobody`, from inside tmp_path (cwd), so only
            # the tree's own permissions matter.
            run = subprocess.run(
                [sys.executable, "-c", CHILD, "tree"],
                cwd=tmp_path, capture_output=True, text=True, check=True,
            )  # fmt: skip
            items = [tuple(i) for i in json.loads(run.stdout)]
        else:
            items = [
                (type(i).__name__, i.source, getattr(i, "reason", ""))
                for i in read_sources([str(tree)], SETTINGS)
            ]
            items = [(k, s.replace(str(tree), "tree"), r) for k, s, r in items]
    finally:
        (tree / "locked").chmod(0o755)
        (tree / "private.txt").chmod(0o644)
    assert [(kind, source) for kind, source, _ in items] == [
        ("Failure", "tree/locked"),
        ("RawDocument", "tree/open.txt"),
        ("Failure", "tree/private.txt"),
    ]
    assert items[0][2].startswith("permission denied") and items[2][2].startswith(
        "permission denied"
    )


def test_hostile_jsonl_lines_are_failures_not_crashes(tmp_path: Path) -> None:
    lines = ["[" * 100_000, '{"text": 1' + "0" * 5000 + "}", '{"text": "kept", "url": 5}']
    (tmp_path / "hostile.jsonl").write_text("\n".join(lines) + "\n")
    deep, huge, kept = read(tmp_path / "hostile.jsonl")
    assert isinstance(deep, Failure) and "nested too deeply" in deep.reason
    assert isinstance(huge, Failure) and huge.reason.startswith("line 2: not valid JSON")
    assert isinstance(kept, RawDocument) and kept.url is None
    assert kept.source.endswith("hostile.jsonl:3")


def test_pipes_and_symlink_loops_are_failures_not_hangs(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "broken").symlink_to("nowhere")
    os.mkfifo(tmp_path / "pipe")
    reasons = {Path(f.source).name: f.reason for f in read(tmp_path) if isinstance(f, Failure)}
    assert reasons["pipe"].startswith("not a regular file")
    assert reasons["up"].startswith("symbolic link loop")
    assert "broken symbolic link" in reasons["broken"]


# Share of dev texts, re-encoded in a legacy charset, that decode back exactly; pinned a
# little under what newstrace.encoding reaches (fr 253/257, ru 189/190, 2026-11).
ENCODING_FLOORS = {("fr", "latin-1"): 0.97, ("ru", "cp1251"): 0.98}


@pytest.mark.parametrize(("language", "encoding"), sorted(ENCODING_FLOORS))
def test_legacy_encodings_of_dev_texts_decode_exactly_above_the_floor(
    language: str, encoding: str
) -> None:
    source = "summaries_orangesum.jsonl" if language == "fr" else "stories_itn.jsonl"
    texts = [
        t
        for t in dev_texts(DEV / source, language)
        if not t.isascii() and t.encode(encoding, "ignore").decode(encoding) == t
    ]
    exact = sum(decode_document(t.encode(encoding), html=False).text == t for t in texts)
    assert len(texts) > 100
    assert exact / len(texts) >= ENCODING_FLOORS[(language, encoding)]
