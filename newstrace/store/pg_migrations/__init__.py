"""Numbered schema migrations of the PostgreSQL store, one module each (`m0001_articles.py`, …).

Same rules as the SQLite migrations: a module `m<NNNN>_<what>.py` holds one `SQL` script,
its number is its version, recorded in `schema_migrations`; a schema change is a new file.
"""

from __future__ import annotations

from newstrace.store.migrations import Migration, collect


def migrations() -> list[Migration]:
    """Every PostgreSQL migration, in version order."""
    return collect(__name__, __path__)
