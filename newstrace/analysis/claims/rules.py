"""Attributions of one text: direct quotes, indirect speech, according-to, verification, weasels."""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from typing import Any

from newstrace.analysis.budget import Deadline
from newstrace.analysis.claims.lexicon import ClaimLexicon, Hit
from newstrace.analysis.claims.parsed import VerbFacts, parse
from newstrace.analysis.claims.plausible import plausible
from newstrace.analysis.claims.quotes import Quote, find_quotes
from newstrace.analysis.claims.speakers import (
    Speaker,
    classify,
    genitive_end,
    medium_after,
    name_run_end,
    speaker_after,
    speaker_before,
)

# How far after a quote its attribution may sit (", said the former secretary of state,").
QUOTE_FRAME_CHARS = 120
# Most words between a quote and its cue ("the 33-year-old actress's rep Jack Ketsoyan told").
# 12: content overlap F1 72.9 on PolNeAR train against 72.6 with 6 (benchmarks/attribution.py).
QUOTE_SPEAKER_WORDS = 12
# A sentence of at most this many words after a quote closed by a full stop may still be its
# attribution ("“… missing.” Trump said.").
SHORT_ATTRIBUTION_WORDS = 8
# Content shorter than this many words is not a claim ("a déclaré le président russe.").
MIN_CONTENT_WORDS = 2
# An event stem this long begins words ("arrest": "arrested"); a shorter one is a whole
# word ("won" would find "wonderful").
EVENT_STEM_CHARS = 5
# Sentences shorter than this many words are not asserted facts (datelines, captions).
MIN_ASSERTION_WORDS = 6
# A complementizer this many words after a cue opens the content ("told X on Monday that").
# 4: best content F1 on PolNeAR train (exact/overlap 38.4/73.3; 6: 38.3/73.2, 12: 37.7/72.9,
# 20: 37.4/72.6), benchmarks/attribution.py, 2026-11.
COMPLEMENT_REACH_WORDS = 4
# Most words between a cue and the comma after it for the words to be its inverted subject
# ("schreibt Vreni,", "sagte der Sprecher des Ministeriums,").
INVERTED_SUBJECT_WORDS = 6
# Longest according-to source ("according to two senior administration officials").
MAX_ACCORDING_SOURCE_WORDS = 10

# A quote's signature: a dash, a name of up to five words, a role after a comma, then the
# end of the line or the next quote ("“…” ― Sonya Herridge", "“…” — Maria Lopez, organiser").
_SIGNATURE = re.compile(
    r"[ \t\u00a0]*(―|—|–|--)[ \t\u00a0]*"
    r"([^\W\d_][\w.’'-]*(?:[ \t\u00a0]+[^\W\d_][\w.’'-]*){0,4})"
    r"(?:,[ \t\u00a0]*([^\n“”«»\"„,]{2,80}?))?[ \t\u00a0]*(?=\n|$|[“«\"„])"
)
# Most words of the role in a signature ("Maria Lopez, union organiser in Detroit").
MAX_SIGNATURE_ROLE_WORDS = 8
# Where a clause ends: a comma, a colon, a semicolon, a dash, a quote or a full stop.
_CLAUSE_STOP = re.compile(r"[,:;—–„“”«»\"]|[.!?](?=\s|$)")
_LAST_WORD = re.compile(r"(\w+)\W*$")
_AGE = re.compile(r"(?<=\w)\s*\(\s*\d{1,3}\s*\)")
_SENTENCE_STOP = re.compile(r"[.!?](?=\s|$)")
_WORD = re.compile(r"\w+")
# A headline: at most this long, with at least this share of its words capitalised.
TITLE_MAX_CHARS = 200
TITLE_CAPITALISED = 0.6
# A short line opening with a name of up to five words and a colon: a headline attribution.
_HEADLINE = re.compile(
    r"^[ \t]*([^\W\d_][\w.’'-]*(?:[ \t]+[\w.’'-]+){0,4})[ \t\u00a0\u202f]?:[ \t]+(\S[^\n]{0,200})$",
    re.MULTILINE,
)


@dataclass
class Found:
    """An attribution being built: spans as offsets, before it becomes a `Claim`."""

    type: str
    status: str
    speaker: Speaker | None
    cue: tuple[int, int] | None
    parts: list[tuple[int, int]]
    medium: tuple[str, int, int] | None = None
    resolved: str | None = None
    resolved_key: str | None = None
    # Found by the headline rule ("Graham: …"): kept only when the name is someone's
    # (`resolve.can_speak`), since "Brexit: …" and "Coronavirus: …" are topics.
    headline: bool = False
    # Found by the signature rule ("“…” ― Sonya Herridge"): the learned model keeps it.
    signature: bool = False

    @property
    def start(self) -> int:
        return min(p[0] for p in self.parts)

    @property
    def end(self) -> int:
        return max(p[1] for p in self.parts)


