"""Numbered schema migrations of the SQLite store, one module each (`m0001_articles.py`, …).

A migration is a module named `m<NNNN>_<what>.py` holding one `SQL` script; its number is
its version, recorded in `schema_migrations` once applied. Adding a schema change is adding
the next file, never editing an applied one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass

_NAME = re.compile(r"m(\d{4})_\w+")


@dataclass(frozen=True)
class Migration:
    """One schema change: its version number, module name, and SQL script."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration of this package, in version order (numbers must be 1, 2, 3 …)."""
    return collect(__name__, __path__)


def collect(package: str, path: Iterable[str]) -> list[Migration]:
    """Every `m<NNNN>_<what>` module of a migrations package, in version order (1, 2, 3 …)."""
    found: list[Migration] = []
    for module in pkgutil.iter_modules(path):
        match = _NAME.fullmatch(module.name)
        if match is None:
            continue
        loaded = importlib.import_module(f"{package}.{module.name}")
        sql = getattr(loaded, "SQL", None)
        if not isinstance(sql, str):
            raise RuntimeError(f"migration {module.name} has no SQL string")
        found.append(Migration(version=int(match.group(1)), name=module.name, sql=sql))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"migration numbers {[m.version for m in found]} are not 1..n")
    return found
