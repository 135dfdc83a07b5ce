"""One spaCy pass per article, shared by every stage that reads it.

Entities want spaCy's named entities of every sentence; the claims want the tagger and the
parser, of every sentence (the learned attribution model) or of the sentences that hold a
reporting verb (the rules). `docs(nlp, text, spans, components)` gives each stage the docs
of the spans it asks for: a span is tokenized once, and each component runs on it at most
once, however many stages ask (what a component needs, the shared `tok2vec` of those that
listen to it, runs with it). Components no stage asked for never run: an article read by
the rules never meets the lemmatizer or the attribute ruler, and a sentence without a
reporting verb never meets the parser.

The docs of the last text are kept per thread (an analysis runs in one thread, stage after
stage), and let go when another text comes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

Span = tuple[int, int]
# Characters of prose run through spaCy at once: docs of a batch are padded to its longest,
# so a batch is cut when its count times its longest piece would pass this. ~40 news
# sentences; one piece alone when it is longer.
BATCH_CHARS = 8_000


class _Docs:
    """The docs of one text: each span tokenized once, with the components run on it."""

    def __init__(self, nlp: Any, text: str) -> None:
        self.nlp = nlp
        self.text = text
        self.docs: dict[Span, Any] = {}
        self.done: dict[Span, frozenset[str]] = {}

    def get(self, spans: Sequence[Span], components: Iterable[str]) -> list[Any]:
        wanted = needed(self.nlp, components)
        todo: dict[frozenset[str], list[Span]] = {}
        for span in dict.fromkeys(spans):
            missing = wanted - self.done.get(span, frozenset())
            if missing:
                todo.setdefault(needed(self.nlp, missing), []).append(span)
        for run, group in todo.items():
            self._run(group, run)
        return [self.docs[span] for span in spans]

    def _run(self, spans: list[Span], components: frozenset[str]) -> None:
        order = [name for name in self.nlp.pipe_names if name in components]
        for span in spans:
            if span not in self.docs:
                self.docs[span] = self.nlp.make_doc(self.text[span[0] : span[1]])
        with self.nlp.select_pipes(enable=order):
            for batch in _batches(spans):
                docs = [self.docs[span] for span in batch]
                for span, doc in zip(batch, self.nlp.pipe(docs, batch_size=len(docs)), strict=True):
                    self.docs[span] = doc
                    self.done[span] = self.done.get(span, frozenset()) | components


def _batches(spans: list[Span]) -> Iterable[list[Span]]:
    """Spans in order, grouped so that count x longest stays under BATCH_CHARS."""
    batch: list[Span] = []
    longest = 0
    for span in spans:
        size = span[1] - span[0]
        if batch and max(longest, size) * (len(batch) + 1) > BATCH_CHARS:
            yield batch
            batch, longest = [], 0
        batch.append(span)
        longest = max(longest, size)
    if batch:
        yield batch


def needed(nlp: Any, components: Iterable[str]) -> frozenset[str]:
    """The pipeline's components among `components`, with the shared `tok2vec` when one
    of them listens to it."""
    names = list(getattr(nlp, "pipe_names", []))
    chosen = {c for c in components if c in names}
    if "tok2vec" in names and "tok2vec" not in chosen:
        listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", [])
        if chosen & set(listeners):
            chosen.add("tok2vec")
    return frozenset(chosen)


_LAST = threading.local()


def docs(nlp: Any, text: str, spans: Sequence[Span], components: Iterable[str]) -> list[Any]:
    """spaCy docs of `text[a:b]` for each span, with at least `components` run on them,
    shared with every earlier call for the same pipeline and text."""
    kept: _Docs | None = getattr(_LAST, "docs", None)
    if kept is None or kept.nlp is not nlp or kept.text != text:
        kept = _Docs(nlp, text)
        _LAST.docs = kept
    return kept.get(spans, components)


def forget() -> None:
    """Let go of the kept docs (this thread's)."""
    _LAST.docs = None
