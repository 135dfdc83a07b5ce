"""The spaCy path of claims extraction for the attribution benchmark (English pipeline)."""

from __future__ import annotations

from collections.abc import Callable

from newstrace.analysis.claims import Found, find_attributions
from newstrace.nlp.models import spacy_pipeline
from newstrace.pipeline import Context


def spacy_extractor() -> Callable[[str, list[tuple[int, int]]], list[Found]] | None:
    """An extractor that parses with spaCy, or None when no English pipeline is installed."""
    nlp = spacy_pipeline("en", Context())
    if nlp is None or "parser" not in getattr(nlp, "pipe_names", []):
        return None

    def extract(text: str, sentences: list[tuple[int, int]]) -> list[Found]:
        return find_attributions(text, sentences, "en", nlp=nlp)

    return extract
