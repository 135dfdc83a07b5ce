"""Whether a speaker string can be a speaker at all: a noun phrase, not a clause fragment.

A plausible speaker is a noun phrase headed by a person, an organization, a group, a medium
or a role ("Vladimir Rogov", "the prosecutors", "Newsweek", "a senior official", "він").
Every language is read with its own `[claims]` data (`newstrace/lang/<iso>.toml`); the rules,
in the order they are tried, each giving the reason a speaker fails:

1. ``empty``: no letter at all.
2. ``url``: a web address, an e-mail or a handle path ("https://…", "www.…", "site.com/…").
3. ``punctuation``: sentence or clause punctuation inside (``? ! ; → | = < >``, a colon,
   a quote mark, an unbalanced bracket), a line break, or a dash first ("– пожаловалась"):
   two texts glued together, or the cue's own dash.
   A last word cut by an elision ("ce qu’", "le semestre s’") is the start of a clause.
4. ``too long``: more than `MAX_SPEAKER_WORDS` words: a clause, not a name or a role.
5. ``function word``: a lone word of the language's function words (prepositions,
   conjunctions, adverbs, auxiliaries, determiners: `function_words`, `not_speakers`,
   `conjunctions`, `auxiliaries`, `complementizers`, `expletives`), or a lone reporting
   verb ("including", "raising").
6. ``opens like a clause``: the first word is a conjunction, a complementizer, a
   preposition, an auxiliary or a reporting verb ("has avoided …", "that …", "including …",
   "пожаловалась Поризкова").
7. ``ends like a fragment``: the last word is a function word, an auxiliary or a reporting
   verb ("… for seven years after", "He has always", "What did").
8. ``pronoun with more``: a pronoun or an expletive followed by other words ("Она
   откровенно", "it posted a series of tweets"): a pronoun speaks alone.
9. ``clause inside``: a lower-case finite verb or auxiliary of `clause_words` inside
   ("peace talks are ever revived").
10. ``verb form``: a single lower-case word with a verb ending of `verb_endings` ("raising"),
    or an adverb's of `adverb_endings` ("eventualmente", "reportedly").
11. ``no noun``: where every noun is capitalised (German, `nouns_capitalised`), a single
    lower-case word that is no pronoun ("betonend", "damals"), or a lower-case first word
    that is no determiner, crowd or name particle of `determiners` ("darf Maron", "bitte
    ohne überheblichen Fund"): a noun phrase opens with its article or its noun.

What passes is not proven right, only possible: the checker guards against fragments, and
the claims stage drops a speaker that fails it (the claim becomes `unattributed`, its cue
kept), because a missing speaker is better than a wrong one.
"""

from __future__ import annotations

import re

from newstrace.analysis.claims.lexicon import ClaimLexicon

# Longest plausible speaker, in words, without its role ("the Republican National Committee's
# chief strategist Sean Spicer" is 8). 10: every gold Source of PolNeAR train that is a
# noun phrase is shorter; longer predicted speakers were clauses (benchmarks/speakers.py).
MAX_SPEAKER_WORDS = 10

# A scheme, "www.", an e-mail, or a domain with a path; a bare domain names a medium
# ("EW.com", "ouest-france.fr") and "CNN/ORC" a pair of pollsters.
_URL = re.compile(r"(?i)(?:\w+://|\bwww\.|\S@\S+\.\w|\w\.[a-z]{2,6}/|(?:^|\s)/\w|\.html?\b)")
_PUNCTUATION = re.compile(r"[?!;→|=<>\n“”«»„\"‹›]|:(?!\d)")
_WORD = re.compile(r"[^\W\d_][\w’'.-]*|\d[\w’'.,-]*")


def _words(speaker: str) -> list[str]:
    return _WORD.findall(speaker)


def _balanced(speaker: str) -> bool:
    return speaker.count("(") == speaker.count(")") and speaker.count("[") == speaker.count("]")


def implausible(speaker: str, lexicon: ClaimLexicon) -> str | None:
    """Why a speaker string cannot be a speaker in this language, or None when it can."""
    text = speaker.strip()
    words = _words(text)
    if not any(c.isalpha() for c in text) or not words:
        return "empty"
    if _URL.search(text):
        return "url"
    if (
        _PUNCTUATION.search(text)
        or not _balanced(text)
        or text[0] in "—–-"
        or text.endswith(("’", "'"))
    ):
        return "punctuation"
    if len(words) > MAX_SPEAKER_WORDS:
        return "too long"
    folded = [w.casefold().strip(".’'") for w in words]
    lower = [w[:1].islower() for w in words]
    function = lexicon.function_words
    verbal = lexicon.verb_words | lexicon.clause_words
    if len(words) == 1:
        word = folded[0]
        if word in lexicon.pronouns:
            return None
        if word in function or (lower[0] and word in verbal):
            return "function word"
        endings = lexicon.verb_endings + lexicon.adverb_endings
        if lower[0] and any(word.endswith(e) for e in endings):
            return "verb form"
        if lower[0] and lexicon.nouns_capitalised and word not in lexicon.determiners:
            return "no noun"
        return None
    if lower[0] and lexicon.nouns_capitalised and folded[0] not in lexicon.determiners:
        return "no noun"
    # "von der Leyen": a name that opens with its particles.
    particles = lower[0] and all(
        w in lexicon.name_particles for w, low in zip(folded, lower, strict=True) if low
    )
    if not (particles and not lower[-1]) and (
        folded[0] in lexicon.clause_openers or (lower[0] and folded[0] in verbal)
    ):
        return "opens like a clause"
    if lower[-1] and (folded[-1] in function or folded[-1] in verbal or lexicon.nouns_capitalised):
        return "ends like a fragment"
    if folded[0] in lexicon.pronouns | (lexicon.expletives - lexicon.cue_blockers):
        return "pronoun with more"
    if any(low and word in lexicon.clause_words for word, low in zip(folded, lower, strict=True)):
        return "clause inside"
    return None


def plausible(speaker: str, lexicon: ClaimLexicon) -> bool:
    """Whether a speaker string is a noun phrase that can speak (see the module's rules)."""
    return implausible(speaker, lexicon) is None
