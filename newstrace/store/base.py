"""The `Store` interface: what every database backend of newstrace provides."""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Self

from newstrace.errors import NotFoundError, StoreError
from newstrace.model import Article, Failure

# How many candidates an ambiguous article reference lists.
MAX_CANDIDATES = 5


__all__ = [
    "AddResult",
    "BaseStore",
    "Derivation",
    "FailureRecord",
    "FeedState",
    "NotFoundError",
    "ProvenanceEdge",
    "RawRecord",
    "SearchHit",
    "SeenItem",
    "StoreError",
    "StoryMember",
    "StoryRecord",
    "Validators",
]


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str | None
    snippet: str


@dataclass(frozen=True)
class FailureRecord:
    source: str
    reason: str
    attempts: int
    last_attempt: str


@dataclass(frozen=True)
class FeedState:
    """What a polled feed last answered: its validators (for a conditional request), when,
    and how the poll went (changed, unchanged, or failed: <reason>)."""

    url: str
    etag: str | None
    last_modified: str | None
    last_polled: str
    last_status: str


@dataclass(frozen=True)
class SeenItem:
    """A feed item `watch` has handled, so that later rounds of any watcher skip it."""

    link: str
    feed: str | None  # None when carried over from a state file that did not say
    outcome: str  # ingested, duplicate, failed (for good), or imported
    first_seen: str | None = None  # ISO 8601; None: now


@dataclass(frozen=True)
class RawRecord:
    """What a raw document (by its hash) gave when it was read before: an article (with the
    stored article's title and language) or a failure, with what decided that failure."""

    hash: str
    source: str
    article_id: str | None
    reason: str | None
    decided_by: str | None
    title: str | None = None
    language: str | None = None


Validators = tuple[str | None, str | None]
"""A feed answer's (ETag, Last-Modified)."""


AddResult = Literal["ingested", "duplicate"]


