"""The `[claims]` language data of one language, compiled once into regular expressions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newstrace import langdata

STATUS_KEYS = ("unconfirmed", "denied", "disputed", "confirmed")
# The `[claims]` data a language without its own file still gets: the same in every language.
NEUTRAL_KEYS = frozenset({"quotes"})


def phrase_pattern(phrases: list[str]) -> str:
    """One alternation of the phrases, longest first, bounded so that words stay whole."""
    parts = []
    for phrase in sorted({p for p in phrases if p.strip()}, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        head = r"(?<!\w)" if phrase[0].isalnum() else ""
        tail = r"(?!\w)" if phrase[-1].isalnum() else ""
        parts.append(f"{head}{body}{tail}")
    # A pattern that never matches when the language has no such phrases.
    return "|".join(parts) if parts else r"(?!x)x"


_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Hit:
    """One phrase found in a text; `start()`, `end()` and `group()` as a regex match has."""

    first: int
    last: int
    text: str

    def start(self) -> int:
        return self.first

    def end(self) -> int:
        return self.last

    def group(self) -> str:
        return self.text


class PhraseMatcher:
    """Finds any of many phrases, whole tokens, case-folded; longest phrase first.

    A regular expression of a few hundred alternatives tries each at every character; this
    looks up each token once (the claims stage spent 70% of its time there before).
    """

    def __init__(self, phrases: list[str]) -> None:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            tokens = tuple(t.casefold() for t in _TOKEN.findall(phrase))
            if tokens:
                by_first.setdefault(tokens[0], []).append(tokens)
        self.by_first = {k: sorted(set(v), key=len, reverse=True) for k, v in by_first.items()}

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """Non-overlapping hits in text[start:end], in order."""
        stop = len(text) if end is None else end
        tokens = list(_TOKEN.finditer(text, start, stop))
        folded = [t.group().casefold() for t in tokens]
        hits: list[Hit] = []
        index = 0
        while index < len(tokens):
            for phrase in self.by_first.get(folded[index], ()):
                size = len(phrase)
                if tuple(folded[index : index + size]) == phrase:
                    first, last = tokens[index].start(), tokens[index + size - 1].end()
                    hits.append(Hit(first, last, text[first:last]))
                    index += size - 1
                    break
            index += 1
        return hits


def compile_phrases(phrases: list[str]) -> PhraseMatcher:
    return PhraseMatcher(phrases)


@dataclass(frozen=True)
class ClaimLexicon:
    """What the claims stage knows of a language: cues, quote marks, pronouns, crowds."""

    code: str
    quote_pairs: tuple[tuple[str, str], ...]
    verbs: PhraseMatcher
    according_to: PhraseMatcher
    status_phrases: tuple[tuple[str, PhraseMatcher], ...]
    medium_markers: re.Pattern[str]
    hedges: PhraseMatcher
    auxiliaries: re.Pattern[str]
    inverted: re.Pattern[str]
    complementizers: re.Pattern[str]
    conjunctions: re.Pattern[str]
    pronouns: frozenset[str]
    expletives: frozenset[str]
    crowds: frozenset[str]
    name_particles: frozenset[str]
    noun_verbs: frozenset[str]
    conjunction_words: frozenset[str]
    auxiliary_words: frozenset[str]
    not_speakers: frozenset[str]
    medium_only: frozenset[str]
    unresolved_pronouns: frozenset[str]
    cue_blockers: frozenset[str]
    # What a speaker string may not be (newstrace/analysis/claims/plausible.py).
    function_words: frozenset[str] = frozenset()
    clause_openers: frozenset[str] = frozenset()
    clause_words: frozenset[str] = frozenset()
    verb_words: frozenset[str] = frozenset()
    verb_endings: tuple[str, ...] = ()
    adverb_endings: tuple[str, ...] = ()
    nouns_capitalised: bool = False
    # Where nouns are capitalised: the lower-case words a speaker may open with ("der
    # Sprecher", "seine Frau"); any other lower-case first word opens a clause ("darf Maron").
    determiners: frozenset[str] = frozenset()
    # Where a phrase put first pushes the subject after the verb ("In ihrem Blogpost schreibt
    # Vreni"): a noun right after one of these is no speaker.
    prepositions: frozenset[str] = frozenset()
    # Articles that only open a genitive ("des"): one after a role continues it.
    genitives: frozenset[str] = frozenset()
    # Pronoun → grammatical gender ("m", "f") and given names and name endings by gender.
    pronoun_genders: tuple[tuple[str, str], ...] = ()
    name_endings: tuple[tuple[str, str], ...] = ()
    # Words right before a name that make it an object, not a speaker ("threatened X").
    object_markers: frozenset[str] = frozenset()
    # Prepositions whose object is no pronoun's antecedent when a subject is at hand.
    object_prepositions: frozenset[str] = frozenset()
    # Cue verbs that a particle closing their clause makes another verb ("sagte … ab").
    separable_verbs: frozenset[str] = frozenset()
    separable_particles: frozenset[str] = frozenset()
    # Set phrases around a cue that credit nobody ("Kurz gesagt:", "Autrement dit,"),
    # matched where they open a sentence or clause.
    set_phrases: re.Pattern[str] = re.compile(r"(?!x)x")
    # A time phrase opening a speaker's span ("vendredi Esteban Cortez", "el jueves el …").
    time_opening: re.Pattern[str] = re.compile(r"(?!x)x")
    # What makes a sentence nobody is credited with worth checking (rules.check_worthy).
    figure_words: frozenset[str] = frozenset()
    event_stems: tuple[str, ...] = ()
    first_person: frozenset[str] = frozenset()


def _strings(code: str | None, key: str) -> list[str]:
    if code is None:
        return langdata.union(f"claims.{key}")
    data = langdata.for_language(code)
    return data.strings(f"claims.{key}") if data is not None else langdata.union(f"claims.{key}")


def _strings_at(code: str | None, dotted: str) -> list[str]:
    data = langdata.for_language(code) if code is not None else None
    return data.strings(dotted) if data is not None else langdata.union(dotted)


def _mapping(code: str | None, dotted: str) -> list[str]:
    """The keys of a table of one language (of every language when unknown)."""
    sources = [langdata.for_language(code)] if code is not None else langdata.all_languages()
    keys: list[str] = []
    for data in sources:
        value = data.get(dotted, {}) if data is not None else {}
        keys += [str(k) for k in value] if isinstance(value, dict) else []
    return keys


def _pairs(values: list[str]) -> tuple[tuple[str, str], ...]:
    """ "«»" is « then »; marks of several characters are written apart: "'' ''"."""
    pairs = [(v[0], v[1]) for v in values if len(v) == 2]
    pairs += [(v.split()[0], v.split()[1]) for v in values if len(v.split()) == 2]
    seen: dict[tuple[str, str], None] = dict.fromkeys(pairs)
    return tuple(seen)


@cache
def lexicon(code: str | None) -> ClaimLexicon:
    """The lexicon of a language. Text of no detected language gets the union of every
    language's words (it may be any of them); a language newstrace has no data for gets
    only what holds in every language (quote marks): there the other languages' cues are
    homographs, not cues (French "nie", "denies", is Polish "not"), and a claim credited
    through them is wrong where a missing one is only missing."""
    unsupported = code is not None and langdata.for_language(code) is None
    if unsupported:
        code = None

    def words(key: str) -> list[str]:
        if unsupported and key not in NEUTRAL_KEYS:
            return []
        return _strings(code, key)

    def folded(key: str) -> frozenset[str]:
        return frozenset(w.casefold() for w in words(key))

    conjunction_words = folded("conjunctions")
    complementizer_words = folded("complementizers")
    not_speakers = folded("not_speakers")
    cue_blockers = folded("cue_blockers")
    clause_words = folded("clause_words")
    noun_verbs = folded("noun_verbs")
    single_verbs = frozenset(v.casefold() for v in words("verbs") if len(v.split()) == 1)
    data = langdata.for_language(code) if code is not None else None
    # Quote marks are the same few everywhere: every language knows every known pair.
    quote_pairs = _pairs(words("quotes") + langdata.union("claims.quotes"))
    return ClaimLexicon(
        code=code or "und",
        quote_pairs=quote_pairs,
        verbs=compile_phrases(words("verbs")),
        according_to=compile_phrases(words("according_to")),
        status_phrases=tuple((key, compile_phrases(words(key))) for key in STATUS_KEYS),
        medium_markers=re.compile(
            r"\s*(?:" + phrase_pattern(words("medium_markers")) + r")\s+", re.IGNORECASE
        ),
        hedges=compile_phrases(words("hedges")),
        # A time phrase between a speaker and the cue goes as an auxiliary does ("Wie das
        # Ministerium am Montag mitteilte", "the judge on Saturday said"), written as listed:
        # "USA Today" and "Psychology Today" are media, not a time.
        auxiliaries=re.compile(
            r"(?:^|\s)(?:(?i:"
            + phrase_pattern(words("auxiliaries"))
            + r")|"
            + phrase_pattern(words("time_phrases"))
            + r")\s*$"
        ),
        inverted=re.compile(
            r"(?:^|\s)(" + phrase_pattern(words("inverted")) + r")\s*$", re.IGNORECASE
        ),
        complementizers=re.compile(
            r"\s*(?:" + phrase_pattern(words("complementizers")) + r")\s*", re.IGNORECASE
        ),
        conjunctions=re.compile(
            r"\s*(?:" + phrase_pattern(words("conjunctions")) + r")\s+", re.IGNORECASE
        ),
        pronouns=frozenset(w.casefold() for w in words("pronouns")),
        expletives=frozenset(w.casefold() for w in words("expletives")),
        crowds=frozenset(w.casefold() for w in words("crowds")),
        name_particles=frozenset(w.casefold() for w in words("name_particles")),
        noun_verbs=frozenset(w.casefold() for w in words("noun_verbs")),
        conjunction_words=frozenset(w.casefold() for w in words("conjunctions")),
        not_speakers=frozenset(w.casefold() for w in words("not_speakers")),
        medium_only=frozenset(w.casefold() for w in words("medium_only")),
        unresolved_pronouns=frozenset(w.casefold() for w in words("unresolved_pronouns")),
        auxiliary_words=frozenset(
            w.casefold() for phrase in words("auxiliaries") for w in phrase.split()
        ),
        cue_blockers=cue_blockers,
        function_words=(
            folded("function_words")
            | not_speakers
            | conjunction_words
            | complementizer_words
            | folded("expletives")
            | frozenset(w.casefold() for w in words("according_to") if len(w.split()) == 1)
        )
        - folded("crowds")
        - folded("pronouns"),
        clause_openers=(folded("clause_openers") | conjunction_words | complementizer_words)
        - cue_blockers,
        clause_words=clause_words,
        verb_words=single_verbs - noun_verbs - folded("crowds") - folded("not_verbs"),
        verb_endings=tuple(words("verb_endings")),
        adverb_endings=tuple(words("adverb_endings")),
        nouns_capitalised=bool(data.get("claims.nouns_capitalised", False)) if data else False,
        determiners=folded("determiners")
        | cue_blockers
        | folded("crowds")
        | folded("name_particles"),
        prepositions=folded("prepositions"),
        genitives=folded("genitives"),
        pronoun_genders=tuple(
            (str(k).casefold(), str(v))
            for k, v in (data.get("claims.pronoun_genders", {}) if data else {}).items()
        ),
        name_endings=tuple(
            (str(k), str(v))
            for k, v in (data.get("claims.name_endings", {}) if data else {}).items()
        ),
        object_markers=folded("object_markers"),
        object_prepositions=folded("object_prepositions"),
        separable_verbs=folded("separable_verbs"),
        separable_particles=folded("separable_particles"),
        set_phrases=re.compile(phrase_pattern(words("set_phrases")), re.IGNORECASE),
        time_opening=re.compile(r"(?:" + phrase_pattern(words("time_phrases")) + r")[\s,]+"),
        figure_words=frozenset(
            w.casefold()
            for key in ("quantities.numbers", "quantities.multipliers")
            for w in (_mapping(code, key))
        )
        | frozenset(w.casefold() for w in _strings_at(code, "quantities.vague")),
        event_stems=tuple(w.casefold() for w in words("event_stems")),
        first_person=folded("first_person"),
    )
