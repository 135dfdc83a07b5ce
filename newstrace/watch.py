"""Poll feeds politely and store each new item's article: the library behind `newstrace watch`.

A round fetches every feed with the validators it answered last time (ETag, Last-Modified),
so an unchanged feed costs one request answered 304; a changed feed's items whose links were
seen before are not fetched again; each new item's page is fetched (`newstrace.fetch`: per-host
delay, timeouts, retries with backoff), analysed and stored via `ingest_documents`. What was
seen, and each feed's validators, live in the store itself (tables `feeds` and `seen_items`),
so every watcher of one database, on one machine or many, shares them. An item whose page
failed for a passing reason (5xx, timeout) is not marked seen, so the next round tries it
again; one that failed for good (404, not HTML) is, so it costs nothing more.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newstrace.errors import WatchError
from newstrace.feeds import Feed, is_opml, page_document, parse_feed, parse_opml
from newstrace.fetch import Fetched, Fetcher, FetchError, url_scheme_refusal
from newstrace.ingestion import Analyzer, IngestReport, ingest_documents
from newstrace.model import Failure, RawDocument
from newstrace.settings import Settings
from newstrace.store.base import BaseStore, SeenItem, Validators

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


@dataclass
class FeedCheck:
    """How one feed fared in a round: changed (its new items handled), unchanged (304), failed."""

    feed: str
    outcome: str
    new_items: int = 0
    reason: str | None = None


@dataclass
class RoundReport:
    """One round: each feed's check and what the new items' ingest did."""

    feeds: list[FeedCheck] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)

    def to_dict(self) -> dict[str, object]:
        return {
            "feeds": [
                {"feed": f.feed, "outcome": f.outcome, "new_items": f.new_items, "reason": f.reason}
                for f in self.feeds
            ],
            "unchanged": sum(f.outcome == "unchanged" for f in self.feeds),
            **self.ingest.to_dict(),
        }


@dataclass(frozen=True)
class _Pending:
    """An item's document on its way through ingest: what to mark seen once it is stored."""

    link: str
    feed: str
    retry_later: bool  # its page failed for a passing reason: not marked seen


def parse_interval(text: str) -> float:
    """Seconds of an interval written `90`, `90s`, `10m`, `1h` or `1d`."""
    found = _INTERVAL.match(text)
    if found is None or float(found.group(1)) <= 0:
        raise WatchError(f"--every {text!r}: give a positive interval such as 90s, 10m or 1h")
    return float(found.group(1)) * _UNIT_SECONDS[(found.group(2) or "s").lower()]


