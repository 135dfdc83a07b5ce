"""The `entities` stage: persons, organisations, places, groups and media, keyed across languages.

A group is a nationality or demonym ("Lithuanians", "les Ukrainiens", "французы"): people,
not a place, keyed to their country (`group:LT`).

Four sources of candidates, the first that claims a stretch of text wins:

0. gazetteer outlets and people, and names an organisation noun vouches for
   ("le mouvement We Are With Russia", "the “We are with Russia” initiative");
1. gazetteer places and organisations (CLDR country names in many locales, regions);
2. spaCy's named entities, where the language has a pipeline (`[entities] spacy_model`);
3. capitalised spans, for every language with a `lang/<iso>.toml` (and for text of unknown
   language): a given name makes a person, an organisation word an organisation. A
   language newstrace has no data for gets no such guesses ("MBC와 SBS는" is no person:
   its particles are glued to the names), and a word mixing cased letters with letters
   of a caseless script is never part of a name.

Then, within the article, a surname alone takes the key of the full name seen with it
("Rogov" → the key of "Vladimir Rogov").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from newstrace import langdata
from newstrace.analysis.base import Context, Deadline, analysed_text, stage
from newstrace.analysis.spans import DisjointSpans
from newstrace.model import Article, Entity, Sentence
from newstrace.nlp.docs import docs as shared_docs
from newstrace.nlp.gazetteer import Gazetteer, gazetteer
from newstrace.nlp.models import spacy_pipeline
from newstrace.nlp.names import WORD, fold, fold_word, name_key

# Words of a name: letters, hyphen-joined parts ("Grande-Bretagne", "Al-Nasr").
TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# What may stand between two words of one capitalised name.
NAME_GAP = re.compile(r"[ \u00a0]|[’']")
# Text between two tokens that starts a new clause: a name cannot run across it.
CLAUSE_BREAK = re.compile(r"[.!?:;\n«»“”\"„(\[]")
# Quoted short titles ("“We are with Russia”"): up to 6 words, no sentence punctuation.
QUOTED = re.compile(r"[“«„\"‘]\s?([^\W\d_][^“”«»\"„.!?;:\n]{1,60}?)\s?[”»“\"’]")
# A line whose long words are mostly capitalised is a headline; its capitals say nothing.
HEADLINE_SHARE = 0.6  # "A Closer Look at Foreign Volunteers in the Ukraine Conflict": 6/6

SPACY_KINDS = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "organization",
    "LOC": "place",
    "GPE": "place",
    "NORP": "group",
    "MISC": "other",
    "FAC": "other",
    "EVENT": "other",
    "WORK_OF_ART": "other",
    "PRODUCT": "other",
    "LAW": "other",
}
# Longest piece of text handed to spaCy: a sentence is at most this long (`segment`); text
# between sentences, or an unsegmented text, is cut at a space before it. spaCy's memory
# grows with the longest doc of a batch (~3.4 MB per KB): `newstrace.nlp.docs` batches.
SPACY_PIECE = 4_000


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    kind: str
    key: str
    priority: int
    fixed: bool  # keyed by a gazetteer: surname resolution leaves it alone


@dataclass(frozen=True)
class Rules:
    """The language data the capitalised-span rules need, folded for lookups."""

    not_names: frozenset[str]
    heads: frozenset[str]
    org_words: frozenset[str]
    connectors: frozenset[str]
    capitalised_nouns: bool
    generic: frozenset[str] = frozenset()


def _folded(values: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(v).text for v in values)


@cache
def rules_for(language: str | None) -> Rules:
    """The rules of a language, or the union over every language when it is unknown."""
    data = langdata.for_language(language)
    if data is None:
        return Rules(
            _folded(langdata.union("entities.not_names")),
            _folded(langdata.union("entities.organization_heads")),
            _folded(langdata.union("entities.organization_words")),
            _folded(langdata.union("entities.name_connectors")),
            False,
            _folded(langdata.union("entities.generic_words")),
        )
    return Rules(
        _folded(data.strings("entities.not_names")),
        _folded(data.strings("entities.organization_heads")),
        _folded(data.strings("entities.organization_words")),
        _folded(data.strings("entities.name_connectors")),
        bool(data.get("entities.capitalised_nouns", False)),
        _folded(data.strings("entities.generic_words")),
    )


def _key(kind: str, text: str, gaz: Gazetteer) -> tuple[str, bool]:
    entry = gaz.lookup(WORD.findall(fold(text).text))
    if entry is not None and (entry.kind == kind or kind in ("other", "place", "group")):
        return entry.key, True
    return f"{kind}:{name_key(text) or fold(text).text}", False


def gazetteer_candidates(text: str, gaz: Gazetteer) -> list[Candidate]:
    """Known outlets, people, organisations and places."""
    found = []
    for match in gaz.find(text):
        priority = 0 if match.entry.kind in ("medium", "person") else 1
        found.append(
            Candidate(match.start, match.end, match.entry.kind, match.entry.key, priority, True)
        )
    return found


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _glued_to_caseless(word: str) -> bool:
    """A cased word ("MBC와") with letters of a caseless script glued to it."""
    return any(c.isalpha() and not c.isupper() and not c.islower() for c in word)


def guesses_names(language: str | None) -> bool:
    """Whether names may be guessed from capitals: a known language, or an unknown one."""
    return language is None or langdata.for_language(language) is not None


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines written in title case (headlines), where capitals name nothing."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        words = [w for w in TOKEN.findall(line) if len(w) >= 4]
        if len(words) >= 3:
            share = sum(_is_capitalised(w) for w in words) / len(words)
            if share >= HEADLINE_SHARE and not line.rstrip().endswith((".", "»", "”")):
                spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def capitalised_spans(text: str, sentences: list[Sentence], rules: Rules) -> list[tuple[int, int]]:
    """Runs of capitalised words that may be names, sentence openers and headlines left out."""
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
    starts = sorted({s.start for s in sentences})
    headlines = DisjointSpans(_headline_lines(text))
    lowered = {fold_word(t) for t, _, _ in tokens if not _is_capitalised(t)}

    def initial(position: int) -> bool:
        if position == 0:
            return True
        gap_start, gap_end = tokens[position - 1][2], tokens[position][1]
        if CLAUSE_BREAK.search(text, gap_start, gap_end):
            return True
        # A sentence starts between the two tokens (a binary search: a scan of every
        # sentence start for every token was quadratic).
        first = bisect_left(starts, gap_start)
        return first < len(starts) and starts[first] <= gap_end

    mid_caps = {t for i, (t, _, _) in enumerate(tokens) if _is_capitalised(t) and not initial(i)}
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(tokens):
        word, start, _ = tokens[position]
        if (
            not _is_capitalised(word)
            or fold_word(word) in rules.not_names
            or headlines.covers(start)
        ):
            position += 1
            continue
        if initial(position) and (fold_word(word) in lowered or word not in mid_caps):
            # A sentence opener is a name only if it is also capitalised mid-sentence.
            nxt = position + 1
            if not (nxt < len(tokens) and _is_capitalised(tokens[nxt][0])) or (
                fold_word(word) in lowered
            ):
                position += 1
                continue
        last = position
        probe = position + 1
        while probe < len(tokens):
            gap = text[tokens[probe - 1][2] : tokens[probe][1]]
            if not NAME_GAP.fullmatch(gap):
                break
            candidate = tokens[probe][0]
            if _is_capitalised(candidate):
                last = probe
                probe += 1
            elif fold_word(candidate) in rules.connectors and probe + 1 < len(tokens):
                probe += 1
            else:
                break
        if len(word) > 1 or last > position:
            spans.append((start, tokens[last][2]))
        position = last + 1
    return spans


def _word_before(text: str, start: int) -> str:
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 40) : start])
    return fold_word(before[-1]) if before else ""


def _word_after(text: str, end: int) -> str:
    after = re.findall(r"[^\W\d_]+", text[end : end + 40])
    return fold_word(after[0]) if after else ""


def _heads_next_to(text: str, start: int, end: int, rules: Rules) -> bool:
    """Whether an organisation noun stands right before or after [start, end)."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    close_before = not re.search(r"[.!?,;:\n]\s*[^\W\d_]*\s*[“«„\"‘]?\s*$", before)
    close_after = not re.match(r"^\s*[”»“\"’]?\s*[.!?,;:\n]", after)
    return (close_before and _word_before(text, start) in rules.heads) or (
        close_after and _word_after(text, end) in rules.heads
    )


