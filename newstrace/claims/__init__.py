"""Who said what: attributed claims of an article, in any language.

The parts, in the order they run: `quotes` (quoted passages), `extract` (cues, speakers and
content per quote and per sentence, with `speakers` for subjects, roles and media, and
`parsed` for the subjects a spaCy dependency parse finds where the language has a
pipeline), then `resolve` (pronouns to names, keys, inherited media, verification
statuses). What a language contributes (reporting verbs, quote marks, hedges, crowds) is
the `[claims]` section of its `newstrace/lang/<iso>.toml`, compiled by `lexicon`.
"""

from __future__ import annotations

from typing import Any

from newstrace.claims.extract import Extractor, Found, naive_sentences
from newstrace.claims.learned import AttributionModel, find_with_model
from newstrace.claims.lexicon import lexicon
from newstrace.claims.resolve import resolve
from newstrace.model import Claim, Entity


def find_attributions(
    text: str,
    sentences: list[tuple[int, int]],
    language: str | None,
    media: frozenset[str] = frozenset(),
    nlp: Any = None,
) -> list[Found]:
    """The attributions of a text with their spans (content may be in several parts)."""
    return Extractor(text, sentences, lexicon(language), media, nlp).run()


def extract_claims(
    text: str,
    sentences: list[tuple[int, int]],
    language: str | None,
    entities: list[Entity] | None = None,
    media: list[str] | None = None,
    nlp: Any = None,
    model: AttributionModel | None = None,
) -> list[Claim]:
    """Every claim of a text: quotes, indirect speech, according-to, verification, weasels.

    `nlp`, a spaCy pipeline with a parser, lets the dependency parse find subjects and
    reported clauses; without it the rules alone do. `model`, the learned attribution model
    of the language (`learned.attribution_model`), finds the attributions when given with `nlp`.
    """
    known = frozenset(media or []) | frozenset(e.text for e in entities or [] if e.kind == "medium")
    if model is not None and nlp is not None:
        found = find_with_model(text, sentences, language, known, nlp, model)
    else:
        found = Extractor(text, sentences, lexicon(language), known, nlp).run()
    return resolve(found, text, lexicon(language), known, list(entities or []))


__all__ = ["Found", "extract_claims", "find_attributions", "naive_sentences"]
