"""The bundled sample corpus that `newstrace demo` loads."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_corpus_dir() -> Path:
    """Where the sample corpus lies inside the installed package."""
    return Path(str(resources.files("newstrace") / "data" / "sample"))


def sample_corpus_sources() -> list[str]:
    """The sample corpus as sources for `ingest`: the seeds, then the JSONL files."""
    root = sample_corpus_dir()
    documents = sorted(root.glob("*.txt")) + sorted(root.glob("*.jsonl"))
    return [str(path) for path in documents]