def naive_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences by full stops and line breaks: enough when no segment stage ran."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for stop in _SENTENCE_STOP.finditer(text, line.start(), line.end()):
            if stop.end() - start > 1:
                spans.append((start, stop.end()))
            start = stop.end()
        if text[start : line.end()].strip():
            spans.append((start, line.end()))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _content(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A content span cut of spaces, commas and final stops; None when too short."""
    while start < end and (text[start].isspace() or text[start] in ",:;—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.;:—–-"):
        end -= 1
    if len(_WORD.findall(text[start:end])) < MIN_CONTENT_WORDS:
        return None
    return start, end


class Intervals:
    """Sorted spans with fast overlap and containment tests (quotes, used cues, covered)."""

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self.spans = sorted(spans or [])
        self.reach = _reach(self.spans)

    def add(self, span: tuple[int, int]) -> None:
        insort(self.spans, span)
        self.reach = _reach(self.spans)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self.spans, (end,))
        return index > 0 and self.reach[index - 1] > start

    def inside(self, start: int, end: int) -> bool:
        index = bisect_right(self.spans, (start, sys.maxsize))
        return any(s <= start and end <= e for s, e in self.spans[max(0, index - 3) : index])


def _reach(spans: list[tuple[int, int]]) -> list[int]:
    """For each position, the furthest end of the spans up to it."""
    reach: list[int] = []
    for _, end in spans:
        reach.append(max(end, reach[-1]) if reach else end)
    return reach


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


class Extractor:
    """Finds the attributions of one text with one language's lexicon."""

    def __init__(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        lexicon: ClaimLexicon,
        media: frozenset[str],
        nlp: Any = None,
        check_speakers: bool = True,
        deadline: Deadline | None = None,
    ) -> None:
        self.text = text
        self.check_speakers = check_speakers
        self.deadline = deadline
        self.sentences = sentences or naive_sentences(text)
        self.lexicon = lexicon
        self.media = media
        # The parse is read only at reporting verbs (`_verb_facts`): parse just the sentences
        # that hold one, which gives the same claims for a fraction of the parser's time.
        with_cues = [(s, e) for s, e in self.sentences if lexicon.verbs.finditer(text, s, e)]
        self.facts = parse(text, with_cues, nlp) if nlp is not None and with_cues else {}
        self.quotes = find_quotes(text, lexicon.quote_pairs)
        self.quote_spans = Intervals([(q.start, q.end) for q in self.quotes])
        self.used_cues = Intervals()
        self.signatures: set[tuple[int, int]] = set()
        self.sentence_starts = [start for start, _ in self.sentences]

    def run(self) -> list[Found]:
        found = self.direct() + self.headlines()
        for start, end in self.sentences:
            if self.deadline is not None:
                self.deadline.check()
            found.extend(self.in_sentence(start, end, found))
        found.sort(key=lambda f: f.start)
        found.extend(self.assertions(found))
        found.sort(key=lambda f: f.start)
        for claim in found:
            self._check_speaker(claim)
        return found

    def _check_speaker(self, claim: Found) -> None:
        """An implausible speaker is dropped: the claim stays, unattributed, with its cue."""
        if (
            not self.check_speakers
            or claim.speaker is None
            or plausible(claim.speaker.text, self.lexicon)
        ):
            return
        claim.speaker = None
        claim.medium = None
        if claim.type != "verification":
            claim.status = "unattributed"

    def cues(self, start: int, end: int) -> list[Hit]:
        """Reporting-verb matches in text[start:end] that read as verbs there."""
        text = self.text
        result = []
        for match in self.lexicon.verbs.finditer(text, start, end):
            if match.group()[:1].isupper() and not self._title_case(match.start()):
                continue
            before = re.search(r"([\w’']+)\s*$", text[max(0, match.start() - 30) : match.start()])
            if before and before.group(1).casefold() in self.lexicon.cue_blockers:
                continue
            if (
                match.group().casefold() in self.lexicon.noun_verbs
                and not self._opens_clause(match.end())
                and not self._after_quote(match.start())
            ):
                continue
            if match.group().casefold() in self.lexicon.medium_only and (
                medium_after(text, match.end(), end, self.lexicon, self.media) is None
            ):
                continue
            if self._separated(match) or self._set_phrase(match):
                continue
            result.append(match)
        return result

    def _separated(self, match: Hit) -> bool:
        """ "sagte seine Reise nach China ab": a cue whose clause closes with a particle of
        `[claims] separable_particles` is another verb (absagen: to cancel, zusagen: to
        promise), not speech."""
        lexicon = self.lexicon
        if match.group().casefold() not in lexicon.separable_verbs:
            return False
        sentence_end = self._sentence_of(match.start())[1]
        stop = _CLAUSE_STOP.search(self.text, match.end(), max(sentence_end, match.end()))
        clause = self.text[match.end() : stop.start() if stop else sentence_end]
        last = _LAST_WORD.search(clause)
        return last is not None and last.group(1).casefold() in lexicon.separable_particles

    def _set_phrase(self, match: Hit) -> bool:
        """ "Kurz gesagt: …", "Soit dit en passant, …": a set phrase of `[claims]
        set_phrases` around the cue, opening its sentence or clause, says nothing of a
        speaker. ("Sie hat offen gesagt, dass …" is speech: the phrase does not open the
        clause there.)"""
        window = self.lexicon.set_phrases.finditer(
            self.text, max(0, match.start() - 40), match.end() + 40
        )
        found = next(
            (f for f in window if f.start() <= match.start() and f.end() >= match.end()), None
        )
        if found is None:
            return False
        opening = self.text[self._sentence_of(match.start())[0] : found.start()].rstrip()
        return not any(c.isalnum() for c in opening) or opening.endswith((",", ";", ":", "—", "–"))

    def headlines(self) -> list[Found]:
        """ "Graham: Trump's rhetoric destroying GOP's chances": a short line, a name, a colon."""
        found = []
        for line in _HEADLINE.finditer(self.text):
            name_start, name_end = line.span(1)
            if self.quote_spans.overlaps(name_start, line.end()):
                continue
            words = self.text[name_start:name_end].split()
            if not all(w[:1].isupper() for w in words):
                continue
            content = _content(self.text, line.end(2) - len(line.group(2)), line.end(2))
            if content is None:
                continue
            kind = classify(self.text[name_start:name_end], False, self.lexicon) or "named"
            speaker = Speaker(name_start, name_end, self.text[name_start:name_end], kind)
            cue = (name_end, name_end + 1)
            self.used_cues.add(cue)
            found.append(Found("indirect", "attributed", speaker, cue, [content], headline=True))
        return found

    def _title_case(self, offset: int) -> bool:
        """Whether the line around an offset is a headline in Title Case ("Trump Says He …")."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        line_end = self.text.find("\n", offset)
        line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
        words: list[str] = re.findall(r"[^\W\d_][\w’']*", line)
        if len(line) > TITLE_MAX_CHARS or len(words) < 3:
            return False
        capitalised = sum(1 for w in words if w[:1].isupper())
        return capitalised >= TITLE_CAPITALISED * len(words)

    def cue_span(self, start: int, end: int) -> tuple[int, int]:
        """The cue with its auxiliaries ("has also said") and a colon right after it."""
        while True:
            word = re.search(r"([\w’']+)\s+$", self.text[max(0, start - 30) : start])
            if word is None or word.group(1).casefold() not in self.lexicon.auxiliary_words:
                break
            start -= len(word.group())
        colon = re.match(r"\s*:", self.text[end : end + 3])
        return start, end + colon.end() if colon else end

    def _after_quote(self, offset: int) -> bool:
        """Whether a quote closes right before the offset ("« … », estime X"): a verb there."""
        before = self.text[max(0, offset - 4) : offset].rstrip(" ,\u00a0—–-")
        return before[-1:] in ("”", "»", '"', "“", "’") if before else False

    def _opens_clause(self, offset: int) -> bool:
        """Whether a reported clause, a quote, an inverted pronoun or the end follows."""
        after = self.text[offset : offset + 40].lstrip()
        if not after or after[0] in ',:.;“"«„':
            return True
        inverted = re.match(r"-(?:t-)?(\w+)", after)
        if inverted and inverted.group(1).casefold() in self.lexicon.pronouns:
            return True
        first = re.match(r"[\w’']+", after)
        if first is None:
            return False
        word = first.group()
        opener = self.lexicon.complementizers.match(word)
        return opener is not None and (opener.end() == len(word) or word[opener.end() - 1] in "’'")

    # --- direct quotes ---------------------------------------------------------------------

    def _sentence_of(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.sentence_starts, offset) - 1
        if index >= 0 and self.sentences[index][0] <= offset < self.sentences[index][1]:
            return self.sentences[index]
        return offset, offset

    def direct(self) -> list[Found]:
        found: list[Found] = []
        by_cue: dict[tuple[int, int], Found] = {}
        previous: Found | None = None
        for index, quote in enumerate(self.quotes):
            attribution = self._quote_attribution(index, quote)
            if attribution is None:
                if previous is not None and self._continues(previous, quote):
                    previous.parts.append((quote.start, quote.end))
                continue
            speaker, cue, medium = attribution
            claim = by_cue.get(cue)
            if claim is not None:
                claim.parts.append((quote.start, quote.end))
                previous = claim
                continue
            status = "attributed" if speaker is not None else "unattributed"
            claim = Found("direct", status, speaker, cue, [(quote.start, quote.end)], medium)
            claim.signature = cue in self.signatures
            by_cue[cue] = claim
            self.used_cues.add(cue)
            found.append(claim)
            previous = claim
        return found

    def _continues(self, previous: Found, quote: Quote) -> bool:
        """A second quote right after an attributed one in the same paragraph is its sequel."""
        gap = self.text[previous.end : quote.start]
        return (
            "\n" not in gap
            and len(_WORD.findall(gap)) <= 4
            and previous.cue is not None
            and (previous.cue[1] <= quote.start)
        )

    def _quote_attribution(
        self, index: int, quote: Quote
    ) -> tuple[Speaker | None, tuple[int, int], tuple[str, int, int] | None] | None:
        text = self.text
        paragraph_end = text.find("\n", quote.end)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        following = self.quotes[index + 1].start if index + 1 < len(self.quotes) else len(text)
        limit = min(paragraph_end, following, quote.end + QUOTE_FRAME_CHARS)
        after_limit = min(
            limit, self._sentence_of(quote.end)[1] if quote.end < len(text) else limit
        )
        if after_limit <= quote.end:
            stop = _SENTENCE_STOP.search(text, quote.end, limit)
            after_limit = stop.end() if stop else limit
        inner = text[quote.start : quote.end].rstrip("”»“\"’'`‹› ")
        next_word = re.match(r"\s*(\w)", text[quote.end : after_limit])
        if inner.endswith((".", "!", "?")) and next_word and next_word.group(1).isupper():
            # "« … nazisme. » Et il a ajouté …" opens a new sentence; "“… missing.” Trump
            # said." does not: a short sentence made of a speaker and a cue still attributes.
            first = quote.end + next_word.start(1)
            sentence_end = min(self._sentence_of(first)[1], paragraph_end)
            short = len(_WORD.findall(text[first:sentence_end])) <= SHORT_ATTRIBUTION_WORDS
            after_limit = sentence_end if short and sentence_end > first else quote.end
        glued = text[quote.end : after_limit].lstrip()[:1]
        if not inner.endswith((",", ".", "!", "?", "…")) and glued and glued not in ",:;—–(":
            after_limit = quote.end  # "the “We are with Russia” initiative": a name, not speech
        for cue in self.cues(quote.end, after_limit):
            if len(_WORD.findall(text[quote.end : cue.start()])) > QUOTE_SPEAKER_WORDS:
                break
            result = self._speaker_at(quote.end, cue.start(), cue.end(), after_limit)
            if result is not None:
                return result
            break
        signed = self._signature(quote, min(paragraph_end, following))
        if signed is not None:
            return signed
        inside = self._incise(quote)
        if inside is not None:
            return inside
        paragraph_start = text.rfind("\n", 0, quote.start) + 1
        previous_end = self.quotes[index - 1].end if index else 0
        frame_start = max(paragraph_start, previous_end, quote.start - QUOTE_FRAME_CHARS)
        sentence_start = self._sentence_of(max(quote.start - 1, 0))[0]
        if text[paragraph_start : quote.start].strip() == "" and paragraph_start >= 2:
            # "Caddell continued:" alone on the line before the quote.
            line_end = len(text[:paragraph_start].rstrip())
            line_start = text.rfind("\n", 0, line_end) + 1
            if text[line_start:line_end].endswith(":"):
                frame_start = line_start
        elif sentence_start > frame_start and sentence_start < quote.start:
            frame_start = sentence_start
        cues = self.cues(frame_start, quote.start)
        if cues:
            cue = cues[-1]
            gap = text[cue.end() : quote.start].rstrip()
            # "said he intends to “pick up delegates”": a quote inside reported speech is
            # part of that indirect claim, not a direct quote of its own.
            if not _WORD.search(gap) or gap.endswith((":", ",")):
                found = self._speaker_at(frame_start, cue.start(), cue.end(), quote.start)
                if found is None and gap.endswith(":"):
                    # "… drehte sich sein Sohn zu ihm und sagte: „…“": the quote is speech
                    # whoever said it; without a speaker it stays unattributed, cue kept.
                    return None, self.cue_span(cue.start(), cue.end()), None
                return found
        colon = re.search(r":\s*$", text[frame_start : quote.start])
        if colon:
            # "Republican pollster Daron Shaw: “Historically, …”": the colon is the cue.
            at = frame_start + colon.start()
            speaker = speaker_before(text, frame_start, at, self.lexicon)
            if speaker is not None and speaker.kind in ("named", "pronoun"):
                return speaker, (at, at + 1), None
        return None

    def _signature(
        self, quote: Quote, limit: int
    ) -> tuple[Speaker, tuple[int, int], tuple[str, int, int] | None] | None:
        """ "“He represents our greatest shame.” ― Sonya Herridge": a dash after the quote,
        then a name (and a role after a comma) closing the line or followed by the next
        quote: pull quotes, testimonials, readers' voices, epigraphs. The dash is the cue."""
        found = _SIGNATURE.match(self.text, quote.end, limit)
        if found is None or not found.group(2).strip():
            return None
        opening = self.text.rfind("\n", 0, quote.start) + 1
        before = self.text[opening : quote.start]
        if before.strip() and not any(opening <= c[1] <= quote.start for c in self.signatures):
            # "… was “still the No. 1 force in Spain.”--Kim Hjelmgaard": a quote inside a
            # sentence, then the reporter's byline. A signed quote is a paragraph of its own
            # (or follows another signed quote on its line).
            return None
        name_start, name_end = found.span(2)
        words = self.text[name_start:name_end].split()
        particles = self.lexicon.name_particles
        if not words[0][:1].isupper() or not all(
            w[:1].isupper() or w.casefold() in particles for w in words
        ):
            return None
        role = found.group(3)
        if role is not None and (
            len(role.split()) > MAX_SIGNATURE_ROLE_WORDS or self.lexicon.verbs.finditer(role)
        ):
            return None  # "― John Smith, the mayor, said on Monday": a sentence, not a signature
        kind = classify(self.text[name_start:name_end], False, self.lexicon) or "named"
        if kind not in ("named", "crowd"):
            return None
        speaker = Speaker(name_start, name_end, self.text[name_start:name_end], kind)
        if role is not None:
            r_start, r_end = found.span(3)
            speaker = Speaker(
                name_start, name_end, speaker.text, kind, role.strip(), r_start, r_end
            )
        cue = found.span(1)
        self.signatures.add(cue)
        return speaker, cue, None

    def _incise(
        self, quote: Quote
    ) -> tuple[Speaker, tuple[int, int], tuple[str, int, int] | None] | None:
        """ "« Le budget est insincère, a estimé Marine Le Pen, et … »": the cue inside."""
        text = self.text
        for cue in self.cues(quote.start + 1, quote.end - 1):
            if not text[quote.start : cue.start()].rstrip().endswith((",", "—", "–")):
                continue
            closing = re.compile(r"[,—–]").search(text, cue.end(), quote.end)
            comma = closing.start() if closing else -1
            if comma < 0 or len(_WORD.findall(text[cue.end() : comma])) > 6:
                continue
            speaker = speaker_after(text, cue.end(), comma, self.lexicon)
            if speaker is not None and speaker.kind in ("named", "pronoun"):
                return speaker, self.cue_span(cue.start(), cue.end()), None
        return None

    def _speaker_at(
        self, frame_start: int, cue_start: int, cue_end: int, limit: int
    ) -> tuple[Speaker, tuple[int, int], tuple[str, int, int] | None] | None:
        speaker = speaker_before(self.text, frame_start, cue_start, self.lexicon)
        if speaker is None or (speaker.kind == "phrase" and len(speaker.text.split()) > 6):
            speaker = speaker_after(self.text, cue_end, limit, self.lexicon)
        if speaker is None:
            return None
        medium = medium_after(self.text, cue_end, limit, self.lexicon, self.media)
        return speaker, self.cue_span(cue_start, cue_end), medium

    # --- one sentence ----------------------------------------------------------------------

    def in_sentence(self, start: int, end: int, direct: list[Found]) -> list[Found]:
        found: list[Found] = []
        taken: list[tuple[int, int]] = []
        for status, pattern in self.lexicon.status_phrases:
            for match in pattern.finditer(self.text, start, end):
                if match.start() > start and match.group()[:1].isupper():
                    continue
                if self.quote_spans.inside(match.start(), match.end()):
                    continue
                if _overlaps(taken, match.start(), match.end()) or self.used_cues.overlaps(
                    match.start(), match.end()
                ):
                    continue
                taken.append((match.start(), match.end()))
                found.append(self._verification(status, start, end, match))
                break  # "n'ont pas pu être vérifiées de source indépendante": one statement
        for match in self.lexicon.according_to.finditer(self.text, start, end):
            if self.quote_spans.inside(match.start(), match.end()):
                continue
            claim = self._according(start, end, match)
            if claim is not None:
                taken.append((match.start(), match.end()))
                found.append(claim)
        sentence_cues = self.cues(start, end)
        for index, match in enumerate(sentence_cues):
            span = (match.start(), match.end())
            if (
                _overlaps(taken, *span)
                or self.used_cues.overlaps(*span)
                or self.quote_spans.inside(*span)
            ):
                continue
            following = sentence_cues[index + 1].start() if index + 1 < len(sentence_cues) else end
            claim = self._indirect(start, end, match, following)
            if claim is not None:
                taken.append(span)
                found.append(claim)
        return found

    def _verification(self, status: str, start: int, end: int, match: Hit) -> Found:
        """ "Newsweek n'a pas été en mesure de confirmer …": the whole sentence, and who says it."""
        speaker = speaker_before(self.text, start, match.start(), self.lexicon)
        if speaker is not None and (
            speaker.kind == "pronoun"
            or (speaker.kind == "phrase" and len(speaker.text.split()) > 4)
            or (status == "unconfirmed" and speaker.kind != "named")
        ):
            speaker = None  # "The claims could not be verified": what is checked, not who
        content = _content(self.text, start, end) or (start, end)
        return Found(
            "verification", status, speaker, self.cue_span(match.start(), match.end()), [content]
        )

    def _according(self, start: int, end: int, match: Hit) -> Found | None:
        text = self.text
        comma = text.find(",", match.end(), end)
        source_end = comma if comma >= 0 else end
        if comma < 0 and len(_WORD.findall(text[start : match.start()])) <= 3:
            # "Laut Gesundheitsministerium starben 42 Menschen": no comma, the source is the
            # name (with its determiners) right after the phrase, the rest is the content.
            run = self._leading_source(match.end(), end)
            if run is None:
                return None
            s_start, s_end = run
            kind = classify(text[s_start:s_end], False, self.lexicon) or "phrase"
            content = _content(text, s_end, end)
            if content is None or kind == "pronoun":
                return None
            speaker = Speaker(s_start, s_end, text[s_start:s_end], kind)
            return self._source_claim(speaker, match, [content], medium=False)
        if self.lexicon.nouns_capitalised and len(_WORD.findall(text[start : match.start()])) > 3:
            inside = self._source_inside(start, end, source_end, match)
            if inside is not None:
                return inside
        source_words = text[match.end() : source_end].split()
        if not source_words:
            return None
        if len(source_words) > MAX_ACCORDING_SOURCE_WORDS:
            run = name_run_end(text, match.end(), match.end() + 60, self.lexicon)
            if run is None:
                return None
            source_end = run[1]
        s_start, s_end = _strip(text, match.end(), source_end)
        s_end = s_end - 1 if text[s_end - 1] in ".!?" else s_end
        kind = classify(text[s_start:s_end], False, self.lexicon) or "phrase"
        speaker = Speaker(s_start, s_end, text[s_start:s_end], kind)
        before = text[start : match.start()]
        if len(_WORD.findall(before)) <= 3 and comma >= 0:
            content = _content(text, comma + 1, end)
        else:
            content = _content(text, start, match.start())
        if content is None:
            return None
        return self._source_claim(speaker, match, [content])

    def _source_inside(self, start: int, end: int, source_end: int, match: Hit) -> Found | None:
        """ "ist laut Shanghai Electric das größte Kraftwerk", "sorgen laut Shanghai Electric
        dafür, dass …": where every noun is capitalised, a lower-case word after the name
        (other than a genitive's article) ends the source, and the clause goes on around it."""
        text = self.text
        run = self._leading_source(match.end(), source_end)
        if run is None:
            return None
        s_start, s_end = run[0], genitive_end(text, run[1], source_end, self.lexicon)
        if not _WORD.search(text[s_end:source_end]):
            return None  # the source runs to the comma or the end: the usual reading
        kind = classify(text[s_start:s_end], False, self.lexicon) or "phrase"
        if kind == "pronoun":
            return None
        parts = [
            part
            for part in (_content(text, start, match.start()), _content(text, s_end, end))
            if part is not None
        ]
        if not parts:
            return None
        speaker = Speaker(s_start, s_end, text[s_start:s_end], kind)
        return self._source_claim(speaker, match, parts)

    def _source_claim(
        self, speaker: Speaker, match: Hit, parts: list[tuple[int, int]], medium: bool = True
    ) -> Found:
        """An according-to claim of its source: a weasel when the source is a crowd ("selon
        des experts"); the source is also the medium when it is one (`medium`)."""
        crowd = speaker.kind == "crowd"
        outlet = None
        if medium and speaker.text in self.media:
            outlet = (speaker.text, speaker.start, speaker.end)
        return Found(
            "weasel" if crowd else "according_to",
            "unattributed" if crowd else "attributed",
            speaker,
            (match.start(), match.end()),
            parts,
            outlet,
        )

    def _leading_source(self, start: int, end: int) -> tuple[int, int] | None:
        """Determiners and particles, then capitalised words: the source opening text[start:end]."""
        first: int | None = None
        last: int | None = None
        small = self.lexicon.cue_blockers | self.lexicon.name_particles
        for word in re.finditer(r"[\w’'.-]+", self.text[start:end]):
            value = word.group()
            if value[:1].isupper():
                first = start + word.start() if first is None else first
                last = start + word.end()
            elif value.casefold() in small and last is None:
                first = start + word.start() if first is None else first
            else:
                break
        return (first, last) if first is not None and last is not None else None

    def _indirect(self, start: int, end: int, match: Hit, following: int) -> Found | None:
        text = self.text
        speaker = self._parsed_speaker(start, end, match) or speaker_before(
            text, start, match.start(), self.lexicon
        )
        rejected = None
        if (
            speaker is not None
            and self.check_speakers
            and not plausible(speaker.text, self.lexicon)
        ):
            # "Если … возобновятся, …, сказал дипломат": look after the cue; when nothing
            # better is there, the claim stays and `_check_speaker` drops its speaker.
            speaker, rejected = None, speaker
        content_left = False
        if speaker is None and self._inverted_context(start, match.start()):
            rest = _WORD.findall(text[match.end() : end])
            if len(rest) <= 8:
                speaker = speaker_after(text, match.end(), end, self.lexicon)
                told = medium_after(text, match.end(), end, self.lexicon, self.media)
                if speaker is not None and told is not None and told[1] == speaker.start:
                    speaker = None  # "…, he told Reuters": the outlet heard it, it did not say it
                content_left = speaker is not None
        if speaker is None and not content_left and self.lexicon.prepositions:
            # "In ihrem Blogpost schreibt Vreni, dass …": where a phrase put first pushes
            # the subject after the verb, it stands right after the cue, before any comma.
            comma = text.find(",", match.end(), end)
            limit = comma if comma >= 0 else end
            if len(_WORD.findall(text[match.end() : limit])) <= INVERTED_SUBJECT_WORDS:
                speaker = speaker_after(text, match.end(), limit, self.lexicon)
        if speaker is None:
            speaker = self._sentence_subject(start, match.start()) or rejected
        if speaker is None:
            return None
        medium = medium_after(text, match.end(), end, self.lexicon, self.media)
        content_start = max(match.end(), medium[2]) if medium else match.end()
        if speaker.start > match.end():
            content_start = max(content_start, speaker.end)
        content_start = self._after_complementizer(content_start, following)
        content_end = end
        if following < end:
            # The last word before the next cue, read from a bounded window: a search over the
            # whole stretch was quadratic on long runs of spaces (`_content` strips the rest).
            window = max(content_start, following - 100)
            before_next = re.search(r"[\s,]+([\w’']+)\s+$", text[window:following])
            if before_next and before_next.group(1).casefold() in self.lexicon.conjunction_words:
                content_end = window + before_next.start()  # "… and said …": stop there
        content = None if content_left else _content(text, content_start, content_end)
        if content is None:
            left_end = min(speaker.start, match.start())
            content = _content(text, start, left_end)
        if content is None:
            return None
        kind = "weasel" if speaker.kind == "crowd" else "indirect"
        status = "unattributed" if speaker.kind == "crowd" else "attributed"
        return Found(
            kind, status, speaker, self.cue_span(match.start(), match.end()), [content], medium
        )

    def _verb_facts(self, match: Hit) -> VerbFacts | None:
        """The parse's facts of the cue's verb (its last word that the parser took as a verb)."""
        for word in reversed(list(_WORD.finditer(self.text, match.start(), match.end()))):
            facts = self.facts.get(word.start())
            if facts is not None:
                return facts
        return None

    def _parsed_speaker(self, start: int, end: int, match: Hit) -> Speaker | None:
        """The cue's subject as the dependency parse reads it, with its appositive role."""
        facts = self._verb_facts(match)
        if facts is None or facts.subject is None:
            return None
        s_start, s_end = facts.subject
        if s_start < start or s_end > end:
            return None
        kind = classify(self.text[s_start:s_end], s_start == start, self.lexicon)
        if kind is None:
            return None
        role = facts.role
        return Speaker(
            s_start,
            s_end,
            self.text[s_start:s_end],
            kind,
            self.text[role[0] : role[1]] if role else None,
            role[0] if role else None,
            role[1] if role else None,
        )

    def _inverted_context(self, start: int, cue_start: int) -> bool:
        """A cue right after a comma, a quote or at the clause start may have its speaker after."""
        before = self.text[start:cue_start].rstrip()
        return not before or before[-1] in ',:;”»"“«'

    def _after_complementizer(self, start: int, end: int) -> int:
        """Where the reported clause begins: at "that"/"que" when one comes soon."""
        for count, word in enumerate(re.finditer(r"[\w’']+", self.text[start:end])):
            if count > COMPLEMENT_REACH_WORDS:
                break
            text = word.group()
            found = self.lexicon.complementizers.match(text)
            if (
                found
                and text[:1].islower()
                and (found.end() == len(text) or text[found.end() - 1] in "’'")
            ):
                return start + word.start()
        return start

    def _sentence_subject(self, start: int, cue_start: int) -> Speaker | None:
        """ "Rogov also referenced …, claiming that …": the sentence's own subject speaks."""
        before = self.text[start:cue_start].rstrip()
        last = before.rsplit(None, 1)[-1].casefold() if before else ""
        if not before.endswith(",") and last not in self.lexicon.conjunction_words:
            return None
        first = re.match(r"\s*([\w’'-]+)", self.text[start:cue_start])
        if first and first.group(1).casefold() in self.lexicon.pronouns:
            s = start + first.start(1)
            return Speaker(s, s + len(first.group(1)), first.group(1), "pronoun")
        words = list(re.finditer(r"[\w’'.-]+", self.text[start:cue_start]))
        run_end = None
        for word in words:
            if not word.group()[:1].isupper():
                break
            run_end = word.end()
            if self.text[start + word.end() : start + word.end() + 1] == ",":
                return None
        if run_end is None or not words:
            return None
        s, e = start + words[0].start(), start + run_end
        if self.text[e - 1 : e] == "’" or self.text[e - 2 : e] in ("’s", "'s"):
            return None
        kind = classify(self.text[s:e], True, self.lexicon)
        return Speaker(s, e, self.text[s:e], kind) if kind in ("named", "crowd") else None

    # --- assertions ------------------------------------------------------------------------

    def assertions(self, found: list[Found]) -> list[Found]:
        """Sentences no attribution covers: the writer asserts them."""
        covered = Intervals([p for f in found for p in f.parts] + [f.cue for f in found if f.cue])
        result = []
        for start, end in self.sentences:
            if covered.overlaps(start, end):
                continue
            if not check_worthy(self.text[start:end], self.lexicon):
                continue
            content = _content(self.text, start, end)
            if content is not None:
                result.append(Found("unattributed", "unattributed", None, None, [content]))
        return result


def check_worthy(sentence: str, lexicon: ClaimLexicon) -> bool:
    """Whether a sentence nobody is credited with is a fact worth checking.

    A statement (no question, no exclamation) of at least `MIN_ASSERTION_WORDS` words, not
    in the first or second person (`first_person`: a post's own voice, "I love …"), that
    carries a figure (a digit, or a number word or vague amount of `[quantities]`) or an
    event or causal word (`[claims] event_stems`: one of five letters or more begins a word,
    "arrest" for "arrested"; a shorter one is a whole word, "won", "led", "cut").
    """
    stripped = sentence.rstrip(" ”»\"’')")
    words = _WORD.findall(sentence)
    if len(words) < MIN_ASSERTION_WORDS or stripped.endswith(("?", "!")):
        return False
    folded = [w.casefold() for w in words]
    if any(w in lexicon.first_person for w in folded):
        return False
    # "Will Smith (50)": an age in brackets after a name is no figure to check.
    figures = _AGE.sub("", sentence)
    if any(c.isdigit() for c in figures) or any(w in lexicon.figure_words for w in folded):
        return True
    long = tuple(s for s in lexicon.event_stems if len(s) >= EVENT_STEM_CHARS)
    short = frozenset(s for s in lexicon.event_stems if len(s) < EVENT_STEM_CHARS)
    return any(w in short or (long and w.startswith(long)) for w in folded)
