"""The spaCy paths of claims extraction for the attribution benchmark (English pipeline):
the rules reading the dependency parse, and the learned model (which parses itself)."""

from __future__ import annotations

from collections.abc import Callable

from newstrace.analysis.claims import Found, find_attributions
from newstrace.analysis.claims.learned import attribution_model, find_with_model
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


def model_extractor() -> Callable[[str, list[tuple[int, int]]], list[Found]] | None:
    """An extractor by the learned attribution model, or None without it or without spaCy."""
    nlp = spacy_pipeline("en", Context())
    model = attribution_model("en")
    if nlp is None or model is None or "parser" not in getattr(nlp, "pipe_names", []):
        return None

    def extract(text: str, sentences: list[tuple[int, int]]) -> list[Found]:
        return find_with_model(text, sentences, "en", frozenset(), nlp, model)

    return extract
