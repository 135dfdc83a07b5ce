"""Storage: `Store("news.db")`, `Store(memory=True)`, `Store("postgresql://…")`; one interface."""

from __future__ import annotations

from newstrace.store.base import BaseStore, FailureRecord, NotFoundError, SearchHit, StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def Store(url: str | None = None, *, memory: bool = False) -> BaseStore:
    """Open (and migrate) the database at `url`: a SQLite path, a postgresql:// URL, or memory."""
    from newstrace.store.sqlite import SQLiteStore

    if memory:
        return SQLiteStore(":memory:")
    if url is None:
        raise StoreError("no database given: pass a path, a postgresql:// URL, or memory=True")
    if url.startswith(POSTGRES_SCHEMES):
        try:
            from newstrace.store.postgres import PostgresStore
        except ImportError as error:
            where = url.split("@")[-1]
            raise StoreError(
                f"{where}: PostgreSQL needs psycopg ({error}); "
                "install it with pip install 'newstrace[postgres]'"
            ) from None
        return PostgresStore(url)
    return SQLiteStore(url)


__all__ = ["BaseStore", "FailureRecord", "NotFoundError", "SearchHit", "Store", "StoreError"]
