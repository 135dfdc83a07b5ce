"""The `media` stage: the outlets a text names as its source ("told TASS", "selon Newsweek").

An outlet found by the `entities` stage counts as cited when a citing cue of the language
(`[media] before` / `after`) stands next to it, or when it signs a dateline ("(Reuters) -",
"— AFP"). An outlet merely talked about is not a source. A credit line the clean stage
took out of the body ("© 2019 Associated Press", reason `credit`) names the wire service
the story came from: that outlet is cited too, after those the text cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newstrace import langdata
from newstrace.analysis.base import Context, analysed_text, stage
from newstrace.model import Article, Entity
from newstrace.nlp.gazetteer import gazetteer
from newstrace.nlp.names import fold

# Words allowed between a cue and the outlet ("told the state news agency TASS": 4).
GAP_WORDS = 4
# A dateline signature: "(Reuters) -", "(AFP)", "— dpa", "/ TASS /" at a line or text edge.
DATELINE_BEFORE = re.compile(r"(?:^|\n|[(\[/—–-])\s*$")
DATELINE_AFTER = re.compile(r"^\s*(?:[)\]/]|[—–-]\s|:|\n|$)")
# `is_cited` reads 80 folded characters on each side of a mention, within its sentence;
# the sentence's edges are looked for this far only (a search to the text's ends, for
# every mention of a text without full stops, was quadratic).
SENTENCE_REACH = 400


@dataclass(frozen=True)
class Cues:
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None


def _pattern(phrases: list[str], anchor: str) -> re.Pattern[str] | None:
    folded = sorted({fold(p).text.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not folded:
        return None
    body = "|".join(re.escape(p) for p in folded)
    gap = rf"(?:[\s'’]+[^\W\d_]+){{0,{GAP_WORDS}}}[\s'’]*"
    if anchor == "before":
        return re.compile(rf"(?<![\w])(?:{body}){gap}$")
    return re.compile(rf"^\s*[,]?\s*(?:{body})(?![\w])")


@cache
def cues(language: str | None) -> Cues:
    """A language's citing cues, or every language's when it is unknown."""
    data = langdata.for_language(language)

    def strings(dotted: str) -> list[str]:
        return data.strings(dotted) if data is not None else langdata.union(dotted)

    return Cues(
        _pattern(strings("media.before"), "before"), _pattern(strings("media.after"), "after")
    )


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end), or SENTENCE_REACH characters each side of it."""
    floor = max(0, start - SENTENCE_REACH)
    ceiling = min(len(text), end + SENTENCE_REACH)
    left = max(text.rfind(c, floor, start) for c in ".!?\n") + 1
    if left == 0:
        left = floor
    rights = [i for c in ".!?\n" if (i := text.find(c, end, ceiling)) != -1]
    return left, min(rights) if rights else ceiling


def is_cited(text: str, mention: Entity, found: Cues) -> bool:
    """Whether this mention of an outlet is cited as a source of the text."""
    left, right = _sentence_bounds(text, mention.start, mention.end)
    before = fold(text[left : mention.start]).text
    after = fold(text[mention.end : right + 1]).text
    if found.before is not None and found.before.search(before[-80:]):
        return True
    if found.after is not None and found.after.match(after[:80]):
        return True
    edge_before = text[max(0, mention.start - 3) : mention.start]
    edge_after = text[mention.end : mention.end + 3]
    return bool(DATELINE_BEFORE.search(edge_before) and DATELINE_AFTER.match(edge_after))


@cache
def outlet_names() -> dict[str, str]:
    """Outlet key → the name Article.media shows ("medium:tass" → "TASS")."""
    return {e.key: e.name for e in gazetteer().exact.values() if e.kind == "medium"}


def cited_media(text: str, language: str | None, entities: list[Entity]) -> list[str]:
    """Outlet names the text cites, in order of first citation, each once."""
    found = cues(language)
    names = outlet_names()
    media: dict[str, None] = {}
    for mention in entities:
        if mention.kind == "medium" and is_cited(text, mention, found):
            media.setdefault(names.get(mention.key, mention.text), None)
    return list(media)


def credited_media(credit_lines: list[str]) -> list[str]:
    """Outlet names that credit lines name, each once."""
    names = outlet_names()
    media: dict[str, None] = {}
    for line in credit_lines:
        for match in gazetteer().find(line):
            if match.entry.kind == "medium":
                media.setdefault(names.get(match.entry.key, match.entry.name), None)
    return list(media)


@stage("media", reads=["text", "language", "entities", "removed"], writes=["media"])
def media(article: Article, context: Context) -> Article:
    """List the outlets the article cites, the first link of its provenance chain."""
    cited = cited_media(analysed_text(article, context), article.language, article.entities)
    credits = credited_media([r.text for r in article.removed if r.reason == "credit"])
    article.media = list(dict.fromkeys(cited + credits))
    return article
