"""The claims stage: who said what, through whom, with what status, in any language.

The parts, in the order they run: `quotes` (quoted passages), `rules` (cues, speakers and
content per quote and per sentence, with `speakers` for subjects, roles and media, and
`parsed` for the subjects a spaCy dependency parse finds where the language has a
pipeline), then `resolve` (pronouns to names, keys, inherited media, verification
statuses). What a language contributes (reporting verbs, quote marks, hedges, crowds) is
the `[claims]` section of its `newstrace/lang/<iso>.toml`, compiled by `lexicon`.
"""

from __future__ import annotations

from typing import Any

from newstrace.analysis.base import Context, Deadline, analysed_text, stage
from newstrace.analysis.claims.learned import AttributionModel, attribution_model, find_with_model
from newstrace.analysis.claims.lexicon import lexicon
from newstrace.analysis.claims.resolve import resolve
from newstrace.analysis.claims.rules import Extractor, Found, naive_sentences
from newstrace.model import Article, Claim, Entity
from newstrace.nlp.models import spacy_pipeline


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
    deadline: Deadline | None = None,
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
        found = Extractor(text, sentences, lexicon(language), known, nlp, deadline=deadline).run()
    return resolve(found, text, lexicon(language), known, list(entities or []))


@stage(
    "claims",
    reads=["text", "language", "sentences", "entities", "media"],
    writes=["claims"],
)
def claims(article: Article, context: Context) -> Article:
    """Find who said what; uses entities, media and the spaCy parse when they are there.

    Only the analysed part of the text is read (`analysis.max_analysed_chars`).
    """
    text = analysed_text(article, context)
    sentences = [(s.start, s.end) for s in article.sentences if s.end <= len(text)]
    nlp = spacy_pipeline(article.language, context)
    if nlp is not None and "parser" not in getattr(nlp, "pipe_names", []):
        nlp = None
    # The learned model needs the parse; `context.models["attribution"] = False`, or the
    # setting models.attribution = "rules", turns it off.
    on = (
        nlp is not None
        and context.settings.models.attribution != "rules"
        and context.models.get("attribution", True) is not False
    )
    model = attribution_model(article.language) if on else None
    if model is not None:
        context.used("attribution", model.describe())
    article.claims = extract_claims(
        text,
        sentences,
        article.language,
        article.entities,
        article.media,
        nlp,
        deadline=context.deadline,
        model=model,
    )
    return article


__all__ = ["Found", "claims", "extract_claims", "find_attributions", "naive_sentences"]
