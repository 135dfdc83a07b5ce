"""The polite HTTP client, against a local server: conditional requests, retries, refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import DEV
from fixtures.feeds.server import NewsServer, Reply

from newstrace.encoding import decode_document
from newstrace.fetch import (
    Fetched,
    Fetcher,
    FetchError,
    FetchPolicy,
    decode_http_body,
    url_scheme_refusal,
)
from newstrace.settings import USER_AGENT, AnalysisSettings, Settings

PAGES = DEV / "extraction_pages" / "pages"
# No waiting between requests or retries: the tests check behaviour, not patience.
QUICK = FetchPolicy(host_delay=0.0, backoff=0.0, retries=2, timeout=5.0)


@pytest.fixture
def server() -> Iterator[NewsServer]:
    with NewsServer() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(Settings(), QUICK) as client:
        yield client


def fetched(answer: Fetched | FetchError) -> Fetched:
    assert isinstance(answer, Fetched), answer
    return answer


def refused(answer: Fetched | FetchError) -> FetchError:
    assert isinstance(answer, FetchError), answer
    return answer


def test_a_real_page_comes_back_whole_with_its_charset_and_a_user_agent_naming_newstrace(
    server: NewsServer, fetcher: Fetcher
) -> None:
    page = PAGES / "mix1.de-clio.html"
    url = server.page("/clio.html", page, charset="iso-8859-1")
    answer = fetched(fetcher.fetch(url))
    assert answer.body == page.read_bytes()
    assert (answer.media_type, answer.charset) == ("text/html", "iso-8859-1")
    assert server.requests_to("/clio.html")[0]["user-agent"] == USER_AGENT
    assert "newstrace" in USER_AGENT


def test_an_unchanged_resource_costs_one_conditional_request_answered_304(
    server: NewsServer, fetcher: Fetcher
) -> None:
    url = server.route(
        "/feed",
        Reply(
            body=b"<rss/>",
            content_type="application/rss+xml",
            etag='"v1"',
            last_modified="Tue, 03 Jun 2025 08:00:00 GMT",
        ),
    )
    first = fetched(fetcher.fetch(url, "feed"))
    again = fetched(fetcher.fetch(url, "feed", etag=first.etag, last_modified=first.last_modified))
    assert again.not_modified and again.body == b""
    assert server.hits["/feed"] == 2
    conditional = server.requests_to("/feed")[1]
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == "Tue, 03 Jun 2025 08:00:00 GMT"


def test_a_server_error_is_retried_and_the_next_answer_is_used(
    server: NewsServer, fetcher: Fetcher
) -> None:
    url = server.route("/flaky", Reply(status=500, body=b"oops"), Reply(body=b"<html>ok</html>"))
    assert fetched(fetcher.fetch(url)).body == b"<html>ok</html>"
    assert server.hits["/flaky"] == 2


def test_a_server_that_keeps_failing_is_given_up_as_transient_after_the_retries(
    server: NewsServer, fetcher: Fetcher
) -> None:
    url = server.route("/down", Reply(status=503, body=b"busy"))
    error = refused(fetcher.fetch(url))
    assert error.transient and "HTTP 503" in error.reason and "3 tries" in error.reason
    assert server.hits["/down"] == 1 + QUICK.retries


def test_a_missing_page_is_not_retried(server: NewsServer, fetcher: Fetcher) -> None:
    error = refused(fetcher.fetch(server.url("/nowhere")))
    assert not error.transient and error.reason.startswith("HTTP 404")
    assert server.hits["/nowhere"] == 1


def test_an_unreachable_server_is_a_transient_failure(fetcher: Fetcher) -> None:
    with NewsServer() as gone:
        url = gone.url("/feed")
    error = refused(fetcher.fetch(url))
    assert error.transient and "cannot connect" in error.reason


def test_redirects_are_followed_and_the_final_url_kept(
    server: NewsServer, fetcher: Fetcher
) -> None:
    server.route("/old", Reply(status=301, headers={"Location": "/new"}))
    target = server.route("/new", Reply(body=b"<html>moved</html>"))
    answer = fetched(fetcher.fetch(server.url("/old")))
    assert answer.url == target and answer.body == b"<html>moved</html>"


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)"]
)
def test_a_redirect_to_another_scheme_is_refused(
    server: NewsServer, fetcher: Fetcher, location: str
) -> None:
    url = server.route("/trap", Reply(status=302, headers={"Location": location}))
    error = refused(fetcher.fetch(url))
    scheme = location.split(":", 1)[0]
    assert error.reason.startswith(f"redirected to {location}: {scheme}: URLs are not fetched")


def test_a_redirect_loop_is_refused_after_the_redirect_limit(
    server: NewsServer, fetcher: Fetcher
) -> None:
    url = server.route("/loop", Reply(status=302, headers={"Location": "/loop"}))
    error = refused(fetcher.fetch(url))
    assert error.reason.startswith(f"more than {QUICK.max_redirects} redirects")
    assert server.hits["/loop"] == QUICK.max_redirects + 1


def test_an_image_where_a_feed_is_expected_is_refused_unread(
    server: NewsServer, fetcher: Fetcher
) -> None:
    url = server.route(
        "/feed.png", Reply(body=b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png")
    )
    error = refused(fetcher.fetch(url, "feed"))
    assert error.reason == "serves image/png, not a feed or a page; check the link"


def test_a_binary_body_without_a_content_type_is_refused(
    server: NewsServer, fetcher: Fetcher
) -> None:
    url = server.route("/blob", Reply(body=b"%PDF-1.7\n" + bytes(2000), content_type=None))
    assert "PDF document" in refused(fetcher.fetch(url, "feed")).reason


def test_a_response_declared_too_large_is_refused_before_its_body_is_read(
    server: NewsServer,
) -> None:
    url = server.route("/big", Reply(body=b"<p>" + b"x" * 5000))
    with Fetcher(Settings(analysis=AnalysisSettings(max_document_bytes=1000)), QUICK) as small:
        error = refused(small.fetch(url))
    assert "over the limit of 1,000 per document" in error.reason and not error.transient


def test_an_endless_response_is_cut_off_at_the_document_size_limit(server: NewsServer) -> None:
    url = server.route("/endless", Reply(body=b"<p>news</p>", endless=True))
    with Fetcher(Settings(analysis=AnalysisSettings(max_document_bytes=200_000)), QUICK) as small:
        error = refused(small.fetch(url))
    assert error.reason.startswith("the response is more than")
    assert "over the limit of 200,000 per document" in error.reason


def test_a_trickling_response_is_stopped_at_the_deadline(server: NewsServer) -> None:
    url = server.route("/trickle", Reply(body=b"<p>slow</p>", endless=True, pause=0.05))
    with Fetcher(Settings(), FetchPolicy(host_delay=0, retries=0, deadline=0.5)) as patient:
        error = refused(patient.fetch(url))
    assert error.reason.startswith("still sending after 0.5 s")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "file: URLs are not fetched"),
        ("ftp://example.org/feed.xml", "ftp: URLs are not fetched"),
        ("javascript:alert(1)", "javascript: URLs are not fetched"),
        ("/just/a/path", "not an absolute http(s) URL"),
    ],
)
def test_urls_of_other_schemes_are_refused_without_a_request(url: str, says: str) -> None:
    refusal = url_scheme_refusal(url)
    assert refusal is not None and refusal.startswith(says)
    with Fetcher(Settings(), QUICK) as client:
        assert refused(client.fetch(url)).reason == refusal


def test_a_second_request_to_one_host_waits_its_turn(server: NewsServer) -> None:
    waits: list[float] = []
    url = server.route("/a", Reply(body=b"<html>a</html>"))
    with Fetcher(Settings(), FetchPolicy(host_delay=5.0), sleep=waits.append) as polite:
        fetched(polite.fetch(url))
        assert waits == []
        fetched(polite.fetch(url))
    assert len(waits) == 1 and 0 < waits[0] <= 5.0


def test_the_header_charset_decodes_a_page_that_has_no_declaration_of_its_own() -> None:
    text = "Überraschung in Köln: Straßenbahn fährt wieder"
    body = b"<html><body><p>" + text.encode("cp1252") + b"</p></body></html>"
    assert text in decode_http_body(body, "windows-1252", html=True)


def test_utf8_bodies_stay_utf8_whatever_the_header_claims() -> None:
    page = (PAGES / "5min.at-Villachs.html").read_bytes()
    assert decode_http_body(page, "iso-8859-1", html=True) == decode_document(page, True).text


def test_a_page_without_a_header_charset_is_decoded_as_a_file_would_be() -> None:
    page = (PAGES / "archive.org.he.xinhuanet.com.25340717.html").read_bytes()
    assert decode_http_body(page, None, html=True) == decode_document(page, True).text
    assert "约定无期限" in decode_http_body(page, "gb2312", html=True)
