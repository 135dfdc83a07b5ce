"""Who speaks: the subject before a cue, the name after it, an appositive role, the medium."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newstrace.analysis.claims.lexicon import ClaimLexicon
from newstrace.analysis.claims.plausible import plausible

# Longest subject taken whole before a cue ("longtime Democratic pollster Pat Caddell");
# a longer clause keeps only its trailing name. 12: all-spans overlap F1 on PolNeAR train
# 68.9, against 68.6 with 8 and 68.9 with 16 (benchmarks/attribution.py, 2026-11).
MAX_SUBJECT_WORDS = 12
# Longest role in an appositive ("Rogov, président du mouvement We Are With Russia, …").
MAX_ROLE_WORDS = 15
# Longest speaker read after a cue ("said a prominent Republican National Committee member").
MAX_SPEAKER_AFTER_WORDS = 15
# Most role words before a name read after a cue ("заявила депутат Анна Соколова").
MAX_ROLE_BEFORE_NAME = 3
# How far after a cue its medium may be named ("spoke in a detailed interview with TASS").
MEDIUM_REACH_CHARS = 60

_BOUNDARY = re.compile(r"''|``|[,;:()\[\]—–\n“”«»„\"‹›]")
_WORD = re.compile(r"[\w’'.-]+")


@dataclass(frozen=True)
class Speaker:
    """A speaker span; kind is named, pronoun, crowd or phrase (a common-noun subject)."""

    start: int
    end: int
    text: str
    kind: str
    role: str | None = None
    role_start: int | None = None
    role_end: int | None = None

    def span(self) -> tuple[int, int]:
        """The speaker with its role, as one span ("Ann Compton, who covered …")."""
        if self.role_start is None or self.role_end is None:
            return self.start, self.end
        return min(self.start, self.role_start), max(self.end, self.role_end)


def _is_upper_word(word: str) -> bool:
    return word[:1].isupper()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets with surrounding spaces and punctuation cut off."""
    while start < end and not (text[start].isalnum() or text[start] in "“«„\"‘'"):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in "”»“\"’'."):
        end -= 1
    while end > start and text[end - 1] == "." and not _looks_abbreviated(text[start:end]):
        end -= 1
    return start, end


def _looks_abbreviated(span: str) -> bool:
    last = span.rsplit(None, 1)[-1] if span.split() else ""
    return len(last) <= 3 and last[:1].isupper()


def _strip_conjunctions(text: str, start: int, end: int, lexicon: ClaimLexicon) -> int:
    while True:
        found = lexicon.conjunctions.match(text, start, end)
        if not found or found.end() >= end:
            return start
        start = found.end()


def name_run_end(text: str, start: int, end: int, lexicon: ClaimLexicon) -> tuple[int, int] | None:
    """The trailing run of capitalised words (with name particles) in text[start:end]."""
    words = list(_WORD.finditer(text, start, end))
    if not words or not _is_upper_word(words[-1].group()):
        return None
    first = len(words) - 1
    while first > 0:
        previous = words[first - 1].group()
        gap = text[words[first - 1].end() : words[first].start()]
        if gap.strip():
            break
        if _is_upper_word(previous) or (
            previous.casefold() in lexicon.name_particles
            and first >= 2
            and _is_upper_word(words[first - 2].group())
        ):
            first -= 1
            continue
        break
    return words[first].start(), words[-1].end()


def classify(text: str, sentence_start: bool, lexicon: ClaimLexicon) -> str | None:
    """Kind of a speaker phrase, or None when it cannot speak ("it", "there")."""
    folded = text.casefold().strip()
    words = folded.split()
    if not words:
        return None
    if len(words) == 1 and folded in lexicon.pronouns:
        return "pronoun"
    if folded in lexicon.expletives or folded in lexicon.not_speakers:
        return None
    if folded in lexicon.crowds or (words[-1] in lexicon.crowds and len(words) <= 3):
        original = text.split()
        if not any(_is_upper_word(w) for w in original[1:]):
            return "crowd"
    original = text.split()
    capitals = [
        w for i, w in enumerate(original) if _is_upper_word(w) and (i or not sentence_start)
    ]
    if capitals or (len(original) == 1 and _is_upper_word(original[0])):
        return "named"
    return "phrase"