def rule_candidates(
    text: str, sentences: list[Sentence], rules: Rules, gaz: Gazetteer, keep_other: bool
) -> list[Candidate]:
    """Names found without a model: organisations by their nouns, persons by given names."""
    found: list[Candidate] = []
    for match in QUOTED.finditer(text):
        inner = match.group(1)
        if len(inner.split()) <= 6 and _heads_next_to(text, match.start(), match.end(), rules):
            start, end = match.span(1)
            key = _key("organization", inner, gaz)[0]
            found.append(Candidate(start, end, "organization", key, 0, False))
    for start, end in capitalised_spans(text, sentences, rules):
        surface = text[start:end]
        words = TOKEN.findall(surface)
        if any(_glued_to_caseless(w) for w in words):
            continue
        if _heads_next_to(text, start, end, rules) or any(
            fold_word(w) in rules.org_words for w in words
        ):
            key = _key("organization", surface, gaz)[0]
            found.append(Candidate(start, end, "organization", key, 0, False))
        elif (person := _person_in(surface, gaz)) is not None:
            first = start + person
            key = _key("person", text[first:end], gaz)[0]
            found.append(Candidate(first, end, "person", key, 2, False))
        elif keep_other and not rules.capitalised_nouns:
            key, fixed = _key("other", surface, gaz)
            kind = key.split(":", 1)[0] if fixed else "other"
            found.append(Candidate(start, end, kind, key, 3, fixed))
    return found


