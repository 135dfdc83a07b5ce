"""`newstrace watch` against a local feed server: new items, 304s, retries, Ctrl-C, and the
state kept in the store (SQLite file or PostgreSQL) shared by every watcher of a database."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV, FIXTURES, REPO
from fixtures.feeds.server import NewsServer, Reply
from pg import PostgresServer, ServerUnavailable, start_server

from newstrace.cli import main
from newstrace.fetch import Fetcher, FetchPolicy
from newstrace.settings import Settings
from newstrace.store import Store
from newstrace.watch import parse_interval, watch_round

PAGES = DEV / "extraction_pages" / "pages"
QUICK = FetchPolicy(host_delay=0.0, backoff=0.0, retries=2, timeout=5.0)
ETAG = '"feed-v1"'


def rss(server: NewsServer, *paths: str) -> bytes:
    items = "".join(
        f"<item><title>{path}</title><link>{server.url(path)}</link></item>" for path in paths
    )
    return f"<rss version='2.0'><channel><title>Local news</title>{items}</channel></rss>".encode()


def feed_reply(body: bytes, etag: str | None = ETAG, status: int = 200) -> Reply:
    return Reply(status=status, body=body, content_type="application/rss+xml", etag=etag)


@pytest.fixture
def server() -> Iterator[NewsServer]:
    with NewsServer() as running:
        running.page("/a.html", PAGES / "5min.at-Villachs.html")
        running.page("/b.html", PAGES / "Osthessen-news.de-Buergermeisterwahl.html")
        running.page("/c.html", PAGES / "ambito.com-paritarias.html", charset="utf-8")
        yield running


def cli_round(tmp_path: Path, capsys: pytest.CaptureFixture[str], *sources: str) -> dict[str, Any]:
    db = str(tmp_path / "news.db")
    assert main(["--db", db, "watch", *sources, "--once", "--delay", "0", "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def stored_sources(tmp_path: Path) -> set[str]:
    with Store(str(tmp_path / "news.db")) as store:
        return {article.source for article in store.articles()}


def test_new_items_appear_and_an_unchanged_feed_then_costs_one_conditional_request(
    server: NewsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = server.route("/feed", feed_reply(rss(server, "/a.html", "/b.html")))
    first = cli_round(tmp_path, capsys, feed)
    assert (first["ingested"], first["failed"]) == (2, 0)
    assert stored_sources(tmp_path) == {server.url("/a.html"), server.url("/b.html")}
    before = sum(server.hits.values())

    second = cli_round(tmp_path, capsys, feed)
    assert sum(server.hits.values()) - before == 1  # exactly one request, to the feed
    assert server.requests_to("/feed")[-1]["if-none-match"] == ETAG
    assert second["unchanged"] == 1 and second["ingested"] == 0
    with Store(str(tmp_path / "news.db")) as store:
        state = store.feed_state(feed)
        assert state is not None and (state.etag, state.last_status) == (ETAG, "unchanged")
    assert not (tmp_path / "news.db.watch.json").exists()


def test_a_changed_feed_fetches_only_its_new_items(
    server: NewsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/feed", feed_reply(rss(server, "/a.html")))
    cli_round(tmp_path, capsys, server.url("/feed"))
    server.route("/feed", feed_reply(rss(server, "/c.html", "/a.html"), etag='"feed-v2"'))
    report = cli_round(tmp_path, capsys, server.url("/feed"))
    assert report["ingested"] == 1
    assert (server.hits["/a.html"], server.hits["/c.html"]) == (1, 1)
    assert stored_sources(tmp_path) == {server.url("/a.html"), server.url("/c.html")}


def test_a_feed_that_answers_500_then_200_is_retried_and_read(
    server: NewsServer, tmp_path: Path
) -> None:
    server.route("/feed", feed_reply(b"busy", status=500), feed_reply(rss(server, "/a.html")))
    with Store(memory=True) as store, Fetcher(Settings(), QUICK) as fetcher:
        report = watch_round([server.url("/feed")], store, fetcher)
        assert store.count() == 1
    assert server.hits["/feed"] == 2
    assert [check.outcome for check in report.feeds] == ["changed"]


def test_a_page_failing_for_a_passing_reason_is_tried_again_next_round_a_missing_one_is_not(
    server: NewsServer,
) -> None:
    server.route("/busy.html", Reply(status=503, body=b"later"))
    server.route("/feed", feed_reply(rss(server, "/busy.html", "/gone.html"), etag=None))
    with Store(memory=True) as store, Fetcher(Settings(), QUICK) as fetcher:
        first = watch_round([server.url("/feed")], store, fetcher)
        second = watch_round([server.url("/feed")], store, fetcher)
    assert first.ingest.failed == 2 and second.ingest.failed == 1
    assert server.hits["/busy.html"] == 2 * (1 + QUICK.retries)
    assert server.hits["/gone.html"] == 1
    assert [f.source for f in second.ingest.failures] == [server.url("/busy.html")]


def test_an_opml_list_is_watched_feed_by_feed(
    server: NewsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/rss2.xml", feed_reply(rss(server, "/a.html")))
    server.route("/atom.xml", feed_reply(rss(server, "/b.html"), etag='"other"'))
    opml = tmp_path / "feeds.opml"
    template = (FIXTURES / "feeds" / "feeds.opml").read_text(encoding="utf-8")
    opml.write_text(template.replace("{base}", server.base), encoding="utf-8")
    report = cli_round(tmp_path, capsys, str(opml))
    outcomes = [(f["feed"], f["outcome"]) for f in report["feeds"]]
    assert (server.url("/rss2.xml"), "changed") in outcomes
    assert (server.url("/atom.xml"), "changed") in outcomes
    assert any(outcome == "failed" for _, outcome in outcomes)  # the file: outline
    assert report["ingested"] == 2


def test_a_hostile_feed_is_refused_with_its_reason_and_nothing_is_fetched(
    server: NewsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (FIXTURES / "feeds" / "xxe.xml").read_bytes().replace(b"{base}", server.base.encode())
    server.route("/feed", feed_reply(body))
    report = cli_round(tmp_path, capsys, server.url("/feed"))
    (check,) = report["feeds"]
    assert check["outcome"] == "failed" and "declares XML entities" in check["reason"]
    assert server.hits["/a.html"] == 0


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("1h", 3600)])
def test_intervals_read_with_their_units(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


def test_a_bad_interval_stops_the_command_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "news.db")
    assert main(["--db", db, "watch", "http://127.0.0.1:9/feed", "--every", "soon"]) == 1
    assert capsys.readouterr().err.startswith("newstrace: --every 'soon': give a positive")


def test_ctrl_c_stops_the_loop_cleanly_and_keeps_what_was_seen(
    server: NewsServer, tmp_path: Path
) -> None:
    server.route("/feed", feed_reply(rss(server, "/a.html")))
    command = [
        sys.executable,
        "-m",
        "newstrace",
        "--db",
        str(tmp_path / "news.db"),
        "watch",
        server.url("/feed"),
        "--every",
        "1h",
        "--delay",
        "0",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Ctrl-C as a terminal sends it: to a process that has not inherited SIGINT ignored (a
    # test runner started in the background passes that on, and Python then never turns
    # SIGINT into KeyboardInterrupt).
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as process:
        assert process.stdout is not None
        first_line = process.stdout.readline()  # the first round is done: now it sleeps
        process.send_signal(signal.SIGINT)
        try:
            _out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()  # else leaving the `with` waits for it for ever
            raise
    assert "feeds checked: 1 (0 unchanged), new items: 1" in first_line
    assert process.returncode == 0
    assert "watch stopped" in err and "Traceback" not in err
    with Store(str(tmp_path / "news.db")) as store:
        assert store.seen_links([server.url("/a.html"), server.url("/b.html")]) == {
            server.url("/a.html")
        }
    assert not (tmp_path / "news.db.watch.json").exists()


def test_a_feed_with_a_page_to_retry_is_read_whole_next_round_despite_its_etag(
    server: NewsServer,
) -> None:
    busy = [Reply(status=503, body=b"later")] * (1 + QUICK.retries)
    page = (PAGES / "5min.at-Villachs.html").read_bytes()
    server.route("/busy.html", *busy, Reply(body=page, content_type="text/html"))
    feed = server.route("/feed", feed_reply(rss(server, "/busy.html", "/b.html")))
    with Store(memory=True) as store, Fetcher(Settings(), QUICK) as fetcher:
        first = watch_round([feed], store, fetcher)
        second = watch_round([feed], store, fetcher)  # the feed again in full, not a 304
        third = watch_round([feed], store, fetcher)  # nothing left to retry: now a 304
    assert (first.ingest.ingested, first.ingest.failed) == (1, 1)
    assert [check.outcome for check in second.feeds] == ["changed"]
    assert (second.ingest.ingested, second.ingest.failed) == (1, 0)
    assert [check.outcome for check in third.feeds] == ["unchanged"]
    assert [r.get("if-none-match") for r in server.requests_to("/feed")] == [None, None, ETAG]
    assert (server.hits["/busy.html"], server.hits["/b.html"]) == (2 + QUICK.retries, 1)


# -- several watchers of one database ------------------------------------------------------


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for this module; missing binaries fail in CI, skip elsewhere."""
    try:
        running = start_server()
    except ServerUnavailable as error:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"the PostgreSQL tests need a server: {error}")
        pytest.skip(f"no PostgreSQL server here: {error}")
    yield running
    running.stop()