def speaker_before(
    text: str, clause_start: int, cue_start: int, lexicon: ClaimLexicon
) -> Speaker | None:
    """The subject written just before a cue, with its appositive role when there is one."""
    end = cue_start
    while True:
        found = lexicon.auxiliaries.search(text, clause_start, end)
        if not found:
            # "Она откровенно рассказала": an adverb between the subject and its cue.
            adverb = re.search(r"([\w’'-]+)\s+([\w’'-]+)\s*$", text[clause_start:end])
            word = adverb.group(2) if adverb else ""
            subject = adverb.group(1) if adverb else ""
            if not (
                (
                    subject[:1].isupper()
                    or subject.casefold() in lexicon.pronouns | lexicon.auxiliary_words
                )
                and word[:1].islower()
                and word.casefold() in lexicon.function_words
                and word.casefold() not in lexicon.pronouns
                # "… mit aufrichtigen Worten und schrieb": a conjunction is no adverb.
                and word.casefold() not in lexicon.conjunction_words
            ):
                break
            end = clause_start + adverb.start(2)  # type: ignore[union-attr]
            continue
        end = found.start()
    left = text[clause_start:end]
    inverted = lexicon.inverted.search(left)
    if inverted:
        form = inverted.group(1)
        pronoun = re.split(r"[-‐]", form)[-1]
        offset = clause_start + inverted.start(1) + len(form) - len(pronoun)
        return Speaker(offset, offset + len(pronoun), pronoun, "pronoun")
    stripped_end = clause_start + len(left.rstrip())
    boundaries = list(_BOUNDARY.finditer(text, clause_start, stripped_end))
    if left.rstrip().endswith(")"):
        # "Rep. Paul Ryan (R-WI) said": the parenthesis belongs to the name.
        opening = text.rfind("(", clause_start, stripped_end)
        if opening >= 0:
            boundaries = [b for b in boundaries if not opening <= b.start() < stripped_end]
    tail_start = boundaries[-1].end() if boundaries else clause_start
    tail_start = _complement_end(text, tail_start, stripped_end, lexicon)
    start, stop = _trim(text, tail_start, stripped_end)
    if start < stop:
        start = _strip_conjunctions(text, start, stop, lexicon)
        time = lexicon.time_opening.match(text, start, stop)
        if time is not None and time.end() < stop:
            start = time.end()  # "vendredi Esteban Cortez a déclaré"
        words = text[start:stop].split()
        if words[-1].casefold() in lexicon.conjunction_words:
            # "He smiled and said": the sentence's subject speaks.
            return _coordinated_subject(text, start, stop, lexicon)
        if len(words) > MAX_SUBJECT_WORDS or (
            len(words) > 1
            and words[0].casefold() in lexicon.not_speakers
            and words[0].casefold() not in lexicon.cue_blockers
        ):
            # "У Міжнародний день миру Путін оголосив": the name closing the clause speaks.
            run = name_run_end(text, start, stop, lexicon)
            if run is None:
                return None
            start, stop = run
        subject_end = _before_object(text, start, stop, lexicon)
        if subject_end is None or _after_preposition(text, clause_start, start, lexicon):
            return None
        stop = subject_end
        kind = classify(text[start:stop], start == clause_start, lexicon)
        return Speaker(start, stop, text[start:stop], kind) if kind else None
    commas = [b for b in boundaries if b.group() == ","]
    if commas and commas[-1].end() == boundaries[-1].end() and len(commas) >= 2:
        return _appositive(text, clause_start, commas, lexicon)
    return None


def _after_preposition(text: str, clause_start: int, start: int, lexicon: ClaimLexicon) -> bool:
    """ "In ihrem Blogpost schreibt Vreni", "mit den Worten:", "Vor fünf Jahren:": a noun after
    a preposition (its determiners and numbers between) is no subject. Only for a language
    with `[claims] prepositions`, where a phrase put first pushes the subject after the verb.
    """
    if not lexicon.prepositions:
        return False
    for word in reversed(list(_WORD.finditer(text, clause_start, start))):
        folded = word.group().casefold()
        if folded in lexicon.prepositions:
            return True
        if not (word.group()[:1].islower() or folded in lexicon.determiners):
            return False
        if folded not in lexicon.determiners and not folded[:1].isdigit():
            return False
    return False


