"""The `signals` stage: what a reader should doubt in an article, each with its evidence.

Signals are findings, not a verdict: page furniture that was in the source, a generic
author bio, no byline, no date, weasel attribution ("Analysts note"), a high share of
claims without a named source, and translation artifacts (doubled speech tags, sentences
left in another language). The near-copy signal needs other articles, so it is computed
by `newstrace.compare` from the store's `derives_from` edges.
"""

from __future__ import annotations

import re
from functools import cache

from newstrace.analysis.base import Context, analysed_length, stage
from newstrace.analysis.clean import is_bio
from newstrace.analysis.language import QUOTATION, detect_language
from newstrace.langdata import for_language, union
from newstrace.model import Article, Claim, Signal

# Removed-line reasons that mean the source page carried furniture into the text.
FURNITURE_REASONS = ("furniture", "related_headline")
# A removed bio is generic when it is a string of short self-describing fragments, or
# names at least this many stock self-descriptions ("fan de", "explorateur"): the
# content-farm bio of seed 000 has 6; a real bio ("Jane Doe covers energy for …") has none.
GENERIC_BIO_PHRASES = 2
# Claims without a named source (weasel and unattributed ones) over all claims but a
# writer's verification statements: the padded seed 002 has 6 of 14 (43%), the relayed
# interview of seed 000 3 of 12 (25%); 0.4 flags the first and not the second.
UNSOURCED_SHARE = 0.4
UNSOURCED_MIN = 3
UNSOURCED_TYPES = frozenset({"weasel", "unattributed"})
# A sentence is checked for being left untranslated only with this many letters: shorter
# ones (names, a title) are too short for py3langid to be trusted.
UNTRANSLATED_LETTERS = 60


@cache
def _doubled_tags(language: str) -> re.Pattern[str] | None:
    """Two speech tags in a row across a full stop, the second starting in lower case."""
    data = for_language(language)
    tags = data.strings("signals.speech_tags") if data is not None else []
    if not tags:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(tags, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:{alternatives})\s*[.!?]\s+(?:{alternatives})(?!\w)[^.!?\n]*",
    )


@cache
def _bio_phrases() -> tuple[str, ...]:
    return tuple(p.casefold() for p in union("bio.phrases"))


def _furniture(article: Article) -> list[Signal]:
    seen: dict[str, Signal] = {}
    for removed in article.removed:
        if removed.reason in FURNITURE_REASONS and removed.text.strip():
            evidence = f"{removed.reason.replace('_', ' ')} in the source: {removed.text.strip()}"
            seen.setdefault(removed.text.strip(), Signal("page_furniture", evidence, None, None))
    return list(seen.values())


def _generic_bio(article: Article) -> list[Signal]:
    found: list[Signal] = []
    for removed in article.removed:
        if removed.reason != "author_bio":
            continue
        folded = removed.text.casefold().replace("’", "'")
        stock = sum(1 for phrase in _bio_phrases() if phrase.replace("’", "'") in folded)
        if is_bio(removed.text) or stock >= GENERIC_BIO_PHRASES:
            found.append(Signal("generic_author_bio", removed.text.strip(), None, None))
    return found


def _missing(article: Article) -> list[Signal]:
    found: list[Signal] = []
    if not (article.byline or "").strip():
        found.append(
            Signal("no_byline", "no author is named in the page or its metadata", None, None)
        )
    if not (article.published or "").strip():
        found.append(
            Signal("no_date", "no publication date in the page or its metadata", None, None)
        )
    return found


def _weasels(article: Article) -> list[Signal]:
    found: list[Signal] = []
    for claim in article.claims:
        if claim.type != "weasel":
            continue
        start = claim.speaker_start if claim.speaker_start is not None else claim.start
        end = claim.end
        found.append(Signal("weasel_attribution", article.text[start:end], start, end))
    return found


def _unsourced(article: Article) -> list[Signal]:
    counted = [c for c in article.claims if c.type != "verification"]
    nameless: list[Claim] = [c for c in counted if c.type in UNSOURCED_TYPES]
    if len(nameless) < UNSOURCED_MIN or len(nameless) < UNSOURCED_SHARE * len(counted):
        return []
    share = round(100 * len(nameless) / len(counted))
    first = nameless[0]
    # Counted against every claim the article lists, so the figure agrees with the list;
    # verification statements report no speech, so the share leaves them out.
    checks = len(article.claims) - len(counted)
    aside = f", {checks} verification{'s' if checks != 1 else ''} aside" if checks else ""
    evidence = (
        f"{len(nameless)} of {len(article.claims)} claims name no source "
        f"({share}% of those reporting speech{aside}); "
        f"first: {article.text[first.start : first.end]}"
    )
    return [Signal("unsourced_claims", evidence, first.start, first.end)]


def _translation(article: Article, context: Context) -> list[Signal]:
    found: list[Signal] = []
    pattern = _doubled_tags(article.language) if article.language else None
    limit = analysed_length(article.text, context.settings.analysis.max_analysed_chars)
    if pattern is not None:
        for match in pattern.finditer(article.text, 0, limit):
            evidence = f"doubled speech tag: {match.group(0).strip()}"
            found.append(Signal("translation_artifact", evidence, match.start(), match.end()))
    if not article.language:
        return found
    for sentence in article.sentences:
        if sentence.end > limit:
            break
        context.deadline.check()
        text = QUOTATION.sub(" ", article.text[sentence.start : sentence.end])
        if sum(1 for ch in text if ch.isalpha()) < UNTRANSLATED_LETTERS:
            continue
        other = detect_language(text, article.language)
        if other is not None and other != article.language:
            evidence = f"left in {other}: {article.text[sentence.start : sentence.end].strip()}"
            found.append(Signal("translation_artifact", evidence, sentence.start, sentence.end))
    return found


@stage(
    "signals",
    reads=["text", "language", "sentences", "removed", "byline", "published", "claims"],
    writes=["signals"],
)
def signals(article: Article, context: Context) -> Article:
    """Every finding a reader should weigh, each with its evidence span (None: not in text).

    Translation artifacts are looked for in the analysed part of the text only
    (`analysis.max_analysed_chars`), as claims are.
    """
    article.signals = [
        *_furniture(article),
        *_generic_bio(article),
        *_missing(article),
        *_weasels(article),
        *_unsourced(article),
        *_translation(article, context),
    ]
    return article
