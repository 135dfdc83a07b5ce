"""Numbered schema migrations of both SQL stores, one module each (`m0001_articles.py`, …).

A migration is a module named `m<NNNN>_<what>.py`; its number is its version, recorded in
`schema_migrations` once applied. Adding a schema change is adding the next file, never
editing an applied one. A module holds either one `SQL` script for both dialects, in which
`{timestamp}` and `{real}` stand for the column types that differ (see `TYPES`), or a
`SQLITE` and a `POSTGRES` script where the DDL truly differs (FTS5 against tsvector).
The runner is `SQLStore._migrate` (store/sql.py).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass

_NAME = re.compile(r"m(\d{4})_\w+")

DIALECTS = ("sqlite", "postgres")

# The column types that differ: SQLite keeps times as ISO 8601 text (UTC) and has one REAL.
TYPES = {
    "sqlite": {"timestamp": "TEXT", "real": "REAL"},
    "postgres": {"timestamp": "TIMESTAMPTZ", "real": "DOUBLE PRECISION"},
}


@dataclass(frozen=True)
class Migration:
    """One schema change: its version number, module name, and SQL script."""

    version: int
    name: str
    sql: str


def migrations(dialect: str) -> list[Migration]:
    """Every migration of `dialect` ("sqlite" or "postgres"), in version order (1, 2, 3 …)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    found: list[Migration] = []
    for module in pkgutil.iter_modules(__path__):
        match = _NAME.fullmatch(module.name)
        if match is None:
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        found.append(Migration(int(match.group(1)), module.name, _script(loaded, dialect)))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers {[m.version for m in found]} are not 1..n")
    return found


def _script(module: object, dialect: str) -> str:
    """The module's script for `dialect`: its own, or the shared one with the types filled in."""
    own = getattr(module, dialect.upper(), None)
    if isinstance(own, str):
        return own
    shared = getattr(module, "SQL", None)
    if isinstance(shared, str):
        return shared.format(**TYPES[dialect])
    raise RuntimeError(f"migration {module!r} has neither SQL nor {dialect.upper()} as a string")