class BaseStore(ABC):
    """Articles by stable id, failures by source, and full-text search."""

    url: str

    @abstractmethod
    def add(self, article: Article) -> AddResult:
        """Store an article; an article whose id is already stored is a duplicate (no-op).

        A stored failure for the same source is cleared: re-running finished it.
        """

    @abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction holding the store's write lock: every write inside commits
        together or none does, and writers of every process take their turn. A store call
        made inside joins it; so does a nested `transaction()`."""

    @abstractmethod
    def update(self, article: Article) -> None:
        """Replace what is stored for an existing id (later stages: summary, story).

        Raises NotFoundError when no article has that id.
        """

    @abstractmethod
    def articles_without_story(self) -> list[str]:
        """Ids of stored articles in no story yet, in ingest order."""

    # -- raw documents: what each document read gave, by the hash of its raw content -----

    @abstractmethod
    def known_documents(self, hashes: Iterable[str]) -> dict[str, RawRecord]:
        """The records of those of `hashes` read before, by hash."""

    @abstractmethod
    def record_document(
        self,
        hash: str,
        source: str,
        article_id: str | None,
        reason: str | None = None,
        decided_by: str | None = None,
    ) -> None:
        """Note what a raw document gave: an article, or a failure (`reason`) and what
        decided it; a later record of the same hash replaces the outcome, keeps the source."""

    @abstractmethod
    def record_failure(self, failure: Failure) -> None:
        """Keep a source that could not be read or analysed, with its reason."""

    @abstractmethod
    def failures(self) -> list[FailureRecord]:
        """Failures not yet cleared by a successful re-run, oldest first."""

    @abstractmethod
    def get(self, id: str) -> Article | None:
        """The article with this exact id."""

    @abstractmethod
    def resolve(self, ref: str) -> Article:
        """An article by id, unique id prefix, or source (path, file name or URL).

        Raises NotFoundError when nothing or more than one article matches.
        """

    def _only_match(self, ref: str, rows: Sequence[tuple[str, str]]) -> Article | None:
        """The article when one (id, source) row matched `ref`; NotFoundError when several did."""
        if len(rows) > 1:
            listed = ", ".join(f"{id} ({source})" for id, source in rows[:MAX_CANDIDATES])
            more = " …" if len(rows) > MAX_CANDIDATES else ""
            raise NotFoundError(
                f"{ref!r} matches several articles: {listed}{more}; give more of the id"
            )
        return self.get(rows[0][0]) if rows else None

    @abstractmethod
    def articles(
        self,
        *,
        story: str | None = None,
        language: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Article]:
        """Stored articles, newest first (by published date, then by ingest order)."""

    @abstractmethod
    def count(self) -> int:
        """How many articles are stored."""

    @abstractmethod
    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over title and text, best first; the snippet marks hits [like this]."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what `watch` remembers: feed validators and the items seen --------------------

    @abstractmethod
    def feed_state(self, url: str) -> FeedState | None:
        """What the feed at `url` answered when last polled, or None if never polled."""

    @abstractmethod
    def record_feed_check(
        self, url: str, status: str, validators: Validators | None = None
    ) -> None:
        """Note a poll of a feed and how it went, in one upsert (safe with other watchers).

        `validators` (a changed feed's ETag and Last-Modified) replace the stored ones;
        None (unchanged, failed) keeps them.
        """

    @abstractmethod
    def seen_links(self, links: Iterable[str]) -> set[str]:
        """Those of `links` already handled by a watch round (of any process)."""

    @abstractmethod
    def record_seen(self, items: Iterable[SeenItem]) -> int:
        """Mark items as handled; an item already seen keeps its first record. How many were new."""

    # -- stories: membership, records, derives_from and provenance ----------------------

    @abstractmethod
    def save_story_member(self, member: StoryMember) -> None:
        """Record (or replace) which story an article is in, with its story features."""

    @abstractmethod
    def story_marks(self) -> tuple[int, int, int]:
        """Where the stories stand: (times every story was forgotten or rewritten, order of the last
        member saved, order of the last redirect added). All only grow while the stories
        are kept."""

    @abstractmethod
    def story_members_after(self, order: int) -> Iterator[tuple[int, StoryMember]]:
        """Members saved after the one of order `order`, in the order they were saved."""

    @abstractmethod
    def story_members_since(self, seen: float) -> Iterator[StoryMember]:
        """Members seen at or after `seen` (seconds since 1970): the window, streamed oldest
        first, members seen at the same moment in the order they joined."""

    @abstractmethod
    def save_story(self, record: StoryRecord) -> None:
        """Create or replace a story's record; an id that redirected names this story now."""

    @abstractmethod
    def stories(self, *, limit: int | None = None) -> list[StoryRecord]:
        """Stories, most recently seen first."""

    @abstractmethod
    def get_story(self, id: str) -> StoryRecord | None:
        """The story with this id, or the one a merged story's id redirects to (the record
        then has the survivor's id)."""

    @abstractmethod
    def merge_story(self, absorbed: str, survivor: str) -> None:
        """Record that story `absorbed` became `survivor`: its members move, its record and
        provenance go, and its id (with every id redirecting to it) redirects to `survivor`."""

    @abstractmethod
    def newest_member_seen(self) -> float | None:
        """The latest `seen` of any story member (None: no dated member)."""

    @abstractmethod
    def story_redirects_after(self, order: int) -> Iterator[tuple[int, str, str]]:
        """(order, from id, to id) of the redirects added after `order`, oldest first."""

    @abstractmethod
    def save_derivation(self, derivation: Derivation) -> None:
        """Record that an article copies, rewrites or translates an earlier one."""

    @abstractmethod
    def derivations(self, article_ids: Iterable[str]) -> list[Derivation]:
        """The derives_from edges whose later article is one of `article_ids`."""

    @abstractmethod
    def save_provenance(self, story: str, edges: Iterable[ProvenanceEdge]) -> None:
        """Replace a story's provenance edges."""

    @abstractmethod
    def provenance(self, story: str) -> list[ProvenanceEdge]:
        """A story's provenance edges, in the order they were saved."""

    @abstractmethod
    def stories_changed(self) -> None:
        """Note that stories changed other than by members joining (a restory, a correction):
        every process holding a story index reloads it from the store."""

    @abstractmethod
    def clear_stories(self) -> None:
        """Forget every story, membership, redirect, derivation and provenance edge (for a
        restory)."""


@dataclass(frozen=True)
class StoryRecord:
    """A story as listed: title, languages (most articles first), size and time span."""

    id: str
    title: str | None
    languages: list[str]
    articles: int
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True)
class StoryMember:
    """An article's place in a story, with the features the story index is rebuilt from."""

    article_id: str
    story: str
    seen: float | None
    score: float | None
    features: str


@dataclass(frozen=True)
class Derivation:
    """`article_id` derives from the earlier `source_id`: copy, rewrite or translation."""

    article_id: str
    source_id: str
    kind: str
    score: float


@dataclass(frozen=True)
class ProvenanceEdge:
    """One step of a story's provenance: a medium or an article passes it on to the next."""

    source: str
    target: str
    kind: str
