"""Feeds and OPML lists, read once by `ingest`: real pages served by a local server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEV, FIXTURES
from fixtures.feeds.server import NewsServer, Reply

from newstrace.cli import main
from newstrace.encoding import decode_document
from newstrace.feeds import Feed, parse_feed, parse_opml
from newstrace.fetch import Fetcher, FetchPolicy
from newstrace.ingestion import ingest_documents
from newstrace.model import Failure, RawDocument
from newstrace.readers import Item, read_sources
from newstrace.settings import AnalysisSettings, Settings
from newstrace.store import Store

PAGES = DEV / "extraction_pages" / "pages"
FEEDS = FIXTURES / "feeds"
QUICK = FetchPolicy(host_delay=0.0, backoff=0.0, retries=1, timeout=5.0)
ARTICLES = {
    "/articles/villach.html": PAGES / "5min.at-Villachs.html",
    "/articles/osthessen.html": PAGES / "Osthessen-news.de-Buergermeisterwahl.html",
    "/articles/ambito.html": PAGES / "ambito.com-paritarias.html",
}


@pytest.fixture
def server() -> Iterator[NewsServer]:
    with NewsServer() as running:
        for path, page in ARTICLES.items():
            running.page(path, page)
        yield running


def fixture_text(name: str, server: NewsServer) -> bytes:
    return (FEEDS / name).read_bytes().replace(b"{base}", server.base.encode())


def write_fixture(name: str, server: NewsServer, directory: Path) -> Path:
    path = directory / name
    path.write_bytes(fixture_text(name, server))
    return path


def read(*sources: str | Path, settings: Settings | None = None) -> list[Item]:
    settings = settings or Settings()
    with Fetcher(settings, QUICK) as fetcher:
        return list(read_sources([str(s) for s in sources], settings, fetcher=fetcher))


def test_each_rss_item_becomes_its_fetched_page_with_the_feed_metadata(
    server: NewsServer, tmp_path: Path
) -> None:
    feed = write_fixture("rss2.xml", server, tmp_path)
    villach, osthessen, gone = read(feed)
    assert isinstance(villach, RawDocument) and isinstance(osthessen, RawDocument)
    assert villach.source == villach.url == server.url("/articles/villach.html")
    assert villach.title == "Villach: news of the day"
    assert villach.outlet == "Kärntner Nachrichten"
    assert villach.published == "2025-06-03T06:30:00+00:00"
    assert villach.fetched is not None
    page = ARTICLES["/articles/osthessen.html"].read_bytes()
    assert osthessen.html == decode_document(page, html=True).text
    # the third page answers 404: the full text the feed carries stands in for it
    assert isinstance(gone, RawDocument) and gone.source == server.url("/articles/gone.html")
    assert gone.html is not None and "Council approves the new bridge" in gone.html


def test_a_feed_ingests_into_articles_with_the_feed_titles_and_dates(
    server: NewsServer, tmp_path: Path
) -> None:
    feed = write_fixture("rss2.xml", server, tmp_path)
    with Store(memory=True) as store, Fetcher(Settings(), QUICK) as fetcher:
        report = ingest_documents(read_sources([str(feed)], Settings(), fetcher=fetcher), store)
        articles = {a.source: a for a in store.articles()}
    assert (report.ingested, report.failed) == (3, 0)
    villach = articles[server.url("/articles/villach.html")]
    assert villach.title == "Villach: news of the day" and villach.outlet == "Kärntner Nachrichten"
    # stored as UTC ISO 8601, with the form the reader passed on kept beside it
    assert villach.published == "2025-06-03T06:30:00Z"
    assert villach.published_raw == "2025-06-03T06:30:00+00:00"


@pytest.mark.parametrize(
    ("name", "link", "title"),
    [
        ("atom.xml", "/articles/ambito.html", "Paritarias"),
        ("rss1.rdf", "/articles/villach.html", "Villach"),
        ("rss091.xml", "/articles/osthessen.html", "Bürgermeisterwahl"),  # latin-1, DOCTYPE
    ],
)
def test_atom_rss1_and_rss091_items_are_read(
    server: NewsServer, tmp_path: Path, name: str, link: str, title: str
) -> None:
    (document,) = read(write_fixture(name, server, tmp_path))
    assert isinstance(document, RawDocument)
    assert (document.source, document.title) == (server.url(link), title)
    assert document.html == decode_document(ARTICLES[link].read_bytes(), html=True).text


def test_an_opml_list_reads_every_feed_it_names_and_refuses_other_schemes(
    server: NewsServer, tmp_path: Path
) -> None:
    server.route(
        "/rss2.xml",
        Reply(body=fixture_text("rss2.xml", server), content_type="application/rss+xml"),
    )
    server.route(
        "/atom.xml",
        Reply(body=fixture_text("atom.xml", server), content_type="application/atom+xml"),
    )
    items = read(write_fixture("feeds.opml", server, tmp_path))
    sources = [item.source for item in items if isinstance(item, RawDocument)]
    assert sources == [
        server.url(p)
        for p in (
            "/articles/villach.html",
            "/articles/osthessen.html",
            "/articles/gone.html",
            "/articles/ambito.html",
        )
    ]
    (refused,) = [item for item in items if isinstance(item, Failure)]
    assert "'A local file is not a feed URL': file: URLs are not fetched" in refused.reason


def test_a_feed_url_on_the_command_line_is_fetched_and_read(server: NewsServer) -> None:
    url = server.route(
        "/feed",
        Reply(
            body=fixture_text("atom.xml", server),
            content_type="application/atom+xml; charset=utf-8",
        ),
    )
    (document,) = read(url)
    assert isinstance(document, RawDocument)
    assert document.source == server.url("/articles/ambito.html")
    assert document.outlet == "Ámbito test feed"


def test_a_page_url_on_the_command_line_is_ingested_as_one_article(
    server: NewsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.url("/articles/villach.html")
    assert main(["--db", str(tmp_path / "n.db"), "ingest", url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ingested"] == 1 and report["articles"][0]["source"] == url


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("ftp://example.org/feed.xml", "ftp: URLs are not fetched; only http and https are"),
        ("file:///etc/passwd", "file: URLs are not fetched; only http and https are"),
        ("javascript:alert(1)", "javascript: URLs are not fetched; only http and https are"),
    ],
)
def test_command_line_urls_of_other_schemes_are_refused(source: str, says: str) -> None:
    assert read(source) == [Failure(source, says)]


def test_an_item_whose_page_cannot_be_fetched_is_a_failure_naming_its_link(
    server: NewsServer, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(
        f"<rss version='2.0'><channel><title>t</title><item><title>x</title>"
        f"<link>{server.base}/articles/removed.html</link></item></channel></rss>"
    )
    (failure,) = read(feed)
    assert failure == Failure(
        server.url("/articles/removed.html"), "HTTP 404 Not Found; check the link"
    )


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_feeds_declaring_entities_are_refused_before_any_parser_expands_them(
    server: NewsServer, tmp_path: Path, name: str
) -> None:
    (failure,) = read(write_fixture(name, server, tmp_path))
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("declares XML entities (an XXE or billion-laughs attack")
    assert server.hits["/articles/villach.html"] == 0  # not one item was fetched


def test_a_hostile_feed_served_over_http_is_refused_too(server: NewsServer) -> None:
    url = server.route(
        "/lol",
        Reply(body=fixture_text("billion_laughs.xml", server), content_type="application/rss+xml"),
    )
    (failure,) = read(url)
    assert isinstance(failure, Failure) and "billion-laughs" in failure.reason


def test_an_opml_list_declaring_entities_is_refused(server: NewsServer, tmp_path: Path) -> None:
    outcome = parse_opml(fixture_text("xxe.opml", server), "xxe.opml")
    assert isinstance(outcome, Failure) and "declares XML entities" in outcome.reason
    (failure,) = read(write_fixture("xxe.opml", server, tmp_path))
    assert isinstance(failure, Failure) and "declares XML entities" in failure.reason


def test_an_image_served_where_a_feed_is_expected_is_refused(server: NewsServer) -> None:
    url = server.route(
        "/feed.png", Reply(body=b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
    )
    assert read(url) == [Failure(url, "serves image/png, not a feed or a page; check the link")]


def test_an_endless_feed_is_cut_off_at_the_size_limit(server: NewsServer) -> None:
    url = server.route(
        "/endless", Reply(body=b"<item>", endless=True, content_type="application/rss+xml")
    )
    (failure,) = read(url, settings=Settings(analysis=AnalysisSettings(max_document_bytes=500_000)))
    assert (
        isinstance(failure, Failure) and "over the limit of 500,000 per document" in failure.reason
    )


def test_a_document_that_is_not_a_feed_says_so(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text("<urlset><url><loc>https://example.org/</loc></url></urlset>")
    assert read(path) == [
        Failure(str(path), "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> with items)")
    ]


def test_feed_items_keep_their_order_and_relative_links_resolve_against_the_feed_url() -> None:
    data = (
        b"<rss version='2.0'><channel><title>T</title>"
        b"<item><title>one</title><link>/a/1</link></item>"
        b"<item><title>two</title><link>b/2</link></item></channel></rss>"
    )
    feed = parse_feed(
        data, "https://news.example.org/feeds/all", "https://news.example.org/feeds/all"
    )
    assert isinstance(feed, Feed)
    assert [item.link for item in feed.items] == [
        "https://news.example.org/a/1",
        "https://news.example.org/feeds/b/2",
    ]