def _coordinated_subject(text: str, start: int, stop: int, lexicon: ClaimLexicon) -> Speaker | None:
    """The subject pronoun of "He smiled and said" or "Den Clip kommentierte er … und schrieb".

    Only a pronoun that opens the clause, or that follows the clause's lower-case finite verb
    within its first four words (a verb-second language: object, verb, subject), and that is
    the clause's only subject pronoun; anything else is left unattributed, since the subject
    of a clause is not found without a parse.
    """
    words = list(_WORD.finditer(text, start, stop))
    pronouns = [i for i, w in enumerate(words) if w.group().casefold() in lexicon.pronouns]
    if len(pronouns) != 1:
        return None
    index = pronouns[0]
    word = words[index]
    if index == 0 or (
        index <= 3 and word.group()[:1].islower() and words[index - 1].group()[:1].islower()
    ):
        return Speaker(word.start(), word.end(), word.group(), "pronoun")
    return None


def _before_object(text: str, start: int, stop: int, lexicon: ClaimLexicon) -> int | None:
    """ "Reeves threatened Moore": the speaker ends before the word that makes Moore an object.

    None when nothing is left before that word: whoever is threatened or targeted is not
    the speaker of what follows.
    """
    for word in _WORD.finditer(text, start, stop):
        value = word.group()
        if value[:1].islower() and value.casefold() in lexicon.object_markers:
            if word.start() == start:
                return None
            end = _trim(text, start, word.start())[1]
            while True:
                last = re.search(r"\s([\w’']+)$", text[start:end])
                verbal = lexicon.auxiliary_words | lexicon.clause_words
                if last is None or last.group(1).casefold() not in verbal:
                    break
                end = _trim(text, start, start + last.start())[1]
            return end if end > start else None
    return stop


def _complement_end(text: str, start: int, end: int, lexicon: ClaimLexicon) -> int:
    """Past the last complementizer ("that", "que") of text[start:end], if any."""
    last = start
    for word in _WORD.finditer(text, start, end):
        found = lexicon.complementizers.match(word.group())
        if found and found.end() == len(word.group()):
            last = word.end()
    return last


def _appositive(
    text: str, clause_start: int, commas: list[re.Match[str]], lexicon: ClaimLexicon
) -> Speaker | None:
    """ "NAME, ROLE, said" or "ROLE, NAME, said": the name, with the role beside it."""
    middle_start, middle_end = _trim(text, commas[-2].end(), commas[-1].start())
    middle = text[middle_start:middle_end]
    if not middle or len(middle.split()) > MAX_ROLE_WORDS:
        return None
    before = list(_BOUNDARY.finditer(text, clause_start, commas[-2].start()))
    front_from = before[-1].end() if before else clause_start
    start, stop = _trim(text, front_from, commas[-2].start())
    if start >= stop:
        return None
    start = _strip_conjunctions(text, start, stop, lexicon)
    front = text[start:stop]
    middle_run = name_run_end(text, middle_start, middle_end, lexicon)
    determiner = (
        front.split()[0].casefold() in lexicon.cue_blockers or front.split()[-1][:1].islower()
    )
    if (
        middle_run == (middle_start, middle_end)
        and (determiner or not _is_upper_word(front))
        and len(front.split()) <= MAX_ROLE_WORDS
    ):
        # "the White House spokesman, Josh Earnest, said"
        return Speaker(middle_start, middle_end, middle, "named", front, start, stop)
    if middle.isdigit():
        # "Sarandon, 69, told MSNBC": an age, not a role.
        start, stop = _trim(text, front_from, commas[-2].start())
        run = name_run_end(text, start, stop, lexicon)
        if run is None:
            return None
        return Speaker(run[0], run[1], text[run[0] : run[1]], "named")
    if len(middle.split()) < 2 or (
        _is_upper_word(middle) and middle.split()[0].casefold() not in (lexicon.name_particles)
    ):
        return None
    if len(front.split()) > 6:
        run = name_run_end(text, start, stop, lexicon)
        if run is None:
            return None
        start, stop = run
    kind = classify(text[start:stop], start == clause_start, lexicon)
    if kind not in ("named", "phrase"):
        return None
    return Speaker(start, stop, text[start:stop], kind, middle, middle_start, middle_end)


def _leading_name(text: str, start: int, end: int, lexicon: ClaimLexicon) -> int | None:
    """End of the run of capitalised words (with name particles) opening text[start:end]."""
    stop = None
    for word in _WORD.finditer(text, start, end):
        value = word.group()
        if _is_upper_word(value):
            stop = word.end()
        elif value.casefold() not in lexicon.name_particles or stop is None:
            break
    return stop


