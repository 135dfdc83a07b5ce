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

Each stage lives in its own module of `newstrace.analysis` (claims and summary are
subpackages) and declares the fields it reads and writes (`newstrace.analysis.base`);
`Pipeline` checks the order when it is built, so a stage placed before its inputs exist
fails at start-up naming both. This module only composes and runs them.

No document stalls or ends a run: `Pipeline.run` gives each document `analysis.time_budget`
seconds (checked between stages, inside the long loops, and by a SIGALRM timer in the main
thread), and `try_analyze` turns any exception a stage raises into a `Failure` naming the
stage, with the traceback in the `newstrace` log (docs/reliability.md).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence

from newstrace.analysis.base import AnalysisError, Context, Deadline, Stage, check_order
from newstrace.analysis.budget import alarm
from newstrace.analysis.claims import claims
from newstrace.analysis.clean import clean
from newstrace.analysis.entities import entities
from newstrace.analysis.extract import extract
from newstrace.analysis.language import language
from newstrace.analysis.media import media
from newstrace.analysis.quantities import quantities
from newstrace.analysis.segment import segment
from newstrace.analysis.signals import signals
from newstrace.analysis.summary import summary
from newstrace.model import Article, Failure, RawDocument

__all__ = [
    "AnalysisError",
    "Context",
    "Pipeline",
    "Stage",
    "analyze",
    "article_id",
    "default_pipeline",
    "normalise_for_id",
    "try_analyze",
]

log = logging.getLogger("newstrace")


class Pipeline:
    """Stages in order, checked once: each stage's inputs must be written before it."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        check_order(stages)
        self.stages = tuple(stages)

    def run(self, raw: RawDocument, context: Context | None = None) -> Article:
        context = context or Context()
        context.raw = raw
        context.used_models = {}
        deadline = context.deadline = Deadline(context.settings.analysis.time_budget)
        article = Article(id="", source=raw.source)
        with alarm(deadline):
            for current in self.stages:
                deadline.stage = current.name
                article = current.run(article, context)
                deadline.check()
        deadline.stage = ""
        if len(article.text.strip()) < context.settings.min_text_chars:
            raise AnalysisError("no article text left after cleaning")
        article.id = article_id(article.text)
        article.models = dict(sorted(context.used_models.items()))
        return article


def normalise_for_id(text: str) -> str:
    """The text an article id is made from: NFKC, case-folded, whitespace folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def article_id(text: str) -> str:
    """Stable id: the same clean text gives the same id, wherever it was read from."""
    return hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()[:16]


def default_pipeline() -> Pipeline:
    """The stages of `analyze`, in the order of this module's docstring."""
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


def try_analyze(
    raw: RawDocument, context: Context | None = None, pipeline: Pipeline | None = None
) -> Article | Failure:
    """`analyze` (or `pipeline.run`), with a failure (source and reason) instead of an exception.

    An `AnalysisError` is the document's fault and its message is the reason. Any other
    exception is a bug met on this document: the reason names the stage, the exception
    type and its message in one line, the traceback goes to the `newstrace` log, and the
    caller's run goes on with the next document.
    """
    context = context or Context()
    try:
        return pipeline.run(raw, context) if pipeline is not None else analyze(raw, context)
    except AnalysisError as error:
        return Failure(source=raw.source, reason=str(error))
    except Exception as error:  # a bug met on one document must not end the run
        stage = context.deadline.stage
        where = f"in stage {stage}" if stage else "after the last stage"
        message = _one_line(str(error))
        reason = f"analysis failed {where}: {type(error).__name__}" + (
            f": {message}" if message else ""
        )
        log.warning("%s: %s", raw.source, reason)
        log.debug("traceback of the failure of %s", raw.source, exc_info=True)
        return Failure(source=raw.source, reason=reason)


# A reason is one line of at most this many characters: an exception message may quote a
# whole document.
MAX_REASON_CHARS = 300


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_REASON_CHARS else line[: MAX_REASON_CHARS - 1] + "…"
