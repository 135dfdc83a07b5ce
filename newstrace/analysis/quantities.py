"""The `quantities` stage: figures and vague amounts, with what they count.

"20 000", "20,000", "20.000", "20 тысяч", "plus de 20 000", "two dozen" get a value;
"several dozen", "des milliers", "thousands" keep their words with a null value. What is
counted is the phrase after the amount ("volontaires étrangers", "pays"). Number words,
multipliers, qualifiers and the decimal separator are language data (`[quantities]`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from newstrace import langdata
from newstrace.analysis.base import Context, analysed_text, stage
from newstrace.analysis.spans import DisjointSpans
from newstrace.model import Article, Quantity
from newstrace.nlp.names import Folded, fold

# Digits with group or decimal separators: "20 000", "20,000", "1.234,5", "3.5".
NUMBER = re.compile(r"(?<![\w.,\-/:])\d+(?:(?:[ \u00a0\u202f\u2009]|[.,'’])\d+)*")
SPACES = " \u00a0\u202f\u2009"
WORDS_AFTER = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Words a counted phrase may hold: the seeds' longest is "volontaires étrangers"; a third
# word is more often a verb than a noun ("foreign volunteers arrived").
MAX_UNIT_WORDS = 2
CURRENCIES = {"$": "$", "€": "€", "£": "£", "¥": "¥", "₽": "₽", "₴": "₴"}
# Years are dates, not amounts, unless a multiplier follows ("2000 thousand" never occurs).
YEARS = range(1800, 2101)


@dataclass(frozen=True)
class Lexicon:
    """A language's number knowledge, folded for case- and accent-blind matching."""

    decimal: str | None
    multipliers: dict[str, float]
    numbers: dict[str, float]
    vague: re.Pattern[str] | None
    words: re.Pattern[str] | None
    qualifiers: re.Pattern[str] | None
    unit_skip: frozenset[str]
    unit_links: frozenset[str]
    unit_stop: frozenset[str]
    percent: tuple[str, ...]
    months: frozenset[str]


def _alternation(phrases: list[str], tail: str = "") -> re.Pattern[str] | None:
    folded = sorted({fold(p).text for p in phrases if p.strip()}, key=len, reverse=True)
    if not folded:
        return None
    body = "|".join(re.escape(p) for p in folded)
    return re.compile(rf"(?<![\w])(?:{body}){tail}(?![\w])")


def _table(dotted: str, language: str | None) -> dict[str, float]:
    data = langdata.for_language(language)
    languages = langdata.all_languages() if data is None else (data,)
    tables = [d.get(dotted, {}) for d in languages]
    merged: dict[str, float] = {}
    for table in tables:
        if isinstance(table, dict):
            for word, value in table.items():
                merged.setdefault(fold(str(word)).text, float(value))
    return merged


@cache
def lexicon(language: str | None) -> Lexicon:
    """The number words of a language, or of every language when it is unknown."""
    data = langdata.for_language(language)

    def strings(dotted: str) -> list[str]:
        return data.strings(dotted) if data is not None else langdata.union(dotted)

    decimal = str(data.get("quantities.decimal_separator")) if data is not None else None
    numbers = _table("quantities.numbers", language)
    return Lexicon(
        decimal=decimal,
        multipliers=_table("quantities.multipliers", language),
        numbers=numbers,
        vague=_alternation(strings("quantities.vague")),
        words=_alternation(list(numbers)),
        qualifiers=_alternation(strings("quantities.qualifiers"), tail=r"\s*$"),
        unit_skip=frozenset(fold(w).text for w in strings("quantities.unit_skip")),
        unit_links=frozenset(fold(w).text for w in strings("quantities.unit_links")),
        unit_stop=frozenset(fold(w).text for w in strings("quantities.unit_stop")),
        percent=tuple(fold(w).text for w in strings("quantities.percent")),
        months=frozenset(fold(w).text for w in strings("quantities.months")),
    )


def parse_number(raw: str, decimal: str | None) -> tuple[float, int] | None:
    """Value of a written number and how many characters of it are one number, or None.

    A separator followed by exactly three digits groups thousands, unless it is the
    language's decimal separator ("20.000" is 20000 in German, 20.0 in English); a space
    only ever groups, so "2022 20" stops after "2022".
    """
    parts = re.split(r"([ \u00a0\u202f\u2009.,'’])", raw)
    digits, seps = parts[0::2], parts[1::2]
    # Cut at the first space not followed by a group of three digits.
    for index, sep in enumerate(seps):
        if sep in SPACES and len(digits[index + 1]) != 3:
            digits, seps = digits[: index + 1], seps[:index]
            break
    consumed = len("".join(p for pair in zip(digits, [*seps, ""], strict=False) for p in pair))
    if not seps:
        return float(digits[0]), consumed
    point: int | None = None
    last = seps[-1]
    if last in ".," and (len(digits[-1]) != 3 or last == decimal or len(set(seps)) > 1):
        point = len(seps) - 1
    groups = seps[:point] if point is not None else seps
    if len(set(groups)) > 1 or any(len(d) != 3 for d in digits[1 : len(groups) + 1]):
        return None  # dates and codes ("12.05.2022", "1,2,3")
    whole = "".join(digits[: len(groups) + 1])
    fraction = digits[-1] if point is not None else ""
    return float(f"{whole}.{fraction}" if fraction else whole), consumed