def speaker_after(text: str, cue_end: int, limit: int, lexicon: ClaimLexicon) -> Speaker | None:
    """The speaker written after its cue: "said Caddell", "a-t-il", "a déclaré le président"."""
    hyphen = re.match(r"-(?:t-)?(\w+)", text[cue_end:limit])
    if hyphen and hyphen.group(1).casefold() in lexicon.pronouns:
        start = cue_end + hyphen.start(1)
        return Speaker(start, start + len(hyphen.group(1)), hyphen.group(1), "pronoun")
    stop_match = _BOUNDARY.search(text, cue_end, limit)
    stop = stop_match.start() if stop_match else limit
    # "disse a deputada": a marker word right after the cue is the speaker's determiner.
    first = _WORD.search(text, cue_end, stop)
    marker = lexicon.medium_markers.search(text, first.end() if first else cue_end, stop)
    start, stop = _trim(text, cue_end, marker.start() if marker else stop)
    words = text[start:stop].split()
    if not words or len(words) > MAX_SPEAKER_AFTER_WORDS:
        return None
    if _is_upper_word(words[0]):
        # "afirmó Delgado en una entrevista": the name, without what follows it.
        run = _leading_name(text, start, stop, lexicon)
        if run is not None:
            stop = run
            words = text[start:stop].split()
    else:
        # "заявила депутат Анна Соколова в суде после …": a role, the name, then no more.
        for index, word in enumerate(_WORD.finditer(text, start, stop)):
            if index > MAX_ROLE_BEFORE_NAME:
                break
            if _is_upper_word(word.group()):
                run = _leading_name(text, word.start(), stop, lexicon)
                if run is not None:
                    stop = genitive_end(text, run, limit, lexicon)
                    words = text[start:stop].split()
                break
    kind = classify(text[start:stop], False, lexicon)
    if kind is None:
        return None
    # "said in a statement": a phrase after the cue speaks only as "the …"; in a language
    # without articles ("сказал дипломат") a short plausible phrase speaks as it is.
    if (
        kind == "phrase"
        and words[0].casefold() not in lexicon.cue_blockers
        and (lexicon.cue_blockers or len(words) > 3 or not plausible(text[start:stop], lexicon))
    ):
        return None
    role = re.match(r",\s*([^\W\d_][^.;!?]*)", text[stop:limit])
    if role and role.group(1)[:1].islower() and len(role.group(1).split()) <= 2 * MAX_ROLE_WORDS:
        r_start, r_end = _trim(text, stop + role.start(1), stop + role.end(1))
        return Speaker(start, stop, text[start:stop], kind, text[r_start:r_end], r_start, r_end)
    return Speaker(start, stop, text[start:stop], kind)


def genitive_end(text: str, end: int, limit: int, lexicon: ClaimLexicon) -> int:
    """ "sagte der Sprecher des Ministeriums": a role's genitive belongs to it."""
    while True:
        found = re.match(r"\s+([\w’'-]+)\s+([^\W\d_][\w’'-]*)", text[end:limit])
        if not found or found.group(1) not in lexicon.genitives or found.group(2)[:1].islower():
            return end
        end += found.end()


def medium_after(
    text: str, cue_end: int, limit: int, lexicon: ClaimLexicon, known: frozenset[str]
) -> tuple[str, int, int] | None:
    """The outlet a speaker spoke through, named soon after the cue ("à TASS", "told Reuters")."""
    stop = _BOUNDARY.search(text, cue_end, limit)
    window_end = min(stop.start() if stop else limit, cue_end + MEDIUM_REACH_CHARS)
    starts = [cue_end] + [
        m.end() for m in lexicon.medium_markers.finditer(text, cue_end, window_end)
    ]
    for at in starts:
        while at < window_end and text[at] == " ":
            at += 1
        run_end = at
        for word in _WORD.finditer(text, at, window_end):
            if text[run_end : word.start()].strip() or not _is_upper_word(word.group()):
                break
            run_end = word.end()
        name = text[at:run_end].rstrip(".")
        if not name:
            continue
        if name in known or _is_acronym(name) or any(m and m in name for m in known):
            return name, at, at + len(name)
    return None


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
