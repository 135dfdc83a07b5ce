"""What a stage is: a plain function over an `Article`, with the fields it reads and writes.

A stage is declared with `@stage(name, reads=[...], writes=[...])`. `reads` are the article
fields its output depends on; `writes` are the fields it sets or changes, in place or by
assignment (a stage may rewrite a field an earlier stage wrote: `clean` rewrites `text`).
`check_order` refuses a stage list in which a stage reads a field no earlier stage wrote;
tests/test_contracts.py runs every stage on a recording article and fails when a stage
touches a field it did not declare.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newstrace.analysis.budget import BudgetExceeded, Deadline
from newstrace.errors import AnalysisError
from newstrace.model import Article, RawDocument
from newstrace.settings import Settings

__all__ = [
    "INITIAL_FIELDS",
    "AnalysisError",
    "BudgetExceeded",
    "Context",
    "Deadline",
    "Stage",
    "StageFunc",
    "analysed_length",
    "analysed_text",
    "check_order",
    "stage",
]


@dataclass
class Context:
    """What a stage may use besides the article: settings, the raw document, models loaded once.

    `deadline` is the time budget of the document being analysed (`Pipeline.run` sets a new
    one per document); a long loop calls `context.deadline.check()` now and then.
    """

    settings: Settings = field(default_factory=Settings)
    raw: RawDocument | None = None
    models: dict[str, object] = field(default_factory=dict)
    deadline: Deadline = field(default_factory=lambda: Deadline(0.0))
    # What produced this document's analysis ({"entities": "spacy en_core_web_sm 3.8.0"}):
    # filled by the stages through `used`, stored with the article as `Article.models`.
    used_models: dict[str, str] = field(default_factory=dict)

    def used(self, component: str, model: str) -> None:
        """Record that `component` of this document's analysis came from `model` (name
        and version), so that what is stored says what made it."""
        self.used_models[component] = model


StageFunc = Callable[[Article, Context], Article]


@dataclass(frozen=True)
class Stage:
    name: str
    run: StageFunc
    reads: frozenset[str]
    writes: frozenset[str]


def stage(name: str, reads: Sequence[str], writes: Sequence[str]) -> Callable[[StageFunc], Stage]:
    """Declare a stage: `@stage("segment", reads=["text", "language"], writes=["sentences"])`."""

    def wrap(func: StageFunc) -> Stage:
        return Stage(name=name, run=func, reads=frozenset(reads), writes=frozenset(writes))

    return wrap


# What exists before any stage ran: the article's `source` (from the reader) and `raw`, the
# document itself in `context.raw`, which only `extract` reads.
INITIAL_FIELDS = frozenset({"source", "raw"})


def check_order(stages: Sequence[Stage]) -> None:
    """Raise ValueError naming the stage and the field when a stage reads before any writes."""
    available = set(INITIAL_FIELDS)
    for position, current in enumerate(stages):
        missing = current.reads - available
        if missing:
            later = [s.name for s in stages[position + 1 :] if s.writes & missing]
            where = f" (written by {', '.join(later)}, which comes later)" if later else ""
            raise ValueError(
                f"stage {current.name!r} reads {', '.join(sorted(missing))} "
                f"before any stage writes it{where}"
            )
        available |= current.writes


def analysed_length(text: str, limit: int) -> int:
    """How much of `text` the deep stages read: all of it, or up to `limit` characters cut
    at the last line break (else space) before it, so that no word is cut in two."""
    if limit <= 0 or len(text) <= limit:
        return len(text)
    cut = text.rfind("\n", 0, limit + 1)
    if cut <= 0:
        cut = max(text.rfind(" ", 0, limit + 1), 0)
    return cut if cut > 0 else limit


def analysed_text(article: Article, context: Context) -> str:
    """The part of the clean text that the deep stages read (`analysis.max_analysed_chars`)."""
    text = article.text
    return text[: analysed_length(text, context.settings.analysis.max_analysed_chars)]
