"""newstrace: read news in any language — clean articles, who said what, stories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newstrace.version import __version__

__all__ = [
    "AnalysisError",
    "Article",
    "Failure",
    "NewstraceError",
    "RawDocument",
    "Settings",
    "Store",
    "__version__",
    "analyze",
    "ingest",
    "read_sources",
]

if TYPE_CHECKING:
    from newstrace.errors import NewstraceError
    from newstrace.ingestion import ingest
    from newstrace.model import Article, Failure, RawDocument
    from newstrace.pipeline import AnalysisError, analyze
    from newstrace.readers import read_sources
    from newstrace.settings import Settings
    from newstrace.store import Store

_WHERE = {
    "AnalysisError": "newstrace.errors",
    "NewstraceError": "newstrace.errors",
    "analyze": "newstrace.pipeline",
    "Article": "newstrace.model",
    "Failure": "newstrace.model",
    "RawDocument": "newstrace.model",
    "Settings": "newstrace.settings",
    "Store": "newstrace.store",
    "ingest": "newstrace.ingestion",
    "read_sources": "newstrace.readers",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so `import newstrace` stays fast (trafilatura is slow to load)."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'newstrace' has no attribute {name!r}")
