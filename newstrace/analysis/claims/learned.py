"""The learned attribution model: who said what, by two CRFs over spaCy tokens (English).

Two steps, trained on PolNeAR `train` by scripts/train_attribution.py (docs/claims.md has the
comparison that chose them): a CRF tags the cues of each sentence; for each cue, a second CRF
tags its source and its content among the sentences around it, reading the parse path from
each token to the cue. The rules (`newstrace.analysis.claims.rules`) run first: their reading is a
feature of both CRFs, and where a rule found the same cue it still gives the claim's type,
medium and status. Verification statements and the writer's own assertions stay with the
rules. The artifact is a directory of `newstrace/data/models/` (`attribution-<lang>-<version>`)
holding `cues.crfsuite`, `roles.crfsuite` and `model.json`; without it, or without spaCy or
python-crfsuite, the claims stage uses the rules alone.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from newstrace import langdata
from newstrace.analysis.claims.features import (
    Tokens,
    cue_features,
    parse,
    read_tokens,
    role_features,
    window,
)
from newstrace.analysis.claims.lexicon import ClaimLexicon, lexicon
from newstrace.analysis.claims.rules import Extractor, Found
from newstrace.analysis.claims.speakers import MAX_ROLE_WORDS, Speaker, classify, medium_after

log = logging.getLogger("newstrace")

MODELS = Path(__file__).resolve().parents[2] / "data" / "models"
# The artifact the claims stage loads for a language, when it is there.
ARTIFACTS = {"en": "attribution-en-2"}
# Share of a content's characters inside quotation marks for it to be a direct quote.
DIRECT_SHARE = 0.6

Span = tuple[int, int]


@dataclass(frozen=True)
class Tagged:
    """One attribution as the model reads it: a cue, its source (if any) and content parts."""

    cue: Span
    source: Span | None
    content: tuple[Span, ...]


def _runs(labels: list[str], role: str) -> list[tuple[int, int]]:
    """Runs of one role in BIO labels, as (first, after-last) label indexes."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, label in enumerate(labels):
        inside = label.endswith(role) and label != "O"
        if start is not None and (not inside or label.startswith("B-")):
            runs.append((start, index))
            start = None
        if inside and start is None:
            start = index
    if start is not None:
        runs.append((start, len(labels)))
    return runs


class AttributionModel:
    """The two taggers of one artifact and what the artifact says of itself."""

    def __init__(self, directory: Path) -> None:
        import pycrfsuite

        self.directory = directory
        self.meta: dict[str, Any] = json.loads((directory / "model.json").read_text("utf-8"))
        self.cues = pycrfsuite.Tagger()
        self.cues.open(str(directory / "cues.crfsuite"))
        self.roles = pycrfsuite.Tagger()
        self.roles.open(str(directory / "roles.crfsuite"))

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))

    def describe(self) -> str:
        """The model's name and version as stored with what it made."""
        return f"newstrace crf {self.directory.name} {self.version}".rstrip()

    def tag_cues(self, tokens: Tokens) -> list[list[int]]:
        """Every cue of the text, as its token indexes."""
        cues: list[list[int]] = []
        for sentence, (first, last) in enumerate(tokens.sentence_tokens):
            if first == last:
                continue
            labels = self.cues.tag(cue_features(tokens, sentence))
            for start, end in _runs(labels, "CUE"):
                cues.append(list(range(first + start, first + end)))
        return cues

    def tag_roles(self, tokens: Tokens, cue: list[int]) -> Tagged:
        """The source and content of one cue."""
        first, last = window(tokens, cue)
        labels = self.roles.tag(role_features(tokens, cue, (first, last)))
        return decode(tokens, cue, first, labels)

    def tag(self, tokens: Tokens) -> list[Tagged]:
        return [self.tag_roles(tokens, cue) for cue in self.tag_cues(tokens)]


def decode(tokens: Tokens, cue: list[int], first: int, labels: list[str]) -> Tagged:
    """A cue's window labels as spans: the source run nearest the cue, every content run."""
    cue_span = (tokens.starts[cue[0]], tokens.ends[cue[-1]])
    sources = _runs(labels, "SRC")
    source = None
    if sources:
        nearest = min(
            sources, key=lambda r: min(abs(first + r[0] - cue[-1]), abs(first + r[1] - cue[0]))
        )
        source = (tokens.starts[first + nearest[0]], tokens.ends[first + nearest[1] - 1])
    content = tuple(
        (tokens.starts[first + s], tokens.ends[first + e - 1]) for s, e in _runs(labels, "CON")
    )
    return Tagged(cue_span, source, content)


@cache
def _load(name: str) -> AttributionModel | None:
    directory = MODELS / name
    if not (directory / "model.json").is_file():
        return None
    if importlib.util.find_spec("pycrfsuite") is None:
        log.info("python-crfsuite is not installed; claims use the rules only")
        return None
    return AttributionModel(directory)


def attribution_model(language: str | None) -> AttributionModel | None:
    """The language's attribution model, or None when it has none installed."""
    name = ARTIFACTS.get(language or "")
    return _load(name) if name else None


