"""The claims stage: every attribution of the article, with speaker, cue, medium and status."""

from __future__ import annotations

from newstrace.claims import extract_claims
from newstrace.claims.learned import attribution_model
from newstrace.model import Article
from newstrace.nlp.models import spacy_pipeline
from newstrace.pipeline import Context, stage


@stage("claims", reads=["text", "language", "sentences"], adds=["claims"])
def claims(article: Article, context: Context) -> Article:
    """Find who said what; uses entities, media and the spaCy parse when they are there."""
    sentences = [(s.start, s.end) for s in article.sentences]
    nlp = spacy_pipeline(article.language, context)
    if nlp is not None and "parser" not in getattr(nlp, "pipe_names", []):
        nlp = None
    # The learned model needs the parse; `context.models["attribution"] = False` turns it off.
    on = nlp is not None and context.models.get("attribution", True) is not False
    model = attribution_model(article.language) if on else None
    article.claims = extract_claims(
        article.text, sentences, article.language, article.entities, article.media, nlp, model
    )
    return article