def _multiplier(folded: str, end: int, lex: Lexicon) -> tuple[float, int]:
    """A multiplier word right after a figure ("20 тысяч", "1,5 млн.", "20k"): factor, end."""
    match = re.match(r"[ \u00a0\u202f\u2009]?([^\W\d_]+)\.?", folded[end:])
    if match and match.group(1) in lex.multipliers:
        stop = end + match.end(1)
        if folded[stop : stop + 1] == ".":
            stop += 1
        return lex.multipliers[match.group(1)], stop
    return 1.0, end


def percent_end(ftext: str, end: int, lex: Lexicon) -> int | None:
    """End of a percent sign or word right after a figure ("45%", "3,5 pour cent"), or None."""
    rest = ftext[end : end + 40]
    for phrase in ("%", *lex.percent):
        match = re.match(rf"[{SPACES}]*{re.escape(phrase)}(?!\w)", rest)
        if match:
            return end + match.end()
    return None


def counted(text: str, folded: Folded, end: int, lex: Lexicon) -> str | None:
    """What an amount counts: the words after it, up to a function word or punctuation."""
    if percent_end(folded.text, end, lex) is not None:
        return "%"
    rest = folded.text[end : end + 120]
    words: list[tuple[str, int, int]] = []
    position = 0
    link: tuple[int, int] | None = None
    for match in WORDS_AFTER.finditer(rest):
        gap = rest[position : match.start()]
        if gap.strip(SPACES + "'’-"):
            break
        word = match.group()
        position = match.end()
        if not words and link is None and word in lex.unit_skip:
            continue
        if word in lex.unit_stop or len(words) >= MAX_UNIT_WORDS:
            if not words and link is None and word in lex.unit_links:
                link = (match.start(), match.end())
                continue
            break
        words.append((word, match.start(), match.end()))
    if not words:
        return None
    first = link[0] if link is not None else words[0][1]
    start, stop = folded.span(end + first, end + words[-1][2])
    return text[start:stop]


def is_date_or_time(ftext: str, start: int, end: int, lex: Lexicon) -> bool:
    """A day of a month ("May 03", "3 mai") or a part of a time or date ("1: 32", "05 / 02")."""
    if re.search(r"[:/]\s?$", ftext[max(0, start - 3) : start]) or re.match(
        r"\s?[:/]\s?\d", ftext[end : end + 4]
    ):
        return True
    before = re.findall(r"[^\W\d_]+", ftext[max(0, start - 20) : start])
    after = re.match(r"[ \u00a0]*([^\W\d_]+)", ftext[end : end + 20])
    return bool(
        (before and before[-1] in lex.months and ftext[start - 1 : start].isspace())
        or (after and after.group(1) in lex.months)
    )


def find_quantities(text: str, language: str | None) -> list[Quantity]:
    """Every figure and vague amount of a text, with its value and what it counts."""
    lex = lexicon(language)
    folded = fold(text)
    ftext = folded.text
    found: list[tuple[int, int, float | None]] = []
    for match in NUMBER.finditer(ftext):
        tail = ftext[match.end() : match.end() + 1]
        if tail.isalpha() and not ftext[match.end() :].startswith(tuple(lex.multipliers)):
            continue  # "1er", "2nd", "68-й" (the hyphen case: lookbehind) and codes
        after = ftext[match.end() + 1 : match.end() + 2]
        if (tail == "-" and after.isalpha()) or (tail in ":/" and after.isdigit()):
            continue  # "68-й", times ("10:30") and dates ("5/12")
        if is_date_or_time(ftext, match.start(), match.end(), lex):
            continue
        parsed = parse_number(match.group(), lex.decimal)
        if parsed is None:
            continue
        value, length = parsed
        factor, end = _multiplier(ftext, match.start() + length, lex)
        if not math.isfinite(value * factor):
            continue  # thousands of digits: a code or garbage, and no JSON number holds it
        if factor == 1.0 and length == 4 and int(value) in YEARS and value.is_integer():
            continue
        found.append((match.start(), end, value * factor))
    # Figures never overlap each other, nor number words the spans already taken: one
    # sorted index answers each "is this taken?" in O(log n) (a scan was quadratic).
    taken = DisjointSpans([(a, percent_end(ftext, b, lex) or b) for a, b, _ in found])
    if lex.words is not None:
        for match in lex.words.finditer(ftext):
            if taken.overlaps(match.start(), match.end()):
                continue
            factor, end = _multiplier(ftext, match.end(), lex)
            found.append((match.start(), end, lex.numbers[match.group()] * factor))
            taken.add(match.start(), end)
    if lex.vague is not None:
        for match in lex.vague.finditer(ftext):
            if not taken.overlaps(match.start(), match.end()):
                found.append((match.start(), match.end(), None))
                taken.add(match.start(), match.end())
    quantities: list[Quantity] = []
    for start, end, amount in sorted(found, key=lambda f: (f[0], f[1])):
        if lex.qualifiers is not None:
            qualifier = lex.qualifiers.search(ftext[max(0, start - 30) : start])
            if qualifier is not None:
                start = max(0, start - 30) + qualifier.start()
        unit = counted(text, folded, end, lex)
        symbol = text[start - 1 : start] if start > 0 else ""
        if unit is None and symbol in CURRENCIES:
            unit = CURRENCIES[symbol]
        a, b = folded.span(start, end)
        quantities.append(Quantity(text[a:b], amount, unit, a, b))
    return quantities


@stage("quantities", reads=["text", "language"], writes=["quantities"])
def quantities(article: Article, context: Context) -> Article:
    """Find figures and vague amounts, so versions of a story can be compared by number.

    Only the analysed part of the text is read (`analysis.max_analysed_chars`).
    """
    article.quantities = find_quantities(analysed_text(article, context), article.language)
    return article