def _person_in(surface: str, gaz: Gazetteer) -> int | None:
    """Where a person's name starts in a capitalised span, when it is one: a span of two
    words or more opening with a given name ("Maria Lopez"), or with a word before one
    ("Senator Maria Lopez", "Landsmann Liam Williams"), a title or role that is left out
    of the name and its key; with no word after the given name ("Nuevo León", "Checkpoint
    Charlie", "Sohn Trey") it is no person."""
    words = list(TOKEN.finditer(surface))
    if len(words) < 2:
        return None
    if fold_word(words[0].group()) in gaz.given_names:
        return 0
    if len(words) >= 3 and fold_word(words[1].group()) in gaz.given_names:
        return words[1].start()
    return None


def _pieces(text: str, sentences: list[Sentence]) -> list[tuple[int, int]]:
    """The spans spaCy reads: the sentences (the claims' parse reads the same ones, so both
    share one tokenization, `newstrace.nlp.docs`), and any text between them."""
    pieces: list[tuple[int, int]] = []
    at = 0
    for sentence in sentences:
        if sentence.start > at and text[at : sentence.start].strip():
            pieces.extend(_cut(text, at, sentence.start))
        if sentence.end > sentence.start:
            pieces.extend(_cut(text, sentence.start, sentence.end))
        at = max(at, sentence.end)
    if text[at:].strip():
        pieces.extend(_cut(text, at, len(text)))
    return pieces


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` in pieces of at most SPACY_PIECE characters, cut after a space."""
    pieces = []
    while end - start > SPACY_PIECE:
        cut = text.rfind(" ", start + SPACY_PIECE // 2, start + SPACY_PIECE)
        cut = cut + 1 if cut > start else start + SPACY_PIECE
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def spacy_candidates(
    text: str,
    sentences: list[Sentence],
    nlp: object,
    rules: Rules,
    gaz: Gazetteer,
    deadline: Deadline | None = None,
) -> list[Candidate]:
    """spaCy's named entities, trimmed of leading common words and trailing elisions."""
    pieces = _pieces(text, sentences)
    found: list[Candidate] = []
    for (offset, _), doc in zip(pieces, shared_docs(nlp, text, pieces, ["ner"]), strict=True):
        if deadline is not None:
            deadline.check()
        for ent in doc.ents:
            kind = SPACY_KINDS.get(ent.label_)
            if kind is None:
                continue
            words = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(ent.text)]
            while words and (
                not _is_capitalised(words[0][2]) or fold_word(words[0][2]) in rules.not_names
            ):
                words.pop(0)
            while words and not _is_capitalised(words[-1][2]) and len(words[-1][2]) <= 3:
                words.pop()
            if not words or (len(words) == 1 and len(words[0][2]) < 2):
                continue
            start = offset + ent.start_char + words[0][0]
            end = offset + ent.start_char + words[-1][1]
            key, fixed = _key(kind, text[start:end], gaz)
            if fixed:
                kind = key.split(":", 1)[0]
            found.append(Candidate(start, end, kind, key, 2, fixed))
    return found


def _generic(text: str, candidate: Candidate, rules: Rules) -> bool:
    """A lone generic noun ("Institut", "the Ministry"): a kind of body, not one."""
    words = TOKEN.findall(text[candidate.start : candidate.end])
    return len(words) == 1 and fold_word(words[0]) in rules.generic


def select(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: higher priority first, then the longer, then the earlier."""
    taken: list[Candidate] = []
    spans = DisjointSpans()
    for candidate in sorted(candidates, key=lambda c: (c.priority, c.start - c.end, c.start)):
        if not spans.overlaps(candidate.start, candidate.end):
            taken.append(candidate)
            spans.add(candidate.start, candidate.end)
    return sorted(taken, key=lambda c: c.start)


def resolve_surnames(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """A surname alone takes the kind and key of the full name it belongs to in this article."""
    # A two- or three-word name whose last word also stands alone is a person's
    # ("Tara Reid" … "Reid"): organisations are not called by their last word.
    alone = {
        name_key(text[c.start : c.end])
        for c in chosen
        if not c.fixed and len(TOKEN.findall(text[c.start : c.end])) == 1
    }
    promoted = []
    for candidate in chosen:
        words = TOKEN.findall(text[candidate.start : candidate.end])
        if (
            candidate.kind == "other"
            and not candidate.fixed
            and 2 <= len(words) <= 3
            and name_key(words[-1]) in alone
            and all(_is_capitalised(w) for w in words)
        ):
            key = f"person:{name_key(text[candidate.start : candidate.end])}"
            candidate = Candidate(candidate.start, candidate.end, "person", key, 2, False)
        promoted.append(candidate)
    chosen = promoted
    full_names: dict[str, str] = {}
    for candidate in chosen:
        words = TOKEN.findall(text[candidate.start : candidate.end])
        if candidate.kind == "person" and len(words) >= 2:
            full_names.setdefault(name_key(words[-1]), candidate.key)
    resolved = []
    for candidate in chosen:
        words = TOKEN.findall(text[candidate.start : candidate.end])
        full = full_names.get(name_key(words[0])) if len(words) == 1 else None
        if full is not None and not candidate.fixed and candidate.kind != "place":
            candidate = Candidate(candidate.start, candidate.end, "person", full, 0, False)
        resolved.append(candidate)
    return resolved


def find_entities(
    text: str, language: str | None, sentences: list[Sentence], context: Context | None = None
) -> list[Entity]:
    """Every entity of a text, keyed across languages; works with or without spaCy."""
    deadline = context.deadline if context is not None else None
    if deadline is not None:
        with deadline.paused():  # built once per process: not this document's time
            gaz = gazetteer()
    else:
        gaz = gazetteer()
    rules = rules_for(language)
    nlp = spacy_pipeline(language, context)
    candidates = gazetteer_candidates(text, gaz)
    if nlp is not None:
        candidates += spacy_candidates(text, sentences, nlp, rules, gaz, deadline)
    if deadline is not None:
        deadline.check()
    if guesses_names(language):
        candidates += rule_candidates(text, sentences, rules, gaz, keep_other=True)
    headlines = DisjointSpans(_headline_lines(text))
    candidates = [
        c
        for c in candidates
        if c.fixed
        or ((c.priority < 2 or not headlines.covers(c.start)) and not _generic(text, c, rules))
    ]
    chosen = resolve_surnames(text, select(candidates))
    if nlp is not None:
        # With a model, a bare capitalised span is kept only when it resolved to someone.
        chosen = [c for c in chosen if c.priority < 3 or c.kind != "other"]
    return [Entity(text[c.start : c.end], c.kind, c.key, c.start, c.end) for c in chosen]


@stage("entities", reads=["text", "language", "sentences"], writes=["entities"])
def entities(article: Article, context: Context) -> Article:
    """Find the article's entities, so claims, stories and search can key on them.

    Only the analysed part of the text is read (`analysis.max_analysed_chars`).
    """
    text = analysed_text(article, context)
    sentences = [s for s in article.sentences if s.end <= len(text)]
    article.entities = find_entities(text, article.language, sentences, context)
    return article
