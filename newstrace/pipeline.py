"""`analyze(raw) -> Article`: everything newstrace finds in one article.

Pure: no database, no global state, deterministic; picklable input and output. The stages,
in order (each a plain function `stage(article, context) -> article`):

1. extract   — HTML → main text and metadata (trafilatura); plain text passes through
2. clean     — page furniture, trailing related headlines, repeated lines, author bios and
               the byline out of the body, each kept in `removed` with its reason
3. language  — ISO 639-1 code of the clean body (py3langid)
4. segment   — sentences, as offsets into the clean body
5. entities  — persons, organizations, places, media, with keys shared across languages
6. quantities — figures and vague amounts ("20 000", "several dozen") and what they count
7. media     — outlets the text cites as its source ("told TASS", "selon Newsweek")
8. claims    — who said what, through whom, with what verification status and hedges
9. signals   — what a reader should doubt, with evidence: furniture left in, generic bio,
               no byline or date, weasel words, unsourced claims, translation artifacts
10. summary   — "Get a summary": central, non-redundant sentences in the article's order

A stage declares the fields it reads and the ones it adds; `Pipeline` checks the order
when it is built, so a stage placed before its inputs exist fails at start-up.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newstrace.errors import AnalysisError as AnalysisError  # re-exported
from newstrace.extract import extract_html
from newstrace.model import Article, Failure, RawDocument
from newstrace.settings import Settings


@dataclass
class Context:
    """What a stage may use besides the article: settings, and models loaded once."""

    settings: Settings = field(default_factory=Settings)
    raw: RawDocument | None = None
    models: dict[str, object] = field(default_factory=dict)


StageFunc = Callable[[Article, Context], Article]


@dataclass(frozen=True)
class Stage:
    name: str
    run: StageFunc
    reads: frozenset[str]
    adds: frozenset[str]


def stage(name: str, reads: Sequence[str], adds: Sequence[str]) -> Callable[[StageFunc], Stage]:
    """Declare a stage: `@stage("segment", reads=["text"], adds=["sentences"])`."""

    def wrap(func: StageFunc) -> Stage:
        return Stage(name=name, run=func, reads=frozenset(reads), adds=frozenset(adds))

    return wrap


# Fields an article has before any stage ran (from the reader).
INITIAL_FIELDS = frozenset({"source", "raw"})


class Pipeline:
    """Stages in order, checked once: each stage's inputs must be added before it."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        available = set(INITIAL_FIELDS)
        for position, current in enumerate(stages):
            missing = current.reads - available
            if missing:
                later = [s.name for s in stages[position + 1 :] if s.adds & missing]
                where = f" (added by {', '.join(later)}, which comes later)" if later else ""
                raise ValueError(
                    f"stage {current.name!r} reads {', '.join(sorted(missing))} "
                    f"before any stage adds it{where}"
                )
            available |= current.adds
        self.stages = tuple(stages)

    def run(self, raw: RawDocument, context: Context | None = None) -> Article:
        context = context or Context()
        context.raw = raw
        article = Article(id="", source=raw.source)
        for current in self.stages:
            article = current.run(article, context)
        if len(article.text.strip()) < context.settings.min_text_chars:
            raise AnalysisError("no article text left after cleaning")
        article.id = article_id(article.text)
        return article


def normalise_for_id(text: str) -> str:
    """The text an article id is made from: NFKC, case-folded, whitespace folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def article_id(text: str) -> str:
    """Stable id: the same clean text gives the same id, wherever it was read from."""
    return hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()[:16]


@stage("extract", reads=["raw"], adds=["text", "title", "byline", "published", "outlet", "url"])
def extract(article: Article, context: Context) -> Article:
    """Main text and metadata: from HTML with trafilatura, or the plain text as given."""
    raw = context.raw
    if raw is None:
        raise AnalysisError("no document")
    article.url = raw.url
    article.title = raw.title
    article.byline = raw.byline
    article.published = raw.published
    article.outlet = raw.outlet
    article.language = raw.language
    if raw.html is not None:
        found = extract_html(raw.html, raw.url, context.settings)
        if found is None:
            raise AnalysisError("no main text found in the HTML")
        article.text = found.text
        article.title = raw.title or found.title
        article.byline = raw.byline or found.byline
        article.published = raw.published or found.published
        article.outlet = raw.outlet or found.outlet
        article.url = raw.url or found.url
        article.language = raw.language or found.language
    else:
        article.text = raw.text or ""
    article.text = article.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not article.text.strip():
        raise AnalysisError("empty document: no text")
    return article


def default_pipeline() -> Pipeline:
    from newstrace.stages.claims import claims
    from newstrace.stages.clean import clean
    from newstrace.stages.entities import entities
    from newstrace.stages.language import language
    from newstrace.stages.media import media
    from newstrace.stages.quantities import quantities
    from newstrace.stages.segment import segment
    from newstrace.stages.signals import signals
    from newstrace.stages.summary import summary

    return Pipeline(
        [extract, clean, language, segment, entities, quantities, media, claims, signals, summary]
    )


_DEFAULT: Pipeline | None = None


def analyze(raw: RawDocument, context: Context | None = None) -> Article:
    """Analyse one document; raises AnalysisError with a one-line reason when it cannot."""
    global _DEFAULT  # the stage list is immutable and built once; it holds no state
    if _DEFAULT is None:
        _DEFAULT = default_pipeline()
    return _DEFAULT.run(raw, context)


def try_analyze(raw: RawDocument, context: Context | None = None) -> Article | Failure:
    """`analyze`, with a failure (source and reason) instead of an exception."""
    try:
        return analyze(raw, context)
    except AnalysisError as error:
        return Failure(source=raw.source, reason=str(error))
