"""spaCy pipelines, loaded once per process and handed to stages through `context.models`.

Which pipeline serves a language is language data (`[entities] spacy_model`). A missing
package or model is not an error: the caller falls back to its model-free rules.
`context.models["spacy"] = False` turns spaCy off for a run (benchmarks, tests of the
fallback); `context.models["spacy:<lang>"]` may hold a pipeline loaded by the caller.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from newstrace import langdata

if TYPE_CHECKING:
    from newstrace.analysis.base import Context

log = logging.getLogger("newstrace")


@cache
def _load(model: str) -> Any:
    """One spaCy pipeline, or None with a one-line reason when it cannot be loaded."""
    if importlib.util.find_spec("spacy") is None:
        log.info("spaCy is not installed; entities use the gazetteer rules only")
        return None
    import spacy

    try:
        return spacy.load(model)
    except OSError as error:
        log.warning("spaCy model %s not loaded (%s); using the gazetteer rules", model, error)
        return None


def spacy_enabled(context: Context | None) -> bool:
    """Whether this run may use spaCy: on unless the settings' `models.spacy` is off or
    `context.models["spacy"]` is False."""
    if context is None:
        return True
    return context.settings.models.spacy and context.models.get("spacy", True) is not False


def describe(nlp: Any) -> str:
    """A spaCy pipeline's name and version as stored with what it made."""
    meta = getattr(nlp, "meta", None) or {}
    name = f"{meta.get('lang', '?')}_{meta.get('name', '?')}"
    return f"spacy {name} {meta.get('version', '?')}"


def spacy_pipeline(language: str | None, context: Context | None = None) -> Any:
    """The spaCy pipeline for a language, or None (no model for it, or spaCy turned off)."""
    if not spacy_enabled(context):
        return None
    slot = f"spacy:{language}"
    if context is not None and slot in context.models:
        cached = context.models[slot]
        if cached is not None:
            context.used("spacy", describe(cached))
        return cached
    data = langdata.for_language(language)
    model = data.get("entities.spacy_model") if data is not None else None
    if model and context is not None:
        with context.deadline.paused():  # loaded once per process: not this document's time
            nlp = _load(str(model))
    else:
        nlp = _load(str(model)) if model else None
    if context is not None:
        context.models[slot] = nlp
        if nlp is not None:
            context.used("spacy", describe(nlp))
    return nlp
