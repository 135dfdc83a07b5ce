"""Storage: `Store("news.db")`, `Store(memory=True)`; one interface for every backend."""

from __future__ import annotations

from newstrace.store.base import BaseStore, FailureRecord, SearchHit, StoreError


def Store(url: str | None = None, *, memory: bool = False) -> BaseStore:
    """Open (and migrate) the database at `url`: a SQLite path, or memory=True."""
    from newstrace.store.sqlite import SQLiteStore

    if memory:
        return SQLiteStore(":memory:")
    if url is None:
        raise StoreError("no database given: pass a path, or memory=True")
    if url.startswith(("postgresql://", "postgres://")):
        where = url.split("@")[-1]
        raise StoreError(f"{where}: PostgreSQL is not supported yet; use a SQLite path")
    return SQLiteStore(url)


__all__ = ["BaseStore", "FailureRecord", "SearchHit", "Store", "StoreError"]