def _speaker(
    text: str, span: Span, sentence_start: int, lex: ClaimLexicon, speech: bool, cue_start: int
) -> Speaker | None:
    """A source span as a speaker: the name, and after its first comma the role. A word
    that cannot speak alone ("it", "this") is one only before a speech verb ("it said")."""
    start, end = span
    while end > start and text[end - 1] in " ,":
        end -= 1
    comma = text.find(",", start, end)
    name_end = comma if comma > start else end
    name = text[start:name_end]
    kind = classify(name, start == sentence_start, lex)
    if kind is None and not speech:
        return None
    kind = kind or "phrase"
    if name_end == end:
        # "Vladimir Rogov, the figure steering the “We are with Russia” initiative, spoke":
        # an appositive between the source and its cue is the speaker's role.
        between = _APPOSITIVE.match(text, end, cue_start) if cue_start > end else None
        if between and len(between.group(1).split()) <= MAX_ROLE_WORDS:
            r_start, r_end = between.span(1)
            return Speaker(start, end, name, kind, text[r_start:r_end], r_start, r_end)
        return Speaker(start, end, name, kind)
    role_start = comma + 1
    while role_start < end and text[role_start] == " ":
        role_start += 1
    return Speaker(start, comma, name, kind, text[role_start:end], role_start, end)


# ", a role in lower case," and nothing else between a source and its cue.
_APPOSITIVE = re.compile(r"\s*,\s*([^\W\d_A-Z][^,;:.!?()]*?)\s*,\s*$")


@cache
def _speech_nouns(code: str) -> frozenset[str]:
    data = langdata.for_language(code)
    return frozenset(data.strings("claims.speech_nouns") if data is not None else [])


def _names_words(speaker: str, code: str) -> bool:
    """Whether a source is what was said ("The statements"), not who said it."""
    words = speaker.casefold().split()
    return bool(words) and words[-1] in _speech_nouns(code)


def _found(
    text: str, tagged: Tagged, tokens: Tokens, lex: ClaimLexicon, media: frozenset[str]
) -> Found | None:
    """A tagged attribution as the rules' `Found`, typed by the rule that saw the same cue."""
    if not tagged.content:
        return None
    parts = list(tagged.content)
    start, end = tagged.cue
    rule = next((r for r in tokens.rules if r.cue and r.cue[0] < end and start < r.cue[1]), None)
    sentence = tokens.sentence[tokens.tokens_of(tagged.cue)[0]]
    first, last = tokens.sentence_tokens[sentence]
    sentence_end = tokens.ends[last - 1]
    speech = any(tokens.lexicon_cue[i] for i in tokens.tokens_of(tagged.cue))
    speaker = (
        _speaker(text, tagged.source, tokens.starts[first], lex, speech, tagged.cue[0])
        if tagged.source
        else None
    )
    if tagged.source and (speaker is None or _names_words(speaker.text, lex.code)):
        # "it reminds", "The statements suggest": no one to credit; the cue stays.
        return Found("unattributed", "unattributed", None, tagged.cue, parts)
    medium = rule.medium if rule is not None else None
    if medium is None:
        medium = medium_after(text, tagged.cue[1], sentence_end, lex, media)
    cue_text = text[tagged.cue[0] : tagged.cue[1]].casefold()
    if rule is not None and rule.type in ("verification", "according_to"):
        kind, status = rule.type, rule.status
    elif speaker is not None and speaker.kind == "crowd":
        kind, status = "weasel", "unattributed"
    elif cue_text.startswith("according"):
        kind, status = "according_to", "attributed"
    else:
        quoted = sum(
            1
            for index in (i for part in parts for i in tokens.tokens_of(part))
            if tokens.quoted[index]
        )
        total = sum(len(tokens.tokens_of(part)) for part in parts)
        kind = "direct" if total and quoted >= DIRECT_SHARE * total else "indirect"
        status = "attributed"
    return Found(kind, status, speaker, tagged.cue, parts, medium)


def find_with_model(
    text: str,
    sentences: list[Span],
    language: str | None,
    media: frozenset[str],
    nlp: Any,
    model: AttributionModel,
) -> list[Found]:
    """Every attribution of a text by the model, with the rules' verification statements,
    signed quotes ("“…” ― Name") and the writer's assertions (sentences no attribution
    covers)."""
    lex = lexicon(language)
    extractor = Extractor(text, sentences, lex, media)
    rules = extractor.run()
    tokens = read_tokens(text, parse(text, extractor.sentences, nlp), lex, rules)
    found: list[Found] = []
    for tagged in model.tag(tokens):
        claim = _found(text, tagged, tokens, lex, media)
        if claim is not None:
            found.append(claim)
    cues = [f.cue for f in found if f.cue is not None]
    for rule in rules:
        cue = rule.cue
        if not (rule.type == "verification" or rule.signature) or cue is None:
            continue
        if not any(c[0] < cue[1] and cue[0] < c[1] for c in cues):
            found.append(rule)
    found.sort(key=lambda f: f.start)
    found.extend(extractor.assertions(found))
    found.sort(key=lambda f: f.start)
    for claim in found:  # the same speaker check as the rules' (plausible.py)
        extractor._check_speaker(claim)
    return found


__all__ = ["ARTIFACTS", "AttributionModel", "Tagged", "attribution_model", "find_with_model"]