_database_numbers = itertools.count(1)


@pytest.fixture(params=["sqlite-file", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database several watchers share: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite-file":
        yield str(tmp_path / "news.db")
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"newstrace_watch_{next(_database_numbers)}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


def watch_process(database: str, *sources: str) -> subprocess.Popen[str]:
    """`newstrace watch --once` in a process of its own, reporting in JSON."""
    command = [sys.executable, "-m", "newstrace", "--db", database, "watch", *sources]
    return subprocess.Popen(
        [*command, "--once", "--delay", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def finished(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def test_watch_processes_on_one_database_share_seen_items_and_feed_validators(
    server: NewsServer, database: str
) -> None:
    world = server.route("/world.xml", feed_reply(rss(server, "/a.html", "/b.html")))
    europe = server.route("/europe.xml", feed_reply(rss(server, "/a.html", "/c.html"), '"eu"'))
    first = finished(watch_process(database, world))
    before = server.hits.copy()
    # Another process: the unchanged feed costs one conditional request, answered 304 from
    # the validators in the store; an item the first process stored is not fetched again.
    second = finished(watch_process(database, world, europe))
    assert (first["ingested"], second["ingested"], second["unchanged"]) == (2, 1, 1)
    assert server.hits["/world.xml"] - before["/world.xml"] == 1
    assert server.requests_to("/world.xml")[-1]["if-none-match"] == ETAG
    assert (server.hits["/a.html"], server.hits["/b.html"], server.hits["/c.html"]) == (1, 1, 1)
    with Store(database) as store:
        assert store.count() == 3


def test_two_watch_processes_at_once_store_each_item_once_and_leave_one_state(
    server: NewsServer, database: str
) -> None:
    paths = ["/a.html", "/b.html", "/c.html"]
    feed = server.route("/feed", feed_reply(rss(server, *paths)))
    # Both create (or find) the schema, read the feed and store its items at the same time.
    reports = [finished(p) for p in [watch_process(database, feed), watch_process(database, feed)]]
    links = [server.url(path) for path in paths]
    assert sum(report["ingested"] for report in reports) == 3, [
        [(f["source"], f["reason"]) for f in report["failures"]] for report in reports
    ]
    with Store(database) as store:
        assert store.count() == 3
        assert store.seen_links(links) == set(links)
        before = sum(server.hits.values())
        with Fetcher(Settings(), QUICK) as fetcher:
            third = watch_round([feed], store, fetcher)
    assert [check.outcome for check in third.feeds] == ["unchanged"]
    assert sum(server.hits.values()) - before == 1
