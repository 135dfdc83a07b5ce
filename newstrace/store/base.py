"""The `Store` interface: what every database backend of newstrace provides."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Self

from newstrace.model import Article, Failure


class StoreError(Exception):
    """The database cannot be used (unreadable, wrong schema, ambiguous id); one line."""


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
    def update(self, article: Article) -> None:
        """Replace what is stored for an existing id (later stages: summary, story).

        Raises StoreError when no article has that id.
        """

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

        Raises StoreError when nothing or more than one article matches.
        """

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
