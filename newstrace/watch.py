"""Poll feeds politely and store each new item's article: the library behind `newstrace watch`.

A round fetches every feed with the validators it answered last time (ETag, Last-Modified),
so an unchanged feed costs one request answered 304; a changed feed's items whose links were
seen before are not fetched again; each new item's page is fetched (`newstrace.fetch`: per-host
delay, timeouts, retries with backoff), analysed and stored via `ingest_documents`. What was
seen, and each feed's validators, are kept in a small JSON state file beside the database.
An item whose page failed for a passing reason (5xx, timeout) is not marked seen, so the next
round tries it again; one that failed for good (404, not HTML) is, so it costs nothing more.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newstrace.feeds import Feed, is_opml, page_document, parse_feed, parse_opml
from newstrace.fetch import Fetched, Fetcher, FetchError, url_scheme_refusal
from newstrace.ingest import IngestReport, ingest_documents
from newstrace.model import Failure, RawDocument
from newstrace.settings import Settings
from newstrace.store.base import BaseStore

STATE_VERSION = 1
# Where the state goes when the database is not a file (PostgreSQL): the working directory.
DEFAULT_STATE_FILE = "newstrace-watch.json"
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class WatchError(Exception):
    """Watching cannot start (bad interval, unreadable state file); one line."""


@dataclass
class WatchState:
    """What a watch remembers between rounds: feed validators and the links already seen."""

    path: Path | None
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # link -> when first handled

    @classmethod
    def load(cls, path: Path | None) -> WatchState:
        """The state saved at `path` (none yet: empty); raises WatchError when unreadable."""
        if path is None or not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise WatchError(
                f"cannot read the watch state {path}: {error}; fix it, or remove it to "
                "start afresh (every item is then fetched once more)"
            ) from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise WatchError(f"{path} is not a newstrace watch state; give another --state")
        return cls(path, dict(data.get("validators") or {}), dict(data.get("seen") or {}))

    def save(self) -> None:
        """Write the state atomically, so an interrupted save leaves the old one whole."""
        if self.path is None:
            return
        data = {"version": STATE_VERSION, "validators": self.validators, "seen": self.seen}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(temporary, self.path)

    def mark_seen(self, link: str) -> None:
        self.seen.setdefault(link, datetime.now(UTC).isoformat(timespec="seconds"))


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


def parse_interval(text: str) -> float:
    """Seconds of an interval written `90`, `90s`, `10m`, `1h` or `1d`."""
    found = _INTERVAL.match(text)
    if found is None or float(found.group(1)) <= 0:
        raise WatchError(f"--every {text!r}: give a positive interval such as 90s, 10m or 1h")
    return float(found.group(1)) * _UNIT_SECONDS[(found.group(2) or "s").lower()]


def default_state_path(database: str) -> Path:
    """The state file of a database: beside a SQLite file, else in the working directory."""
    if "://" in database or database == ":memory:":
        return Path(DEFAULT_STATE_FILE)
    return Path(database + ".watch.json")


def watch(
    sources: Sequence[str],
    store: BaseStore,
    state: WatchState,
    fetcher: Fetcher,
    settings: Settings | None = None,
    *,
    every: float = 600.0,
    once: bool = False,
    on_round: Callable[[RoundReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Poll `sources` (feed URLs or files, OPML lists) every `every` seconds; rounds done.

    Runs until interrupted (KeyboardInterrupt goes to the caller, with the state saved), or
    for one round with `once`.
    """
    rounds = 0
    while True:
        report = watch_round(sources, store, state, fetcher, settings)
        rounds += 1
        if on_round is not None:
            on_round(report)
        if once:
            return rounds
        sleep(every)


def watch_round(
    sources: Sequence[str],
    store: BaseStore,
    state: WatchState,
    fetcher: Fetcher,
    settings: Settings | None = None,
) -> RoundReport:
    """Check every feed once, and fetch, analyse and store the items not seen before."""
    settings = settings or Settings()
    report = RoundReport()
    pending: dict[str, tuple[str, bool]] = {}  # document source -> (link, mark as seen)

    def stored(status: str, source: str) -> None:
        link, done = pending.pop(source, (source, False))
        if done:
            state.mark_seen(link)

    try:
        documents = _new_documents(sources, state, fetcher, report, pending)
        report.ingest = ingest_documents(documents, store, settings, progress=stored)
    finally:
        state.save()
    return report


def _new_documents(
    sources: Sequence[str],
    state: WatchState,
    fetcher: Fetcher,
    report: RoundReport,
    pending: dict[str, tuple[str, bool]],
) -> Iterator[RawDocument | Failure]:
    """The documents of the items not seen before, feed after feed; the state is saved
    after each feed."""
    for feed_url in _feed_urls(sources, fetcher, report):
        feed = _check_feed(feed_url, state, fetcher, report)
        if feed is None:
            continue
        check = report.feeds[-1]
        handled: set[str] = set()
        for number, item in enumerate(feed.items, 1):
            link = item.link or f"{feed.source}#{item.title or number}"
            if link in state.seen or link in handled:
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
            pending[document.source] = (link, not transient)
            yield document
        state.save()


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
    feed_url: str, state: WatchState, fetcher: Fetcher, report: RoundReport
) -> Feed | None:
    """The feed when it changed since last round; None when unchanged or failed."""
    if url_scheme_refusal(feed_url) is not None:  # a feed file: read it every round
        try:
            data = Path(feed_url).read_bytes()
        except OSError as error:
            report.feeds.append(FeedCheck(feed_url, "failed", reason=_os_reason(error)))
            return None
        return _parsed(data, feed_url, None, report)
    known = state.validators.get(feed_url, {})
    answer = fetcher.fetch(
        feed_url, "feed", etag=known.get("etag"), last_modified=known.get("last_modified")
    )
    if isinstance(answer, FetchError):
        report.feeds.append(FeedCheck(feed_url, "failed", reason=answer.reason))
        return None
    if answer.not_modified:
        report.feeds.append(FeedCheck(feed_url, "unchanged"))
        return None
    feed = _parsed(answer.body, feed_url, answer.url, report)
    if feed is not None:
        state.validators[feed_url] = _validators(answer)
    return feed


def _parsed(data: bytes, source: str, base: str | None, report: RoundReport) -> Feed | None:
    feed = parse_feed(data, source, base)
    if isinstance(feed, Failure):
        report.feeds.append(FeedCheck(source, "failed", reason=feed.reason))
        return None
    report.feeds.append(FeedCheck(source, "changed"))
    return feed


def _validators(answer: Fetched) -> dict[str, str]:
    found = {"etag": answer.etag, "last_modified": answer.last_modified}
    return {key: value for key, value in found.items() if value}


def _os_reason(error: OSError) -> str:
    return f"cannot read it: {(error.strerror or str(error)).lower()}"