def watch(
    sources: Sequence[str],
    store: BaseStore,
    fetcher: Fetcher,
    settings: Settings | None = None,
    *,
    every: float = 600.0,
    once: bool = False,
    on_round: Callable[[RoundReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    workers: int = 1,
) -> int:
    """Poll `sources` (feed URLs or files, OPML lists) every `every` seconds; rounds done.

    Runs until interrupted (KeyboardInterrupt goes to the caller; what was handled is already in
    the store), or for one round with `once`. With `workers` > 1, a round with enough new
    items analyses them in a pool of processes, kept for the next rounds.
    """
    rounds = 0
    with Analyzer(settings or Settings(), workers) as analyzer:
        while True:
            report = watch_round(sources, store, fetcher, settings, analyzer=analyzer)
            rounds += 1
            if on_round is not None:
                on_round(report)
            if once:
                return rounds
            sleep(every)


def watch_round(
    sources: Sequence[str],
    store: BaseStore,
    fetcher: Fetcher,
    settings: Settings | None = None,
    *,
    analyzer: Analyzer | None = None,
) -> RoundReport:
    """Check every feed once, and fetch, analyse and store the items not seen before."""
    settings = settings or Settings()
    report = RoundReport()
    pending: dict[str, _Pending] = {}  # document source -> its item
    changed: list[tuple[str, Validators | None]] = []  # feeds to record once all is stored

    def stored(status: str, source: str) -> None:
        item = pending.pop(source, None)
        if item is not None and not item.retry_later:
            store.record_seen([SeenItem(item.link, item.feed, status)])

    documents = _new_documents(sources, store, fetcher, report, pending, changed)
    report.ingest = ingest_documents(documents, store, settings, progress=stored, analyzer=analyzer)
    for feed_url, validators in changed:
        store.record_feed_check(feed_url, "changed", validators)
    return report


def _new_documents(
    sources: Sequence[str],
    store: BaseStore,
    fetcher: Fetcher,
    report: RoundReport,
    pending: dict[str, _Pending],
    changed: list[tuple[str, Validators | None]],
) -> Iterator[RawDocument | Failure]:
    """The documents of the items not seen before, feed after feed.

    A changed feed's new validators go to `changed`, recorded once all the round's items are
    stored (ingest reads ahead of what it has stored), and are None when one of its items
    must be tried again: an interrupted round, or a page that answered 503, then gets the
    whole feed next time instead of a 304.
    """
    handled: set[str] = set()
    for feed_url in _feed_urls(sources, fetcher, report):
        checked = _check_feed(feed_url, store, fetcher, report)
        if checked is None:
            continue
        feed, validators = checked
        check = report.feeds[-1]
        links = [
            item.link or f"{feed.source}#{item.title or n}" for n, item in enumerate(feed.items, 1)
        ]
        seen = store.seen_links(links)
        retry_later = False
        for number, (item, link) in enumerate(zip(feed.items, links, strict=True), 1):
            if link in seen or link in handled:
                continue
            handled.add(link)
            check.new_items += 1
            answer = fetcher.fetch(item.link, "page") if item.link else None
            document = page_document(item, feed, answer, number)
            transient = (
                isinstance(document, Failure)
                and isinstance(answer, FetchError)
                and answer.transient
            )
            retry_later = retry_later or transient
            pending[document.source] = _Pending(link, feed_url, transient)
            yield document
        changed.append((feed_url, None if retry_later else validators))


def _feed_urls(sources: Sequence[str], fetcher: Fetcher, report: RoundReport) -> Iterator[str]:
    """Every feed to check: the sources, with OPML lists (files or URLs) opened."""
    for source in sources:
        if url_scheme_refusal(source) is None:
            if source.lower().split("?", 1)[0].endswith(".opml"):
                answer = fetcher.fetch(source, "feed")
                if isinstance(answer, FetchError):
                    report.feeds.append(FeedCheck(source, "failed", reason=answer.reason))
                    continue
                yield from _opml_feeds(answer.body, source, report)
            else:
                yield source
            continue
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            report.feeds.append(FeedCheck(source, "failed", reason=_os_reason(error)))
            continue
        if is_opml(data):
            yield from _opml_feeds(data, source, report)
        else:
            yield source


def _opml_feeds(data: bytes, source: str, report: RoundReport) -> Iterator[str]:
    urls = parse_opml(data, source)
    if isinstance(urls, Failure):
        report.feeds.append(FeedCheck(source, "failed", reason=urls.reason))
        return
    for url in urls:
        if isinstance(url, Failure):
            report.feeds.append(FeedCheck(url.source, "failed", reason=url.reason))
        else:
            yield url


def _check_feed(
    feed_url: str, store: BaseStore, fetcher: Fetcher, report: RoundReport
) -> tuple[Feed, Validators | None] | None:
    """The feed and its new validators when it changed since last round; None when
    unchanged or failed (recorded in the store at once)."""
    if url_scheme_refusal(feed_url) is not None:  # a feed file: read it every round
        try:
            data = Path(feed_url).read_bytes()
        except OSError as error:
            _failed(feed_url, _os_reason(error), store, report)
            return None
        return _parsed(data, feed_url, None, None, store, report)
    known = store.feed_state(feed_url)
    answer = fetcher.fetch(
        feed_url,
        "feed",
        etag=known.etag if known else None,
        last_modified=known.last_modified if known else None,
    )
    if isinstance(answer, FetchError):
        _failed(feed_url, answer.reason, store, report)
        return None
    if answer.not_modified:
        report.feeds.append(FeedCheck(feed_url, "unchanged"))
        store.record_feed_check(feed_url, "unchanged")
        return None
    return _parsed(answer.body, feed_url, answer.url, _validators(answer), store, report)


def _parsed(
    data: bytes,
    source: str,
    base: str | None,
    validators: Validators | None,
    store: BaseStore,
    report: RoundReport,
) -> tuple[Feed, Validators | None] | None:
    feed = parse_feed(data, source, base)
    if isinstance(feed, Failure):
        _failed(source, feed.reason, store, report)
        return None
    report.feeds.append(FeedCheck(source, "changed"))
    return feed, validators


def _failed(feed_url: str, reason: str, store: BaseStore, report: RoundReport) -> None:
    """Report and record a feed that could not be read this round (its validators stay)."""
    report.feeds.append(FeedCheck(feed_url, "failed", reason=reason))
    store.record_feed_check(feed_url, f"failed: {reason}")


def _validators(answer: Fetched) -> Validators:
    return (answer.etag or None, answer.last_modified or None)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _moment(value: object) -> str | None:
    """An ISO 8601 time of a state file, in UTC; None when missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _os_reason(error: OSError) -> str:
    return f"cannot read it: {(error.strerror or str(error)).lower()}"
