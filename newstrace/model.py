"""The objects newstrace passes around: a raw document in, an Article out.

Everything here is plain data (dataclasses of str/int/float/None/lists), so an Article
pickles, round-trips through JSON (`to_dict` / `Article.from_dict`) and crosses process
boundaries unchanged.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawDocument:
    """One document as a reader found it, before any analysis.

    Exactly one of `text` (plain text) or `html` is set. Metadata a reader already knows
    (from a JSONL line, a feed item, a WARC header) comes along; HTML metadata is filled in
    by the extract step of `analyze`.
    """

    source: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    fetched: str | None = None


@dataclass(frozen=True)
class Failure:
    """A source that could not be read or analysed, with a one-line reason."""

    source: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A file a directory walk passed over, not being a news document by its name."""

    source: str
    reason: str


@dataclass
class Removed:
    """A line (or a glued piece of one) taken out of the body, and why.

    Reasons: furniture, related_headline, duplicate, byline, metadata (date, category, tags),
    copyright, credit (a copyright line naming the wire service the story came from), url,
    author_bio, title, hover_card.
    """

    text: str
    reason: str


@dataclass
class Sentence:
    start: int
    end: int


@dataclass
class Entity:
    text: str
    kind: str
    key: str
    start: int
    end: int


@dataclass
class Quantity:
    text: str
    value: float | None
    unit: str | None
    start: int
    end: int


@dataclass
class Claim:
    speaker: str | None
    speaker_key: str | None
    speaker_start: int | None
    speaker_end: int | None
    role: str | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    medium: str | None
    type: str
    status: str
    text: str
    start: int
    end: int
    hedges: list[str] = field(default_factory=list)


@dataclass
class Signal:
    kind: str
    evidence: str
    start: int | None
    end: int | None


@dataclass
class SummarySentence:
    text: str
    start: int
    end: int


@dataclass
class Summary:
    sentences: list[SummarySentence]
    text: str
    # The summarizer's SUMMARY_VERSION when this was made: stored summaries of an older
    # version are made again.
    version: str = ""


@dataclass
class Article:
    """An analysed article; field names and order follow INTERFACE.md."""

    id: str
    source: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    text: str = ""
    removed: list[Removed] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    summary: Summary | None = None
    story: str | None = None
    # The publication date as the source gave it ("30 novembre 2026", an epoch number);
    # `published` is the same moment as UTC ISO 8601, or None when it could not be read.
    published_raw: str | None = None
    # Which model (name and version) made each part of the analysis, e.g.
    # {"entities": "spacy en_core_web_sm 3.8.0", "language": "py3langid 0.4.0"}; a part made
    # by newstrace's own rules says "rules".
    models: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def sentence_texts(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.sentences]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild an Article from `to_dict` output (unknown keys are ignored)."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["removed"] = [Removed(**r) for r in data.get("removed") or []]
        values["sentences"] = [Sentence(**s) for s in data.get("sentences") or []]
        values["entities"] = [Entity(**e) for e in data.get("entities") or []]
        values["quantities"] = [Quantity(**q) for q in data.get("quantities") or []]
        values["claims"] = [Claim(**c) for c in data.get("claims") or []]
        values["signals"] = [Signal(**s) for s in data.get("signals") or []]
        summary = data.get("summary")
        values["summary"] = (
            Summary(
                sentences=[SummarySentence(**s) for s in summary.get("sentences") or []],
                text=summary.get("text", ""),
                version=summary.get("version", ""),
            )
            if summary
            else None
        )
        values["media"] = list(data.get("media") or [])
        values["models"] = {str(k): str(v) for k, v in (data.get("models") or {}).items()}
        return cls(**values)
