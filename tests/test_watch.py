"""`newstrace watch` against a local feed server: new items, 304s, retries, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEV, FIXTURES, REPO
from fixtures.feeds.server import NewsServer, Reply

from newstrace.cli import main
from newstrace.fetch import Fetcher, FetchPolicy
from newstrace.settings import Settings
from newstrace.store import Store
from newstrace.watch import WatchError, WatchState, parse_interval, watch_round

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


def cli_round(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *sources: str
) -> dict[str, object]:
    db = str(tmp_path / "news.db")
    assert main(["--db", db, "watch", *sources, "--once", "--delay", "0", "--json"]) == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
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
    assert (tmp_path / "news.db.watch.json").is_file()


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
    state = WatchState.load(tmp_path / "state.json")
    with Store(memory=True) as store, Fetcher(Settings(), QUICK) as fetcher:
        report = watch_round([server.url("/feed")], store, state, fetcher)
        assert store.count() == 1
    assert server.hits["/feed"] == 2
    assert [check.outcome for check in report.feeds] == ["changed"]


def test_a_page_failing_for_a_passing_reason_is_tried_again_next_round_a_missing_one_is_not(
    server: NewsServer, tmp_path: Path
) -> None:
    server.route("/busy.html", Reply(status=503, body=b"later"))
    server.route("/feed", feed_reply(rss(server, "/busy.html", "/gone.html"), etag=None))
    state = WatchState.load(tmp_path / "state.json")
    with Store(memory=True) as store, Fetcher(Settings(), QUICK) as fetcher:
        first = watch_round([server.url("/feed")], store, state, fetcher)
        second = watch_round([server.url("/feed")], store, WatchState.load(state.path), fetcher)
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
    outcomes = [(f["feed"], f["outcome"]) for f in report["feeds"]]  # type: ignore[union-attr,index]
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
    (check,) = report["feeds"]  # type: ignore[misc]
    assert check["outcome"] == "failed" and "declares XML entities" in check["reason"]
    assert server.hits["/a.html"] == 0


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("1h", 3600)])
def test_intervals_read_with_their_units(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


def test_a_bad_interval_or_state_file_stops_the_command_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "news.db")
    assert main(["--db", db, "watch", "http://127.0.0.1:9/feed", "--every", "soon"]) == 1
    assert capsys.readouterr().err.startswith("newstrace: --every 'soon': give a positive")
    (tmp_path / "news.db.watch.json").write_text("{broken")
    assert main(["--db", db, "watch", "http://127.0.0.1:9/feed", "--once"]) == 1
    assert "remove it to start afresh" in capsys.readouterr().err
    with pytest.raises(WatchError):
        WatchState.load(tmp_path / "news.db.watch.json")


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
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env
    ) as process:
        assert process.stdout is not None
        first_line = process.stdout.readline()  # the first round is done: now it sleeps
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert "feeds checked: 1 (0 unchanged), new items: 1" in first_line
    assert process.returncode == 0
    assert "watch stopped" in err and "Traceback" not in err
    state = json.loads((tmp_path / "news.db.watch.json").read_text())
    assert list(state["seen"]) == [server.url("/a.html")]
